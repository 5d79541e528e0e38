import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from visions.demo.loader import DEMO_PASSWORD, DEMO_USERNAME
from visions.documents.derived import find_cycle
from visions.models import Issue, IssueOrigin, Phase, Sector, VisionStatus, Workshop
from visions.documents.snapshot import load_snapshot

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LAST_LINE = re.compile(r"^Demo workshop (\d+): (.+) \(join code ([0-9A-Z]{5}-[0-9A-Z]{5})\)$")


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    last_line = out.getvalue().strip().splitlines()[-1]
    match = LAST_LINE.match(last_line)
    assert match, last_line
    return Workshop.objects.get(pk=int(match.group(1))), match


def test_loads_a_japanese_workshop_in_the_roadmap_phase_and_names_it_last():
    workshop, match = load_demo()

    assert match.group(2) == workshop.title
    assert match.group(3) == workshop.display_join_code
    assert workshop.language == "ja"
    assert workshop.phase == Phase.ROADMAP
    assert (workshop.base_year, workshop.target_year) == (2026, 2050)
    assert "みらい県" in workshop.title


def test_running_twice_leaves_one_workshop_with_the_same_id():
    first, _ = load_demo()
    second, _ = load_demo()

    assert Workshop.objects.count() == 1
    assert second.pk == first.pk


def test_a_second_run_keeps_what_the_facilitator_changed():
    workshop, _ = load_demo()
    workshop.title = "私たちのワークショップ"
    workshop.save()

    again, _ = load_demo()

    assert again.pk == workshop.pk
    assert again.title == "私たちのワークショップ"
    assert Workshop.objects.count() == 1


def test_reset_deletes_and_recreates_the_demo_workshop():
    first, _ = load_demo()
    first.title = "changed"
    first.save()

    recreated, _ = load_demo("--reset")

    assert recreated.pk != first.pk
    assert list(Workshop.objects.all()) == [recreated]
    assert "みらい県" in recreated.title


def test_reset_leaves_other_workshops_alone():
    other = Workshop.objects.create(title="別のワークショップ", base_year=2026, target_year=2040)
    load_demo()

    load_demo("--reset")

    assert Workshop.objects.filter(pk=other.pk).exists()
    assert Workshop.objects.count() == 2


def test_stakeholders_and_people_come_from_all_four_sectors_with_one_observer():
    workshop, _ = load_demo()
    snapshot = load_snapshot(workshop)

    assert {s.sector for s in snapshot.stakeholders} == set(Sector.values)
    assert snapshot.missing_sectors == []
    assert [p.role for p in snapshot.participants].count("observer") == 1


def test_one_adopted_vision_with_sdgs_and_endorsements_and_one_archived():
    workshop, _ = load_demo()
    snapshot = load_snapshot(workshop)

    statuses = [v.status for v in snapshot.visions]
    assert statuses.count(VisionStatus.ADOPTED) == 1
    assert statuses.count(VisionStatus.ARCHIVED) == 1
    adopted = snapshot.adopted_vision
    assert adopted.sdg_numbers
    assert len(adopted.endorsements.all()) >= 3
    assert all(row.target.vision_id == adopted.pk for row in snapshot.targets)


def test_some_targets_are_on_track_and_some_are_not():
    workshop, _ = load_demo()
    snapshot = load_snapshot(workshop)

    on_track = [row.gap.on_track for row in snapshot.targets]
    assert True in on_track
    assert False in on_track
    assert all(len(row.assessments) >= 3 for row in snapshot.targets)
    assert all(a.source for row in snapshot.targets for a in row.assessments)


def test_each_assessed_target_has_exactly_one_derived_issue_in_a_theme():
    workshop, _ = load_demo()
    snapshot = load_snapshot(workshop)

    for row in snapshot.targets:
        derived = Issue.objects.filter(target=row.target, origin=IssueOrigin.DERIVED)
        assert derived.count() == 1
        assert derived.get().theme is not None
    derived_count = sum(1 for row in snapshot.issues if row.issue.is_derived)
    assert derived_count == len(snapshot.targets)


def test_participant_issues_have_themes_votes_and_scores_within_the_dot_budget():
    workshop, _ = load_demo()
    snapshot = load_snapshot(workshop)

    own_issues = [row for row in snapshot.issues if not row.issue.is_derived]
    assert len(own_issues) >= 8
    assert all(row.issue.theme is not None for row in own_issues)
    assert {theme.name for theme in snapshot.themes} >= {"移動・交通", "医療・介護", "地域のつながり", "仕事と学び"}
    assert sum(row.dots for row in snapshot.issues) > 0
    assert any(row.mean_impact is not None for row in own_issues)
    spent = {}
    for row in snapshot.issues:
        for vote in row.issue.votes.all():
            spent[vote.participant_id] = spent.get(vote.participant_id, 0) + vote.dots
    assert max(spent.values()) <= workshop.dot_budget


def test_roadmap_has_no_cycle_and_shows_each_kind_of_coverage_finding():
    workshop, _ = load_demo()
    snapshot = load_snapshot(workshop)

    assert find_cycle([(a.pk, p.pk) for a, p in snapshot.dependencies]) is None
    assert sorted((m.year for m in snapshot.milestones), reverse=True) == [2050, 2040, 2035, 2030, 2027]
    assert len(snapshot.actions) >= 14
    assert any(len(action.owners.all()) > 1 for action in snapshot.actions)
    assert {a.status for a in snapshot.actions} >= {"planned", "in_progress", "done"}
    coverage = snapshot.coverage
    assert 1 <= len(coverage.unaddressed_issues) <= 2
    assert len(coverage.order_violations) == 1
    assert [type(item).__name__ for item in coverage.out_of_range] == ["Action"]


def test_demo_user_can_log_in_and_facilitates_the_demo_workshop(client):
    workshop, _ = load_demo()

    assert client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    assert list(Workshop.objects.facilitated_by(user)) == [workshop]


def test_an_existing_demo_users_password_is_not_changed(client):
    UserFactory(username=DEMO_USERNAME)  # password "correct horse battery"

    workshop, _ = load_demo()

    assert not client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    assert client.login(username=DEMO_USERNAME, password="correct horse battery")
    assert get_user_model().objects.filter(username=DEMO_USERNAME).count() == 1
    assert workshop.is_facilitated_by(get_user_model().objects.get(username=DEMO_USERNAME))


def test_a_recreated_demo_user_gets_the_existing_workshop_back():
    workshop, _ = load_demo()
    get_user_model().objects.filter(username=DEMO_USERNAME).delete()

    again, _ = load_demo()

    assert again.pk == workshop.pk
    assert again.is_facilitated_by(get_user_model().objects.get(username=DEMO_USERNAME))
