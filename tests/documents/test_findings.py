"""The roadmap check's findings in words (visions/documents/findings.py), one of each kind."""

import pytest
from django.utils import translation

from visions.documents.findings import (
    action_rows,
    coverage_findings,
    out_of_range_findings,
    out_of_range_rows,
)
from visions.documents.snapshot import load_snapshot
from visions.documents.workshop_file import import_document
from visions.models import ActionDependency

pytestmark = pytest.mark.django_db


def action(key, title, start, end, **fields):
    return {"key": key, "title": title, "start_year": start, "end_year": end, **fields}


def roadmap_document():
    """One finding of every kind inside 2026–2050."""
    return {
        "format": "futurecenter-workshop",
        "version": 1,
        "workshop": {"title": "Findings", "base_year": 2026, "target_year": 2050, "priority_count": 1},
        "participants": [{"key": "p1", "display_name": "Aiko"}],
        "visions": [{"key": "v1", "statement": "Everyone gets to the clinic"}],
        "targets": [
            {"key": "t1", "vision": "v1", "indicator": "Bus coverage", "direction": "increase",
             "target_value": 90, "target_year": 2060},
        ],
        "issues": [
            {"key": "i1", "title": "No buses after six", "votes": [{"participant": "p1", "dots": 3}]},
            {"key": "i2", "title": "Clinic closes at noon"},
            {"key": "i3", "title": "Taxi fares"},
        ],
        "milestones": [{"key": "m1", "year": 2020, "title": "Council founded"}],
        "actions": [
            action("train", "Train drivers", 2027, 2032, addresses=["i3"]),
            action("hubs", "Open hubs", 2030, 2040, depends_on=["train"]),
            action("late", "Late plan", 2049, 2055),
        ],
    }


def snapshot_of(document):
    return load_snapshot(import_document(document))


def test_each_kind_of_finding_is_one_sentence_in_a_fixed_order():
    with translation.override("en"):
        findings = coverage_findings(snapshot_of(roadmap_document()))

    assert [(f.kind, f.subject, f.text) for f in findings] == [
        ("unaddressed-prioritised", "issue",
         'No action addresses the prioritised issue "No buses after six" (3 dots).'),
        ("unaddressed", "issue", 'No action addresses "Clinic closes at noon" (0 dots).'),
        ("order", "action",
         '"Open hubs" starts in 2030, before its prerequisite "Train drivers" ends in 2032.'),
        ("range", "target", 'Target "Bus coverage" is set for 2060, outside 2026–2050.'),
        ("range", "milestone", 'Milestone "Council founded" is set for 2020, outside 2026–2050.'),
        ("range", "action", 'Action "Late plan" runs 2049–2055, outside 2026–2050.'),
        # Six years that must end by the target year 2050: it had to start by 2044 (slack −5).
        ("late", "action", '"Late plan" had to start by 2044 to keep the plan; it starts in 2049.'),
    ]


def test_out_of_range_findings_carry_label_name_years_and_link():
    snapshot = snapshot_of(roadmap_document())
    with translation.override("en"):
        findings = out_of_range_findings(snapshot)

    assert [(f.label, f.name, f.years) for f in findings] == [
        ("Target", "Bus coverage", "2060"),
        ("Milestone", "Council founded", "2020"),
        ("Action", "Late plan", "2049–2055"),
    ]
    late = next(a for a in snapshot.actions if a.title == "Late plan")
    assert findings[-1].link_key == f"action-{late.pk}"
    assert [(kind, years) for kind, _thing, years in out_of_range_rows(snapshot)] == [
        ("target", "2060"), ("milestone", "2020"), ("action", "2049–2055"),
    ]


def test_the_labels_follow_the_language():
    with translation.override("ja"):
        labels = [f.label for f in out_of_range_findings(snapshot_of(roadmap_document()))]
    assert labels != ["Target", "Milestone", "Action"]


def test_a_dependency_cycle_is_named_action_by_action():
    snapshot = snapshot_of(roadmap_document())
    by_title = {a.title: a for a in snapshot.actions}
    train, hubs = by_title["Train drivers"], by_title["Open hubs"]
    # The file refuses cycles, so this one is made as a bug elsewhere would make it.
    ActionDependency.objects.create(action=train, prerequisite=hubs)
    with translation.override("en"):
        cycle = [f for f in coverage_findings(load_snapshot(snapshot.workshop)) if f.kind == "cycle"]

    assert [f.text for f in cycle] == [
        "These actions depend on each other in a circle: Open hubs → Train drivers → Open hubs."
    ]


def test_action_rows_flag_their_own_findings_in_year_order():
    snapshot = snapshot_of(roadmap_document())

    rows = action_rows(snapshot.actions, coverage=snapshot.coverage)

    assert [(r.action.title, r.starts_too_early, r.out_of_range) for r in rows] == [
        ("Train drivers", False, False),
        ("Open hubs", True, False),
        ("Late plan", False, True),
    ]
    assert not any(row.can_edit for row in rows)
    assert rows[1].prerequisites == [rows[0].action]
