"""Check-ins without accounts: an organisation's representative, through its private update link.

The link's secret is the whole credential: `viewer_for_update_link` (visions/live/access.py)
turns it into a Viewer that may change its own organisation's actions (status, progress, a
short note) and add assessments to the adopted vision's targets, and nothing else: any
other address, or another organisation's action, is 404. A revoked or expired link answers
a page that says so (410). Writes go through the one guard (a locked workshop refuses
them), are limited per link and hour (counted in the activity history), and are recorded
by the one recorder as made "through the update link of X", so the live pages redraw.
"""

from datetime import timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from visions.i18n import language_chosen_by_person
from visions.live.access import LinkClosed, viewer_for_update_link
from visions.live.guard import Needs, Refused, claim_form_key, contribution
from visions.models import Action, Activity, Assessment, CheckInRound, Target, UpdateLink, VisionStatus
from visions.phases.current_state import add_assessment, assessment_form
from visions.phases.indicator_import import confirm, preview
from visions.phases.roadmap import record_progress, still_current
from visions.phases.roadmap_forms import ProgressForm

TEMPLATE = "phases/update_link.html"
NOTE_LENGTH = 500


class LinkProgressForm(ProgressForm):
    """The roadmap's progress form, with the version it was loaded from and a short note."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        max_length=NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text=gettext_lazy("What happened since the last update, in a sentence or two."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"action-{kwargs['instance'].pk}-%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


def speak_workshop_language(request, workshop):
    """Without a choice of the person or their browser, the page speaks the workshop's language."""
    if not language_chosen_by_person(request):
        translation.activate(workshop.language)
        request.LANGUAGE_CODE = translation.get_language()


def link_viewer(request, secret):
    """The link's viewer, or LinkClosed; either way the page speaks the workshop's language."""
    try:
        viewer = viewer_for_update_link(secret)
    except LinkClosed as closed:
        speak_workshop_language(request, closed.link.workshop)
        raise
    speak_workshop_language(request, viewer.workshop)
    return viewer


def closed_page(request, link):
    context = {"link": link, "workshop": link.workshop, "organisation": link.stakeholder}
    return render(request, "phases/update_link_closed.html", context, status=410)


def private(response):
    """The page's address is the secret: no search engine, and no other site is told it (as Referer).

    Not "no-referrer": the browser would then send its forms with `Origin: null`, which CSRF refuses.
    """
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def require_under_limit(link):
    """At most UPDATE_LINK_WRITES_PER_HOUR changes through one link in an hour (429 beyond)."""
    since = timezone.now() - timedelta(hours=1)
    made = Activity.objects.filter(actor_link=link, created_at__gt=since).count()
    if made >= settings.UPDATE_LINK_WRITES_PER_HOUR:
        message = _(
            "Too many changes through this link in the last hour. Nothing was saved; please try again later."
        )
        raise Refused(message, 429)


def link_write(view):
    """Decorate `view(request, viewer, **kwargs)`: the link's viewer, the one guard, the limit; POST only."""

    @wraps(view)
    def guarded(request, secret, **kwargs):
        try:
            viewer = link_viewer(request, secret)
        except LinkClosed as closed:
            return private(closed_page(request, closed.link))
        with contribution(viewer, needs=Needs.CONTRIBUTOR):
            require_under_limit(viewer.update_link)
            UpdateLink.objects.filter(pk=viewer.update_link.pk).update(last_used_at=timezone.now())
            return private(view(request, viewer, secret, **kwargs))

    return require_POST(guarded)


def own_actions(viewer):
    return (
        Action.objects.filter(workshop_id=viewer.workshop_id, owners=viewer.update_link.stakeholder_id)
        .select_related("milestone")
        .prefetch_related("owners")
        .order_by("start_year", "id")
    )


def adopted_targets(viewer):
    targets = Target.objects.filter(workshop_id=viewer.workshop_id, vision__status=VisionStatus.ADOPTED)
    return targets.order_by("id")


def page_context(viewer, *, bound=None, conflict=None):
    """The representative's page: their actions, each with its form, and the targets, each with its form."""
    actions = list(own_actions(viewer))
    for action in actions:
        mine = isinstance(bound, LinkProgressForm) and bound.instance.pk == action.pk
        action.form = bound if mine else LinkProgressForm(instance=action)
        action.conflict = conflict if conflict and conflict["id"] == action.pk else None
    targets = list(adopted_targets(viewer).prefetch_related("assessments"))
    for target in targets:
        target.latest = max(target.assessments.all(), key=lambda a: (a.as_of, a.pk), default=None)
        target.form = bound if getattr(bound, "target_id", None) == target.pk else assessment_form(target.pk)
    link = viewer.update_link
    return {
        "workshop": viewer.workshop,
        "link": link,
        "organisation": link.stakeholder,
        "actions": actions,
        "targets": targets,
        "round": CheckInRound.objects.filter(workshop_id=viewer.workshop_id, closed_at__isnull=True).first(),
    }


def render_link_page(request, viewer, secret, status=200, **parts):
    context = {**page_context(viewer, **parts), "secret": secret}
    return render(request, TEMPLATE, context, status=status)


def back(secret, anchor=""):
    return reverse("update_link", args=[secret]) + anchor


@require_GET
def update_link_page(request, secret):
    try:
        viewer = link_viewer(request, secret)
    except LinkClosed as closed:
        return private(closed_page(request, closed.link))
    return private(render_link_page(request, viewer, secret))


@link_write
def link_progress(request, viewer, secret, action_id):
    """Status, progress and a note for one of the organisation's own actions (another's: 404)."""
    action = get_object_or_404(own_actions(viewer), pk=action_id)
    before = {"status": action.status, "progress": action.progress}
    form = LinkProgressForm(request.POST, instance=action)
    if not form.is_valid():
        return render_link_page(request, viewer, secret, status=422, bound=form)
    with transaction.atomic():
        if not still_current(Action, action, form.cleaned_data["version"]):
            current = Action.objects.get(pk=action.pk)
            status = current.get_status_display()
            conflict = {"id": current.pk, "status": status, "progress": current.progress}
            return render_link_page(request, viewer, secret, status=409, conflict=conflict)
        action = form.save(commit=False)
        action.version = form.cleaned_data["version"] + 1
        action.save(update_fields=["status", "progress", "updated_at"])
        record_progress(viewer, action, before, note=form.cleaned_data["note"].strip())
    messages.success(request, _("Saved: %(title)s") % {"title": action.title})
    return redirect(back(secret, f"#action-{action.pk}"))


@link_write
def link_assessment(request, viewer, secret, target_id):
    """A new assessment (value, date, source) of a target of the adopted vision, with the form's bounds."""
    target = get_object_or_404(adopted_targets(viewer), pk=target_id)
    form = assessment_form(target.pk, request.POST, instance=Assessment(target=target))
    if not form.is_valid():
        return render_link_page(request, viewer, secret, status=422, bound=form)
    if claim_form_key(viewer.workshop, form.cleaned_data["form_key"]):
        add_assessment(viewer, target, form)
    messages.success(request, _("Assessment added: %(indicator)s") % {"indicator": target.indicator})
    return redirect(back(secret, f"#target-{target.pk}"))


# --- a target's assessments from CSV: the steps of visions/phases/indicator_import.py behind the link ---


def link_importing(viewer, secret, target):
    base = reverse("update_link_import", args=[secret, target.pk])
    return {
        "workshop": viewer.workshop,
        "viewer": viewer,
        "target": target,
        "action": base,
        "confirm_action": base + "confirm/",
        "back": back(secret, f"#target-{target.pk}"),
        "back_label": _("Back to your update page"),
    }


@require_http_methods(["GET", "POST"])
def link_import(request, secret, target_id):
    """The import form, or the preview of what the posted table would add (nothing is saved)."""
    try:
        viewer = link_viewer(request, secret)
    except LinkClosed as closed:
        return private(closed_page(request, closed.link))
    # The write's own checks (the lock) before anything is read.
    with contribution(viewer, needs=Needs.CONTRIBUTOR):
        target = get_object_or_404(adopted_targets(viewer), pk=target_id)
    return private(preview(request, target, link_importing(viewer, secret, target)))


@link_write
def link_import_confirm(request, viewer, secret, target_id):
    target = get_object_or_404(adopted_targets(viewer), pk=target_id)
    return confirm(request, viewer, target, link_importing(viewer, secret, target))
