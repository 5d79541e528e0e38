"""The derived numbers of shared/FORMAT.md, computed in exactly one place.

Pages, the PDF and the workshop file all call these functions. They work on plain
values so that they can be tested with hand-computed cases and fed from prefetched
querysets without extra queries.
"""

import math
from dataclasses import dataclass, field

INCREASE = "increase"
DECREASE = "decrease"


@dataclass(frozen=True)
class TargetGap:
    baseline: float
    current: float
    gap: float
    progress: float | None
    required_pace: float | None
    trend: float | None
    projected: float | None
    on_track: bool | None
    latest_year: int
    assessment_count: int

    def as_dict(self):
        return {
            "baseline": self.baseline,
            "current": self.current,
            "gap": self.gap,
            "progress": self.progress,
            "required_pace": self.required_pace,
            "trend": self.trend,
            "projected": self.projected,
            "on_track": self.on_track,
        }


def least_squares(points):
    """Slope and intercept of value against year; None with fewer than two distinct years."""
    years = {x for x, _ in points}
    if len(years) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def compute_gap(direction, target_value, target_year, observations):
    """Derived numbers for one target.

    `observations` is an iterable of (as_of date, value), in the order they were
    recorded; ties on the date keep that order. Returns None when there are none.
    """
    ordered = sorted(enumerate(observations), key=lambda item: (item[1][0], item[0]))
    if not ordered:
        return None
    points = [(as_of.year, float(value)) for _, (as_of, value) in ordered]
    baseline = points[0][1]
    latest_year, current = points[-1]

    if direction == DECREASE:
        gap = max(0.0, current - target_value)
    else:
        gap = max(0.0, target_value - current)

    denominator = target_value - baseline
    progress = (current - baseline) / denominator if denominator != 0 else None

    years_left = target_year - latest_year
    if gap == 0:
        required_pace = 0.0
    elif years_left <= 0:
        required_pace = None
    else:
        required_pace = (target_value - current) / years_left

    line = least_squares(points)
    if line is None:
        trend = projected = None
    else:
        trend, intercept = line
        projected = intercept + trend * target_year
    # Values near the float limit can overflow; an overflowed number is no number at all.
    progress, required_pace, trend, projected = (
        value if value is None or math.isfinite(value) else None
        for value in (progress, required_pace, trend, projected)
    )

    if gap == 0:
        on_track = True
    elif projected is None:
        on_track = None
    elif direction == DECREASE:
        on_track = projected <= target_value
    else:
        on_track = projected >= target_value

    return TargetGap(
        baseline=baseline,
        current=current,
        gap=gap,
        progress=progress,
        required_pace=required_pace,
        trend=trend,
        projected=projected,
        on_track=on_track,
        latest_year=latest_year,
        assessment_count=len(points),
    )


def target_gap(target, assessments):
    """compute_gap for a Target and its Assessment objects (ordered by id for ties)."""
    rows = sorted(assessments, key=lambda a: (a.pk or 0))
    return compute_gap(
        target.direction,
        target.target_value,
        target.target_year,
        [(a.as_of, a.value) for a in rows],
    )


@dataclass
class Coverage:
    unaddressed_issues: list = field(default_factory=list)
    order_violations: list = field(default_factory=list)  # (action, prerequisite)
    out_of_range: list = field(default_factory=list)  # targets, milestones, actions

    @property
    def finding_count(self):
        return len(self.unaddressed_issues) + len(self.order_violations) + len(self.out_of_range)


def compute_coverage(base_year, target_year, targets, milestones, actions, issues, addressed_issue_ids, dependencies):
    """FORMAT.md's derived.coverage on plain objects.

    `addressed_issue_ids`: ids of issues some action addresses.
    `dependencies`: (action, prerequisite) pairs.
    Years outside base_year .. target_year are reported; an action counts when either
    of its years is outside.
    """

    def outside(year):
        return year < base_year or year > target_year

    coverage = Coverage()
    coverage.unaddressed_issues = [issue for issue in issues if issue.pk not in addressed_issue_ids]
    coverage.order_violations = [
        (action, prerequisite)
        for action, prerequisite in dependencies
        if action.start_year < prerequisite.end_year
    ]
    coverage.out_of_range = (
        [t for t in targets if outside(t.target_year)]
        + [m for m in milestones if outside(m.year)]
        + [a for a in actions if outside(a.start_year) or outside(a.end_year)]
    )
    return coverage


def find_cycle(edges):
    """A dependency cycle in (node, prerequisite) pairs, as a list of nodes [a, b, ..., a], or None.

    Deterministic: nodes are visited in the order they first appear in `edges`.
    """
    graph = {}
    for node, prerequisite in edges:
        graph.setdefault(node, []).append(prerequisite)
        graph.setdefault(prerequisite, [])
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    for start in graph:
        if colour[start] != WHITE:
            continue
        path = [start]
        stack = [iter(graph[start])]
        colour[start] = GREY
        while stack:
            successor = next(stack[-1], None)
            if successor is None:
                colour[path.pop()] = BLACK
                stack.pop()
            elif colour[successor] == GREY:
                return path[path.index(successor):] + [successor]
            elif colour[successor] == WHITE:
                colour[successor] = GREY
                path.append(successor)
                stack.append(iter(graph[successor]))
    return None


# --- Does the roadmap add up? (FORMAT.md: adequacy, schedule, agreement) -----------------

DROPPED = "dropped"
CONFIDENCES = ("low", "medium", "high")
SECTOR_ORDER = ("government", "academia", "industry", "citizen")


@dataclass(frozen=True)
class Adequacy:
    target: object
    gap: float
    planned: float
    late: float
    remaining: float
    closes: bool
    by_confidence: dict
    actions: list  # the actions counted in `planned`, in file order

    @property
    def share(self):
        """The part of the gap the roadmap closes, 0..1 (1 when there is no gap)."""
        if self.gap <= 0:
            return 1.0
        return max(0.0, min(1.0, self.planned / self.gap))


def compute_adequacy(target, gap, effects):
    """derived.adequacy for one assessed target.

    `gap`: the target's gap; `effects`: (action, amount, year in place, confidence) for the
    effects on this target, in file order; dropped actions are left out here.
    """
    planned = late = 0.0
    by_confidence = dict.fromkeys(CONFIDENCES, 0.0)
    counted = []
    for action, amount, year, confidence in effects:
        if action.status == DROPPED:
            continue
        if year <= target.target_year:
            planned += amount
            by_confidence[confidence] += amount
            if action not in counted:
                counted.append(action)
        else:
            late += amount
    remaining = max(0.0, gap - planned)
    return Adequacy(target, gap, planned, late, remaining, remaining == 0, by_confidence, counted)


@dataclass(frozen=True)
class Backcast:
    action: object
    latest_start: int
    latest_end: int
    slack: int

    @property
    def critical(self):
        return self.slack == 0

    @property
    def late(self):
        return self.slack < 0


def compute_schedule(target_year, actions, dependencies):
    """derived.schedule: latest start and end of every action not dropped, and its slack.

    `actions` in file order (each with start_year, end_year, status, milestone);
    `dependencies`: (action, prerequisite) pairs. Imports refuse cycles; one made otherwise
    is reported with the findings and its closing edge ignored here.
    """
    live = [a for a in actions if a.status != DROPPED]
    live_ids = {id(a) for a in live}
    dependents = {id(a): [] for a in live}
    for action, prerequisite in dependencies:
        if id(action) in live_ids and id(prerequisite) in live_ids:
            dependents[id(prerequisite)].append(action)
    latest_start = {}

    def start_of(action, trail=()):
        key = id(action)
        if key not in latest_start:
            if key in trail:
                return None  # a cycle (reported with the findings): the edge closing it is left out
            end = latest_end_of(action, trail + (key,))
            latest_start[key] = end - (action.end_year - action.start_year)
        return latest_start[key]

    def latest_end_of(action, trail=()):
        bounds = [target_year]
        if action.milestone is not None:
            bounds.append(action.milestone.year)
        starts = (start_of(dependent, trail) for dependent in dependents[id(action)])
        return min(bounds + [start for start in starts if start is not None])

    rows = []
    for action in live:
        end = latest_end_of(action)
        start = end - (action.end_year - action.start_year)
        rows.append(Backcast(action, start, end, start - action.start_year))
    return rows


def decisions_due(schedule, this_year):
    """Planned actions whose latest start is this year or earlier, the most overdue first."""
    due = [row for row in schedule if row.action.status == "planned" and row.latest_start <= this_year]
    return sorted(due, key=lambda row: row.latest_start)


@dataclass(frozen=True)
class Agreement:
    sectors: list
    shared: list
    contested: list
    by_sector: list  # (issue, {sector: dots})
    top: dict  # {sector: [issues]}
    uncounted_dots: int  # dots of participants without a sector (observers do not vote)

    @property
    def comparable(self):
        return len(self.sectors) >= 2

    @property
    def sector_labels(self):
        from visions.models import Sector

        return [Sector(s).label for s in self.sectors]

    @property
    def rows(self):
        """(issue, [dots in the order of `sectors`]) for tables."""
        return [(issue, [dots[s] for s in self.sectors]) for issue, dots in self.by_sector]


def compute_agreement(priority_count, issues, votes):
    """derived.agreement: `issues` in file order (hidden ones are left out here);
    `votes`: (issue, sector or "", dots)."""
    visible = [issue for issue in issues if not issue.hidden]
    shown = {id(issue) for issue in visible}
    dots = {id(issue): {} for issue in visible}
    uncounted = 0
    for issue, sector, count in votes:
        if id(issue) not in shown:
            continue
        if not sector:
            uncounted += count
            continue
        dots[id(issue)][sector] = dots[id(issue)].get(sector, 0) + count
    voted = {sector for per in dots.values() for sector, count in per.items() if count > 0}
    sectors = [s for s in SECTOR_ORDER if s in voted]
    top = {}
    for sector in sectors:
        counts = sorted((per.get(sector, 0) for per in dots.values() if per.get(sector, 0) > 0), reverse=True)
        bar = counts[min(priority_count, len(counts)) - 1] if counts and priority_count > 0 else None
        top[sector] = [i for i in visible if bar is not None and dots[id(i)].get(sector, 0) >= bar and dots[id(i)].get(sector, 0) > 0]
    by_sector = [
        (issue, {s: dots[id(issue)].get(s, 0) for s in sectors})
        for issue in visible
        if any(dots[id(issue)].values())
    ]
    shared, contested = [], []
    if len(sectors) >= 2:
        in_top = {s: {id(i) for i in top[s]} for s in sectors}
        for issue in visible:
            key = id(issue)
            tops = [s for s in sectors if key in in_top[s]]
            if len(tops) == len(sectors):
                shared.append(issue)
            if tops and any(dots[key].get(s, 0) == 0 for s in sectors):
                contested.append(issue)
    return Agreement(sectors, shared, contested, by_sector, top, uncounted)
