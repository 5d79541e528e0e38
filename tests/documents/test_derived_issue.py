"""A target's first assessment makes its one derived gap issue, however the assessment arrives."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from visions.documents.derived import compute_gap
from visions.models import Assessment, Issue, IssueQuerySet, Target

from tests.factories import AssessmentFactory, ParticipantFactory, TargetFactory, UserFactory


def derived_issues(target):
    return Issue.objects.filter(target=target, origin="derived")


@pytest.fixture
def target(db):
    return TargetFactory(indicator="Home care coverage")


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_a_target_without_assessments_has_no_derived_issue(target):
    assert not derived_issues(target).exists()
    assert target.gap() is None


def test_first_assessment_makes_the_derived_issue(target):
    Assessment.objects.create(target=target, value=72.5, as_of=datetime.date(2025, 4, 1))

    issue = derived_issues(target).get()
    assert issue.workshop_id == target.workshop_id
    # The factory's workshop is Japanese: the derived title is in the workshop's language.
    assert issue.title == "ギャップ：Home care coverage"


def test_the_derived_issue_title_is_in_the_workshops_language_not_the_requests(target):
    target.workshop.language = "en"
    target.workshop.save()
    with translation.override("ja"):
        Assessment.objects.create(target=target, value=72.5, as_of=datetime.date(2025, 4, 1))

    assert derived_issues(target).get().title == "Gap: Home care coverage"


def test_further_assessments_keep_the_one_issue(target):
    Assessment.objects.create(target=target, value=60, as_of=datetime.date(2020, 4, 1))
    first = derived_issues(target).get()

    Assessment.objects.create(target=target, value=72.5, as_of=datetime.date(2025, 4, 1))
    AssessmentFactory(target=target, value=75, as_of=datetime.date(2026, 4, 1))

    assert list(derived_issues(target)) == [first]


def test_editing_an_assessment_keeps_the_one_issue(target):
    assessment = AssessmentFactory(target=target)
    assessment.value = 80
    assessment.save()

    assert derived_issues(target).count() == 1


def test_each_target_gets_its_own_issue(target):
    sibling = TargetFactory(workshop=target.workshop, vision=target.vision, indicator="Bus routes")
    AssessmentFactory(target=target)
    AssessmentFactory(target=sibling)

    assert Issue.objects.filter(workshop=target.workshop, origin="derived").count() == 2
    assert derived_issues(sibling).get().title == "ギャップ：Bus routes"


def test_ensure_twice_makes_one(target):
    first, created_first = target.ensure_derived_issue()
    second, created_second = target.ensure_derived_issue()

    assert (created_first, created_second) == (True, False)
    assert first == second
    assert derived_issues(target).count() == 1


def test_a_request_that_loses_the_race_gets_the_winners_issue(target, monkeypatch):
    winner, _created = target.ensure_derived_issue()
    # The loser looked before the winner committed, so it saw no issue and tries to insert one.
    monkeypatch.setattr(IssueQuerySet, "first", lambda queryset: None)

    issue, created = target.ensure_derived_issue()

    assert (issue, created) == (winner, False)
    assert derived_issues(target).count() == 1


def test_an_assessment_made_by_a_racing_request_keeps_the_one_issue(target, monkeypatch):
    AssessmentFactory(target=target)
    monkeypatch.setattr(IssueQuerySet, "first", lambda queryset: None)

    AssessmentFactory(target=target, value=70, as_of=datetime.date(2026, 1, 1))

    assert target.assessments.count() == 2
    assert derived_issues(target).count() == 1


def test_admin_add_form_makes_the_derived_issue(admin_client, target):
    author = ParticipantFactory(workshop=target.workshop)

    response = admin_client.post(
        reverse("admin:visions_assessment_add"),
        {
            "target": target.pk,
            "value": "72.5",
            "as_of": "2025-04-01",
            "source": "https://example.org/survey",
            "note": "",
            "author": author.pk,
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert target.assessments.get().value == 72.5
    assert derived_issues(target).count() == 1


def test_admin_add_form_twice_keeps_one_issue(admin_client, target):
    for value, as_of in [("60", "2020-04-01"), ("72.5", "2025-04-01")]:
        response = admin_client.post(
            reverse("admin:visions_assessment_add"),
            {"target": target.pk, "value": value, "as_of": as_of, "_save": "Save"},
        )
        assert response.status_code == 302

    assert target.assessments.count() == 2
    assert derived_issues(target).count() == 1


def test_admin_add_form_refuses_an_author_of_another_workshop(admin_client, target):
    stranger = ParticipantFactory()

    response = admin_client.post(
        reverse("admin:visions_assessment_add"),
        {"target": target.pk, "value": "1", "as_of": "2025-04-01", "author": stranger.pk, "_save": "Save"},
    )

    assert response.status_code == 200
    assert "This belongs to another workshop." in response.content.decode()
    assert not target.assessments.exists()
    assert not derived_issues(target).exists()


def target_form(target, assessments, initial=0):
    data = {
        "workshop": target.workshop_id,
        "vision": target.vision_id,
        "indicator": target.indicator,
        "unit": target.unit,
        "direction": target.direction,
        "target_value": target.target_value,
        "target_year": target.target_year,
        "assessments-TOTAL_FORMS": len(assessments),
        "assessments-INITIAL_FORMS": initial,
        "assessments-MIN_NUM_FORMS": 0,
        "assessments-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for index, fields in enumerate(assessments):
        for name, value in fields.items():
            data[f"assessments-{index}-{name}"] = value
    return data


def test_target_admin_inline_makes_the_derived_issue(admin_client, target):
    response = admin_client.post(
        reverse("admin:visions_target_change", args=[target.pk]),
        target_form(
            target, [{"value": "72.5", "as_of": "2025-04-01", "source": "survey", "target": target.pk}]
        ),
    )

    assert response.status_code == 302
    assert target.assessments.count() == 1
    assert derived_issues(target).count() == 1


def test_target_admin_inline_with_two_assessments_at_once_keeps_one_issue(admin_client, target):
    rows = [
        {"value": "60", "as_of": "2020-04-01", "target": target.pk},
        {"value": "72.5", "as_of": "2025-04-01", "target": target.pk},
    ]

    response = admin_client.post(
        reverse("admin:visions_target_change", args=[target.pk]), target_form(target, rows)
    )

    assert response.status_code == 302
    assert target.assessments.count() == 2
    assert derived_issues(target).count() == 1


def test_target_admin_add_with_an_inline_assessment_makes_the_derived_issue(admin_client, target):
    template = TargetFactory.build(
        workshop=target.workshop, vision=target.vision, indicator="Bus routes kept"
    )

    response = admin_client.post(
        reverse("admin:visions_target_add"),
        target_form(template, [{"value": "41", "as_of": "2025-04-01"}]),
    )

    assert response.status_code == 302
    created = Target.objects.get(indicator="Bus routes kept")
    assert created.assessments.get().value == 41
    assert derived_issues(created).get().title == "ギャップ：Bus routes kept"


def test_target_gap_equals_compute_gap(target):
    # Recorded out of date order, with a tie on 2025-04-01 that recording order decides.
    recorded = [
        (datetime.date(2025, 4, 1), 70.0),
        (datetime.date(2020, 4, 1), 50.0),
        (datetime.date(2025, 4, 1), 72.0),
        (datetime.date(2022, 4, 1), 61.0),
    ]
    for as_of, value in recorded:
        AssessmentFactory(target=target, as_of=as_of, value=value)

    gap = Target.objects.get(pk=target.pk).gap()

    assert gap == compute_gap("increase", 90.0, 2050, recorded)
    assert (gap.baseline, gap.current, gap.gap) == (50.0, 72.0, 18.0)  # 90 − 72


def test_target_gap_for_a_decreasing_target(db):
    target = TargetFactory(direction="decrease", target_value=20.0, target_year=2040)
    AssessmentFactory(target=target, as_of=datetime.date(2020, 1, 1), value=50.0)
    AssessmentFactory(target=target, as_of=datetime.date(2025, 1, 1), value=35.0)

    gap = target.gap()

    assert gap == compute_gap("decrease", 20.0, 2040, [(datetime.date(2020, 1, 1), 50.0),
                                                        (datetime.date(2025, 1, 1), 35.0)])
    assert gap.required_pace == pytest.approx(-1.0)  # (20 − 35) / (2040 − 2025)
    assert gap.on_track is True  # trend −3 a year: 35 − 3 · 15 = −10 ≤ 20


def test_the_derived_issue_of_a_target_with_the_longest_indicator_fits_its_title(db):
    from visions.models import Issue

    from tests.factories import AssessmentFactory, TargetFactory

    target = TargetFactory(indicator="長" * 300)
    AssessmentFactory(target=target)
    issue = Issue.objects.get(target=target)
    assert len(issue.title) == 200
    assert issue.title.endswith("長")
