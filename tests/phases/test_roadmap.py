"""The roadmap's domain rules: lanes, the backwards milestone series, cycles, weighted progress."""

import pytest
from django.utils import translation

from visions.live.access import Viewer
from visions.models import ActionStatus
from visions.roadmap import (
    action_lane,
    action_rows,
    cycle_with,
    progress_by_lane,
    progress_by_milestone,
    suggest_milestone_years,
    unaddressed_by_votes,
    weighted_progress,
)
from visions.documents.snapshot import load_snapshot

from tests.factories import (
    ActionFactory,
    IssueFactory,
    ParticipantFactory,
    StakeholderFactory,
    UserFactory,
    WorkshopFactory,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class FakeAction:
    """Just what the progress computation reads."""

    def __init__(self, start, end, progress, status=ActionStatus.IN_PROGRESS, milestone_id=None):
        self.start_year, self.end_year, self.progress, self.status = start, end, progress, status
        self.milestone_id = milestone_id


class FakeMilestone:
    def __init__(self, pk, year, title):
        self.pk, self.year, self.title = pk, year, title


# --- milestones backwards ---


def test_series_steps_back_ten_years_from_the_target_and_adds_next_year():
    assert suggest_milestone_years(2026, 2050, 10) == [2050, 2040, 2030, 2027]


def test_series_steps_back_five_years():
    assert suggest_milestone_years(2026, 2050, 5) == [2050, 2045, 2040, 2035, 2030, 2027]


def test_series_does_not_repeat_next_year_when_a_step_lands_on_it():
    assert suggest_milestone_years(2025, 2046, 10) == [2046, 2036, 2026]


def test_series_for_a_one_year_workshop_is_the_target_year():
    assert suggest_milestone_years(2026, 2027, 10) == [2027]


def test_series_never_reaches_the_base_year():
    assert suggest_milestone_years(2030, 2050, 10) == [2050, 2040, 2031]


# --- cycles ---


def test_a_prerequisite_that_depends_on_the_action_is_a_cycle():
    # 2 needs 1; giving 1 the prerequisite 2 closes the loop.
    assert cycle_with([(2, 1)], 1, [2]) == [1, 2, 1]


def test_a_longer_cycle_is_named_whole():
    edges = [(2, 1), (3, 2)]
    assert cycle_with(edges, 1, [3]) == [1, 3, 2, 1]


def test_replacing_the_prerequisites_drops_the_old_links_first():
    # 1 needed 2; now 1 needs nothing, and 2 may need 1.
    assert cycle_with([(1, 2)], 2, [1]) == [2, 1, 2]
    assert cycle_with([(1, 2)], 1, []) is None


def test_a_chain_without_a_loop_is_fine():
    assert cycle_with([(2, 1), (3, 2)], 4, [3, 1]) is None


def test_a_new_action_cannot_close_a_cycle():
    assert cycle_with([(2, 1)], None, [2]) is None


# --- lanes ---


@pytest.mark.django_db
def test_lane_is_the_owners_sector_joint_for_several_and_unassigned_for_none():
    workshop = WorkshopFactory()
    gov = StakeholderFactory(workshop=workshop, sector="government")
    gov2 = StakeholderFactory(workshop=workshop, sector="government")
    citizens = StakeholderFactory(workshop=workshop, sector="citizen")
    one_sector = ActionFactory(workshop=workshop)
    one_sector.owners.add(gov, gov2)
    joint = ActionFactory(workshop=workshop)
    joint.owners.add(gov, citizens)
    nobody = ActionFactory(workshop=workshop)
    assert action_lane(one_sector) == "government"
    assert action_lane(joint) == "joint"
    assert action_lane(nobody) == "unassigned"


# --- progress weighted by duration ---


def test_weighted_progress_by_hand():
    # 4 years at 50 % and 1 year at 100 %: (200 + 100) / 5 = 60 %.
    summary = weighted_progress([FakeAction(2027, 2030, 50), FakeAction(2031, 2031, 100)])
    assert summary.percent == pytest.approx(60.0)
    assert summary.years == 5
    assert summary.counted == 2


def test_a_long_action_weighs_more_than_a_short_one():
    # 10 years at 10 %, 2 years at 70 %: (100 + 140) / 12 = 20 %.
    summary = weighted_progress([FakeAction(2030, 2039, 10), FakeAction(2030, 2031, 70)])
    assert summary.percent == pytest.approx(20.0)


def test_done_counts_as_complete_and_dropped_is_left_out():
    actions = [
        FakeAction(2027, 2028, 40, ActionStatus.DONE),  # counts 100 over 2 years
        FakeAction(2027, 2029, 0, ActionStatus.PLANNED),  # 0 over 3 years
        FakeAction(2027, 2036, 90, ActionStatus.DROPPED),  # not counted
    ]
    summary = weighted_progress(actions)
    assert summary.percent == pytest.approx(200 / 5)
    assert (summary.counted, summary.dropped, summary.years) == (2, 1, 5)


def test_no_progress_without_countable_actions():
    assert weighted_progress([]).percent is None
    assert weighted_progress([FakeAction(2027, 2028, 50, ActionStatus.DROPPED)]).percent is None


def test_progress_by_milestone_groups_and_keeps_the_rest_apart():
    m2030, m2040 = FakeMilestone(1, 2030, "Care"), FakeMilestone(2, 2040, "Robots")
    actions = [
        FakeAction(2027, 2030, 25, milestone_id=1),  # 4 y × 25
        FakeAction(2029, 2030, 100, milestone_id=1),  # 2 y × 100
        FakeAction(2027, 2027, 30),  # no milestone
    ]
    rows = progress_by_milestone(actions, [m2040, m2030])
    assert [row.label for row in rows] == ["2030: Care", "2040: Robots", "No milestone"]
    assert rows[0].summary.percent == pytest.approx((100 + 200) / 6)
    assert rows[1].summary.percent is None
    assert rows[2].summary.percent == pytest.approx(30)


@pytest.mark.django_db
def test_progress_by_lane_follows_the_timeline_lanes():
    workshop = WorkshopFactory()
    gov = StakeholderFactory(workshop=workshop, sector="government")
    industry = StakeholderFactory(workshop=workshop, sector="industry")
    a = ActionFactory(workshop=workshop, start_year=2027, end_year=2029, progress=30, status="in_progress")
    a.owners.add(gov)
    b = ActionFactory(workshop=workshop, start_year=2027, end_year=2027, progress=70, status="in_progress")
    b.owners.add(gov)
    c = ActionFactory(workshop=workshop, start_year=2027, end_year=2028, progress=10, status="in_progress")
    c.owners.add(gov, industry)
    rows = progress_by_lane(load_snapshot(workshop).actions)
    assert [row.key for row in rows] == ["government", "joint"]
    assert rows[0].summary.percent == pytest.approx((90 + 70) / 4)
    assert rows[1].summary.percent == pytest.approx(10)


# --- who may edit ---


@pytest.mark.django_db
def test_owners_representatives_and_the_facilitator_may_edit():
    workshop = WorkshopFactory()
    owner_org = StakeholderFactory(workshop=workshop)
    other_org = StakeholderFactory(workshop=workshop)
    action = ActionFactory(workshop=workshop)
    action.owners.add(owner_org)
    representative = ParticipantFactory(workshop=workshop, stakeholder=owner_org)
    outsider = ParticipantFactory(workshop=workshop, stakeholder=other_org)
    observer = ParticipantFactory(workshop=workshop, stakeholder=owner_org, role="observer")
    unaffiliated = ParticipantFactory(workshop=workshop)

    def may(participant, facilitator=False):
        if facilitator:
            return Viewer.of_facilitator(workshop, UserFactory()).may_change(action)
        return Viewer.of_participant(participant).may_change(action)

    assert may(None, facilitator=True)
    assert may(representative)
    assert not may(outsider)
    assert not may(observer)
    assert not may(unaffiliated)


@pytest.mark.django_db
def test_action_rows_are_in_lane_order_then_by_start_year():
    workshop = WorkshopFactory()
    gov = StakeholderFactory(workshop=workshop, sector="government")
    citizens = StakeholderFactory(workshop=workshop, sector="citizen")
    late_gov = ActionFactory(workshop=workshop, start_year=2035, end_year=2036)
    late_gov.owners.add(gov)
    citizen = ActionFactory(workshop=workshop, start_year=2027, end_year=2028)
    citizen.owners.add(citizens)
    early_gov = ActionFactory(workshop=workshop, start_year=2028, end_year=2030)
    early_gov.owners.add(gov)
    nobody = ActionFactory(workshop=workshop, start_year=2027, end_year=2027)
    rows = action_rows(load_snapshot(workshop).actions, Viewer.of_facilitator(workshop, UserFactory()))
    assert [row.action for row in rows] == [early_gov, late_gov, citizen, nobody]
    assert all(row.can_edit for row in rows)


# --- coverage, highest-voted first ---


@pytest.mark.django_db
def test_unaddressed_issues_come_highest_voted_first_and_prioritised_is_the_top_n():
    from visions.models import IssueVote

    workshop = WorkshopFactory(priority_count=2)
    voters = [ParticipantFactory(workshop=workshop) for _ in range(3)]
    few = IssueFactory(workshop=workshop, title="few")
    many = IssueFactory(workshop=workshop, title="many")
    addressed = IssueFactory(workshop=workshop, title="addressed")
    none = IssueFactory(workshop=workshop, title="none")
    IssueVote.objects.create(issue=few, participant=voters[0], dots=1)
    IssueVote.objects.create(issue=many, participant=voters[0], dots=2)
    IssueVote.objects.create(issue=many, participant=voters[1], dots=2)
    IssueVote.objects.create(issue=addressed, participant=voters[2], dots=3)
    ActionFactory(workshop=workshop).addresses.add(addressed)

    snapshot = load_snapshot(workshop)
    assert [row.issue for row in unaddressed_by_votes(snapshot)] == [many, few, none]
    # The top two by votes are "many" (4) and "addressed" (3); only "many" is still open.
    assert [row.issue for row in unaddressed_by_votes(snapshot, prioritised_only=True)] == [many]
