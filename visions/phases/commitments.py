"""Phase 6: the group's commitments, recorded by the facilitator, each opened and downloaded as it was."""

from django import forms
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from visions.documents import workshop_file
from visions.documents.commitments import commitment_view, record_commitment
from visions.documents.pdf_jobs import request_render
from visions.live.access import viewer_for
from visions.live.activity import record
from visions.live.guard import Needs
from visions.live.writes import done, facilitator_page, write
from visions.models import Commitment
from visions.phases.export import COMMITMENT_ADDED, attachment, download_name, pdf_download, pdf_retry, pdf_status


class CommitmentForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the commitment"),
        max_length=Commitment.NAME_LENGTH,
        help_text=_('For example "Council meeting 2027-03".'),
    )


def commitments_of(workshop_id):
    return list(Commitment.objects.filter(workshop_id=workshop_id).defer("snapshot").select_related("committed_by"))


@write(needs=Needs.FACILITATOR)
def commitment_create(request, viewer):
    """Record the roadmap as agreed now, with its derived numbers, under the name given."""
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        context = {"workshop": viewer.workshop, "viewer": viewer, "form": form}
        return render(request, "phases/commitment_form.html", context, status=422)
    commitment = record_commitment(viewer.workshop, form.cleaned_data["name"].strip(), request.user)
    record(viewer, COMMITMENT_ADDED, commitment, summary=commitment.name)
    return done(request, commitment_url(commitment))


def commitment_url(commitment):
    from django.urls import reverse

    return reverse("commitment_detail", args=[commitment.workshop_id, commitment.pk])


def commitment_of(viewer, commitment_id):
    return get_object_or_404(Commitment, pk=commitment_id, workshop_id=viewer.workshop_id)


@require_GET
def commitment_detail(request, pk, commitment_id):
    """The roadmap as it was committed: read from the copy, never from today's roadmap."""
    viewer = viewer_for(request, pk)
    commitment = commitment_of(viewer, commitment_id)
    context = {"workshop": viewer.workshop, "viewer": viewer, "commitment": commitment, **commitment_view(commitment)}
    return render(request, "phases/commitment.html", context)


@require_GET
def commitment_json(request, pk, commitment_id):
    """The copy as a workshop file (it keeps votes and hidden contributions: facilitators only)."""
    viewer = facilitator_page(request, pk)
    commitment = commitment_of(viewer, commitment_id)
    name = download_name(viewer.workshop, f"commitment {commitment.committed_at:%Y-%m-%d}.json")
    return attachment(workshop_file.dumps(commitment.snapshot), "application/json; charset=utf-8", name)


def commitment_render(request, pk, commitment_id):
    """(viewer, commitment, its PDF render): the copy without what a facilitator hid, for everyone in
    the workshop; asking enqueues it once, and it is kept."""
    viewer = viewer_for(request, pk)
    commitment = commitment_of(viewer, commitment_id)
    return viewer, commitment, request_render(viewer.workshop, commitment)


@require_GET
def commitment_pdf(request, pk, commitment_id):
    """The commitment's roadmap document as it was; until the task worker has made it, the preparing page."""
    viewer, commitment, render = commitment_render(request, pk, commitment_id)
    name = f"commitment {commitment.committed_at:%Y-%m-%d}.pdf"
    return pdf_download(request, viewer, render, name, title=commitment.name)


@require_GET
def commitment_pdf_status(request, pk, commitment_id):
    viewer, commitment, render = commitment_render(request, pk, commitment_id)
    return pdf_status(request, viewer, render, title=commitment.name)


@require_POST
def commitment_pdf_retry(request, pk, commitment_id):
    viewer, commitment, render = commitment_render(request, pk, commitment_id)
    return pdf_retry(request, viewer, render, title=commitment.name)
