"""After the workshop: the next round, the series page, and the public page with its share links."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from visions import sdgs
from visions.documents.charts import series_chart_svg
from visions.documents.rounds import (
    NEXT_ROUND_STARTED,
    rounds_of,
    series_targets,
    start_next_round,
    suggested_title,
    transitions,
    visible_rounds,
)
from visions.documents.snapshot import load_snapshot, roadmap_check
from visions.documents.timeline import timeline_svg
from visions.documents.workshop_file import WorkshopFileError
from visions.live.access import LinkRevoked, public_workshop, viewer_for
from visions.live.activity import Subject, declare, record
from visions.live.guard import Needs
from visions.live.writes import facilitator_page, write
from visions.models import TITLE_LENGTH, PublicLink
from visions.roadmap import progress_by_lane, weighted_progress

PUBLIC_LINK_CREATED = declare(Subject.PUBLIC_LINK, "created")
PUBLIC_LINK_REVOKED = declare(Subject.PUBLIC_LINK, "revoked")
# The secret of a link just made, shown once on the next page and then forgotten.
NEW_LINK_SESSION_KEY = "fc_new_public_link"
NOINDEX = "noindex, nofollow, noarchive"


class NextRoundForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the next round"), max_length=TITLE_LENGTH)


@write(needs=Needs.FACILITATOR, methods=("GET", "POST"))
def next_round(request, viewer):
    """Confirm, then make the next round: the vision, targets and roadmap carry over, people join anew."""
    previous = viewer.workshop
    data = request.POST if request.method == "POST" else None
    form = NextRoundForm(data, initial={"title": suggested_title(previous)})
    if request.method != "POST" or not form.is_valid():
        return confirm_page(request, viewer, form, 422 if request.method == "POST" else 200)
    try:
        workshop = start_next_round(previous, form.cleaned_data["title"].strip(), request.user)
    except WorkshopFileError as error:  # this workshop's file breaks a rule: say which, make nothing
        form.add_error(None, _("The next round could not be made: %(error)s") % {"error": error})
        return confirm_page(request, viewer, form, 422)
    record(viewer, NEXT_ROUND_STARTED, workshop, summary=workshop.title)
    messages.success(request, _("The next round has started with a new join code. People join it anew."))
    return redirect(workshop)


def confirm_page(request, viewer, form, status):
    context = {"workshop": viewer.workshop, "viewer": viewer, "form": form}
    return render(request, "visions/next_round.html", context, status=status)


@require_GET
def series(request, pk):
    """Every round of the series this person belongs to, and how each target moved between them."""
    viewer = viewer_for(request, pk)
    rounds = visible_rounds(rounds_of(viewer.workshop), request)
    targets, identity = series_targets(rounds)
    for line in targets:
        line.chart = series_chart_svg(line)
    context = {
        "workshop": viewer.workshop,
        "viewer": viewer,
        "rounds": rounds,
        "targets": targets,
        "transitions": transitions(rounds, identity),
    }
    return render(request, "visions/series.html", context)


@require_GET
def public_links(request, pk):
    """The facilitator's list of share links; a link just made is shown once, here."""
    viewer = facilitator_page(request, pk)
    fresh = request.session.pop(NEW_LINK_SESSION_KEY, None)
    new_link = None
    if fresh and fresh.get("workshop") == viewer.workshop_id:
        new_link = request.build_absolute_uri(reverse("public_page", args=[fresh["token"]]))
    links = PublicLink.objects.filter(workshop_id=viewer.workshop_id)
    context = {"workshop": viewer.workshop, "viewer": viewer, "links": links, "new_link": new_link}
    return render(request, "visions/public_links.html", context)


def link_name(link):
    return _("Public page link %(number)d") % {"number": link.pk}


@write(needs=Needs.FACILITATOR)
def public_link_create(request, viewer):
    link, token = PublicLink.make(viewer.workshop, request.user)
    record(viewer, PUBLIC_LINK_CREATED, link, summary=link_name(link))
    request.session[NEW_LINK_SESSION_KEY] = {"workshop": viewer.workshop_id, "token": token}
    return redirect("public_links", viewer.workshop_id)


@write(needs=Needs.FACILITATOR)
def public_link_revoke(request, viewer, link_id):
    link = get_object_or_404(PublicLink, pk=link_id, workshop_id=viewer.workshop_id)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record(viewer, PUBLIC_LINK_REVOKED, link, summary=link_name(link))
    return redirect("public_links", viewer.workshop_id)


@require_GET
def public_page(request, token):
    """The read-only page for those who were not in the room: no participant's name, not indexed."""
    try:
        workshop = public_workshop(token)
    except LinkRevoked:
        return noindex(render(request, "visions/public_revoked.html", status=410))
    snapshot = load_snapshot(workshop).without_hidden()
    vision = snapshot.adopted_vision
    check = roadmap_check(snapshot, timezone.localdate().year)
    check.roadmap_url = ""  # the actions' anchors are on this page
    context = {
        "workshop": workshop,
        "snapshot": snapshot,
        "vision": vision,
        "goals": [sdgs.goal(n) for n in vision.sdg_numbers] if vision else [],
        "roadmap_check": check,
        "timeline": timeline_svg(snapshot, today=timezone.localdate()),
        "progress_overall": weighted_progress(snapshot.actions),
        "progress_lanes": progress_by_lane(snapshot.actions),
    }
    return noindex(render(request, "visions/public_page.html", context))


def noindex(response):
    response["X-Robots-Tag"] = NOINDEX
    return response
