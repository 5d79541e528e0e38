"""The workshop's countdown: its end time is kept on the server, so every screen shows the same."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

# "Time is up" shows this long after the end, then the timer clears itself (live.js does the same).
OVER_SHOWN = datetime.timedelta(seconds=60)


@dataclass(frozen=True)
class TimerState:
    state: str  # "idle", "running", "paused", "over"
    ends_at: datetime.datetime | None
    remaining: int  # whole seconds left

    @property
    def minutes_seconds(self):
        return f"{self.remaining // 60}:{self.remaining % 60:02d}"


def timer_state(workshop, now=None):
    now = now or timezone.now()
    if workshop.timer_ends_at is not None:
        remaining = max(0, int((workshop.timer_ends_at - now).total_seconds() + 0.999))
        if remaining:
            return TimerState("running", workshop.timer_ends_at, remaining)
        if now - workshop.timer_ends_at < OVER_SHOWN:
            return TimerState("over", workshop.timer_ends_at, 0)
        return TimerState("idle", None, 0)
    if workshop.timer_remaining is not None:
        return TimerState("paused", None, workshop.timer_remaining)
    return TimerState("idle", None, 0)


def start_timer(workshop, seconds=None, now=None):
    """Run the countdown: for `seconds`, or on from where it was paused."""
    now = now or timezone.now()
    if seconds is None:
        seconds = workshop.timer_remaining or 0
    workshop.timer_ends_at = now + datetime.timedelta(seconds=seconds)
    workshop.timer_remaining = None


def pause_timer(workshop, now=None):
    state = timer_state(workshop, now)
    if state.state in ("running", "over"):
        workshop.timer_ends_at = None
        workshop.timer_remaining = state.remaining


def reset_timer(workshop):
    workshop.timer_ends_at = None
    workshop.timer_remaining = None
