"""Drift since the last commitment: what moved between the roadmap as agreed and the roadmap now.

Both sides are workshop-file documents (visions/documents/workshop_file) with an `ids` map from
file keys to database ids (commitment_document adds it), so actions and targets are matched by
identity even after others were deleted. `today` is a parameter: the page passes the server's
date, tests a fixed one. Page, PDF and JSON all read `compute_drift`.
"""

import datetime
from dataclasses import asdict, dataclass, field

DEFAULT_STALE_MONTHS = 12
STALE_MONTHS_RANGE = (1, 120)


@dataclass
class ActionDrift:
    id: int
    title: str
    start_then: int | None = None
    start_now: int | None = None
    end_then: int | None = None
    end_now: int | None = None
    slip: int = 0  # years the end moved later (negative: earlier)
    expected: int | None = None  # % of the committed years already past by today
    progress: int | None = None  # % recorded now
    status: str = ""

    @property
    def behind(self):
        return self.expected is not None and self.progress is not None and self.progress < self.expected


@dataclass
class TargetDrift:
    id: int
    indicator: str
    unit: str
    gap_then: float | None
    gap_now: float | None
    closes_then: bool | None
    closes_now: bool | None
    remaining_then: float | None
    remaining_now: float | None
    latest_as_of: str | None
    stale: bool


@dataclass
class Drift:
    committed_name: str
    committed_at: str
    today: str
    stale_months: int
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    progress: list = field(default_factory=list)
    targets: list = field(default_factory=list)

    @property
    def stale(self):
        return [t for t in self.targets if t.stale]

    @property
    def behind(self):
        return [a for a in self.progress if a.behind]

    def as_dict(self):
        data = asdict(self)
        data["stale"] = [t.id for t in self.stale]
        return data


def expected_by(start_year, end_year, today):
    """The share (%) of an action's years [start, end] already past on `today` (whole years inclusive)."""
    years = end_year - start_year + 1
    past = min(max(today.year - start_year, 0), years)
    return round(100 * past / years)


def months_before(today, months):
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    day = min(today.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return datetime.date(year, month, day)


def _by_id(document, section):
    ids = document.get("ids", {}).get(section, {})
    return {ids[entry["key"]]: entry for entry in document.get(section, []) if entry.get("key") in ids}


def _derived_by_id(document, name, section, key_name):
    ids = document.get("ids", {}).get(section, {})
    rows = document.get("derived", {}).get(name, [])
    return {ids[row[key_name]]: row for row in rows if row.get(key_name) in ids}


def compute_drift(then, now, today, *, name="", committed_at="", stale_months=DEFAULT_STALE_MONTHS):
    drift = Drift(name, committed_at, today.isoformat(), stale_months)
    actions_then, actions_now = _by_id(then, "actions"), _by_id(now, "actions")
    for pk, entry in actions_now.items():
        if pk not in actions_then:
            drift.added.append(ActionDrift(pk, entry["title"], start_now=entry["start_year"], end_now=entry["end_year"]))
    for pk, entry in actions_then.items():
        if pk not in actions_now:
            drift.removed.append(ActionDrift(pk, entry["title"], start_then=entry["start_year"], end_then=entry["end_year"]))
            continue
        current = actions_now[pk]
        row = ActionDrift(
            pk, current["title"], entry["start_year"], current["start_year"], entry["end_year"], current["end_year"],
            slip=current["end_year"] - entry["end_year"], progress=current["progress"], status=current["status"],
        )
        if (row.start_then, row.end_then) != (row.start_now, row.end_now):
            drift.moved.append(row)
        if current["status"] != "dropped":
            row.expected = expected_by(entry["start_year"], entry["end_year"], today)
            drift.progress.append(row)
    drift.targets = _target_drift(then, now, today, stale_months)
    return drift


def _target_drift(then, now, today, stale_months):
    targets_ids = now.get("ids", {}).get("targets", {})
    gaps_then, gaps_now = _derived_by_id(then, "gaps", "targets", "target"), _derived_by_id(now, "gaps", "targets", "target")
    adequacy_then = _derived_by_id(then, "adequacy", "targets", "target")
    adequacy_now = _derived_by_id(now, "adequacy", "targets", "target")
    latest = {}
    for assessment in now.get("assessments", []):
        pk = targets_ids.get(assessment.get("target"))
        if pk is not None and (pk not in latest or assessment["as_of"] > latest[pk]):
            latest[pk] = assessment["as_of"]
    threshold = months_before(today, stale_months).isoformat()
    rows = []
    for pk, target in _by_id(now, "targets").items():
        then_a, now_a = adequacy_then.get(pk, {}), adequacy_now.get(pk, {})
        rows.append(
            TargetDrift(
                pk, target["indicator"], target["unit"],
                gaps_then.get(pk, {}).get("gap"), gaps_now.get(pk, {}).get("gap"),
                then_a.get("closes"), now_a.get("closes"), then_a.get("remaining"), now_a.get("remaining"),
                latest.get(pk), latest.get(pk) is None or latest[pk] < threshold,
            )
        )
    return rows
