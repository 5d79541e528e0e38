"""A whole workshop loaded at once, with its derived numbers.

The overview page, the PDF and the workshop file all read a WorkshopSnapshot, so
they show the same numbers, and loading one costs a fixed number of queries
whatever the workshop's size.
"""

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse

from visions.documents.derived import (
    Agreement,
    Coverage,
    TargetGap,
    compute_adequacy,
    compute_agreement,
    compute_coverage,
    compute_schedule,
    decisions_due,
    target_gap,
)
from visions.live.activity import DeltaMemo, revision
from visions.models import (
    Action,
    ActionDependency,
    ActionStatus,
    Assessment,
    Issue,
    Participant,
    Role,
    Sector,
    Stakeholder,
    Target,
    Vision,
    VisionStatus,
    Workshop,
)


def blau_index(counts):
    """1 − Σ p² over the categories' shares; 0 for nobody or one category."""
    total = sum(counts)
    if total == 0:
        return 0.0
    return 1.0 - sum((c / total) ** 2 for c in counts)


@dataclass
class TargetRow:
    target: Target
    assessments: list
    gap: TargetGap | None
    effects: list = field(default_factory=list)  # (year in place, amount) of actions not dropped: the planned path


@dataclass
class IssueRow:
    issue: Issue
    dots: int
    voters: int
    mean_impact: float | None
    mean_feasibility: float | None
    addressed: bool


@dataclass
class WorkshopSnapshot:
    workshop: Workshop
    stakeholders: list
    participants: list
    visions: list
    targets: list  # TargetRow
    issues: list  # IssueRow, in id order
    themes: list
    milestones: list
    actions: list
    dependencies: list  # (action, prerequisite)
    coverage: Coverage
    sector_counts: dict = field(default_factory=dict)
    discipline_counts: dict = field(default_factory=dict)
    adequacy: list = field(default_factory=list)  # Adequacy, one per assessed target
    schedule: list = field(default_factory=list)  # Backcast, one per action not dropped
    agreement: Agreement | None = None
    revision: tuple | None = None  # the workshop revision a shared snapshot was loaded for (shared_snapshot)

    def decisions_due(self, this_year):
        return decisions_due(self.schedule, this_year)

    @property
    def adopted_vision(self):
        return next((v for v in self.visions if v.status == VisionStatus.ADOPTED), None)

    @property
    def sector_diversity(self):
        return blau_index(list(self.sector_counts.values()))

    @property
    def missing_sectors(self):
        return [s for s in Sector if self.sector_counts.get(s.value, 0) == 0]

    @property
    def issues_by_votes(self):
        """Every issue, hidden ones too (facilitators see them), most dots first."""
        return sorted(self.issues, key=lambda row: (-row.dots, row.issue.pk))

    @property
    def agenda_by_votes(self):
        """The issues on the agenda (not hidden by a facilitator), most dots first."""
        return [row for row in self.issues_by_votes if not row.issue.hidden]

    @property
    def prioritised_issue_ids(self):
        """The workshop's top `priority_count` issues by votes: the ones the roadmap must address."""
        return {row.issue.pk for row in self.agenda_by_votes[: self.workshop.priority_count]}

    def without_hidden(self):
        """The workshop as its documents show it: contributions a facilitator hid are left out.

        The workshop file keeps them (marked hidden); the PDF and the CSV files do not.
        """
        return dataclasses.replace(
            self,
            visions=[v for v in self.visions if not v.hidden],
            issues=[row for row in self.issues if not row.issue.hidden],
        )

    def gap_for(self, target):
        return next((row.gap for row in self.targets if row.target.pk == target.pk), None)


# Snapshots by workshop revision: the pages that show a large workshop's derived numbers (the
# issues board's roadmap check, the builder, the overview, the projector) load it once per change.
SNAPSHOTS = DeltaMemo(size=8)


UNKNOWN = object()


def shared_snapshot(workshop, stamp=UNKNOWN):
    """load_snapshot, once per revision of the workshop in this process: read it, never change it.

    The key names the latest activity row (id and time; `stamp` when the caller read it
    already); a snapshot loaded just after another change is newer than its key, which is
    harmless: the next change has a new key.
    """
    if stamp is UNKNOWN:
        stamp = revision(workshop.pk)
    if stamp is None:
        return load_snapshot(workshop)
    key = (workshop.pk, *stamp)
    snapshot = SNAPSHOTS.get(key)
    if snapshot is None:
        snapshot = load_snapshot(workshop)
        snapshot.revision = stamp
        SNAPSHOTS.put(key, snapshot)
    return snapshot


def load_snapshot(workshop):
    """Load everything of `workshop` in a fixed number of queries."""
    stakeholders = list(Stakeholder.objects.filter(workshop=workshop))
    participants = list(Participant.objects.filter(workshop=workshop).select_related("stakeholder"))
    visions = load_visions(workshop)
    targets = load_targets(workshop)
    issues = load_issues(workshop)
    actions = load_actions(workshop)
    milestones = list(workshop.milestones.select_related("proposed_by"))
    themes = list(workshop.themes.all())
    dependencies = load_dependencies(workshop, actions)
    addressed = {issue.pk for action in actions for issue in action.addresses.all()}
    sector_counts, discipline_counts = people_counts(participants)
    target_rows = [TargetRow(t, list(t.assessments.all()), target_gap(t, t.assessments.all())) for t in targets]
    return WorkshopSnapshot(
        workshop=workshop,
        stakeholders=stakeholders,
        participants=participants,
        visions=visions,
        targets=target_rows,
        issues=[issue_row(issue, addressed) for issue in issues],
        themes=themes,
        milestones=milestones,
        actions=actions,
        dependencies=dependencies,
        coverage=snapshot_coverage(workshop, targets, milestones, actions, issues, addressed, dependencies),
        sector_counts=sector_counts,
        discipline_counts=discipline_counts,
        adequacy=snapshot_adequacy(target_rows, actions),
        schedule=compute_schedule(workshop.target_year, actions, dependencies),
        agreement=snapshot_agreement(workshop, issues),
    )


def snapshot_adequacy(target_rows, actions):
    effects = {}
    for action in actions:
        for effect in action.effects.all():
            effects.setdefault(effect.target_id, []).append(
                (action, effect.amount, effect.year if effect.year is not None else action.end_year, effect.confidence)
            )
    for row in target_rows:
        row.effects = [(year, amount) for action, amount, year, _confidence in effects.get(row.target.pk, [])
                       if action.status != ActionStatus.DROPPED]
    return [
        compute_adequacy(row.target, row.gap.gap, effects.get(row.target.pk, []))
        for row in target_rows
        if row.gap is not None
    ]


def snapshot_agreement(workshop, issues):
    # Observers do not vote; a participant without a sector cannot be counted for one.
    votes = [
        (issue, vote.participant.sector if vote.participant.role != Role.OBSERVER else "", vote.dots)
        for issue in issues
        for vote in issue.votes.all()
    ]
    return compute_agreement(workshop.priority_count, issues, votes)


def load_visions(workshop):
    return list(
        Vision.objects.filter(workshop=workshop)
        .select_related("author")
        .prefetch_related("goals", "endorsements__participant")
    )


def load_targets(workshop):
    return list(
        Target.objects.filter(workshop=workshop)
        .select_related("vision")
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.select_related("author").order_by("id"))
        )
    )


def load_issues(workshop):
    return list(
        Issue.objects.filter(workshop=workshop)
        .select_related("theme", "target", "author")
        .prefetch_related("votes__participant", "scores__participant")
    )


def load_actions(workshop):
    actions = list(
        Action.objects.filter(workshop=workshop)
        .select_related("milestone")
        .prefetch_related("owners", "addresses", "depends_on", "effects")
        .order_by("id")
    )
    for action in actions:
        # What pages and documents list as "issues addressed": not what a facilitator hid.
        action.visible_addresses = [issue for issue in action.addresses.all() if not issue.hidden]
    return actions


def load_dependencies(workshop, actions):
    """(action, prerequisite) pairs of the loaded actions, in the order they were made."""
    actions_by_id = {a.pk: a for a in actions}
    return [
        (actions_by_id[link.action_id], actions_by_id[link.prerequisite_id])
        for link in ActionDependency.objects.filter(action__workshop=workshop).order_by("id")
    ]


def issue_row(issue, addressed):
    """An issue with its dots and mean scores; `addressed` holds the ids of issues some action addresses."""
    votes = list(issue.votes.all())
    scores = list(issue.scores.all())
    return IssueRow(
        issue=issue,
        dots=sum(v.dots for v in votes),
        voters=len(votes),
        mean_impact=sum(s.impact for s in scores) / len(scores) if scores else None,
        mean_feasibility=sum(s.feasibility for s in scores) / len(scores) if scores else None,
        addressed=issue.pk in addressed,
    )


def snapshot_coverage(workshop, targets, milestones, actions, issues, addressed, dependencies):
    return compute_coverage(
        workshop.base_year,
        workshop.target_year,
        targets,
        # A proposal the facilitator has not accepted is not yet part of the roadmap.
        [m for m in milestones if m.accepted],
        actions,
        # A hidden issue was moderated away (spam, a duplicate): it is no longer on the agenda.
        [issue for issue in issues if not issue.hidden],
        addressed,
        dependencies,
    )


def people_counts(participants):
    """Participants per sector (every sector) and per discipline (most first), observers left out."""
    people = [p for p in participants if p.role != Role.OBSERVER]
    sector_counts = Counter(p.sector for p in people if p.sector)
    discipline_counts = Counter(p.discipline for p in people if p.discipline)
    return (
        {s.value: sector_counts.get(s.value, 0) for s in Sector},
        dict(sorted(discipline_counts.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


@dataclass
class RoadmapCheck:
    """Does the roadmap add up: what the adequacy, schedule, agreement and decisions partials show."""

    adequacy: list
    schedule: list
    agreement: Agreement
    decisions_due: list
    this_year: int
    roadmap_url: str = ""  # where the actions are listed (their anchors are action-<pk>)

    @property
    def late(self):
        return [row for row in self.schedule if row.late]

    @property
    def critical(self):
        return [row for row in self.schedule if row.critical]

    @property
    def unclosed(self):
        return [row for row in self.adequacy if not row.closes]


def roadmap_check(snapshot, this_year):
    """The context variable `roadmap_check` of templates/phases/_adequacy.html and its siblings."""
    return RoadmapCheck(
        snapshot.adequacy,
        snapshot.schedule,
        snapshot.agreement,
        snapshot.decisions_due(this_year),
        this_year,
        reverse("roadmap", args=[snapshot.workshop.pk]),
    )
