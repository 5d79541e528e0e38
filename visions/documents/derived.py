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
