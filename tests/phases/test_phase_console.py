"""The facilitator's console: phases with confirmation and undo, lock, timer, dot budget."""

import pytest

from visions.models import Activity, Phase, Workshop

from tests.live.test_live_support import HTMX, make_room, url


@pytest.fixture
def room(db):
    return make_room(phase=Phase.STAKEHOLDERS)


def phase_of(room):
    return Workshop.objects.get(pk=room.workshop.pk).phase


def test_moving_on_asks_first_and_changes_nothing_until_confirmed(room):
    response = room.facilitator.post(url("phase_move", room.workshop), {"to": "vision"})
    assert response.status_code == 200
    assert "Move everyone from “Stakeholders” to “Vision”?" in response.content.decode()
    assert phase_of(room) == Phase.STAKEHOLDERS
    assert not Activity.objects.filter(changes__has_key="phase").exists()


def test_a_confirmed_move_is_recorded_and_can_be_undone_in_one_click(room):
    room.facilitator.post(url("phase_move", room.workshop), {"to": "vision", "confirmed": "on"})
    assert phase_of(room) == Phase.VISION
    console = room.facilitator.get(url("console", room.workshop)).content.decode()
    assert "Undo: go back to “Stakeholders”" in console
    room.facilitator.post(url("phase_move", room.workshop), {"to": "stakeholders", "confirmed": "on"})
    assert phase_of(room) == Phase.STAKEHOLDERS
    moves = [a.changes["phase"] for a in Activity.objects.filter(changes__has_key="phase").order_by("id")]
    assert moves == [["stakeholders", "vision"], ["vision", "stakeholders"]]


def test_the_console_over_htmx_swaps_its_controls(room):
    response = room.facilitator.post(url("phase_move", room.workshop), {"to": "vision"}, headers=HTMX)
    assert response.content.decode().lstrip().startswith('<section id="controls"')
    response = room.facilitator.post(url("phase_move", room.workshop), {"to": "vision", "confirmed": "on"}, headers=HTMX)
    assert response["HX-Trigger"] == "live-refresh"
    assert "Undo" in response.content.decode()


def test_an_unknown_phase_changes_nothing(room):
    room.facilitator.post(url("phase_move", room.workshop), {"to": "dreaming", "confirmed": "on"})
    assert phase_of(room) == Phase.STAKEHOLDERS


def test_lock_and_unlock(room):
    room.facilitator.post(url("workshop_lock", room.workshop), {"locked": "on"})
    assert Workshop.objects.get(pk=room.workshop.pk).locked
    page = room.participant.get(url("phase_page", room.workshop, Phase.STAKEHOLDERS)).content.decode()
    assert 'data-locked="1"' in page and "Contributions locked" in page
    room.facilitator.post(url("workshop_lock", room.workshop), {})
    assert not Workshop.objects.get(pk=room.workshop.pk).locked
    assert Activity.objects.filter(changes__has_key="locked").count() == 2


def test_the_timer_starts_pauses_resumes_and_resets_on_the_server(room):
    room.facilitator.post(url("workshop_timer", room.workshop), {"action": "start", "minutes": 5})
    workshop = Workshop.objects.get(pk=room.workshop.pk)
    assert workshop.timer_ends_at is not None
    page = room.participant.get(url("phase_page", room.workshop, Phase.STAKEHOLDERS)).content.decode()
    assert 'data-state="running"' in page and "Time left" in page
    room.facilitator.post(url("workshop_timer", room.workshop), {"action": "pause"})
    workshop.refresh_from_db()
    assert workshop.timer_ends_at is None and 295 <= workshop.timer_remaining <= 300
    room.facilitator.post(url("workshop_timer", room.workshop), {"action": "start"})
    workshop.refresh_from_db()
    assert workshop.timer_ends_at is not None and workshop.timer_remaining is None
    room.facilitator.post(url("workshop_timer", room.workshop), {"action": "reset"})
    workshop.refresh_from_db()
    assert workshop.timer_ends_at is None and workshop.timer_remaining is None


def test_the_dot_budget_is_set_within_bounds(room):
    room.facilitator.post(url("workshop_dot_budget", room.workshop), {"dot_budget": 8})
    assert Workshop.objects.get(pk=room.workshop.pk).dot_budget == 8
    room.facilitator.post(url("workshop_dot_budget", room.workshop), {"dot_budget": -1})
    assert Workshop.objects.get(pk=room.workshop.pk).dot_budget == 8
