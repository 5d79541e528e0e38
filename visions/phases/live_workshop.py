"""The live workshop's entry points: the phase the group is in, any phase's page, the projector."""

from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from visions.live.access import viewer_for
from visions.live.pages import render_phase
from visions.live.writes import facilitator_page
from visions.models import Phase
from visions.phases.projector import render_projector


@require_GET
def live_workshop(request, pk):
    """Where a link to "the workshop, live" goes: the phase the group is in now."""
    viewer = viewer_for(request, pk)
    return redirect("phase_page", pk, viewer.workshop.phase)


@require_GET
def phase_page(request, pk, phase):
    viewer = viewer_for(request, pk)
    if phase not in Phase.values:
        raise Http404("No such phase")
    if not viewer.may_view_phase(phase):
        return redirect("phase_page", pk, viewer.workshop.phase)
    return render_phase(request, viewer, phase)


@require_GET
def projector(request, pk):
    viewer = facilitator_page(request, pk)
    return render_projector(request, viewer)
