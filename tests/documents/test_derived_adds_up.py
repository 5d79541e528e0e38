"""FORMAT.md "Does the roadmap add up?": adequacy, schedule and agreement, computed by hand."""

from types import SimpleNamespace as Row

from visions.documents.derived import compute_adequacy, compute_agreement, compute_schedule, decisions_due


def action(name, start, end, status="planned", milestone=None):
    return Row(name=name, start_year=start, end_year=end, status=status, milestone=milestone)


TARGET = Row(target_year=2050)


def test_planned_counts_effects_in_place_by_the_target_year_and_late_ones_apart():
    a, b, c, dropped = action("a", 2027, 2030), action("b", 2030, 2040), action("c", 2045, 2055), action(
        "d", 2027, 2030, status="dropped"
    )
    row = compute_adequacy(
        TARGET,
        100.0,
        [(a, 30, 2030, "high"), (b, 25, 2050, "low"), (c, 40, 2055, "medium"), (dropped, 99, 2030, "high")],
    )
    assert (row.planned, row.late, row.remaining, row.closes) == (55, 40, 45, False)
    assert row.by_confidence == {"low": 25, "medium": 0, "high": 30}
    assert row.actions == [a, b]
    assert row.share == 0.55


def test_a_negative_amount_works_against_the_target_and_enough_closes_it():
    a, b = action("a", 2027, 2030), action("b", 2027, 2030)
    row = compute_adequacy(TARGET, 10.0, [(a, 15, 2030, "medium"), (b, -3, 2031, "low")])
    assert (row.planned, row.remaining, row.closes) == (12, 0, True)
    assert row.by_confidence == {"low": -3, "medium": 15, "high": 0}


def test_a_target_without_a_gap_is_closed_with_nothing_planned():
    row = compute_adequacy(TARGET, 0.0, [])
    assert (row.planned, row.remaining, row.closes, row.actions) == (0, 0, True, [])


def test_latest_dates_come_from_the_target_year_the_milestone_and_the_dependents():
    milestone = Row(year=2035)
    first = action("first", 2026, 2030)  # 4 years; must end before `second` starts
    second = action("second", 2030, 2034, milestone=milestone)  # 4 years, by 2035
    free = action("free", 2040, 2045)
    late = action("late", 2030, 2040, milestone=Row(year=2035))  # 10 years by 2035: should have started 2025
    gone = action("gone", 2020, 2060, status="dropped")
    rows = compute_schedule(2050, [first, second, free, late, gone], [(second, first), (gone, free), (free, gone)])
    found = {row.action.name: (row.latest_start, row.latest_end, row.slack) for row in rows}
    assert found == {
        "second": (2031, 2035, 1),
        "first": (2027, 2031, 1),
        "free": (2045, 2050, 5),
        "late": (2025, 2035, -5),
    }
    assert [row.action.name for row in rows] == ["first", "second", "free", "late"]


def test_the_critical_chain_has_no_slack_and_decisions_due_are_planned_and_due():
    a = action("a", 2026, 2040)
    b = action("b", 2040, 2050)
    c = action("c", 2020, 2026, status="in_progress")
    rows = compute_schedule(2050, [a, b, c], [(b, a)])
    assert [(row.action.name, row.slack, row.critical) for row in rows] == [
        ("a", 0, True),
        ("b", 0, True),
        ("c", 24, False),
    ]
    assert [row.action.name for row in decisions_due(rows, 2026)] == ["a"]
    assert decisions_due(rows, 2025) == []


def issue(name, hidden=False):
    return Row(name=name, hidden=hidden)


def test_shared_and_contested_issues_with_ties_in_a_sectors_top():
    i1, i2, i3, i4 = issue("i1"), issue("i2"), issue("i3"), issue("i4")
    hidden = issue("h", hidden=True)
    votes = [
        (i1, "government", 3), (i1, "citizen", 2),
        (i2, "government", 1), (i2, "citizen", 1), (i2, "citizen", 1),  # citizen's 2 dots tie with i1
        (i3, "government", 1),  # a tie for government's 2nd place: i2 and i3 both in its top
        (i4, "citizen", 1),
        (hidden, "government", 5),
        (i4, "", 4),  # a participant without a sector: not counted
    ]
    agreement = compute_agreement(2, [i1, i2, i3, i4, hidden], votes)
    assert agreement.sectors == ["government", "citizen"]
    assert agreement.top == {"government": [i1, i2, i3], "citizen": [i1, i2]}
    assert agreement.shared == [i1, i2]
    assert agreement.contested == [i3]
    assert agreement.by_sector == [
        (i1, {"government": 3, "citizen": 2}),
        (i2, {"government": 1, "citizen": 2}),
        (i3, {"government": 1, "citizen": 0}),
        (i4, {"government": 0, "citizen": 1}),
    ]
    assert agreement.uncounted_dots == 4


def test_fewer_than_k_issues_with_dots_are_all_in_the_top():
    i1, i2 = issue("i1"), issue("i2")
    agreement = compute_agreement(5, [i1, i2], [(i1, "academia", 1), (i2, "industry", 2), (i1, "industry", 1)])
    assert agreement.top == {"academia": [i1], "industry": [i1, i2]}
    assert agreement.shared == [i1]
    assert agreement.contested == [i2]


def test_with_one_voting_sector_nothing_is_shared_or_contested():
    i1 = issue("i1")
    agreement = compute_agreement(5, [i1], [(i1, "industry", 3)])
    assert agreement.sectors == ["industry"]
    assert (agreement.shared, agreement.contested, agreement.comparable) == ([], [], False)
    assert agreement.by_sector == [(i1, {"industry": 3})]
