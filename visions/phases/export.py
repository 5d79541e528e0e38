"""Phase 6, commit and export: the summary, and the downloads (roadmap PDF, issues and actions CSV, workshop file).

Downloads are for the workshop's people only (anyone else gets 404), never cached: the
documents carry the workshop's names and may change any minute. The workshop file keeps
hidden contributions and each person's own votes and scores: facilitators only.
The roadmap PDF is made by the task worker (visions/documents/pdf_jobs.py), never in a request:
until it is ready, its address answers a page that says so and follows it.
"""

import re
import unicodedata

from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as render_template
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from visions.documents import workshop_file
from visions.documents.csv_exports import actions_csv, issues_csv
from visions.documents.pdf import PdfExportError, render_html_to_pdf
from visions.documents.pdf_jobs import pdf_bytes, request_render, retry_render
from visions.documents.snapshot import load_snapshot
from visions.live.activity import Subject, declare
from visions.live.access import viewer_for
from visions.live.pages import Board, Fragment, register
from visions.live.writes import facilitator_page
from visions.models import Action, Assessment, Issue, Milestone, Participant, Phase, Target, Vision
from visions.phases.console import ISSUE_HIDDEN, ISSUE_RESTORED, VISION_HIDDEN, VISION_RESTORED
from visions.phases.current_state import ASSESSMENT_ADDED, ASSESSMENT_DELETED
from visions.phases.issues import ISSUE_ADDED, ISSUE_DELETED
from visions.phases.roadmap import ROADMAP_CHANGES
from visions.phases.stakeholders import PARTICIPANT_JOINED
from visions.phases.vision import (
    TARGET_ADDED,
    TARGET_DELETED,
    VISION_ADDED,
    VISION_ADOPTED,
    VISION_DELETED,
    VISION_EDITED,
    adopted_vision_with_targets,
)


# The commitment views (visions/phases/commitments.py) record this; declared here so the board can show it.
COMMITMENT_ADDED = declare(Subject.COMMITMENT, "created")


def export_summary(workshop_id):
    return {
        "visions": Vision.objects.filter(workshop_id=workshop_id, hidden=False).count(),
        "targets": Target.objects.filter(workshop_id=workshop_id).count(),
        "assessments": Assessment.objects.filter(target__workshop_id=workshop_id).count(),
        "issues": Issue.objects.filter(workshop_id=workshop_id, hidden=False).count(),
        "milestones": Milestone.objects.filter(workshop_id=workshop_id).count(),
        "actions": Action.objects.filter(workshop_id=workshop_id).count(),
        "participants": Participant.objects.filter(workshop_id=workshop_id).count(),
    }


def export_links(viewer):
    names = [
        ("workshop_export_pdf", _("Roadmap document (PDF)")),
        # The workshop file keeps hidden contributions and each person's votes: facilitators only.
        ("workshop_export_json", _("Workshop file (JSON)")) if viewer.is_facilitator else None,
        ("workshop_export_issues_csv", _("Issues (CSV)")),
        ("workshop_export_actions_csv", _("Actions (CSV)")),
    ]
    return [(label, reverse(name, args=[viewer.workshop_id])) for name, label in filter(None, names)]


class ExportBoard(Board):
    kind = phase = Phase.EXPORT
    # The summary counts these, and the page heads with the adopted vision; other changes leave it as it is.
    shows = frozenset(
        {
            VISION_ADDED,
            VISION_DELETED,
            VISION_HIDDEN,
            VISION_RESTORED,
            VISION_ADOPTED,
            VISION_EDITED,
            TARGET_ADDED,
            TARGET_DELETED,
            ASSESSMENT_ADDED,
            ASSESSMENT_DELETED,
            ISSUE_ADDED,
            ISSUE_DELETED,
            ISSUE_HIDDEN,
            ISSUE_RESTORED,
            PARTICIPANT_JOINED,
            *ROADMAP_CHANGES,
            COMMITMENT_ADDED,
        }
    )
    template = "phases/export.html"

    def page(self, viewer, context):
        return {
            "summary": export_summary(viewer.workshop_id),
            "adopted": adopted_vision_with_targets(viewer.workshop_id),
            "downloads": export_links(viewer),
            "overview_url": reverse("workshop_detail", args=[viewer.workshop_id]),
            "commitments_block": commitments_context(viewer),
        }

    def delta(self, viewer, changes, context):
        fragments = []
        if changes.any_of(VISION_ADOPTED, VISION_EDITED):
            fragments.append(
                Fragment("phases/export.html#adopted", adopted_vision_with_targets(viewer.workshop_id))
            )
        if changes.subjects:
            fragments.append(Fragment("phases/export.html#summary", export_summary(viewer.workshop_id)))
        if changes.any_of(COMMITMENT_ADDED):
            fragments.append(Fragment("phases/export.html#commitments", {"commitments_block": commitments_context(viewer)}))
        return fragments


def commitments_context(viewer):
    from visions.phases.commitments import CommitmentForm, commitments_of

    return {
        "commitments": commitments_of(viewer.workshop_id),
        "commitment_form": CommitmentForm() if viewer.is_facilitator else None,
        "workshop": viewer.workshop,
        "viewer": viewer,
    }


BOARD = register(ExportBoard())


UNSAFE_FILENAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def visible_characters(text):
    """Text without control, format (bidi overrides such as U+202E, zero-width) and separator characters."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" and unicodedata.category(ch) not in ("Zl", "Zp"))


def download_name(workshop, suffix):
    """The workshop's title as a file name, Japanese kept (sent as RFC 6266 filename*)."""
    # A bidi override would show "roadmap.pdf" as something else in a download list.
    title = UNSAFE_FILENAME_CHARACTERS.sub("_", visible_characters(workshop.title)).strip(" ._")
    title = title or f"workshop-{workshop.pk}"
    return f"{title[:80]} {suffix}"


def attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_state(render):
    """What the person waiting sees: preparing, stuck (taking longer than any render), ready or failed."""
    if render.is_ready or render.is_failed:
        return render.status
    return "stuck" if render.is_stuck else "preparing"


def pdf_links(render):
    """Where the preparing page downloads, asks again and retries: the roadmap now, or a commitment's copy."""
    if render.commitment_id:
        names, args = ("commitment_pdf", "commitment_pdf_status", "commitment_pdf_retry"), [
            render.workshop_id,
            render.commitment_id,
        ]
    else:
        names, args = ("workshop_export_pdf", "workshop_export_pdf_status", "workshop_export_pdf_retry"), [
            render.workshop_id
        ]
    return dict(zip(("download", "status", "retry"), (reverse(name, args=args) for name in names), strict=True))


def pdf_page(request, viewer, render, template="pdf/preparing.html", status=200, title=None):
    context = {
        "workshop": viewer.workshop,
        "viewer": viewer,
        "render": render,
        "state": pdf_state(render),
        "pdf_links": pdf_links(render),
        "pdf_title": title,
    }
    response = render_template(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def pdf_download(request, viewer, render, filename, title=None):
    """The finished PDF; its failure, said; or the page that says it is being prepared."""
    if render.is_ready:
        return attachment(pdf_bytes(render), "application/pdf", download_name(viewer.workshop, filename))
    if render.is_failed:
        status = 422 if render.refused else 503
        return pdf_page(request, viewer, render, "pdf/export_failed.html", status=status, title=title)
    return pdf_page(request, viewer, render, title=title)


def pdf_status(request, viewer, render, title=None):
    """The preparing page's poll: nothing new (204) while the state it shows holds, else the new state."""
    if request.GET.get("shown") == pdf_state(render):
        return HttpResponse(status=204)
    return pdf_page(request, viewer, render, "pdf/_render_status.html", title=title)


def pdf_retry(request, viewer, render, title=None):
    """Try a failed or stuck render again (a refusal, too large, stays)."""
    retry_render(render)
    if not request.htmx:
        return redirect(pdf_links(render)["download"])
    render.refresh_from_db(fields=["status", "error", "refused", "requested_at", "started_at"])
    return pdf_page(request, viewer, render, "pdf/_render_status.html", title=title)


@require_GET
def workshop_export_pdf(request, pk):
    """The roadmap PDF of the workshop as it is now, once the task worker has made it; until then, a page
    that says it is being prepared and offers the download when it is ready. Never renders here."""
    viewer = viewer_for(request, pk)
    return pdf_download(request, viewer, request_render(viewer.workshop), "roadmap.pdf")


@require_GET
def workshop_export_pdf_status(request, pk):
    viewer = viewer_for(request, pk)
    return pdf_status(request, viewer, request_render(viewer.workshop))


@require_POST
def workshop_export_pdf_retry(request, pk):
    viewer = viewer_for(request, pk)
    return pdf_retry(request, viewer, request_render(viewer.workshop))


def csv_download(request, pk, table, suffix):
    """One CSV table of the workshop, without what a facilitator hid."""
    workshop = viewer_for(request, pk).workshop
    content = table(load_snapshot(workshop).without_hidden())
    return attachment(content, "text/csv; charset=utf-8", download_name(workshop, suffix))


@require_GET
def workshop_export_issues_csv(request, pk):
    return csv_download(request, pk, issues_csv, "issues.csv")


@require_GET
def workshop_export_actions_csv(request, pk):
    return csv_download(request, pk, actions_csv, "actions.csv")


@require_GET
def join_sheet(request, pk):
    """The printable A4 join sheet for the tables: the QR code, the address and the code."""
    from visions.workshops.joining import join_sheet_html

    workshop = facilitator_page(request, pk).workshop
    try:
        pdf, _peak_kib = render_html_to_pdf(join_sheet_html(request, workshop))
    except PdfExportError as error:
        response = render_template(
            request, "pdf/export_failed.html", {"workshop": workshop, "message": str(error)}, status=503
        )
        response["Cache-Control"] = "no-store"
        return response
    return attachment(pdf, "application/pdf", download_name(workshop, "join sheet.pdf"))


@require_GET
def workshop_export_json(request, pk):
    workshop = facilitator_page(request, pk).workshop
    document = workshop_file.export_document(workshop)
    response = attachment(
        workshop_file.dumps(document), "application/json; charset=utf-8", f"workshop-{workshop.pk}.json"
    )
    return response
