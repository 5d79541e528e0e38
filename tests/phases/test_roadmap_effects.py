"""Expected effects on the action form: proposed with an action, edited by its owners and the facilitator."""

import pytest

from tests.conftest import join_as
from tests.factories import ParticipantFactory, TargetFactory
from tests.phases.test_roadmap_views import (  # noqa: F401  (fixtures)
    action,
    action_data,
    english,
    org,
    other_org,
    outsider,
    stranger,
    url,
)
from visions.models import Action, Effect

pytestmark = pytest.mark.django_db


def effects(*rows, initial=0):
    data = {"effects-TOTAL_FORMS": len(rows), "effects-INITIAL_FORMS": initial, "effects-MAX_NUM_FORMS": 20}
    for n, row in enumerate(rows):
        data.update({f"effects-{n}-{name}": value for name, value in row.items()})
    return data


@pytest.fixture
def target(workshop):
    return TargetFactory(workshop=workshop, indicator="Bus stops within 500 m", unit="%")


def test_a_participant_proposes_an_action_with_its_effect(outsider, workshop, target, other_org):
    data = action_data(owners=[other_org.pk]) | effects(
        {"target": target.pk, "amount": "12.5", "year": "", "confidence": "high"}
    )
    assert outsider.post(url("roadmap_action_create", workshop), data).status_code == 302
    effect = Effect.objects.get()
    assert (effect.target, effect.amount, effect.year, effect.in_place, effect.confidence) == (
        target, 12.5, None, 2031, "high"
    )


def test_the_form_shows_the_effect_rows(outsider, workshop, target):
    page = outsider.get(url("roadmap_action_create", workshop)).content.decode()
    assert 'name="effects-0-amount"' in page and "Bus stops within 500 m" in page


def test_a_target_twice_and_an_amount_out_of_bounds_come_back_as_field_errors(outsider, workshop, target):
    data = action_data() | effects(
        {"target": target.pk, "amount": "1", "confidence": "low"},
        {"target": target.pk, "amount": "1e13", "confidence": "low"},
    )
    response = outsider.post(url("roadmap_action_create", workshop), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value is less than or equal to" in page
    assert not Effect.objects.exists()


def test_the_owners_representative_edits_and_removes_an_effect(client, workshop, action, org, target):
    effect = Effect.objects.create(action=action, target=target, amount=3)
    join_as(client, ParticipantFactory(workshop=workshop, stakeholder=org))
    data = action_data(owners=[org.pk], version=action.version) | effects(
        {"id": effect.pk, "target": target.pk, "amount": "4", "year": "2030", "confidence": "medium"}, initial=1
    )
    assert client.post(url("roadmap_action_edit", workshop, action.pk), data).status_code == 302
    effect.refresh_from_db()
    assert (effect.amount, effect.year) == (4, 2030)
    data["version"] = Action.objects.get(pk=action.pk).version  # the edit took the next version
    data["effects-0-DELETE"] = "on"
    assert client.post(url("roadmap_action_edit", workshop, action.pk), data).status_code == 302
    assert not Effect.objects.exists()


def test_other_participants_cannot_change_an_actions_effects(outsider, workshop, action, target):
    data = action_data() | effects({"target": target.pk, "amount": "4", "confidence": "low"})
    assert outsider.post(url("roadmap_action_edit", workshop, action.pk), data).status_code == 403
    assert not Effect.objects.exists()


def test_strangers_get_404(stranger, workshop, action, target):
    data = action_data() | effects({"target": target.pk, "amount": "4", "confidence": "low"})
    assert stranger.post(url("roadmap_action_edit", workshop, action.pk), data).status_code == 404
    assert not Effect.objects.exists()


def test_a_target_of_another_workshop_is_not_a_choice(outsider, workshop):
    elsewhere = TargetFactory()
    data = action_data() | effects({"target": elsewhere.pk, "amount": "1", "confidence": "low"})
    assert outsider.post(url("roadmap_action_create", workshop), data).status_code == 200
    assert not Effect.objects.exists()


def test_a_target_twice_in_one_action_is_refused(outsider, workshop, target):
    data = action_data() | effects(
        {"target": target.pk, "amount": "1", "confidence": "low"},
        {"target": target.pk, "amount": "2", "confidence": "low"},
    )
    response = outsider.post(url("roadmap_action_create", workshop), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for target" in response.content.decode()
    assert not Effect.objects.exists()
