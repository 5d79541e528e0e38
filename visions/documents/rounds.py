"""Rounds: the next round made from the last one, and the series of rounds read back.

The next round is the workshop file of the last round, with what belongs to its people left
out, imported as a new workshop (the one shape of visions/documents/workshop_file). What
carries over: the adopted vision and the visions it replaced, with their history and their
targets' history; the targets and their assessments; the organisations; accepted milestones;
actions with their owners, years, status, progress, dependencies and effects; the issues an
action addresses and the gap issues; the last commitment, so that drift follows on. What does
not: participants, their votes, scores and endorsements, authors, proposals not adopted or
accepted, issues nobody acts on, the join code.

The series numbers (gap, trend, adequacy per target and round) are the ones derived.py
computes for each round; what was done, dropped or slipped between two rounds is drift
(drift.py) between their documents, matched by `carried_from`.
"""

import copy
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from visions.documents.drift import compute_drift
from visions.documents.snapshot import load_snapshot
from visions.documents.workshop_file import import_document_with_keys
from visions.documents.workshop_file.writer import export_document_with_keys
from visions.live.activity import Subject, declare
from visions.models import Action, Activity, ActionStatus, IssueOrigin, Phase, Target, VisionStatus, Workshop

ROUND_CONTINUED = declare(Subject.WORKSHOP, "continued")  # on the new round
NEXT_ROUND_STARTED = declare(Subject.WORKSHOP, "next_round")  # on the round it continues

CARRIED_VISIONS = (VisionStatus.ADOPTED, VisionStatus.ARCHIVED)
HISTORY_SUBJECTS = (Subject.VISION, Subject.TARGET)


def next_round_document(document, title):
    """The workshop file of the next round: what the group decided, without the people."""
    doc = copy.deepcopy(document)
    doc["workshop"].update(title=title, phase=Phase.STAKEHOLDERS, locked=False)
    doc["workshop"].pop("previous_round", None)
    doc["participants"] = []
    doc["visions"] = [v for v in doc["visions"] if v["status"] in CARRIED_VISIONS]
    for vision in doc["visions"]:
        vision.update(author=None, endorsed_by=[])
    visions = {v["key"] for v in doc["visions"]}
    doc["targets"] = [t for t in doc["targets"] if t["vision"] in visions]
    targets = {t["key"] for t in doc["targets"]}
    doc["assessments"] = [dict(a, author=None) for a in doc["assessments"] if a["target"] in targets]
    doc["milestones"] = [dict(m, proposed_by=None) for m in doc["milestones"] if m.get("accepted", True)]
    milestones = {m["key"] for m in doc["milestones"]}
    addressed = {key for action in doc["actions"] for key in action["addresses"]}
    doc["issues"] = [
        dict(i, author=None, votes=[], scores=[])
        for i in doc["issues"]
        if (i["target"] in targets if i["origin"] == IssueOrigin.DERIVED else i["key"] in addressed)
    ]
    issues = {i["key"] for i in doc["issues"]}
    for action in doc["actions"]:
        action["addresses"] = [key for key in action["addresses"] if key in issues]
        action["effects"] = [e for e in action["effects"] if e["target"] in targets]
        if action["milestone"] not in milestones:
            action["milestone"] = None
    doc.pop("derived", None)
    if doc.get("commitments"):
        doc["commitments"] = doc["commitments"][-1:]
    return doc


def start_next_round(previous, title, user):
    """The next round of `previous`, facilitated by `user`, in one transaction; returns the new workshop."""
    document, keys = export_document_with_keys(previous)

    def link(workshop, objects):
        workshop.previous_round = previous
        workshop.save(update_fields=["previous_round", "updated_at"])
        for section, model in (("targets", Target), ("actions", Action)):
            rows = []
            for pk, key in keys[section].items():
                if key in objects.get(section, {}):
                    row = objects[section][key]
                    row.carried_from_id = pk
                    rows.append(row)
            model.objects.bulk_update(rows, ["carried_from"])
        carry_history(previous, workshop, keys, objects)

    summary = _("The next round of “%(title)s”") % {"title": previous.title}
    workshop, _objects = import_document_with_keys(
        next_round_document(document, title),
        facilitator=user,
        change=ROUND_CONTINUED,
        summary=summary,
        then=link,
    )
    return workshop


def carry_history(previous, workshop, keys, objects):
    """The visions' and targets' history, carried as it was; who was a participant is not."""
    new_ids = {}
    for subject, section in ((Subject.VISION, "visions"), (Subject.TARGET, "targets")):
        for pk, key in keys[section].items():
            if key in objects.get(section, {}):
                new_ids[(subject.value, pk)] = objects[section][key].pk
    rows = Activity.objects.filter(
        workshop=previous, subject_type__in=[s.value for s in HISTORY_SUBJECTS]
    ).order_by("id")
    for row in rows:
        new_id = new_ids.get((row.subject_type, row.subject_id))
        if new_id is None:
            continue
        changes = dict(row.changes or {}, round=previous.title)
        changes.pop("touches", None)  # the ids it names are the previous round's
        copied = Activity.objects.create(
            workshop=workshop, actor_user_id=row.actor_user_id, verb=row.verb, subject_type=row.subject_type,
            subject_id=new_id, summary=row.summary, changes=changes,
        )
        Activity.objects.filter(pk=copied.pk).update(created_at=row.created_at)


def suggested_title(previous):
    year = timezone.localdate().year
    return _("%(title)s (%(year)s)") % {"title": previous.title, "year": year}


# --- the series ---------------------------------------------------------------------------


def rounds_of(workshop):
    """Every round linked with `workshop` (before and after it), oldest first."""
    first = workshop
    seen = {first.pk}
    while first.previous_round_id is not None and first.previous_round_id not in seen:
        first = Workshop.objects.get(pk=first.previous_round_id)
        seen.add(first.pk)
    found = {first.pk: first}
    frontier = [first.pk]
    while frontier:
        later = list(Workshop.objects.filter(previous_round_id__in=frontier).exclude(pk__in=found))
        found.update((w.pk, w) for w in later)
        frontier = [w.pk for w in later]
    return sorted(found.values(), key=lambda w: (w.created_at, w.pk))


def visible_rounds(rounds, request):
    """The rounds this request belongs to: as a facilitator, or as a participant of this browser."""
    from visions.live.access import session_participant_id
    from visions.models import Participant

    user = request.user
    facilitated = set()
    if user.is_authenticated:
        facilitated = set(
            Workshop.facilitators.through.objects.filter(
                workshop_id__in=[w.pk for w in rounds], user_id=user.pk
            ).values_list("workshop_id", flat=True)
        )
    wanted = {w.pk: session_participant_id(request, w.pk) for w in rounds}
    joined = set(
        Participant.objects.filter(
            Q(pk__in=[p for p in wanted.values() if p is not None])
        ).values_list("workshop_id", "pk")
    )
    member = {w for w, p in joined if wanted.get(w) == p}
    return [w for w in rounds if w.pk in facilitated or w.pk in member]


@dataclass
class RoundPoint:
    """One target in one round: its derived numbers there (gap None: no assessment)."""

    workshop: Workshop
    year: int
    target: Target
    gap: object  # derived.TargetGap or None
    adequacy: object  # derived.Adequacy or None


@dataclass
class TargetSeries:
    key: int  # the first round's target id
    indicator: str
    unit: str
    points: list = field(default_factory=list)  # RoundPoint, oldest round first


@dataclass
class Transition:
    before: Workshop
    after: Workshop
    done: list
    dropped: list
    slipped: list  # drift.ActionDrift with slip > 0
    added: list


def round_year(workshop):
    return timezone.localtime(workshop.created_at).year


def series_targets(rounds):
    """[TargetSeries] following each target through the rounds by `carried_from`."""
    identity = {}  # target pk -> the first round's target pk
    series = {}
    for workshop in rounds:
        snapshot = load_snapshot(workshop)
        adequacy = {row.target.pk: row for row in snapshot.adequacy}
        for row in snapshot.targets:
            target = row.target
            key = identity.get(target.carried_from_id, target.pk)
            identity[target.pk] = key
            line = series.setdefault(key, TargetSeries(key, target.indicator, target.unit))
            line.indicator, line.unit = target.indicator, target.unit
            point = RoundPoint(workshop, round_year(workshop), target, row.gap, adequacy.get(target.pk))
            line.points.append(point)
    return list(series.values()), identity


def action_identity(rounds):
    identity = {}
    rows = Action.objects.filter(workshop__in=rounds).order_by("workshop__created_at", "id")
    for pk, carried_from in rows.values_list("pk", "carried_from_id"):
        identity[pk] = identity.get(carried_from, pk)
    return identity


def identified_document(workshop, identity):
    """The round's workshop file with `ids` naming each action and target by its first round's id."""
    document, keys = export_document_with_keys(workshop)
    document["ids"] = {
        section: {key: ids.get(pk, pk) for pk, key in keys[section].items()}
        for section, ids in (("actions", identity["actions"]), ("targets", identity["targets"]))
    }
    return document


def transitions(rounds, target_identity):
    """What was done, dropped, slipped or added between each round and the one it continues."""
    identity = {"actions": action_identity(rounds), "targets": target_identity}
    documents = {w.pk: identified_document(w, identity) for w in rounds}
    by_pk = {w.pk: w for w in rounds}
    result = []
    for after in rounds:
        before = by_pk.get(after.previous_round_id)
        if before is None:
            continue
        then, now = documents[before.pk], documents[after.pk]
        drift = compute_drift(then, now, timezone.localdate())
        status_then = _statuses(then)
        status_now = _statuses(now)
        done = [a for a in drift.progress if _became(ActionStatus.DONE, a.id, status_then, status_now)]
        dropped = [
            (title, True)
            for pk, title in _titles(now).items()
            if pk in status_then and _became(ActionStatus.DROPPED, pk, status_then, status_now)
        ] + [(a.title, False) for a in drift.removed]
        slipped = [a for a in drift.moved if a.slip > 0]
        result.append(Transition(before, after, done, dropped, slipped, drift.added))
    return result


def _became(status, pk, then, now):
    return now.get(pk) == status and then.get(pk) != status


def _statuses(document):
    ids = document["ids"]["actions"]
    return {ids[a["key"]]: a["status"] for a in document["actions"]}


def _titles(document):
    ids = document["ids"]["actions"]
    return {ids[a["key"]]: a["title"] for a in document["actions"]}

