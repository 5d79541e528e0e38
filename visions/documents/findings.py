"""The roadmap check's findings (derived.coverage) in words, formatted once.

The overview, the roadmap page, the PDF and the CSV all read them from here:
`coverage_findings` for every finding as a sentence, `out_of_range_findings` and
`out_of_range_rows` for the years outside the workshop's range, and `action_rows`
for the actions with their own findings flagged.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from visions.documents.derived import find_cycle
from visions.models import Action, Milestone, Target
from visions.roadmap import LANE_LABELS, LANE_ORDER, action_lane

UNADDRESSED = "unaddressed"
UNADDRESSED_PRIORITISED = "unaddressed-prioritised"
ORDER = "order"
CYCLE = "cycle"
LATE = "late"
UNCLOSED = "unclosed"
RANGE = "range"


@dataclass(frozen=True)
class Finding:
    """One finding: what kind, about which object, under which label, for which years, where to fix it.

    `subject` is the object's kind ("issue", "action", "milestone", "target"); `link_key` is
    the id of the object's element on the roadmap page, e.g. "action-12".
    """

    kind: str
    subject: str
    object: object
    label: str
    name: str
    years: str
    text: str

    @property
    def link_key(self):
        return f"{self.subject}-{self.object.pk}"


def _out_of_range_finding(item, span):
    if isinstance(item, Target):
        return Finding(
            RANGE, "target", item, _("Target"), item.indicator, str(item.target_year),
            _('Target "%(name)s" is set for %(year)s, outside %(base)s–%(target)s.')
            % {"name": item.indicator, "year": item.target_year, **span},
        )
    if isinstance(item, Milestone):
        return Finding(
            RANGE, "milestone", item, _("Milestone"), item.title, str(item.year),
            _('Milestone "%(name)s" is set for %(year)s, outside %(base)s–%(target)s.')
            % {"name": item.title, "year": item.year, **span},
        )
    return Finding(
        RANGE, "action", item, _("Action"), item.title, f"{item.start_year}–{item.end_year}",
        _('Action "%(name)s" runs %(start)s–%(end)s, outside %(base)s–%(target)s.')
        % {"name": item.title, "start": item.start_year, "end": item.end_year, **span},
    )


def out_of_range_findings(snapshot):
    """The targets, milestones and actions with years outside base year .. target year."""
    workshop = snapshot.workshop
    span = {"base": workshop.base_year, "target": workshop.target_year}
    return [_out_of_range_finding(item, span) for item in snapshot.coverage.out_of_range]


def out_of_range_rows(snapshot):
    """(kind, object, years) for each out-of-range finding, as the roadmap page lists them."""
    return [(finding.subject, finding.object, finding.years) for finding in out_of_range_findings(snapshot)]


def _unaddressed_findings(snapshot):
    """Issues no action addresses, highest-voted first."""
    dots = {row.issue.pk: row.dots for row in snapshot.issues}
    rank = {row.issue.pk: index for index, row in enumerate(snapshot.issues_by_votes)}
    prioritised = snapshot.prioritised_issue_ids
    result = []
    for issue in sorted(snapshot.coverage.unaddressed_issues, key=lambda i: rank.get(i.pk, 0)):
        values = {"issue": issue.title, "dots": dots.get(issue.pk, 0)}
        if issue.pk in prioritised:
            kind = UNADDRESSED_PRIORITISED
            text = _('No action addresses the prioritised issue "%(issue)s" (%(dots)s dots).') % values
        else:
            kind = UNADDRESSED
            text = _('No action addresses "%(issue)s" (%(dots)s dots).') % values
        result.append(Finding(kind, "issue", issue, _("Issue"), issue.title, "", text))
    return result


def _order_finding(action, prerequisite):
    return Finding(
        ORDER, "action", action, _("Action"), action.title, f"{action.start_year}–{action.end_year}",
        _('"%(action)s" starts in %(start)s, before its prerequisite "%(prerequisite)s" ends in %(end)s.')
        % {
            "action": action.title,
            "start": action.start_year,
            "prerequisite": prerequisite.title,
            "end": prerequisite.end_year,
        },
    )


def _cycle_findings(snapshot):
    cycle = find_cycle([(a.pk, p.pk) for a, p in snapshot.dependencies])
    if not cycle:
        return []
    actions = {a.pk: a for a in snapshot.actions}
    first = actions[cycle[0]]
    text = _("These actions depend on each other in a circle: %(cycle)s.") % {
        "cycle": " → ".join(actions[pk].title for pk in cycle)
    }
    return [Finding(CYCLE, "action", first, _("Action"), first.title, "", text)]


def coverage_findings(snapshot):
    """Every finding in words: unaddressed issues, order, a dependency cycle, years out of range."""
    coverage = snapshot.coverage
    return [
        *_unaddressed_findings(snapshot),
        *(_order_finding(action, prerequisite) for action, prerequisite in coverage.order_violations),
        *_cycle_findings(snapshot),
        *out_of_range_findings(snapshot),
        *roadmap_check_findings(snapshot),
    ]


def roadmap_check_findings(snapshot):
    """Actions already too late for the plan (negative slack) and targets the roadmap does not close."""
    late = [
        Finding(
            LATE, "action", row.action, _("Action"), row.action.title,
            f"{row.action.start_year}–{row.action.end_year}",
            _('"%(action)s" had to start by %(latest)s to keep the plan; it starts in %(start)s.')
            % {"action": row.action.title, "latest": row.latest_start, "start": row.action.start_year},
        )
        for row in snapshot.schedule
        if row.late
    ]
    unclosed = [
        Finding(
            UNCLOSED, "adequacy", row.target, _("Target"), row.target.indicator, str(row.target.target_year),
            _('The roadmap closes %(percent)s %% of the gap of "%(target)s"; %(remaining)s %(unit)s still unplanned.')
            % {
                "percent": round(row.share * 100),
                "target": row.target.indicator,
                "remaining": f"{row.remaining:.4g}",
                "unit": row.target.unit,
            },
        )
        for row in snapshot.adequacy
        if not row.closes
    ]
    return late + unclosed


@dataclass(frozen=True)
class ActionRow:
    """One action as the roadmap page, the PDF and the CSV list it.

    `out_of_range` and `starts_too_early` are None when the rows were made without a coverage.
    """

    action: Action
    lane: str
    lane_label: str
    can_edit: bool
    owners: list
    issues: list
    prerequisites: list
    sectors: list
    out_of_range: bool | None
    starts_too_early: bool | None


def action_rows(actions, *, coverage=None, viewer=None, by_lane=False):
    """Rows for `actions` (a snapshot's, with owners, addresses and depends_on prefetched).

    In roadmap order (start year, end year), or with `by_lane` in timeline order (lane,
    then start year). `viewer` (a visions.live.access.Viewer) decides can_edit; without one, nobody edits.
    """
    late = {action.pk for action, _prerequisite in coverage.order_violations} if coverage else set()
    outside = {item.pk for item in coverage.out_of_range if isinstance(item, Action)} if coverage else set()
    rows = []
    for action in actions:
        owners = list(action.owners.all())
        lane = action_lane(action)
        rows.append(
            ActionRow(
                action=action,
                lane=lane,
                lane_label=LANE_LABELS[lane],
                can_edit=viewer is not None and viewer.may_change(action),
                owners=owners,
                issues=action.visible_addresses,
                prerequisites=list(action.depends_on.all()),
                sectors=sorted({o.sector for o in owners}),
                out_of_range=action.pk in outside if coverage else None,
                starts_too_early=action.pk in late if coverage else None,
            )
        )
    position = {lane: index for index, lane in enumerate(LANE_ORDER)}

    def order(row):
        years = (row.action.start_year, row.action.end_year, row.action.pk)
        return (position[row.lane], *years) if by_lane else years

    return sorted(rows, key=order)
