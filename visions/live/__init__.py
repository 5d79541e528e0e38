"""How every open page of a workshop stays current: polling against the activity record.

Why polling and not server-sent events: PostgreSQL is the only shared state and app
processes are interchangeable, so an SSE stream would hold a worker and a database
connection per open page for the whole workshop (100 phones = 100 held workers), or
need LISTEN/NOTIFY plumbing in every process. A poll every 2 s is a short request that
any process can answer, through any proxy, and costs what the idle check below costs.

The idle check is one indexed query. Every change anyone makes writes an Activity row
in the same transaction (see `contribution` and `record`), so "did anything change on
this page since it was rendered?" is `SELECT ... FROM activity WHERE workshop_id = %s
AND id > %s` on the (workshop, id) index, answered 204 when empty. To keep it at one
query the poll never touches the session or the user: the page carries a signed viewer
token (workshop, participant, role, facilitator flag) issued after the full access check
that rendered it, so the session backend does not matter to polling and stays the
database one (logout and removal stay enforceable on every page load).

When rows come back they name what changed (subject type and id); the page's board
renders only those items and swaps them in place with htmx out-of-band swaps. Item
markup is split into regions (body, counts, the viewer's own controls), and a change
from someone else swaps only the shared regions, never a form: what a person is typing
and where they scrolled survive. New items are inserted after removing any copy already
on the page, so a delta delivered twice never doubles an item.

One change is seen by every open page of the workshop, and most of them are the same
kind of page, so item markup does not depend on who looks at it (a participant's own
controls are shown by a one-line style rule of their page, keyed on the item's author)
and a rendered delta is kept in `DELTA_MEMO` for the other pages of that kind: a
process renders each change once, then answers the other polls with the memo.
bench/live_bench.py measures both paths, shared and not.

Activity ids must become visible in id order, or a poller that has seen id 12 would skip
an id 11 committed later. Every write here locks the workshop row first (see
`contribution`), so inside one workshop ids are taken and committed one after another.
SQLite serialises writers anyway (transaction mode IMMEDIATE).
"""

import datetime
import json
import secrets
import threading
import time
from collections import OrderedDict, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from visions.live.access import session_participant_id
from visions.models import Activity, FormSubmission, Participant, Phase, Role, Workshop

# How often an open page asks; the promise is "within about two seconds".
POLL_SECONDS = 2
# More changes than this since a page's revision: the page reloads instead of patching.
MAX_DELTA_ROWS = 200
# A page's viewer token lasts a workshop day from the page's own access check; after that
# the page reloads, which checks access again. Deltas carry the token on without renewing it.
TOKEN_MAX_AGE = 60 * 60 * 12
TOKEN_SALT = "futurecenter.live.viewer"
# How long a form's one-time key is remembered to refuse a repeated submission.
FORM_KEY_MAX_AGE = 60 * 60 * 24

PHASES = list(Phase.values)


def phase_index(phase):
    return PHASES.index(phase)


@dataclass
class Viewer:
    """Who is looking at a workshop page, and what they may do there."""

    workshop_id: int
    participant_id: int | None
    role: str | None  # the participant's role, None without a participant row
    is_facilitator: bool
    user_id: int | None = None
    workshop: Workshop | None = None
    display_name: str = ""
    checked_at: int | None = None  # when the page's full access check ran (seconds since the epoch)

    @property
    def can_contribute(self):
        return self.is_facilitator or self.role == Role.PARTICIPANT

    @property
    def can_vote(self):
        """Dots, scores and endorsements belong to participants (facilitators facilitate)."""
        return self.participant_id is not None and self.role == Role.PARTICIPANT

    @property
    def is_observer(self):
        return not self.is_facilitator and self.role == Role.OBSERVER

    def owns(self, item):
        return self.participant_id is not None and getattr(item, "author_id", None) == self.participant_id

    def may_change(self, item):
        return self.is_facilitator or (self.can_contribute and self.owns(item))

    def may_view_phase(self, phase):
        if self.is_facilitator:
            return True
        return phase_index(phase) <= phase_index(self.workshop.phase)

    @cached_property
    def links(self):
        """Address prefixes of the per-item actions, e.g. links.issue + "7/vote/".

        The same addresses {% url %} would give (tests/test_phase_pages.py resolves them),
        without reversing one per item and action: that cost a 500-issue board ~60 ms.
        """

        def prefix(name, *args):
            address = reverse(name, args=[self.workshop_id, *args, 0])
            return address[: address.rindex("/0/") + 1]

        return {
            "issue": prefix("issue_edit"),
            "vision": prefix("vision_edit"),
            "target": prefix("target_delete"),
            "assessment": prefix("assessment_delete"),
            "stakeholder": prefix("stakeholder_delete"),
            "hide_issue": prefix("contribution_hide", "issue"),
            "hide_vision": prefix("contribution_hide", "vision"),
        }

    @property
    def actor(self):
        """What Activity.record wants: the participant row, else nothing (facilitator rows exist)."""
        return self.participant_id

    def token(self):
        checked_at = self.checked_at if self.checked_at is not None else int(time.time())
        return signing.dumps(
            {
                "w": self.workshop_id,
                "p": self.participant_id,
                "r": self.role,
                "f": int(self.is_facilitator),
                "u": self.user_id,
                "c": checked_at,
            },
            salt=TOKEN_SALT,
            compress=False,
        )

    def still_belongs(self):
        """Whether the workshop still counts this viewer in (one query; run only when there is news)."""
        if self.is_facilitator:
            return Workshop.facilitators.through.objects.filter(
                workshop_id=self.workshop_id, user_id=self.user_id
            ).exists()
        return Participant.objects.filter(
            pk=self.participant_id, workshop_id=self.workshop_id, role=self.role
        ).exists()


class BadToken(Exception):
    pass


def viewer_from_token(token, workshop_id):
    """The viewer a page was rendered for; no query (the page's own access check vouches)."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature as error:
        raise BadToken(str(error)) from error
    if data.get("w") != workshop_id:
        raise BadToken("token for another workshop")
    checked_at = data.get("c")
    if not isinstance(checked_at, int) or time.time() - checked_at > TOKEN_MAX_AGE:
        raise BadToken("the page's access check is too old")
    return Viewer(
        workshop_id=workshop_id,
        participant_id=data.get("p"),
        role=data.get("r"),
        is_facilitator=bool(data.get("f")),
        user_id=data.get("u"),
        checked_at=checked_at,
    )


def viewer_for(request, workshop_id):
    """The request's viewer of the workshop: facilitator, participant, observer, or 404."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    user = request.user
    is_facilitator = user.is_authenticated and workshop.facilitators.filter(pk=user.pk).exists()
    participant_id = session_participant_id(request, workshop.pk)
    who = Q(pk=participant_id) if participant_id is not None else Q(pk__in=[])
    if is_facilitator:
        who |= Q(user=user)
    participant = None
    for row in Participant.objects.filter(workshop=workshop).filter(who):
        # A facilitator who also joined by code acts as the facilitator.
        if participant is None or row.user_id == getattr(user, "pk", None):
            participant = row
    if not is_facilitator and participant is None:
        from django.http import Http404

        raise Http404("No such workshop")
    return Viewer(
        workshop_id=workshop.pk,
        participant_id=participant.pk if participant else None,
        role=participant.role if participant else None,
        is_facilitator=is_facilitator,
        user_id=user.pk if user.is_authenticated else None,
        workshop=workshop,
        display_name=participant.display_name if participant else user.get_username(),
    )


def last_activity_id(workshop_id):
    return (
        Activity.objects.filter(workshop_id=workshop_id).order_by("-id").values_list("id", flat=True).first()
        or 0
    )


def _activity_since_sql():
    quote = connection.ops.quote_name
    return (
        f"SELECT {quote('id')}, {quote('verb')}, {quote('subject_type')}, {quote('subject_id')}, {quote('changes')}, "
        f"{quote('created_at')} "
        f"FROM {quote(Activity._meta.db_table)} "
        f"WHERE {quote('workshop_id')} = %s AND {quote('id')} > %s ORDER BY {quote('id')} LIMIT %s"
    )


def activity_since(workshop_id, since):
    """The idle check: what happened in the workshop after `since`, as plain tuples.

    One query on the (workshop, id) index. At most MAX_DELTA_ROWS + 1 rows, so that a page
    far behind can be told to reload. Written as SQL because every open page runs it every
    two seconds: building the same query through the ORM costs more CPU than running it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_activity_since_sql(), [workshop_id, since, MAX_DELTA_ROWS + 1])
        rows = cursor.fetchall()
    return [
        (pk, verb, subject_type, subject_id, json.loads(changes) if isinstance(changes, str) else changes or {}, stamp)
        for pk, verb, subject_type, subject_id, changes, stamp in rows
    ]


# Verbs after which an item is (again) visible and must be inserted, not replaced.
APPEARING = {"created", "restored"}
GONE = {"deleted"}


@dataclass
class Changes:
    """What a run of activity rows changed, by subject type: {id: set of verbs}."""

    last_id: int
    last_stamp: str = ""  # when the last row was written: with its id, names this run of changes uniquely
    subjects: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    workshop_fields: set = field(default_factory=set)
    # Extra subjects a change touched, e.g. the issues a theme merge moved.
    touched: dict = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_rows(cls, rows):
        changes = cls(last_id=rows[-1][0] if rows else 0, last_stamp=str(rows[-1][5]) if rows and len(rows[-1]) > 5 else "")
        for _id, verb, subject_type, subject_id, detail, *_stamp in rows:
            if subject_type == "workshop":
                changes.workshop_fields.update((detail or {}).keys() or {verb})
                continue
            changes.subjects[subject_type][subject_id].add(verb)
            for kind, ids in (detail or {}).get("touches", {}).items():
                changes.touched[kind].update(ids)
        return changes

    def ids(self, subject_type):
        return set(self.subjects.get(subject_type, {})) - {None}

    def verbs(self, subject_type, subject_id):
        return self.subjects.get(subject_type, {}).get(subject_id, set())

    def appeared(self, subject_type, subject_id, viewer=None):
        """Whether the item is new on the viewer's page (facilitators never lost a hidden one)."""
        verbs = self.verbs(subject_type, subject_id)
        if viewer is not None and viewer.is_facilitator:
            return "created" in verbs
        return bool(verbs & APPEARING)

    def all_ids(self, subject_type):
        """Subjects of this type that changed directly or were touched by another change."""
        return self.ids(subject_type) | self.touched.get(subject_type, set())

    @property
    def phase_moved(self):
        return "phase" in self.workshop_fields


class DeltaMemo:
    """Rendered deltas by workshop, run of changes and kind of page: one render per change per process.

    A change is seen by every open page of its workshop within two seconds, and most of them
    are the same kind of page (participants on the current phase), so they would render the
    same HTML. This memo is not state: its key names a run of activity rows by id and time,
    and its value is rendered from the database as it was at or after the last of them, so a
    page may get it from any process, or from none (a miss renders again) and stays right;
    later changes reach it with its next poll. Only deltas without personal parts (a person's
    own dots, say) are kept, and items are marked up the same for everyone (see the
    ownership rule in templates/phases/base_phase.html).
    """

    def __init__(self, size=512):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


DELTA_MEMO = DeltaMemo()


class Refused(Exception):
    """A write the server will not do; `status` tells the client why."""

    def __init__(self, message, status=403):
        super().__init__(message)
        self.message = message
        self.status = status


@contextmanager
def contribution(viewer, phase=None, facilitator_only=False):
    """One write to a workshop, in a transaction that holds the workshop row.

    Holding the row serialises writes per workshop: the locked flag cannot change under
    a write, activity ids commit in order, and a participant's dots cannot be spent by
    two requests at once. Participants may write only in the workshop's current phase
    and only while it is unlocked; facilitators may always write.
    """
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=viewer.workshop_id)
        viewer.workshop = workshop
        if facilitator_only and not viewer.is_facilitator:
            raise Refused(_("Only the facilitator can do this."), 403)
        if not viewer.can_contribute:
            raise Refused(_("Observers can read but not change the workshop."), 403)
        if not viewer.is_facilitator:
            if workshop.locked:
                raise Refused(
                    _("The facilitator has locked contributions for now. Nothing was saved; "
                      "you can try again when they unlock."),
                    423,
                )
            if phase is not None and workshop.phase != phase:
                raise Refused(
                    _("The group has moved on to “%(phase)s”; this phase is closed for changes.")
                    % {"phase": workshop.get_phase_display()},
                    403,
                )
        yield workshop


def record(viewer, verb, subject, *, summary="", changes=None):
    """Record one change by `viewer` (inside its `contribution`)."""
    return Activity.objects.create(
        workshop_id=viewer.workshop_id,
        actor_participant_id=viewer.participant_id,
        actor_user_id=viewer.user_id if viewer.participant_id is None else None,
        verb=verb,
        subject_type=type(subject).__name__.lower() if subject is not None else "workshop",
        subject_id=getattr(subject, "pk", None),
        summary=str(summary)[:300],
        changes=changes or {},
    )


def new_form_key():
    return secrets.token_urlsafe(16)


def claim_form_key(workshop, key):
    """True the first time a form's key is seen; False for a repeated submission.

    Called inside the write's transaction: if the write fails, the key is not used up.
    """
    if not key:
        return True
    try:
        with transaction.atomic():
            FormSubmission.objects.create(key=key[:64], workshop=workshop)
    except IntegrityError:
        return False
    # A repeat comes within seconds; keys older than a workshop day need not be kept.
    FormSubmission.objects.filter(
        workshop=workshop, created_at__lt=timezone.now() - datetime.timedelta(seconds=FORM_KEY_MAX_AGE)
    ).delete()
    return True


# --- the countdown timer -------------------------------------------------------------


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
        return TimerState("running" if remaining else "over", workshop.timer_ends_at, remaining)
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
