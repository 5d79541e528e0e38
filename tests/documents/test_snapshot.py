"""load_snapshot: a whole workshop in a fixed number of queries, with hand-checked figures."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from visions.models import (
    ActionDependency,
    ActionIssue,
    ActionOwner,
    Endorsement,
    IssueScore,
    IssueVote,
    Theme,
)
from visions.documents.snapshot import blau_index, load_snapshot

from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    IssueFactory,
    MilestoneFactory,
    ParticipantFactory,
    StakeholderFactory,
    TargetFactory,
    VisionFactory,
    WorkshopFactory,
)


def populated(size):
    """A workshop with `size` targets (two assessments each), issues, milestones and actions."""
    workshop = WorkshopFactory()
    sectors = ("government", "academia", "industry")
    stakeholders = [StakeholderFactory(workshop=workshop, sector=sector) for sector in sectors]
    people = [ParticipantFactory(workshop=workshop, stakeholder=stakeholder) for stakeholder in stakeholders]
    vision = VisionFactory(workshop=workshop, author=people[0])
    vision.set_sdgs([3, 11, 17])
    vision.adopt()
    for person in people:
        Endorsement.objects.create(vision=vision, participant=person)
    theme = Theme.objects.create(workshop=workshop, name="care")
    previous_action = None
    for n in range(size):
        target = TargetFactory(workshop=workshop, vision=vision)
        AssessmentFactory(target=target, author=people[0], as_of=datetime.date(2020, 1, 1), value=40)
        AssessmentFactory(target=target, author=people[1], as_of=datetime.date(2025, 1, 1), value=50)
        issue = IssueFactory(workshop=workshop, theme=theme, author=people[n % 3])
        IssueVote.objects.create(issue=issue, participant=people[0], dots=1 + n % 3)
        IssueScore.objects.create(issue=issue, participant=people[1], impact=3, feasibility=4)
        milestone = MilestoneFactory(workshop=workshop, year=2030 + n % 20, proposed_by=people[2])
        action = ActionFactory(workshop=workshop, milestone=milestone)
        ActionOwner.objects.create(action=action, stakeholder=stakeholders[n % 3])
        ActionIssue.objects.create(action=action, issue=issue)
        if previous_action is not None:
            ActionDependency.objects.create(action=action, prerequisite=previous_action)
        previous_action = action
    return workshop


def read_everything(snapshot):
    """Touch what the overview, the PDF and the workshop file read from a snapshot."""
    seen = []
    for person in snapshot.participants:
        seen.append(person.stakeholder)
    for vision in snapshot.visions:
        seen += [vision.author, vision.sdg_numbers]
        seen += [endorsement.participant.display_name for endorsement in vision.endorsements.all()]
    for row in snapshot.targets:
        seen += [row.target.vision.statement, row.gap, [a.author for a in row.assessments]]
    for row in snapshot.issues:
        seen += [row.issue.theme, row.issue.target, row.issue.author, row.dots, row.mean_impact]
        seen += [(vote.participant, vote.dots) for vote in row.issue.votes.all()]
        seen += [(score.participant, score.impact) for score in row.issue.scores.all()]
    for milestone in snapshot.milestones:
        seen.append(milestone.proposed_by)
    for action in snapshot.actions:
        seen += [action.milestone, list(action.owners.all()), list(action.addresses.all())]
        seen.append(list(action.depends_on.all()))
    seen += [snapshot.coverage.finding_count, snapshot.sector_diversity, snapshot.adopted_vision]
    return seen


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_workshop(django_assert_num_queries):
    small, large = populated(3), populated(60)
    with CaptureQueriesContext(connection) as small_queries:
        read_everything(load_snapshot(small))

    with django_assert_num_queries(len(small_queries)):
        snapshot = load_snapshot(large)
        read_everything(snapshot)

    assert len(snapshot.targets) == 60
    assert len(snapshot.issues) == 120  # 60 added + 60 derived
    assert len(snapshot.actions) == 60
    assert len(snapshot.dependencies) == 59


@pytest.mark.django_db
def test_reading_a_loaded_snapshot_costs_no_query(django_assert_num_queries):
    snapshot = load_snapshot(populated(3))

    with django_assert_num_queries(0):
        read_everything(snapshot)


@pytest.mark.django_db
def test_sector_counts_and_blau_index():
    workshop = WorkshopFactory()
    for sector in ["government", "government", "academia", "industry"]:
        ParticipantFactory(workshop=workshop, sector=sector)
    ParticipantFactory(workshop=workshop, sector="citizen", role="observer")  # watches, does not take part
    ParticipantFactory(workshop=workshop, sector="")  # said nothing about a sector

    snapshot = load_snapshot(workshop)

    assert snapshot.sector_counts == {"government": 2, "academia": 1, "industry": 1, "citizen": 0}
    # shares 2/4, 1/4, 1/4, 0: Σp² = 0.25 + 0.0625 + 0.0625 = 0.375
    assert snapshot.sector_diversity == pytest.approx(0.625)  # 1 − 0.375
    assert [sector.value for sector in snapshot.missing_sectors] == ["citizen"]


@pytest.mark.django_db
def test_every_sector_equally_is_the_most_diverse_room():
    workshop = WorkshopFactory()
    ParticipantFactory(workshop=workshop, sector="academia", role="facilitator")  # facilitators count
    for sector in ["government", "industry", "citizen"]:
        ParticipantFactory(workshop=workshop, sector=sector)

    snapshot = load_snapshot(workshop)

    assert snapshot.sector_diversity == pytest.approx(0.75)  # 1 − 4 · (1/4)²
    assert snapshot.missing_sectors == []


@pytest.mark.django_db
def test_an_empty_room_misses_every_sector():
    snapshot = load_snapshot(WorkshopFactory())

    assert snapshot.sector_diversity == 0.0
    missing = [sector.value for sector in snapshot.missing_sectors]
    assert missing == ["government", "academia", "industry", "citizen"]
    assert snapshot.adopted_vision is None
    assert snapshot.targets == snapshot.issues == snapshot.actions == []


def test_blau_index_by_hand():
    assert blau_index([]) == 0.0
    assert blau_index([0, 0]) == 0.0
    assert blau_index([5]) == 0.0  # one category: no diversity
    assert blau_index([1, 1]) == pytest.approx(0.5)  # 1 − (¼ + ¼)
    assert blau_index([3, 1, 0]) == pytest.approx(0.375)  # 1 − (9/16 + 1/16)


@pytest.mark.django_db
def test_discipline_counts_most_common_first():
    workshop = WorkshopFactory()
    for discipline in ["urban planning", "gerontology", "gerontology", "economics", ""]:
        ParticipantFactory(workshop=workshop, discipline=discipline)

    snapshot = load_snapshot(workshop)

    assert snapshot.discipline_counts == {"gerontology": 2, "economics": 1, "urban planning": 1}
    assert list(snapshot.discipline_counts) == ["gerontology", "economics", "urban planning"]


@pytest.mark.django_db
def test_issue_dot_totals_and_mean_scores():
    workshop = WorkshopFactory()
    aiko, ben, chie = (ParticipantFactory(workshop=workshop) for _ in range(3))
    quiet = IssueFactory(workshop=workshop, title="Nobody voted")
    popular = IssueFactory(workshop=workshop, title="Many dots")
    IssueVote.objects.create(issue=popular, participant=aiko, dots=2)
    IssueVote.objects.create(issue=popular, participant=ben, dots=3)
    IssueScore.objects.create(issue=popular, participant=aiko, impact=4, feasibility=2)
    IssueScore.objects.create(issue=popular, participant=ben, impact=5, feasibility=3)
    IssueScore.objects.create(issue=popular, participant=chie, impact=5, feasibility=5)
    action = ActionFactory(workshop=workshop)
    action.addresses.add(popular)

    snapshot = load_snapshot(workshop)
    rows = {row.issue.title: row for row in snapshot.issues}

    assert rows["Many dots"].dots == 5  # 2 + 3
    assert rows["Many dots"].voters == 2
    assert rows["Many dots"].mean_impact == pytest.approx(14 / 3)  # (4 + 5 + 5) / 3
    assert rows["Many dots"].mean_feasibility == pytest.approx(10 / 3)  # (2 + 3 + 5) / 3
    assert rows["Many dots"].addressed is True
    assert (rows["Nobody voted"].dots, rows["Nobody voted"].voters) == (0, 0)
    assert rows["Nobody voted"].mean_impact is None
    assert rows["Nobody voted"].mean_feasibility is None
    assert rows["Nobody voted"].addressed is False
    assert [row.issue.title for row in snapshot.issues_by_votes] == ["Many dots", "Nobody voted"]
    assert snapshot.coverage.unaddressed_issues == [quiet]


@pytest.mark.django_db
def test_issues_with_equal_dots_keep_the_order_they_were_added():
    workshop = WorkshopFactory()
    voter = ParticipantFactory(workshop=workshop)
    first, second, third = (IssueFactory(workshop=workshop) for _ in range(3))
    for issue in (second, first, third):
        IssueVote.objects.create(issue=issue, participant=voter, dots=1 if issue is third else 2)

    snapshot = load_snapshot(workshop)

    assert [row.issue for row in snapshot.issues_by_votes] == [first, second, third]


@pytest.mark.django_db
def test_target_rows_carry_the_derived_numbers():
    workshop = WorkshopFactory()
    target = TargetFactory(workshop=workshop, target_value=90, target_year=2050)
    AssessmentFactory(target=target, as_of=datetime.date(2025, 4, 1), value=50)
    AssessmentFactory(target=target, as_of=datetime.date(2020, 4, 1), value=40)
    unmeasured = TargetFactory(workshop=workshop, vision=target.vision)

    snapshot = load_snapshot(workshop)

    gap = snapshot.gap_for(target)
    assert (gap.baseline, gap.current, gap.gap) == (40.0, 50.0, 40.0)  # gap 90 − 50
    assert gap.progress == pytest.approx(0.2)  # (50 − 40) / (90 − 40)
    assert gap.required_pace == pytest.approx(1.6)  # 40 / (2050 − 2025)
    assert gap.trend == pytest.approx(2.0)  # 10 / 5
    assert gap.projected == pytest.approx(100.0)  # 50 + 2 · 25
    assert gap.on_track is True
    assert gap == target.gap()
    assert snapshot.gap_for(unmeasured) is None


@pytest.mark.django_db
def test_coverage_reports_order_and_range_findings():
    workshop = WorkshopFactory(base_year=2026, target_year=2050)
    prerequisite = ActionFactory(workshop=workshop, start_year=2027, end_year=2032)
    too_early = ActionFactory(workshop=workshop, start_year=2030, end_year=2035)
    right_after = ActionFactory(workshop=workshop, start_year=2032, end_year=2036)
    too_early.depends_on.add(prerequisite)
    right_after.depends_on.add(prerequisite)
    late = ActionFactory(workshop=workshop, start_year=2045, end_year=2055)
    early_milestone = MilestoneFactory(workshop=workshop, year=2020)
    MilestoneFactory(workshop=workshop, year=2050)
    far_target = TargetFactory(workshop=workshop, target_year=2060)

    coverage = load_snapshot(workshop).coverage

    assert coverage.order_violations == [(too_early, prerequisite)]
    assert coverage.out_of_range == [far_target, early_milestone, late]


def test_a_hidden_issue_is_not_reported_as_unaddressed(db):
    from visions.documents.snapshot import load_snapshot

    from tests.factories import IssueFactory, WorkshopFactory

    workshop = WorkshopFactory()
    kept = IssueFactory(workshop=workshop, title="Buses stop at six")
    IssueFactory(workshop=workshop, title="asdf spam", hidden=True)
    snapshot = load_snapshot(workshop)
    assert snapshot.coverage.unaddressed_issues == [kept]


def test_a_milestone_proposal_not_yet_accepted_is_not_checked_for_range(db):
    from visions.documents.snapshot import load_snapshot

    from tests.factories import MilestoneFactory, WorkshopFactory

    workshop = WorkshopFactory(base_year=2026, target_year=2050)
    accepted = MilestoneFactory(workshop=workshop, year=2060)
    MilestoneFactory(workshop=workshop, year=2070, accepted=False)
    assert load_snapshot(workshop).coverage.out_of_range == [accepted]


def test_a_hidden_issue_takes_no_prioritised_place(db):
    from visions.models import IssueVote
    from visions.documents.snapshot import load_snapshot

    from tests.factories import IssueFactory, ParticipantFactory, WorkshopFactory

    workshop = WorkshopFactory(priority_count=1)
    voter = ParticipantFactory(workshop=workshop)
    spam = IssueFactory(workshop=workshop, hidden=True)
    real = IssueFactory(workshop=workshop)
    IssueVote.objects.create(issue=spam, participant=voter, dots=5)
    IssueVote.objects.create(issue=real, participant=voter, dots=1)
    assert load_snapshot(workshop).prioritised_issue_ids == {real.pk}
