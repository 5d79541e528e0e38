"""The derived numbers of FORMAT.md, against cases computed by hand."""

import datetime
from types import SimpleNamespace

import pytest

from visions.documents.derived import compute_coverage, compute_gap, find_cycle


def on(year, month=4, day=1):
    return datetime.date(year, month, day)


# --- compute_gap --------------------------------------------------------------------------------


def test_increase_behind_schedule():
    gap = compute_gap("increase", 100.0, 2050, [(on(2020), 60.0), (on(2022), 61.0), (on(2024), 65.0)])

    assert gap.baseline == 60.0
    assert gap.current == 65.0
    assert gap.gap == 35.0  # 100 − 65
    assert gap.progress == pytest.approx(0.125)  # (65 − 60) / (100 − 60) = 5 / 40
    assert gap.required_pace == pytest.approx(35 / 26)  # (100 − 65) / (2050 − 2024) ≈ 1.346
    # mean year 2022, mean value 62; Sxx = 4 + 0 + 4 = 8; Sxy = (−2)(−2) + 0(−1) + 2·3 = 10
    assert gap.trend == pytest.approx(1.25)  # 10 / 8
    assert gap.projected == pytest.approx(97.0)  # 62 + 1.25 · (2050 − 2022) = 62 + 35
    assert gap.on_track is False  # 97 < 100


def test_increase_ahead_of_schedule():
    gap = compute_gap("increase", 90.0, 2050, [(on(2020), 60.0), (on(2025), 70.0)])

    assert gap.gap == 20.0  # 90 − 70
    assert gap.progress == pytest.approx(1 / 3)  # (70 − 60) / (90 − 60) = 10 / 30
    assert gap.required_pace == pytest.approx(0.8)  # 20 / (2050 − 2025)
    assert gap.trend == pytest.approx(2.0)  # (70 − 60) / (2025 − 2020)
    assert gap.projected == pytest.approx(120.0)  # 70 + 2 · 25
    assert gap.on_track is True  # 120 ≥ 90


def test_decrease_mirrors_every_comparison():
    # Emissions from 100 down to 60, target 40 by 2050.
    gap = compute_gap("decrease", 40.0, 2050, [(on(2010), 100.0), (on(2020), 80.0), (on(2030), 60.0)])

    assert gap.baseline == 100.0
    assert gap.current == 60.0
    assert gap.gap == 20.0  # max(0, 60 − 40)
    assert gap.progress == pytest.approx(2 / 3)  # (60 − 100) / (40 − 100) = −40 / −60
    assert gap.required_pace == pytest.approx(-1.0)  # (40 − 60) / (2050 − 2030), signed
    # mean year 2020, mean value 80; Sxy = (−10)(20) + 0 + 10(−20) = −400; Sxx = 200
    assert gap.trend == pytest.approx(-2.0)  # −400 / 200
    assert gap.projected == pytest.approx(20.0)  # 80 − 2 · (2050 − 2020)
    assert gap.on_track is True  # 20 ≤ 40


def test_decrease_not_on_track():
    gap = compute_gap("decrease", 10.0, 2050, [(on(2010), 100.0), (on(2020), 80.0), (on(2030), 60.0)])

    assert gap.gap == 50.0  # 60 − 10
    assert gap.required_pace == pytest.approx(-2.5)  # (10 − 60) / 20
    assert gap.projected == pytest.approx(20.0)  # as above
    assert gap.on_track is False  # 20 > 10


def test_decrease_reaching_the_target_exactly_on_the_line_is_on_track():
    gap = compute_gap("decrease", 20.0, 2050, [(on(2010), 100.0), (on(2020), 80.0), (on(2030), 60.0)])

    assert gap.projected == 20.0  # 4120 − 2 · 2050, exact in binary floating point
    assert gap.on_track is True  # 20 ≤ 20


def test_assessments_listed_out_of_date_order():
    in_order = [(on(2020), 60.0), (on(2022), 61.0), (on(2024), 65.0)]
    shuffled = [in_order[2], in_order[0], in_order[1]]

    gap = compute_gap("increase", 100.0, 2050, shuffled)

    assert gap.baseline == 60.0  # the 2020 value, although listed second
    assert gap.current == 65.0  # the 2024 value, although listed first
    assert gap.latest_year == 2024
    assert gap == compute_gap("increase", 100.0, 2050, in_order)


def test_single_assessment_has_no_trend():
    gap = compute_gap("increase", 90.0, 2050, [(on(2025), 70.0)])

    assert gap.baseline == gap.current == 70.0
    assert gap.gap == 20.0  # 90 − 70
    assert gap.progress == 0.0  # (70 − 70) / (90 − 70)
    assert gap.required_pace == pytest.approx(0.8)  # 20 / 25
    assert gap.trend is None
    assert gap.projected is None
    assert gap.on_track is None  # no projection and a gap left


def test_single_assessment_at_the_target_is_on_track():
    gap = compute_gap("increase", 90.0, 2050, [(on(2025), 95.0)])

    assert gap.gap == 0.0  # max(0, 90 − 95)
    assert gap.required_pace == 0.0
    assert gap.trend is None
    assert gap.projected is None
    assert gap.on_track is True  # gap 0


def test_gap_already_closed():
    gap = compute_gap("increase", 90.0, 2050, [(on(2020), 80.0), (on(2025), 92.0)])

    assert gap.gap == 0.0  # max(0, 90 − 92)
    assert gap.progress == pytest.approx(1.2)  # (92 − 80) / (90 − 80)
    assert gap.required_pace == 0.0  # 0 when the gap is 0, not (90 − 92) / 25
    assert gap.trend == pytest.approx(2.4)  # 12 / 5
    assert gap.on_track is True


def test_gap_closed_counts_as_on_track_even_when_the_trend_falls_away():
    gap = compute_gap("increase", 90.0, 2050, [(on(2020), 95.0), (on(2025), 91.0)])

    assert gap.gap == 0.0  # 91 ≥ 90
    assert gap.trend == pytest.approx(-0.8)  # (91 − 95) / 5
    assert gap.projected == pytest.approx(71.0)  # 91 − 0.8 · 25, below the target
    assert gap.on_track is True  # true when gap is 0


def test_gap_closed_for_decrease():
    gap = compute_gap("decrease", 40.0, 2050, [(on(2020), 50.0), (on(2025), 35.0)])

    assert gap.gap == 0.0  # max(0, 35 − 40)
    assert gap.required_pace == 0.0
    assert gap.on_track is True


def test_zero_denominator_baseline_equals_target():
    gap = compute_gap("increase", 90.0, 2050, [(on(2020), 90.0), (on(2025), 85.0)])

    assert gap.progress is None  # target − baseline = 90 − 90 = 0
    assert gap.gap == 5.0  # 90 − 85
    assert gap.required_pace == pytest.approx(0.2)  # 5 / 25
    assert gap.trend == pytest.approx(-1.0)  # −5 / 5
    assert gap.projected == pytest.approx(60.0)  # 85 − 25
    assert gap.on_track is False


def test_zero_denominator_with_a_single_assessment_at_the_target():
    gap = compute_gap("decrease", 40.0, 2050, [(on(2025), 40.0)])

    assert gap.progress is None  # 40 − 40 = 0
    assert gap.gap == 0.0
    assert gap.on_track is True


def test_latest_assessment_in_the_target_year_leaves_no_pace():
    gap = compute_gap("increase", 90.0, 2030, [(on(2020), 50.0), (on(2030, 1, 15), 70.0)])

    assert gap.gap == 20.0
    assert gap.required_pace is None  # 2030 − 2030 = 0 years left
    assert gap.trend == pytest.approx(2.0)  # 20 / 10
    assert gap.projected == pytest.approx(70.0)  # the line at 2030 is the latest value
    assert gap.on_track is False


def test_latest_assessment_after_the_target_year_leaves_no_pace():
    gap = compute_gap("decrease", 10.0, 2030, [(on(2020), 50.0), (on(2032), 26.0)])

    assert gap.gap == 16.0  # 26 − 10
    assert gap.required_pace is None  # 2030 − 2032 = −2 years left
    assert gap.trend == pytest.approx(-2.0)  # −24 / 12
    assert gap.projected == pytest.approx(30.0)  # 26 − 2 · (2030 − 2032) = 26 + 4
    assert gap.on_track is False  # 30 > 10


def test_closed_gap_after_the_target_year_has_pace_zero():
    gap = compute_gap("increase", 90.0, 2030, [(on(2031), 95.0)])

    assert gap.required_pace == 0.0  # gap 0 wins over "no years left"
    assert gap.on_track is True


def test_two_assessments_in_the_same_year_have_no_trend():
    gap = compute_gap("increase", 90.0, 2050, [(on(2025, 1, 1), 60.0), (on(2025, 12, 31), 70.0)])

    assert gap.baseline == 60.0
    assert gap.current == 70.0
    assert gap.trend is None  # one distinct year
    assert gap.projected is None
    assert gap.on_track is None  # gap 20 > 0 and nothing projected


def test_same_year_values_all_count_in_the_trend():
    gap = compute_gap(
        "increase", 200.0, 2050, [(on(2020, 1, 1), 50.0), (on(2025, 1, 1), 60.0), (on(2025, 6, 1), 70.0)]
    )

    # years 2020, 2025, 2025: mean 2023⅓; values mean 60
    # Sxx = (10/3)² + 2·(5/3)² = 100/9 + 50/9 = 150/9; Sxy = (−10/3)(−10) + (5/3)(0) + (5/3)(10) = 150/3
    assert gap.trend == pytest.approx(3.0)  # (150/3) / (150/9)
    assert gap.projected == pytest.approx(140.0)  # 60 + 3 · (2050 − 2023⅓) = 60 + 80
    assert gap.current == 70.0


def test_ties_on_the_date_keep_file_order():
    first_then_second = compute_gap("increase", 90.0, 2050, [(on(2025), 60.0), (on(2025), 70.0)])
    second_then_first = compute_gap("increase", 90.0, 2050, [(on(2025), 70.0), (on(2025), 60.0)])

    assert (first_then_second.baseline, first_then_second.current) == (60.0, 70.0)
    assert first_then_second.gap == 20.0  # 90 − 70
    assert (second_then_first.baseline, second_then_first.current) == (70.0, 60.0)
    assert second_then_first.gap == 30.0  # 90 − 60


def test_ties_on_the_date_after_an_earlier_assessment():
    gap = compute_gap("increase", 90.0, 2050, [(on(2025), 75.0), (on(2020), 50.0), (on(2025), 72.0)])

    assert gap.baseline == 50.0
    assert gap.current == 72.0  # the later-listed of the two 2025-04-01 values
    assert gap.progress == pytest.approx(0.55)  # (72 − 50) / (90 − 50) = 22 / 40


def test_no_assessments_no_numbers():
    assert compute_gap("increase", 90.0, 2050, []) is None


def test_integer_inputs_give_the_same_numbers():
    from_ints = compute_gap("increase", 90, 2050, [(on(2020), 60), (on(2025), 70)])

    assert from_ints == compute_gap("increase", 90.0, 2050, [(on(2020), 60.0), (on(2025), 70.0)])
    assert isinstance(from_ints.gap, float)


def test_as_dict_has_the_file_names():
    gap = compute_gap("increase", 90.0, 2050, [(on(2025), 70.0)])

    assert gap.as_dict() == {
        "baseline": 70.0,
        "current": 70.0,
        "gap": 20.0,
        "progress": 0.0,
        "required_pace": pytest.approx(0.8),
        "trend": None,
        "projected": None,
        "on_track": None,
    }


# --- compute_coverage ---------------------------------------------------------------------------


def thing(pk, **years):
    return SimpleNamespace(pk=pk, **years)


def coverage(targets=(), milestones=(), actions=(), issues=(), addressed=(), dependencies=()):
    return compute_coverage(2026, 2050, list(targets), list(milestones), list(actions), list(issues),
                            set(addressed), list(dependencies))


def test_unaddressed_issues_are_those_no_action_addresses():
    first, second, third = thing(1), thing(2), thing(3)

    result = coverage(issues=[first, second, third], addressed={2})

    assert result.unaddressed_issues == [first, third]


def test_every_issue_addressed_means_none_unaddressed():
    result = coverage(issues=[thing(1)], addressed={1})

    assert result.unaddressed_issues == []
    assert result.finding_count == 0


def test_order_violation_when_an_action_starts_before_its_prerequisite_ends():
    prerequisite = thing(1, start_year=2027, end_year=2030)
    too_early = thing(2, start_year=2029, end_year=2035)
    right_after = thing(3, start_year=2030, end_year=2035)  # start == end of prerequisite is fine
    later = thing(4, start_year=2031, end_year=2035)

    result = coverage(
        actions=[prerequisite, too_early, right_after, later],
        dependencies=[(too_early, prerequisite), (right_after, prerequisite), (later, prerequisite)],
    )

    assert result.order_violations == [(too_early, prerequisite)]


def test_out_of_range_targets_milestones_and_actions():
    target_in, target_after = thing(1, target_year=2050), thing(2, target_year=2051)
    milestone_before, milestone_in = thing(3, year=2025), thing(4, year=2026)
    action_in = thing(5, start_year=2026, end_year=2050)
    starts_before = thing(6, start_year=2025, end_year=2030)
    ends_after = thing(7, start_year=2040, end_year=2051)
    wholly_after = thing(8, start_year=2060, end_year=2070)

    result = coverage(
        targets=[target_in, target_after],
        milestones=[milestone_before, milestone_in],
        actions=[action_in, starts_before, ends_after, wholly_after],
    )

    assert result.out_of_range == [target_after, milestone_before, starts_before, ends_after, wholly_after]
    assert result.finding_count == 5


# --- find_cycle ---------------------------------------------------------------------------------


def test_simple_cycle():
    assert find_cycle([("a", "b"), ("b", "a")]) == ["a", "b", "a"]


def test_self_loop():
    assert find_cycle([("a", "b"), ("c", "c")]) == ["c", "c"]


def test_no_cycle_in_a_diamond():
    assert find_cycle([("d", "b"), ("d", "c"), ("b", "a"), ("c", "a")]) is None


def test_no_edges_no_cycle():
    assert find_cycle([]) is None


def test_long_chain_without_a_cycle():
    chain = [(n, n + 1) for n in range(5000)]  # deeper than Python's recursion limit

    assert find_cycle(chain) is None


def test_long_chain_closed_into_a_cycle():
    chain = [(n, n + 1) for n in range(5000)] + [(5000, 0)]

    cycle = find_cycle(chain)

    assert cycle == list(range(5001)) + [0]


def test_cycle_behind_an_acyclic_part():
    edges = [("start", "x"), ("x", "y"), ("y", "z"), ("z", "x")]

    assert find_cycle(edges) == ["x", "y", "z", "x"]


def test_numbers_that_overflow_the_float_range_are_reported_as_unknown():
    import datetime as dt

    from visions.documents.derived import compute_gap

    # The slope between -1e308 and 1e308 a year apart overflows to infinity.
    result = compute_gap(
        "increase", 1.7e308, 2050, [(dt.date(2020, 1, 1), -1e308), (dt.date(2021, 1, 1), 1e308)]
    )
    assert result.trend is None
    assert result.projected is None
    assert result.on_track is None
