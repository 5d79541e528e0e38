"""The series page: every round, each target's gap, trend and adequacy from round to round, and what moved."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils import timezone

from visions.documents.rounds import start_next_round
from visions.models import Action, ActionOwner, Effect, Target, Workshop
from tests.conftest import join_as
from tests.factories import AssessmentFactory, ParticipantFactory, StakeholderFactory, TargetFactory, UserFactory, VisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_left_as_found():
    """A request leaves its language active in the thread; later test modules expect the default."""
    before = translation.get_language()
    yield
    translation.activate(before)


def held_in(workshop, year):
    Workshop.objects.filter(pk=workshop.pk).update(created_at=timezone.make_aware(datetime.datetime(year, 4, 1)))
    workshop.refresh_from_db()


@pytest.fixture
def series(facilitator, workshop):
    """Two rounds: in the second, one action was done, one dropped, one slipped by 2 years, one added."""
    workshop.title = "Awa 2026"
    workshop.save()
    vision = VisionFactory(workshop=workshop, statement="A region where everyone reaches a clinic")
    vision.adopt()
    target = TargetFactory(workshop=workshop, vision=vision, indicator="Clinic reach", unit="%", target_value=90)
    AssessmentFactory(target=target, value=50, as_of=datetime.date(2024, 4, 1))
    AssessmentFactory(target=target, value=60, as_of=datetime.date(2025, 4, 1))
    owner = StakeholderFactory(workshop=workshop, name="Awa City")
    actions = {}
    for title in ("Bus line", "Clinic van", "Tele-care", "Volunteer drivers"):
        actions[title] = Action.objects.create(workshop=workshop, title=title, start_year=2027, end_year=2030)
        ActionOwner.objects.create(action=actions[title], stakeholder=owner)
    Effect.objects.create(action=actions["Bus line"], target=target, amount=10)
    held_in(workshop, 2026)
    following = start_next_round(workshop, "Awa 2027", facilitator)
    held_in(following, 2027)
    carried = {a.title: a for a in Action.objects.filter(workshop=following)}
    Action.objects.filter(pk=carried["Bus line"].pk).update(status="done", progress=100)
    Action.objects.filter(pk=carried["Clinic van"].pk).update(status="dropped")
    Action.objects.filter(pk=carried["Tele-care"].pk).update(end_year=2032)
    carried["Volunteer drivers"].delete()
    Action.objects.create(workshop=following, title="Ride sharing", start_year=2028, end_year=2029)
    AssessmentFactory(target=Target.objects.get(workshop=following), value=70, as_of=datetime.date(2026, 4, 1))
    return workshop, following


def cells(row):
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def page(client, workshop):
    return client.get(reverse("series", args=[workshop.pk]))


def test_the_facilitator_sees_every_round_and_how_the_gap_moved(facilitator_client, series):
    first, second = series
    response = page(facilitator_client, second)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Awa 2026" in body and "Awa 2027" in body and "2 rounds" in body
    assert body.count('data-testid="series-target"') == 1  # one target, followed through both rounds
    assert body.count('class="target-chart series-chart"') == 1
    assert body.count('class="series-bar"') == 2
    assert "Round of 2026: gap 30 %. Round of 2027: gap 20 %." in body  # the chart's text alternative
    rows = body.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert "2026" in rows[0].split("</th>")[0] and "Awa 2026" in rows[0].split("</th>")[0]
    assert cells(rows[0])[:3] == ["60 (2025)", "30", "10"]  # current, gap, trend / year
    assert cells(rows[1])[:3] == ["70 (2026)", "20", "10"]
    assert cells(rows[0])[-1] == "33 % planned, 20 still unplanned"  # adequacy: 10 of the gap of 30 planned
    assert cells(rows[1])[-1] == "50 % planned, 10 still unplanned"


def test_it_says_what_was_done_dropped_or_slipped_between_rounds(facilitator_client, series):
    _first, second = series
    body = page(facilitator_client, second).content.decode()
    step = body.split('data-testid="transition"')[1]
    done = step.split("<dt>Done</dt>")[1].split("</dd>")[0]
    dropped = step.split("<dt>Dropped</dt>")[1].split("</dd>")[0]
    slipped = step.split("<dt>Slipped</dt>")[1].split("</dd>")[0]
    added = step.split("<dt>New actions</dt>")[1].split("</dd>")[0]
    assert "Bus line" in done and "Clinic van" not in done
    assert "Clinic van" in dropped and "Volunteer drivers" in dropped and "removed from the roadmap" in dropped
    assert "Tele-care" in slipped and "2030 → 2032" in slipped and "slipped by 2 years" in slipped
    assert "Ride sharing" in added


def test_the_first_round_shows_the_same_series(facilitator_client, series):
    first, _second = series
    body = page(facilitator_client, first).content.decode()
    assert "Awa 2027" in body and 'data-testid="transition"' in body


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_a_member_of_one_round_sees_only_the_rounds_they_belong_to(client, series, role):
    first, second = series
    join_as(client, ParticipantFactory(workshop=second, role=role))
    response = page(client, second)
    body = response.content.decode()
    assert response.status_code == 200 and "Awa 2027" in body and "Awa 2026" not in body
    assert page(client, first).status_code == 404  # not their round
    join_as(client, ParticipantFactory(workshop=first, role=role))
    assert "Awa 2026" in page(client, second).content.decode()


def test_strangers_and_anonymous_get_404_and_it_only_reads(client, facilitator, series):
    _first, second = series
    assert page(client, second).status_code == 404
    client.force_login(UserFactory())
    assert page(client, second).status_code == 404
    client.force_login(facilitator)
    assert client.post(reverse("series", args=[second.pk])).status_code == 405


def test_a_single_round_says_there_is_no_transition_yet(facilitator_client, workshop):
    body = page(facilitator_client, workshop).content.decode()
    assert "There is only one round so far" in body and "1 round" in body


def test_the_series_is_also_in_japanese(client, facilitator, series):
    _first, second = series
    client.force_login(facilitator)
    body = client.get(reverse("series", args=[second.pk]), headers={"accept-language": "ja"}).content.decode()
    assert "ラウンド" in body
