"""Downloads of one workshop: the roadmap PDF and the issues and actions CSV files.

Facilitators and participants of the workshop only (anyone else gets 404), and
never cached: the documents carry the workshop's names and may change any minute.
"""

import re

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from visions.live.access import membership
from visions.documents.csv_exports import actions_csv, issues_csv
from visions.documents.pdf import PdfExportError, WorkshopTooLargeForPdf, render_workshop_pdf
from visions.documents.snapshot import load_snapshot

UNSAFE_FILENAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def download_name(workshop, suffix):
    """The workshop's title as a file name, Japanese kept (sent as RFC 6266 filename*)."""
    title = UNSAFE_FILENAME_CHARACTERS.sub("_", workshop.title).strip(" ._") or f"workshop-{workshop.pk}"
    return f"{title[:80]} {suffix}"


def attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def workshop_export_pdf(request, pk):
    member = membership(request, pk)
    workshop = member.workshop
    try:
        pdf = render_workshop_pdf(workshop)
    except PdfExportError as error:
        response = render(
            request,
            "pdf/export_failed.html",
            {"workshop": workshop, "member": member, "message": str(error)},
            status=422 if isinstance(error, WorkshopTooLargeForPdf) else 503,
        )
        response["Cache-Control"] = "no-store"
        return response
    return attachment(pdf, "application/pdf", download_name(workshop, "roadmap.pdf"))


@require_GET
def workshop_export_issues_csv(request, pk):
    workshop = membership(request, pk).workshop
    return attachment(
        issues_csv(load_snapshot(workshop).without_hidden()), "text/csv; charset=utf-8", download_name(workshop, "issues.csv")
    )


@require_GET
def workshop_export_actions_csv(request, pk):
    workshop = membership(request, pk).workshop
    return attachment(
        actions_csv(load_snapshot(workshop).without_hidden()), "text/csv; charset=utf-8", download_name(workshop, "actions.csv")
    )
