"""Current state: assessments per target, their chart and table, the derived gap issue."""

import pytest

from visions.models import Activity, Assessment, Issue, Phase

from tests.factories import AssessmentFactory, TargetFactory, VisionFactory
from tests.live.test_live_support import HTMX, make_room, oob_ids, poll, poll_url_of, url


@pytest.fixture
def room(db):
    return make_room(phase=Phase.CURRENT_STATE)


@pytest.fixture
def target(room):
    vision = VisionFactory(workshop=room.workshop, status="adopted")
    return TargetFactory(workshop=room.workshop, vision=vision, indicator="Bus stop coverage", unit="%", target_value=90)


def assess(client, room, target, value, as_of, **extra):
    return client.post(
        url("assessment_add", room.workshop, target.pk),
        {"value": value, "as_of": as_of, "source": "https://example.org/survey", "note": "survey", **extra},
    )


def test_the_first_assessment_makes_the_gap_issue_and_both_are_recorded(room, target):
    response = assess(room.participant, room, target, 60, "2024-04-01")
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.author == room.me
    gap_issue = Issue.objects.get(target=target)
    recorded = set(Activity.objects.values_list("subject_type", "subject_id", "verb"))
    assert ("assessment", assessment.pk, "created") in recorded
    assert ("issue", gap_issue.pk, "created") in recorded
    assess(room.participant, room, target, 65, "2025-04-01")
    assert Issue.objects.filter(target=target).count() == 1


def test_each_target_shows_a_chart_and_the_same_numbers_as_a_table(room, target):
    AssessmentFactory(target=target, value=60, as_of="2023-04-01")
    AssessmentFactory(target=target, value=66, as_of="2025-04-01")
    page = room.participant.get(url("phase_page", room.workshop, Phase.CURRENT_STATE)).content.decode()
    card = page.split(f'id="target-{target.pk}"', 1)[1]
    assert "<svg" in card.split("</article>", 1)[0]
    table = card.split("<table", 1)[1].split("</table>", 1)[0]
    assert "2023-04-01" in table and "60 %" in table and "66 %" in table
    assert "Gap" in card and "24 %" in card


def test_an_assessment_needs_a_finite_value_and_a_date(room, target):
    response = assess(room.participant, room, target, "nan", "2025-04-01")
    assert response.status_code == 200
    assert not Assessment.objects.exists()
    assert b"errorlist" in response.content


def test_an_htmx_assessment_gets_a_fresh_form_and_others_see_the_target_redrawn(room, target):
    poll_url = poll_url_of(room.other.get(url("phase_page", room.workshop, Phase.CURRENT_STATE)))
    response = room.participant.post(
        url("assessment_add", room.workshop, target.pk), {"value": 70, "as_of": "2025-04-01"}, headers=HTMX
    )
    assert response["HX-Trigger"] == "live-refresh"
    assert f'id="target-{target.pk}-form"'.encode() in response.content
    assert (f"target-{target.pk}-body", "true") in oob_ids(poll(room.other, poll_url))


def test_authors_delete_their_own_assessment(room, target):
    mine = AssessmentFactory(target=target, author=room.me)
    room.participant.post(url("assessment_delete", room.workshop, mine.pk))
    assert not Assessment.objects.exists()
    assert Activity.objects.get(verb="deleted").changes["before"]["value"] == mine.value


def test_without_an_adopted_vision_there_is_nothing_to_assess(room):
    page = room.participant.get(url("phase_page", room.workshop, Phase.CURRENT_STATE)).content.decode()
    assert "No vision has been adopted yet" in page


def test_each_targets_assessment_form_has_its_own_field_ids():
    """Two targets on one page: a label must point at its own target's field."""
    import re

    from visions.phases.current_state import assessment_form

    first, second = assessment_form(1).as_div(), assessment_form(2).as_div()
    ids_first = set(re.findall(r'id="([^"]+)"', first))
    ids_second = set(re.findall(r'id="([^"]+)"', second))
    assert ids_first and not ids_first & ids_second
