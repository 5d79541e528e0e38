"""Drift since a commitment, computed by hand with a fixed "today"."""

import datetime

import pytest

from visions.documents.commitments import drift_for, record_commitment
from visions.documents.drift import compute_drift, expected_by, months_before
from visions.models import Action, Workshop
from tests.factories import AssessmentFactory, TargetFactory


def doc(actions, targets=(), gaps=(), adequacy=(), assessments=()):
    return {
        "actions": [{"key": f"a{i}", **a} for i, a in enumerate(actions, 1)],
        "targets": [{"key": f"t{i}", **t} for i, t in enumerate(targets, 1)],
        "assessments": list(assessments),
        "derived": {"gaps": list(gaps), "adequacy": list(adequacy)},
        "ids": {
            "actions": {f"a{i}": a["id"] for i, a in enumerate(actions, 1)},
            "targets": {f"t{i}": t["id"] for i, t in enumerate(targets, 1)},
        },
    }


def action(pk, start, end, progress=0, status="planned", title=None):
    return {"id": pk, "title": title or f"A{pk}", "start_year": start, "end_year": end, "progress": progress, "status": status}


def test_expected_by_today_is_the_share_of_years_past():
    today = datetime.date(2027, 6, 1)
    assert expected_by(2026, 2029, today) == 25  # 2026 past of 2026–2029
    assert expected_by(2027, 2028, today) == 0
    assert expected_by(2020, 2024, today) == 100
    assert expected_by(2026, 2026, today) == 100


def test_added_removed_moved_and_slip():
    then = doc([action(1, 2026, 2028), action(2, 2026, 2027), action(3, 2027, 2030)])
    now = doc([action(1, 2027, 2031, progress=10), action(3, 2027, 2030, progress=50), action(4, 2028, 2029)])
    drift = compute_drift(then, now, datetime.date(2028, 1, 15))
    assert [a.id for a in drift.added] == [4]
    assert [a.id for a in drift.removed] == [2]
    assert [(a.id, a.slip) for a in drift.moved] == [(1, 3)]
    # Against the committed years: 1 is 2 of 3 years in (67 %) at 10 %, behind; 3 is 1 of 4 (25 %) at 50 %.
    assert [(a.id, a.expected, a.progress, a.behind) for a in drift.progress] == [(1, 67, 10, True), (3, 25, 50, False)]


def test_dropped_actions_are_not_held_to_the_plan():
    then = doc([action(1, 2026, 2027)])
    now = doc([action(1, 2026, 2027, status="dropped")])
    assert compute_drift(then, now, datetime.date(2030, 1, 1)).progress == []


def test_targets_then_and_now_and_stale_evidence():
    targets = [{"id": 7, "indicator": "CO2", "unit": "t"}, {"id": 8, "indicator": "Jobs", "unit": ""}]
    then = doc([], targets, gaps=[{"target": "t1", "gap": 100}], adequacy=[{"target": "t1", "closes": False, "remaining": 40}])
    now = doc(
        [], targets,
        gaps=[{"target": "t1", "gap": 80}],
        adequacy=[{"target": "t1", "closes": True, "remaining": 0}],
        assessments=[{"target": "t1", "as_of": "2026-05-01"}, {"target": "t1", "as_of": "2027-03-01"},
                     {"target": "t2", "as_of": "2026-02-28"}],
    )
    drift = compute_drift(then, now, datetime.date(2027, 3, 1), stale_months=12)
    co2, jobs = drift.targets
    assert (co2.gap_then, co2.gap_now, co2.closes_then, co2.closes_now, co2.remaining_then, co2.remaining_now) == (100, 80, False, True, 40, 0)
    assert (co2.latest_as_of, co2.stale) == ("2027-03-01", False)
    assert (jobs.latest_as_of, jobs.stale) == ("2026-02-28", True)  # one day older than 12 months
    assert [t.id for t in compute_drift(then, now, datetime.date(2027, 3, 1), stale_months=13).stale] == []
    assert drift.as_dict()["stale"] == [8]


def test_months_before_keeps_the_day_within_the_month():
    assert months_before(datetime.date(2027, 3, 31), 1) == datetime.date(2027, 2, 28)
    assert months_before(datetime.date(2027, 1, 15), 12) == datetime.date(2026, 1, 15)


@pytest.mark.django_db
def test_drift_from_the_database_matches_by_identity(workshop):
    target = TargetFactory(workshop=workshop, target_value=80, target_year=2035)
    AssessmentFactory(target=target, value=40, as_of=datetime.date(2025, 4, 1))
    first = Action.objects.create(workshop=workshop, title="First", start_year=2026, end_year=2027)
    second = Action.objects.create(workshop=workshop, title="Second", start_year=2026, end_year=2028)
    assert drift_for(workshop) is None
    record_commitment(workshop, "Board")
    first.delete()  # the file keys shift (second becomes a1); ids keep them apart
    Action.objects.filter(pk=second.pk).update(end_year=2029)
    drift = drift_for(workshop, today=datetime.date(2027, 1, 1))
    assert [a.title for a in drift.removed] == ["First"] and drift.added == []
    assert [(a.title, a.slip) for a in drift.moved] == [("Second", 1)]
    assert drift.stale_months == 12 and [t.stale for t in drift.targets] == [True]
    Workshop.objects.filter(pk=workshop.pk).update(evidence_stale_months=24)
    workshop.refresh_from_db()
    assert [t.stale for t in drift_for(workshop, today=datetime.date(2027, 1, 1)).targets] == [False]
