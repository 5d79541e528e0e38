"""The activity record: every change anyone makes, and what open pages learn from it.

Every write records one or more `Change`s (a subject and a verb, declared as named
constants next to the write that makes it), in the same transaction as the write. A page
kind declares the changes it shows (`Board.shows`); the poll turns the activity rows after
a page's revision into `Changes` and lets the page's board redraw what they name.

Activity ids must become visible in id order, or a poller that has seen id 12 would skip
an id 11 committed later: `record` holds the workshop row until the surrounding
transaction commits (writes through guard.contribution hold it already).
"""

import json
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import connection, transaction

from visions.models import Activity, Workshop

# More changes than this since a page's revision: the page reloads instead of patching.
MAX_DELTA_ROWS = 200


class Subject(StrEnum):
    """What a change is about: Activity.subject_type."""

    WORKSHOP = "workshop"
    PARTICIPANT = "participant"
    STAKEHOLDER = "stakeholder"
    VISION = "vision"
    TARGET = "target"
    ASSESSMENT = "assessment"
    ISSUE = "issue"
    THEME = "theme"
    MILESTONE = "milestone"
    ACTION = "action"
    COMMITMENT = "commitment"
    PUBLIC_LINK = "publiclink"
    UPDATE_LINK = "updatelink"
    CHECKIN_ROUND = "checkinround"


class Verb(StrEnum):
    """What happened to the subject: Activity.verb (its label is Activity.verb_label)."""

    CREATED = "created"
    PROPOSED = "proposed"
    JOINED = "joined"
    UPDATED = "updated"
    DELETED = "deleted"
    HIDDEN = "hidden"
    RESTORED = "restored"
    ENDORSED = "endorsed"
    WITHDREW = "withdrew"
    ADOPTED = "adopted"
    VOTED = "voted"
    SCORED = "scored"
    RENAMED = "renamed"
    MERGED = "merged"
    SPLIT = "split"
    GROUPED = "grouped"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PROGRESS = "progress"
    ROTATED_CODE = "rotated_code"
    IMPORTED = "imported"
    NEXT_ROUND = "next_round"
    CONTINUED = "continued"
    REVOKED = "revoked"
    OPENED = "opened"
    CLOSED = "closed"


# After these an item is (again) on the page and must be inserted, not replaced.
APPEARING = {Verb.CREATED, Verb.PROPOSED, Verb.JOINED, Verb.RESTORED}


@dataclass(frozen=True)
class Change:
    subject: Subject
    verb: Verb

    def __str__(self):
        return f"{self.subject}.{self.verb}"


# Every change a write may record, in declaration order, so that a test can drive each one.
DECLARED = []


def declare(subject, verb):
    """A change some write records: declared once, as a named constant next to that write."""
    change = Change(Subject(subject), Verb(verb))
    if change not in DECLARED:
        DECLARED.append(change)
    return change


def record(viewer, change, subject, *, summary="", changes=None):
    """Record one change by `viewer` to `subject` (a model instance; None for the workshop)."""
    if subject is not None and type(subject).__name__.lower() != change.subject:
        raise ValueError(f"{change} recorded for a {type(subject).__name__}")
    if viewer.holds_workshop:
        return _create(viewer, change, subject, summary, changes)
    with transaction.atomic():
        list(Workshop.objects.select_for_update().filter(pk=viewer.workshop_id).values_list("pk"))
        return _create(viewer, change, subject, summary, changes)


def _create(viewer, change, subject, summary, changes):
    if viewer.update_link is not None:
        # The organisation's name stays in the history if the link goes with its organisation.
        changes = {**(changes or {}), "through_link": viewer.update_link.stakeholder.name}
    return Activity.objects.create(
        workshop_id=viewer.workshop_id,
        actor_participant_id=viewer.participant_id,
        actor_user_id=viewer.user_id if viewer.participant_id is None else None,
        # A representative's change through their organisation's update link names that link.
        actor_link_id=viewer.update_link.pk if viewer.update_link is not None else None,
        verb=change.verb,
        subject_type=change.subject.value,
        subject_id=getattr(subject, "pk", None),
        summary=str(summary)[:300],
        changes=changes or {},
    )


def last_activity_id(workshop_id):
    return (
        Activity.objects.filter(workshop_id=workshop_id).order_by("-id").values_list("id", flat=True).first()
        or 0
    )


def revision(workshop_id):
    """The workshop's state as its latest activity row names it (id and time), or None before any.

    Every write records one, so what a page reads from the database is a function of it: a
    process may keep what it derived for a revision (SNAPSHOTS, the issue cards) and share it.
    """
    return (
        Activity.objects.filter(workshop_id=workshop_id).order_by("-id").values_list("id", "created_at").first()
    )


_SINCE_SQL = {}


def _activity_since_sql(subject_count):
    if subject_count not in _SINCE_SQL:
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * subject_count)
        _SINCE_SQL[subject_count] = (
            f"SELECT {quote('id')}, {quote('verb')}, {quote('subject_type')}, {quote('subject_id')}, "
            f"{quote('changes')}, {quote('created_at')} FROM {quote(Activity._meta.db_table)} "
            f"WHERE {quote('workshop_id')} = %s AND {quote('id')} > %s "
            f"AND {quote('subject_type')} IN ({placeholders}) ORDER BY {quote('id')} LIMIT %s"
        )
    return _SINCE_SQL[subject_count]


MAX_ACTIVITY_ID = 2**63 - 1


def activity_since(workshop_id, since, subjects=tuple(Subject)):
    """The idle check: what happened to `subjects` in the workshop after `since`, as plain tuples.

    One query on the (workshop, id) index. At most MAX_DELTA_ROWS + 1 rows, so that a page
    far behind can be told to reload. Written as SQL because every open page runs it every
    two seconds: building the same query through the ORM costs more CPU than running it.
    """
    subjects = sorted({str(s) for s in subjects})
    # `since` comes from a URL: kept within a bigint, so that no database is handed a number it refuses.
    since = min(max(since, -1), MAX_ACTIVITY_ID)
    with connection.cursor() as cursor:
        cursor.execute(
            _activity_since_sql(len(subjects)), [workshop_id, since, *subjects, MAX_DELTA_ROWS + 1]
        )
        rows = cursor.fetchall()
    return [
        (
            pk,
            verb,
            subject_type,
            subject_id,
            json.loads(detail) if isinstance(detail, str) else detail or {},
            stamp,
        )
        for pk, verb, subject_type, subject_id, detail, stamp in rows
    ]


KNOWN_SUBJECTS = {s.value for s in Subject}
KNOWN_VERBS = {v.value for v in Verb}


@dataclass
class Changes:
    """What a run of activity rows changed: {subject: {id: set of Change}}."""

    last_id: int
    last_stamp: str = ""  # when the last row was written: with its id, names this run of changes uniquely
    subjects: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    workshop_fields: set = field(default_factory=set)
    # Extra subjects a change touched, e.g. the issues a theme merge moved.
    touched: dict = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_rows(cls, rows, shown=None):
        """The changes among `rows` that a page showing `shown` (a set of Change) redraws."""
        changes = cls(last_id=rows[-1][0] if rows else 0, last_stamp=str(rows[-1][5]) if rows else "")
        for _id, verb, subject_type, subject_id, detail, _stamp in rows:
            if subject_type not in KNOWN_SUBJECTS or verb not in KNOWN_VERBS:
                continue  # a kind of record no page shows
            change = Change(Subject(subject_type), Verb(verb))
            if shown is not None and change not in shown:
                continue
            if change.subject == Subject.WORKSHOP:
                changes.workshop_fields.update((detail or {}).keys() or {verb})
                continue
            changes.subjects[change.subject][subject_id].add(change)
            for kind, ids in (detail or {}).get("touches", {}).items():
                changes.touched[kind].update(ids)
        return changes

    @property
    def empty(self):
        return not self.subjects and not self.workshop_fields

    def ids(self, subject):
        return set(self.subjects.get(subject, {})) - {None}

    def of(self, subject, subject_id):
        """The changes made to one item."""
        return self.subjects.get(subject, {}).get(subject_id, set())

    def any_of(self, *wanted):
        """Whether any item changed by one of `wanted`."""
        wanted = set(wanted)
        return any(
            found & wanted
            for subject in {c.subject for c in wanted}
            for found in self.subjects.get(subject, {}).values()
        )

    def all_ids(self, subject):
        """Subjects of this type that changed directly or were touched by another change."""
        return self.ids(subject) | self.touched.get(str(subject), set())

    def was_touched(self, subject, subject_id):
        return subject_id in self.touched.get(str(subject), ())

    def appeared(self, subject, subject_id, viewer=None):
        """Whether the item is new on the viewer's page (facilitators never lost a hidden one)."""
        verbs = {change.verb for change in self.of(subject, subject_id)}
        if viewer is not None and viewer.is_facilitator:
            return bool(verbs & (APPEARING - {Verb.RESTORED}))
        return bool(verbs & APPEARING)

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
