"""The roadmap's domain rules that are not derived numbers of FORMAT.md.

Lanes (which sector an action belongs to), the backwards milestone series,
cycle refusal and progress weighted by duration live here so that the page, the
timeline and the PDF agree. Coverage, order and range findings are
visions.documents.derived.compute_coverage, read from the snapshot.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from visions.documents.derived import find_cycle
from visions.models import ActionStatus, Sector

JOINT = "joint"
UNASSIGNED = "unassigned"

LANE_LABELS = {
    **{sector.value: sector.label for sector in Sector},
    JOINT: _("Joint (several sectors)"),
    UNASSIGNED: _("No owner yet"),
}
# Sector lanes first, in the order of Sector, then joint actions, then ownerless ones.
LANE_ORDER = [*Sector.values, JOINT, UNASSIGNED]


def action_lane(action):
    """The lane of an action: its owners' one sector, `joint` for several, `unassigned` for none.

    Reads `action.owners.all()`, so prefetch owners to keep this free of queries.
    """
    sectors = {owner.sector for owner in action.owners.all()}
    if not sectors:
        return UNASSIGNED
    if len(sectors) > 1:
        return JOINT
    return sectors.pop()


def action_duration(action):
    """Whole years an action runs, both ends counted."""
    return action.end_year - action.start_year + 1


def suggest_milestone_years(base_year, target_year, step):
    """Backwards from the target year: the target year, every `step` years back, and next year.

    Next year is the year after the base year. Years are strictly after the base
    year and listed latest first, without repeats.
    """
    years = []
    year = target_year
    while year > base_year:
        years.append(year)
        year -= step
    next_year = base_year + 1
    if next_year <= target_year and next_year not in years:
        years.append(next_year)
    return years


def cycle_with(edges, action_id, prerequisite_ids):
    """The cycle that giving `action_id` exactly these prerequisites would make, or None.

    `edges` are the workshop's (action id, prerequisite id) pairs as they are now;
    the action's own current links are replaced by the new ones.
    Returns ids [a, b, ..., a] where each depends on the next.
    """
    if action_id is None:
        return None  # Nothing depends on an action that does not exist yet.
    kept = [(a, p) for a, p in edges if a != action_id]
    proposed = [(action_id, p) for p in prerequisite_ids]
    cycle = find_cycle(proposed + kept)
    if cycle and action_id not in cycle:
        return None  # An old cycle elsewhere is not this edit's fault.
    return cycle


@dataclass(frozen=True)
class ProgressSummary:
    """Progress of a group of actions, weighted by the actions' durations.

    `percent` is None when no action counts (an empty group, or only dropped ones).
    """

    percent: float | None
    counted: int
    dropped: int
    years: int


def effective_progress(action):
    """A done action counts as 100 % whatever its last progress figure said."""
    return 100 if action.status == ActionStatus.DONE else action.progress


def weighted_progress(actions):
    """Σ progress × duration / Σ duration over the actions that are not dropped."""
    counted = [a for a in actions if a.status != ActionStatus.DROPPED]
    years = sum(action_duration(a) for a in counted)
    percent = None
    if years:
        percent = sum(effective_progress(a) * action_duration(a) for a in counted) / years
    return ProgressSummary(
        percent=percent,
        counted=len(counted),
        dropped=len(actions) - len(counted),
        years=years,
    )


@dataclass(frozen=True)
class ProgressRow:
    key: str
    label: str
    summary: ProgressSummary
    milestone: object = None


def progress_by_lane(actions):
    """One row per lane that has actions, in lane order."""
    groups = {}
    for action in actions:
        groups.setdefault(action_lane(action), []).append(action)
    return [
        ProgressRow(key=lane, label=LANE_LABELS[lane], summary=weighted_progress(groups[lane]))
        for lane in LANE_ORDER
        if lane in groups
    ]


def progress_by_milestone(actions, milestones):
    """One row per milestone (in year order) and one for actions that serve none."""
    groups = {}
    for action in actions:
        groups.setdefault(action.milestone_id, []).append(action)
    rows = [
        ProgressRow(
            key=f"milestone-{m.pk}",
            label=f"{m.year}: {m.title}",
            summary=weighted_progress(groups.get(m.pk, [])),
            milestone=m,
        )
        for m in sorted(milestones, key=lambda m: (m.year, m.pk))
    ]
    known = {m.pk for m in milestones}
    loose = [a for key, group in groups.items() if key not in known for a in group]
    if loose:
        rows.append(
            ProgressRow(key="no-milestone", label=_("No milestone"), summary=weighted_progress(loose))
        )
    return rows


def action_rows(actions, viewer):
    """The actions in timeline order (lane, then start year), with what the viewer may change."""
    # Imported here: visions.documents.findings builds on this module's lanes.
    from visions.documents.findings import action_rows as rows

    return rows(actions, viewer=viewer, by_lane=True)


def unaddressed_by_votes(snapshot, *, prioritised_only=False):
    """IssueRows of derived.coverage's unaddressed issues, highest-voted first.

    With `prioritised_only`, only those among the workshop's top N issues by votes.
    """
    unaddressed = {issue.pk for issue in snapshot.coverage.unaddressed_issues}
    if prioritised_only:
        unaddressed &= snapshot.prioritised_issue_ids
    return [row for row in snapshot.agenda_by_votes if row.issue.pk in unaddressed]
