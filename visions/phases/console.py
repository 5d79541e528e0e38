"""The facilitator's console: phase, lock, timer, dot budget, who has joined, moderation, recent activity."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from visions.live import Refused, record, timer
from visions.live.access import PHASES, phase_index
from visions.live.activity import DECLARED, Subject, declare
from visions.live.guard import Needs
from visions.live.pages import (
    PAGE_CONSOLE,
    WORKSHOP_UPDATED,
    Board,
    Fragment,
    common_context,
    phase_url,
    register,
)
from visions.live.writes import done, facilitator_page, item_of, write
from visions.models import Activity, Issue, Phase, Vision, VisionStatus
from visions.phases.forms import DotBudgetForm, HideForm, LockForm, PhaseMoveForm, TimerForm
from visions.phases.stakeholders import RoomMix, room_participants
from visions.workshops.joining import joining

# Moderation: a hidden vision or issue disappears for participants and comes back when restored.
VISION_HIDDEN = declare(Subject.VISION, "hidden")
VISION_RESTORED = declare(Subject.VISION, "restored")
ISSUE_HIDDEN = declare(Subject.ISSUE, "hidden")
ISSUE_RESTORED = declare(Subject.ISSUE, "restored")
MODERATED = {
    "vision": (Vision, VISION_HIDDEN, VISION_RESTORED, Phase.VISION),
    "issue": (Issue, ISSUE_HIDDEN, ISSUE_RESTORED, Phase.ISSUES),
}


class ConsoleBoard(Board):
    kind = PAGE_CONSOLE
    template = "phases/console.html"

    @property
    def shows(self):
        """Everything: the console lists the latest activity, whatever it was."""
        return frozenset(DECLARED)

    def page(self, viewer, context):
        participants = room_participants(viewer.workshop_id)
        return {
            "mix": RoomMix(participants),
            "participants": participants,
            "recent": recent_activity(viewer.workshop_id),
            "phase_form": context.get("phase_form"),
            **console_controls(viewer.workshop),
        }

    def delta(self, viewer, changes, context):
        fragments = []
        if changes.all_ids(Subject.PARTICIPANT):
            fragments.append(
                Fragment("phases/console.html#roster", RoomMix(room_participants(viewer.workshop_id)))
            )
        fragments.append(Fragment("phases/console.html#recent", recent_activity(viewer.workshop_id)))
        if changes.workshop_fields:
            context.update(console_controls(context["workshop"]))
            fragments.append(Fragment("phases/console.html#controls", None))
        return fragments


CONSOLE = register(ConsoleBoard())


def recent_activity(workshop_id, limit=8):
    return list(
        Activity.objects.filter(workshop_id=workshop_id)
        .select_related("actor_participant", "actor_user", "actor_link__stakeholder")
        .order_by("-id")[:limit]
    )


@require_GET
def console(request, pk):
    return render_console(request, facilitator_page(request, pk))


def render_console(request, viewer, status=200, **overrides):
    context = common_context(viewer, None, PAGE_CONSOLE)
    context.update(joining(request, viewer.workshop))
    context.update(overrides)
    context.update(CONSOLE.page(viewer, context))
    return render(request, CONSOLE.template, context, status=status)


DEFAULT_TIMER_MINUTES = 10


def undo_phase(workshop):
    """The phase to go back to when the last move brought the group here (one click, no question)."""
    last_move = (
        Activity.objects.filter(workshop_id=workshop.pk, subject_type="workshop", changes__has_key="phase")
        .order_by("-id")
        .values_list("changes", flat=True)
        .first()
    )
    if last_move and last_move["phase"][1] == workshop.phase and last_move["phase"][0] in PHASES:
        return Phase(last_move["phase"][0])
    return None


def console_controls(workshop, **extra):
    index = phase_index(workshop.phase)
    phases = PHASES
    return {
        "previous_phase": Phase(phases[index - 1]) if index > 0 else None,
        "next_phase": Phase(phases[index + 1]) if index + 1 < len(phases) else None,
        "undo_phase": undo_phase(workshop),
        "phase_choices": Phase.choices,
        "timer_form": TimerForm(initial={"minutes": DEFAULT_TIMER_MINUTES}),
        "budget_form": DotBudgetForm(initial={"dot_budget": workshop.dot_budget}),
        "timer": timer.timer_state(workshop),
        "now": timezone.now(),
        **extra,
    }


@write(needs=Needs.FACILITATOR)
def contribution_hide(request, viewer, kind, item_id):
    """Hide a vision or an issue from participants, or restore it (recorded either way)."""
    if kind not in MODERATED:
        raise Http404("No such kind")
    model, hidden_change, restored_change, phase = MODERATED[kind]
    item = item_of(model, viewer, item_id)
    form = HideForm(request.POST)
    form.is_valid()
    hidden = form.cleaned_data.get("hidden", False)
    if kind == "vision" and hidden and item.status == VisionStatus.ADOPTED:
        raise Refused(_("The adopted vision cannot be hidden; adopt another one first."), 409)
    if item.hidden != hidden:
        model.objects.filter(pk=item.pk).update(hidden=hidden)
        record(
            viewer,
            hidden_change if hidden else restored_change,
            item,
            summary=str(item),
            changes={"hidden": [item.hidden, hidden]},
        )
    return done(request, phase_url(viewer.workshop_id, phase) + f"#{kind}-{item.pk}")


def controls_response(request, viewer, back=None, **extra):
    """The console's control panel for htmx; a redirect back to the console otherwise."""
    if request.htmx:
        context = common_context(viewer, None, PAGE_CONSOLE)
        context.update(console_controls(viewer.workshop, **extra))
        return done(request, back, render(request, "phases/console.html#controls", context))
    return redirect(back or reverse("console", args=[viewer.workshop_id]))


def change_setting(viewer, name, value, summary):
    """Set one of the workshop's own fields, recorded (every page's banner shows the workshop)."""
    workshop = viewer.workshop
    before = getattr(workshop, name)
    if before != value:
        setattr(workshop, name, value)
        workshop.save(update_fields=[name, "updated_at"])
        record(viewer, WORKSHOP_UPDATED, None, summary=summary, changes={name: [before, value]})


@write(needs=Needs.FACILITATOR)
def phase_move(request, viewer):
    """Move the group to another phase: asked once, then done, with an undo right after."""
    form = PhaseMoveForm(request.POST)
    if not form.is_valid():
        return controls_response(request, viewer)
    target = form.cleaned_data["to"]
    if not form.cleaned_data["confirmed"] and target != viewer.workshop.phase:
        confirm = {"to": Phase(target), "from": Phase(viewer.workshop.phase)}
        if request.htmx:
            context = common_context(viewer, None, PAGE_CONSOLE)
            context.update(console_controls(viewer.workshop, confirm=confirm))
            return render(request, "phases/console.html#controls", context)
        return render_console(request, viewer, confirm=confirm)
    if target != viewer.workshop.phase and timer.timer_state(viewer.workshop).state == "over":
        timer.reset_timer(viewer.workshop)  # "Time is up" belonged to the phase being left
        viewer.workshop.save(update_fields=["timer_ends_at", "timer_remaining"])
    change_setting(viewer, "phase", target, _("Phase: %(phase)s") % {"phase": Phase(target).label})
    if not request.htmx:
        messages.success(request, _("Everyone is now in “%(phase)s”.") % {"phase": Phase(target).label})
    return controls_response(request, viewer)


@write(needs=Needs.FACILITATOR)
def workshop_lock(request, viewer):
    form = LockForm(request.POST)
    form.is_valid()
    locked = form.cleaned_data.get("locked", False)
    change_setting(
        viewer, "locked", locked, _("Contributions locked") if locked else _("Contributions unlocked")
    )
    return controls_response(request, viewer)


@write(needs=Needs.FACILITATOR)
def workshop_timer(request, viewer):
    form = TimerForm(request.POST)
    if not form.is_valid():
        return controls_response(request, viewer)
    action = form.cleaned_data["action"]
    workshop = viewer.workshop
    if action == TimerForm.START:
        minutes = form.cleaned_data.get("minutes")
        if minutes:
            timer.start_timer(workshop, minutes * 60)
        elif timer.timer_state(workshop).state == "paused":
            timer.start_timer(workshop)  # resume
        else:
            timer.start_timer(workshop, DEFAULT_TIMER_MINUTES * 60)
    elif action == TimerForm.PAUSE:
        timer.pause_timer(workshop)
    else:
        timer.reset_timer(workshop)
    workshop.save(update_fields=["timer_ends_at", "timer_remaining", "updated_at"])
    record(
        viewer,
        WORKSHOP_UPDATED,
        None,
        summary=_("Timer: %(action)s") % {"action": action},
        changes={"timer": action},
    )
    return controls_response(request, viewer)


@write(needs=Needs.FACILITATOR)
def workshop_dot_budget(request, viewer):
    form = DotBudgetForm(request.POST)
    if not form.is_valid():
        return controls_response(request, viewer)
    budget = form.cleaned_data["dot_budget"]
    change_setting(viewer, "dot_budget", budget, _("Dots per participant: %(n)s") % {"n": budget})
    return controls_response(request, viewer)
