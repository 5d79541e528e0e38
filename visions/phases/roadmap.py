"""The backcast roadmap page: milestones backwards from the target year, actions, checks, timeline.

Everything happens on one page. Forms open in its panel (an htmx partial; without
JavaScript the same URL shows the whole page with the panel open), and every
change answers with the refreshed roadmap, or a redirect to it.
"""

from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from visions.live.access import membership
from visions.live import Refused, last_activity_id
from visions.documents.findings import out_of_range_rows
from visions.models import Action, Activity, Milestone, Workshop
from visions.roadmap import (
    action_rows,
    may_edit_action,
    progress_by_lane,
    progress_by_milestone,
    suggest_milestone_years,
    unaddressed_by_votes,
    weighted_progress,
)
from visions.phases.roadmap_forms import (
    ActionForm,
    MilestoneForm,
    MilestoneSeriesFormSet,
    MilestoneStepForm,
    PriorityForm,
    ProgressForm,
)
from visions.documents.snapshot import load_snapshot
from visions.documents.timeline import timeline_svg

TEMPLATE = "roadmap/roadmap.html"
PRIORITISED = "prioritised"


@dataclass
class Panel:
    """What the page's side panel shows: one form, and what it is about."""

    kind: str  # action, milestone, series, progress
    form: object = None
    subject: object = None
    extra: dict = field(default_factory=dict)


def actor(request, member):
    return request.user if member.is_facilitator else member.participant


def require_contributor(member):
    if not member.can_contribute:
        raise Http404("Observers cannot change the roadmap")
    if member.workshop.locked and not member.is_facilitator:
        raise Refused(
            _("The facilitator has locked contributions for now. Nothing was saved; "
              "you can try again when they unlock."),
            423,
        )


def require_facilitator(member):
    if not member.is_facilitator:
        raise Http404("Only the facilitator can do this")


def one_write_at_a_time(view):
    """A POST runs in one transaction holding the workshop row.

    Writes to one workshop are serialised: a dependency cycle cannot slip in between two
    edits' checks, and a deletion is committed together with its activity record.
    """

    @wraps(view)
    def serialised(request, pk, *args, **kwargs):
        if request.method != "POST":
            return view(request, pk, *args, **kwargs)
        with transaction.atomic():
            list(Workshop.objects.select_for_update().filter(pk=pk).values_list("pk"))
            return view(request, pk, *args, **kwargs)

    return serialised


# What the roadmap shows depends on these; endorsements, scores and themes leave it as it is.
ROADMAP_SUBJECTS = ["action", "milestone", "issue", "target", "assessment", "stakeholder", "workshop"]


def roadmap_changed_since(workshop, since):
    return (
        Activity.objects.filter(workshop=workshop, id__gt=since, subject_type__in=ROADMAP_SUBJECTS)
        .exclude(verb="scored")
        .exists()
    )


def roadmap_context(request, member, *, panel=None, notice=""):
    workshop = member.workshop
    snapshot = load_snapshot(workshop)
    issue_filter = PRIORITISED if request.GET.get("issues") == PRIORITISED else "all"
    milestones = [m for m in snapshot.milestones if m.accepted]
    rows = action_rows(snapshot.actions, member)
    editable = {row.action.pk for row in rows if row.can_edit}
    participants = {p.pk: p for p in snapshot.participants}
    milestone_actions = {}
    for action in snapshot.actions:
        milestone_actions.setdefault(action.milestone_id, []).append(action)
    return {
        "workshop": workshop,
        "member": member,
        "snapshot": snapshot,
        "vision": snapshot.adopted_vision,
        "milestones_backwards": [
            (m, milestone_actions.get(m.pk, [])) for m in sorted(milestones, key=lambda m: (-m.year, m.pk))
        ],
        # Proposers come from the snapshot's participants: no query per proposal.
        "proposals": [
            (m, participants.get(m.proposed_by_id)) for m in snapshot.milestones if not m.accepted
        ],
        "rows": rows,
        "editable": editable,
        "issue_filter": issue_filter,
        "unaddressed": unaddressed_by_votes(snapshot, prioritised_only=issue_filter == PRIORITISED),
        "unaddressed_all_count": len(snapshot.coverage.unaddressed_issues),
        "unaddressed_prioritised_count": len(unaddressed_by_votes(snapshot, prioritised_only=True)),
        "out_of_range": out_of_range_rows(snapshot),
        "timeline": timeline_svg(snapshot, today=timezone.localdate(), links=True, editable=editable),
        "progress_overall": weighted_progress(snapshot.actions),
        "progress_lanes": progress_by_lane(snapshot.actions),
        "progress_milestones": progress_by_milestone(snapshot.actions, milestones),
        "status_choices": Action._meta.get_field("status").choices,
        "priority_form": PriorityForm(instance=workshop) if member.is_facilitator else None,
        "since": last_activity_id(workshop.pk),
        "panel": panel,
        "notice": notice,
    }


def render_roadmap(request, member, *, panel=None, notice="", part="roadmap"):
    """The whole page, or for htmx the part asked for (the whole roadmap region by default)."""
    context = roadmap_context(request, member, panel=panel, notice=notice)
    template = f"{TEMPLATE}#{part}" if request.htmx else TEMPLATE
    return render(request, template, context)


def show_panel(request, member, panel):
    """A form opened from the page: for htmx only the panel, otherwise the page with it open."""
    if request.htmx:
        context = {"workshop": member.workshop, "member": member, "panel": panel}
        return render(request, f"{TEMPLATE}#panel", context)
    return render_roadmap(request, member, panel=panel)


# A form with errors is answered with render_roadmap(..., panel=...): htmx posts target the
# whole roadmap region, so the form comes back in the panel with its errors.


def changed(request, member, notice):
    """After a change: the refreshed roadmap for htmx, a redirect to it otherwise."""
    url = reverse("roadmap", args=[member.workshop.pk])
    if request.htmx:
        response = render_roadmap(request, member, notice=notice)
        response["HX-Push-Url"] = url
        return response
    messages.success(request, notice)
    return redirect(url)


@require_GET
def roadmap(request, pk):
    member = membership(request, pk)
    if request.htmx and request.GET.get("part") == "live":
        since = request.GET.get("since", "")
        if since.isdigit() and not roadmap_changed_since(member.workshop, int(since)):
            return HttpResponse(status=204)
        return render_roadmap(request, member, part="live")
    return render_roadmap(request, member)


@require_POST
@one_write_at_a_time
def priority_update(request, pk):
    member = membership(request, pk)
    require_facilitator(member)
    workshop = member.workshop
    before = workshop.priority_count
    form = PriorityForm(request.POST, instance=workshop)
    if not form.is_valid():
        return render_roadmap(request, member, notice=" ".join(form.errors.get("priority_count", [])))
    form.save()
    Activity.record(
        workshop,
        "updated",
        workshop,
        actor=actor(request, member),
        summary=_("Prioritised issues: top %(count)s") % {"count": workshop.priority_count},
        changes={"priority_count": [before, workshop.priority_count]},
    )
    return changed(request, member, _("The roadmap now checks the top %(count)s issues.") % {
        "count": workshop.priority_count
    })


# --- milestones ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@one_write_at_a_time
def milestone_suggest(request, pk):
    """The backwards series from the target year, editable before it is saved."""
    member = membership(request, pk)
    require_facilitator(member)
    workshop = member.workshop
    if request.method == "POST":
        formset = MilestoneSeriesFormSet(request.POST, prefix="series")
        if formset.is_valid():
            with transaction.atomic():
                for year, title in formset.chosen():
                    milestone = Milestone.objects.create(workshop=workshop, year=year, title=title)
                    Activity.record(
                        workshop, "created", milestone, actor=actor(request, member), summary=str(milestone)
                    )
            return changed(request, member, _("Milestones added."))
        step_form = MilestoneStepForm(initial={"step": request.POST.get("step", 10)})
        return render_roadmap(request, member, panel=Panel("series", formset, extra={"step_form": step_form}))

    step_form = MilestoneStepForm(request.GET or None)
    step = step_form.cleaned_data["step"] if step_form.is_valid() else 10
    taken = set(workshop.milestones.filter(accepted=True).values_list("year", flat=True))
    suggested = suggest_milestone_years(workshop.base_year, workshop.target_year, step)
    years = [year for year in suggested if year not in taken]
    formset = MilestoneSeriesFormSet(
        prefix="series", initial=[{"include": True, "year": year, "title": ""} for year in years]
    )
    step_form = MilestoneStepForm(initial={"step": step})
    panel = Panel("series", formset, extra={"step_form": step_form, "taken": sorted(taken)})
    return show_panel(request, member, panel)


@require_http_methods(["GET", "POST"])
@one_write_at_a_time
def milestone_create(request, pk):
    """The facilitator adds a milestone; a participant proposes one for the facilitator to accept."""
    member = membership(request, pk)
    require_contributor(member)
    workshop = member.workshop
    proposing = not member.is_facilitator
    initial = {"year": request.GET.get("year")} if request.GET.get("year") else {}
    form = MilestoneForm(request.POST or None, initial=initial)
    form.instance.workshop = workshop
    if request.method == "POST":
        if form.is_valid():
            milestone = form.save(commit=False)
            milestone.accepted = not proposing
            milestone.proposed_by = member.participant if proposing else None
            milestone.save()
            Activity.record(
                workshop,
                "proposed" if proposing else "created",
                milestone,
                actor=actor(request, member),
                summary=str(milestone),
            )
            if proposing:
                notice = _("Milestone proposed: the facilitator will review it.")
            else:
                notice = _("Milestone added.")
            return changed(request, member, notice)
        return render_roadmap(request, member, panel=Panel("milestone", form, extra={"proposing": proposing}))
    return show_panel(request, member, Panel("milestone", form, extra={"proposing": proposing}))


def facilitated_milestone(request, pk, milestone_id):
    member = membership(request, pk)
    require_facilitator(member)
    return member, get_object_or_404(Milestone, workshop=member.workshop, pk=milestone_id)


@require_http_methods(["GET", "POST"])
@one_write_at_a_time
def milestone_edit(request, pk, milestone_id):
    member, milestone = facilitated_milestone(request, pk, milestone_id)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST":
        if form.is_valid():
            changes = {name: str(form.cleaned_data[name]) for name in form.changed_data}
            milestone = form.save(commit=False)
            milestone.version += 1
            milestone.save()
            Activity.record(
                member.workshop, "updated", milestone, actor=actor(request, member), summary=str(milestone),
                changes=changes,
            )
            return changed(request, member, _("Milestone saved."))
        return render_roadmap(request, member, panel=Panel("milestone", form, milestone))
    return show_panel(request, member, Panel("milestone", form, milestone))


@require_POST
@one_write_at_a_time
def milestone_accept(request, pk, milestone_id):
    member, milestone = facilitated_milestone(request, pk, milestone_id)
    if not milestone.accepted:
        milestone.accepted = True
        milestone.save(update_fields=["accepted"])
        Activity.record(
            member.workshop, "accepted", milestone, actor=actor(request, member), summary=str(milestone)
        )
    return changed(request, member, _("Milestone accepted."))


@require_POST
@one_write_at_a_time
def milestone_delete(request, pk, milestone_id):
    member, milestone = facilitated_milestone(request, pk, milestone_id)
    verb = "deleted" if milestone.accepted else "rejected"
    Activity.record(member.workshop, verb, milestone, actor=actor(request, member), summary=str(milestone))
    milestone.delete()
    return changed(request, member, _("Milestone removed."))


# --- actions ------------------------------------------------------------------------------


def editable_action(request, pk, action_id):
    """The action, if the request may edit it: its workshop's facilitator or an owner's representative."""
    member = membership(request, pk)
    action = get_object_or_404(
        Action.objects.filter(workshop=member.workshop).prefetch_related("owners"), pk=action_id
    )
    if not may_edit_action(member, action):
        raise Http404("Not an action you may edit")
    if request.method == "POST":
        require_contributor(member)  # owners' representatives too are held by the lock
    return member, action


def new_action_initial(request, workshop):
    initial = {"start_year": workshop.base_year + 1, "end_year": workshop.base_year + 1, "status": "planned"}
    issue_id = request.GET.get("issue", "")
    if issue_id.isdigit() and workshop.issues.filter(pk=issue_id).exists():
        initial["addresses"] = [int(issue_id)]
    milestone_id = request.GET.get("milestone", "")
    if milestone_id.isdigit():
        milestone = workshop.milestones.filter(pk=milestone_id, accepted=True).first()
        if milestone is not None:
            initial["milestone"] = milestone.pk
            initial["end_year"] = milestone.year
            initial["start_year"] = min(initial["start_year"], milestone.year)
    return initial


@require_http_methods(["GET", "POST"])
@one_write_at_a_time
def action_create(request, pk):
    member = membership(request, pk)
    require_contributor(member)
    workshop = member.workshop
    if request.method == "POST":
        form = ActionForm(request.POST, workshop=workshop)
        if form.is_valid():
            with transaction.atomic():
                action = form.save()
                Activity.record(
                    workshop,
                    "created" if member.is_facilitator else "proposed",
                    action,
                    actor=actor(request, member),
                    summary=action.title,
                )
            return changed(request, member, _("Action added: %(title)s") % {"title": action.title})
        return render_roadmap(request, member, panel=Panel("action", form))
    form = ActionForm(workshop=workshop, initial=new_action_initial(request, workshop))
    return show_panel(request, member, Panel("action", form))


@require_http_methods(["GET", "POST"])
@one_write_at_a_time
def action_edit(request, pk, action_id):
    member, action = editable_action(request, pk, action_id)
    if request.method == "POST":
        form = ActionForm(request.POST, instance=action, workshop=member.workshop)
        if form.is_valid():
            with transaction.atomic():
                action = form.save(commit=False)
                action.version += 1
                action.save()
                form.save_m2m()
                Activity.record(
                    member.workshop,
                    "updated",
                    action,
                    actor=actor(request, member),
                    summary=action.title,
                    changes={"fields": form.changed_data},
                )
            return changed(request, member, _("Action saved: %(title)s") % {"title": action.title})
        return render_roadmap(request, member, panel=Panel("action", form, action))
    form = ActionForm(instance=action, workshop=member.workshop)
    return show_panel(request, member, Panel("action", form, action))


@require_POST
@one_write_at_a_time
def action_progress(request, pk, action_id):
    member, action = editable_action(request, pk, action_id)
    before = {"status": action.status, "progress": action.progress}
    form = ProgressForm(request.POST, instance=action)
    if not form.is_valid():
        return render_roadmap(request, member, panel=Panel("progress", form, action))
    action = form.save(commit=False)
    action.version += 1
    action.save(update_fields=["status", "progress", "version", "updated_at"])
    Activity.record(
        member.workshop,
        "progress",
        action,
        actor=actor(request, member),
        summary=f"{action.title}: {action.get_status_display()}, {action.progress}%",
        changes={
            name: [old, getattr(action, name)] for name, old in before.items() if old != getattr(action, name)
        },
    )
    return changed(request, member, _("Progress updated: %(title)s") % {"title": action.title})


@require_POST
@one_write_at_a_time
def action_delete(request, pk, action_id):
    member, action = editable_action(request, pk, action_id)
    require_facilitator(member)
    Activity.record(member.workshop, "deleted", action, actor=actor(request, member), summary=action.title)
    action.delete()
    return changed(request, member, _("Action deleted."))
