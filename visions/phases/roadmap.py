"""Phase 5, the backcast roadmap: milestones backwards from the target year, actions, checks, timeline.

Two pages show it: the phase's page (a plain list, the projector's view too) and the
roadmap builder, where everything happens on one page. Forms open in the builder's panel
(an htmx partial; without JavaScript the same URL shows the whole page with the panel
open), and every change answers with the refreshed roadmap, or a redirect to it. The
roadmap is kept up to date after the workshop too, so its writes are not tied to a phase.
"""

import hashlib
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from visions.documents.findings import out_of_range_rows
from visions.documents.commitments import drift_for
from visions.documents.snapshot import roadmap_check, shared_snapshot
from visions.documents.timeline import timeline_svg
from visions.live import record
from visions.live.access import viewer_for
from visions.live.activity import Subject, declare
from visions.live.guard import Needs
from visions.live.pages import (
    CSRF_PLACEHOLDER,
    PAGE_BUILDER,
    WORKSHOP_UPDATED,
    Board,
    Fragment,
    common_context,
    delta_workshop,
    register,
    render_page,
    shared_html,
)
from visions.live.writes import item_of, write
from visions.models import Action, Milestone, Phase
from visions.phases.console import ISSUE_HIDDEN, ISSUE_RESTORED
from visions.phases.current_state import ASSESSMENT_ADDED, ASSESSMENT_DELETED, GAP_ISSUE_ADDED
from visions.phases.issues import ISSUE_DELETED, ISSUE_EDITED, ISSUE_VOTED
from visions.phases.roadmap_forms import (
    ActionEditForm,
    ActionForm,
    MilestoneEditForm,
    MilestoneForm,
    MilestoneSeriesFormSet,
    MilestoneStepForm,
    PriorityForm,
    ProgressForm,
)
from visions.phases.stakeholders import STAKEHOLDER_ADDED, STAKEHOLDER_DELETED
from visions.phases.vision import TARGET_ADDED, TARGET_DELETED, VISION_ADOPTED, VISION_EDITED
from visions.roadmap import (
    action_rows,
    progress_by_lane,
    progress_by_milestone,
    suggest_milestone_years,
    unaddressed_by_votes,
    weighted_progress,
)

TEMPLATE = "roadmap/roadmap.html"
PRIORITISED = "prioritised"

MILESTONE_ADDED = declare(Subject.MILESTONE, "created")
MILESTONE_PROPOSED = declare(Subject.MILESTONE, "proposed")
MILESTONE_EDITED = declare(Subject.MILESTONE, "updated")
MILESTONE_ACCEPTED = declare(Subject.MILESTONE, "accepted")
MILESTONE_DELETED = declare(Subject.MILESTONE, "deleted")
MILESTONE_REJECTED = declare(Subject.MILESTONE, "rejected")
# An action's owners, issues and prerequisites are saved with it: one change of the action.
ACTION_ADDED = declare(Subject.ACTION, "created")
ACTION_PROPOSED = declare(Subject.ACTION, "proposed")
ACTION_EDITED = declare(Subject.ACTION, "updated")
ACTION_PROGRESS = declare(Subject.ACTION, "progress")
ACTION_DELETED = declare(Subject.ACTION, "deleted")
ROADMAP_CHANGES = frozenset(
    {
        MILESTONE_ADDED,
        MILESTONE_PROPOSED,
        MILESTONE_EDITED,
        MILESTONE_ACCEPTED,
        MILESTONE_DELETED,
        MILESTONE_REJECTED,
        ACTION_ADDED,
        ACTION_PROPOSED,
        ACTION_EDITED,
        ACTION_PROGRESS,
        ACTION_DELETED,
    }
)


def roadmap_lists(workshop_id):
    milestones = list(Milestone.objects.filter(workshop_id=workshop_id).order_by("-year", "id"))
    actions = list(
        Action.objects.filter(workshop_id=workshop_id)
        .select_related("milestone")
        .prefetch_related("owners")
        .order_by("start_year", "id")
    )
    return {"milestones": milestones, "actions": actions}


class RoadmapBoard(Board):
    """The phase's page: milestones and actions as plain lists, and the way to the builder."""

    kind = phase = Phase.ROADMAP
    template = "phases/roadmap.html"
    shows = ROADMAP_CHANGES

    def page(self, viewer, context):
        return {
            "roadmap": roadmap_lists(viewer.workshop_id),
            "roadmap_url": reverse("roadmap", args=[viewer.workshop_id]),
        }

    def delta(self, viewer, changes, context):
        # The list is short: any roadmap change redoes it.
        return [Fragment("phases/roadmap.html#roadmap_list", roadmap_lists(viewer.workshop_id))]


@dataclass
class Panel:
    """What the builder's side panel shows: one form, and what it is about."""

    kind: str  # action, milestone, series, progress
    form: object = None
    subject: object = None
    extra: dict = field(default_factory=dict)


def shared_timeline(snapshot, editable):
    """The builder's timeline, drawn once per workshop revision, day, language and set of bars the
    viewer may edit (everyone's for facilitators), and shared by every viewer with the same."""
    today = timezone.localdate()
    if snapshot.revision is None:
        return timeline_svg(snapshot, today=today, links=True, editable=editable)
    shown = (snapshot.workshop.pk, *snapshot.revision, today, translation.get_language(), sorted(editable))
    key = "timeline:" + hashlib.blake2b(repr(shown).encode(), digest_size=18).hexdigest()
    svg = caches["fragments"].get(key)
    if svg is None:
        svg = timeline_svg(snapshot, today=today, links=True, editable=editable)
        caches["fragments"].set(key, str(svg))
    return mark_safe(svg)


def roadmap_context(viewer, query, *, panel=None, notice=""):
    workshop = viewer.workshop
    snapshot = shared_snapshot(workshop)
    issue_filter = PRIORITISED if query.get("issues") == PRIORITISED else "all"
    milestones = [m for m in snapshot.milestones if m.accepted]
    rows = action_rows(snapshot.actions, viewer)
    editable = {row.action.pk for row in rows if row.can_edit}
    participants = {p.pk: p for p in snapshot.participants}
    milestone_actions = {}
    for action in snapshot.actions:
        milestone_actions.setdefault(action.milestone_id, []).append(action)
    return {
        "workshop": workshop,
        "viewer": viewer,
        "snapshot": snapshot,
        "roadmap_check": roadmap_check(snapshot, timezone.localdate().year),
        "drift": drift_for(workshop),
        "drift_hint": viewer.is_facilitator,
        "vision": snapshot.adopted_vision,
        "milestones_backwards": [
            (m, milestone_actions.get(m.pk, [])) for m in sorted(milestones, key=lambda m: (-m.year, m.pk))
        ],
        # Proposers come from the snapshot's participants: no query per proposal.
        "proposals": [(m, participants.get(m.proposed_by_id)) for m in snapshot.milestones if not m.accepted],
        "rows": rows,
        "editable": editable,
        "issue_filter": issue_filter,
        "unaddressed": unaddressed_by_votes(snapshot, prioritised_only=issue_filter == PRIORITISED),
        "unaddressed_all_count": len(snapshot.coverage.unaddressed_issues),
        "unaddressed_prioritised_count": len(unaddressed_by_votes(snapshot, prioritised_only=True)),
        "out_of_range": out_of_range_rows(snapshot),
        "timeline": shared_timeline(snapshot, editable),
        "progress_overall": weighted_progress(snapshot.actions),
        "progress_lanes": progress_by_lane(snapshot.actions),
        "progress_milestones": progress_by_milestone(snapshot.actions, milestones),
        "status_choices": Action._meta.get_field("status").choices,
        "priority_form": PriorityForm(instance=workshop) if viewer.is_facilitator else None,
        "panel": panel,
        "notice": notice,
    }


class RoadmapBuilderBoard(Board):
    """The builder: checks, milestones, timeline, actions and progress, redrawn whole on a change."""

    kind = PAGE_BUILDER
    phase = Phase.ROADMAP
    template = TEMPLATE
    # What the checks and the timeline read besides the roadmap itself (not scores, endorsements, themes);
    # the backcast starts from the adopted vision's statement.
    shows = ROADMAP_CHANGES | {
        GAP_ISSUE_ADDED,
        ISSUE_EDITED,
        ISSUE_DELETED,
        ISSUE_VOTED,
        ISSUE_HIDDEN,
        ISSUE_RESTORED,
        TARGET_ADDED,
        TARGET_DELETED,
        ASSESSMENT_ADDED,
        ASSESSMENT_DELETED,
        VISION_ADOPTED,
        VISION_EDITED,
        STAKEHOLDER_ADDED,
        STAKEHOLDER_DELETED,
        WORKSHOP_UPDATED,
    }

    def page(self, viewer, context):
        page = roadmap_context(
            viewer, context["page_query"], panel=context.get("panel"), notice=context.get("notice", "")
        )
        # The actions' rows look the same to everyone who may edit the same actions (all, for facilitators).
        rows = {**context, **page, "csrf_token": CSRF_PLACEHOLDER}
        page["shared_action_rows"] = shared_html(f"{TEMPLATE}#action_rows", rows, sorted(page["editable"]))
        page["shared_fragments"] = page["shared_action_rows"] is not None
        return page

    def delta(self, viewer, changes, context):
        delta_workshop(viewer, context)
        # Which actions the viewer may change depends on the organisation they speak for.
        context.update(roadmap_context(viewer.with_participant(), context.get("page_query", {})))
        return [Fragment("roadmap/roadmap.html#live", personal=True)]


BOARD = register(RoadmapBoard())
BUILDER = register(RoadmapBuilderBoard())


def render_roadmap(request, viewer, *, panel=None, notice="", part="roadmap"):
    """The whole page, or for htmx the part asked for (the whole roadmap region by default)."""
    if not request.htmx:
        return render_page(request, viewer, BUILDER, view=PAGE_BUILDER, panel=panel, notice=notice)
    context = common_context(viewer, Phase.ROADMAP, PAGE_BUILDER, query=request.GET)
    context.update(roadmap_context(viewer, request.GET, panel=panel, notice=notice))
    # The region comes with the page's poller for its filter, so that live changes keep it.
    context["refresh_poller"] = part == "live"
    return render(request, f"{TEMPLATE}#{part}", context)


def show_panel(request, viewer, panel):
    """A form opened from the page: for htmx only the panel, otherwise the page with it open."""
    if request.htmx:
        return render(
            request, f"{TEMPLATE}#panel", {"workshop": viewer.workshop, "viewer": viewer, "panel": panel}
        )
    return render_roadmap(request, viewer, panel=panel)


# A form with errors is answered with render_roadmap(..., panel=...): htmx posts target the
# whole roadmap region, so the form comes back in the panel with its errors.


def changed(request, viewer, notice):
    """After a change: the refreshed roadmap for htmx, a redirect to it otherwise."""
    url = reverse("roadmap", args=[viewer.workshop_id])
    if request.htmx:
        response = render_roadmap(request, viewer, notice=notice)
        response["HX-Push-Url"] = url
        return response
    messages.success(request, notice)
    return redirect(url)


@require_GET
def roadmap(request, pk):
    viewer = viewer_for(request, pk)
    part = "live" if request.htmx and request.GET.get("part") == "live" else "roadmap"
    return render_roadmap(request, viewer, part=part)


@write(needs=Needs.FACILITATOR)
def priority_update(request, viewer):
    workshop = viewer.workshop
    before = workshop.priority_count
    form = PriorityForm(request.POST, instance=workshop)
    if not form.is_valid():
        return render_roadmap(request, viewer, notice=" ".join(form.errors.get("priority_count", [])))
    form.save()
    record(
        viewer,
        WORKSHOP_UPDATED,
        workshop,
        summary=_("Prioritised issues: top %(count)s") % {"count": workshop.priority_count},
        changes={"priority_count": [before, workshop.priority_count]},
    )
    notice = _("The roadmap now checks the top %(count)s issues.") % {"count": workshop.priority_count}
    return changed(request, viewer, notice)


# --- milestones ---------------------------------------------------------------------------


@write(needs=Needs.FACILITATOR, methods=("GET", "POST"))
def milestone_suggest(request, viewer):
    """The backwards series from the target year, editable before it is saved."""
    workshop = viewer.workshop
    if request.method == "POST":
        formset = MilestoneSeriesFormSet(request.POST, prefix="series")
        if formset.is_valid():
            for year, title in formset.chosen():
                milestone = Milestone.objects.create(workshop=workshop, year=year, title=title)
                record(viewer, MILESTONE_ADDED, milestone, summary=str(milestone))
            return changed(request, viewer, _("Milestones added."))
        step_form = MilestoneStepForm(initial={"step": request.POST.get("step", 10)})
        return render_roadmap(request, viewer, panel=Panel("series", formset, extra={"step_form": step_form}))

    step_form = MilestoneStepForm(request.GET or None)
    step = step_form.cleaned_data["step"] if step_form.is_valid() else 10
    taken = set(workshop.milestones.filter(accepted=True).values_list("year", flat=True))
    years = [
        y for y in suggest_milestone_years(workshop.base_year, workshop.target_year, step) if y not in taken
    ]
    formset = MilestoneSeriesFormSet(
        prefix="series", initial=[{"include": True, "year": year, "title": ""} for year in years]
    )
    step_form = MilestoneStepForm(initial={"step": step})
    return show_panel(
        request, viewer, Panel("series", formset, extra={"step_form": step_form, "taken": sorted(taken)})
    )


@write(methods=("GET", "POST"))
def milestone_create(request, viewer):
    """The facilitator adds a milestone; a participant proposes one for the facilitator to accept."""
    proposing = not viewer.is_facilitator
    initial = {"year": request.GET.get("year")} if request.GET.get("year") else {}
    form = MilestoneForm(request.POST or None, initial=initial)
    form.instance.workshop = viewer.workshop
    panel = Panel("milestone", form, extra={"proposing": proposing})
    if request.method != "POST":
        return show_panel(request, viewer, panel)
    if not form.is_valid():
        return render_roadmap(request, viewer, panel=panel)
    milestone = form.save(commit=False)
    milestone.accepted = not proposing
    milestone.proposed_by = viewer.participant if proposing else None
    milestone.save()
    record(viewer, MILESTONE_PROPOSED if proposing else MILESTONE_ADDED, milestone, summary=str(milestone))
    notice = _("Milestone proposed: the facilitator will review it.") if proposing else _("Milestone added.")
    return changed(request, viewer, notice)


def still_current(model, item, version):
    """Take the next version of `item` if nobody saved since `version` (one UPDATE, so two saves can't both win)."""
    return model.objects.filter(pk=item.pk, version=version).update(version=F("version") + 1) == 1


def roadmap_conflict(request, viewer, kind, form, current, text, **form_kwargs):
    """Someone saved first: nothing is overwritten; the form keeps what you typed, with the current version."""
    # Theirs first: validating the merged form writes yours into the instance it edits.
    conflict = {"theirs": text(current), "yours": text(form.instance)}
    data = form.data.copy()
    data["version"] = current.version
    merged = type(form)(data, instance=current, **form_kwargs)
    merged.is_valid()
    response = render_roadmap(request, viewer, panel=Panel(kind, merged, current, extra={"conflict": conflict}))
    response.status_code = 409
    return response


def milestone_text(milestone):
    return f"{milestone.year}: {milestone.title}\n\n{milestone.description}".strip()


def action_text(action):
    years = f"{action.start_year}–{action.end_year}"
    return f"{action.title} ({years}, {action.get_status_display()}, {action.progress}%)\n\n{action.description}".strip()


@write(needs=Needs.FACILITATOR, methods=("GET", "POST"))
def milestone_edit(request, viewer, milestone_id):
    milestone = item_of(Milestone, viewer, milestone_id)
    form = MilestoneEditForm(request.POST or None, instance=milestone)
    if request.method != "POST":
        return show_panel(request, viewer, Panel("milestone", form, milestone))
    if not form.is_valid():
        return render_roadmap(request, viewer, panel=Panel("milestone", form, milestone))
    changes = {name: str(form.cleaned_data[name]) for name in form.changed_data if name != "version"}
    with transaction.atomic():
        if not still_current(Milestone, milestone, form.cleaned_data["version"]):
            current = Milestone.objects.get(pk=milestone.pk)
            return roadmap_conflict(request, viewer, "milestone", form, current, milestone_text)
        milestone = form.save(commit=False)
        milestone.version = form.cleaned_data["version"] + 1
        milestone.save()
        record(viewer, MILESTONE_EDITED, milestone, summary=str(milestone), changes=changes)
    return changed(request, viewer, _("Milestone saved."))


@write(needs=Needs.FACILITATOR)
def milestone_accept(request, viewer, milestone_id):
    milestone = item_of(Milestone, viewer, milestone_id)
    if not milestone.accepted:
        milestone.accepted = True
        milestone.save(update_fields=["accepted"])
        record(viewer, MILESTONE_ACCEPTED, milestone, summary=str(milestone))
    return changed(request, viewer, _("Milestone accepted."))


@write(needs=Needs.FACILITATOR)
def milestone_delete(request, viewer, milestone_id):
    milestone = item_of(Milestone, viewer, milestone_id)
    record(
        viewer,
        MILESTONE_DELETED if milestone.accepted else MILESTONE_REJECTED,
        milestone,
        summary=str(milestone),
    )
    milestone.delete()
    return changed(request, viewer, _("Milestone removed."))


# --- actions ------------------------------------------------------------------------------


def editable_action(viewer, action_id):
    """The action, if the viewer may change it: the facilitator or an owner's representative."""
    return item_of(Action, viewer, action_id, to_change=True)


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


@write(methods=("GET", "POST"))
def action_create(request, viewer):
    workshop = viewer.workshop
    if request.method != "POST":
        form = ActionForm(workshop=workshop, initial=new_action_initial(request, workshop))
        return show_panel(request, viewer, Panel("action", form))
    form = ActionForm(request.POST, workshop=workshop)
    if not form.is_valid():
        return render_roadmap(request, viewer, panel=Panel("action", form))
    action = form.save()
    record(viewer, ACTION_ADDED if viewer.is_facilitator else ACTION_PROPOSED, action, summary=action.title)
    return changed(request, viewer, _("Action added: %(title)s") % {"title": action.title})


@write(methods=("GET", "POST"))
def action_edit(request, viewer, action_id):
    action = editable_action(viewer, action_id)
    workshop = viewer.workshop
    if request.method != "POST":
        return show_panel(request, viewer, Panel("action", ActionEditForm(instance=action, workshop=workshop), action))
    form = ActionEditForm(request.POST, instance=action, workshop=workshop)
    if not form.is_valid():
        return render_roadmap(request, viewer, panel=Panel("action", form, action))
    with transaction.atomic():
        if not still_current(Action, action, form.cleaned_data["version"]):
            current = Action.objects.get(pk=action.pk)
            return roadmap_conflict(request, viewer, "action", form, current, action_text, workshop=workshop)
        action = form.save(commit=False)
        action.version = form.cleaned_data["version"] + 1
        action.save()
        form.save_m2m()
        fields = [name for name in form.changed_data if name != "version"]
        record(viewer, ACTION_EDITED, action, summary=action.title, changes={"fields": fields})
    return changed(request, viewer, _("Action saved: %(title)s") % {"title": action.title})


@write()
def action_progress(request, viewer, action_id):
    action = editable_action(viewer, action_id)
    before = {"status": action.status, "progress": action.progress}
    form = ProgressForm(request.POST, instance=action)
    if not form.is_valid():
        return render_roadmap(request, viewer, panel=Panel("progress", form, action))
    action = form.save(commit=False)
    action.version += 1
    action.save(update_fields=["status", "progress", "version", "updated_at"])
    record_progress(viewer, action, before)
    return changed(request, viewer, _("Progress updated: %(title)s") % {"title": action.title})


def record_progress(viewer, action, before, *, note=""):
    """One progress update of an action, recorded: what changed, and the note that came with it."""
    changes = {name: [old, getattr(action, name)] for name, old in before.items() if old != getattr(action, name)}
    summary = f"{action.title}: {action.get_status_display()}, {action.progress}%"
    if note:
        changes["note"] = note
        summary = f"{summary} — {note}"
    record(viewer, ACTION_PROGRESS, action, summary=summary, changes=changes)


@write(needs=Needs.FACILITATOR)
def action_delete(request, viewer, action_id):
    action = item_of(Action, viewer, action_id)
    record(viewer, ACTION_DELETED, action, summary=action.title)
    action.delete()
    return changed(request, viewer, _("Action deleted."))
