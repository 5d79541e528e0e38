"""The facilitator's themes page is a live page like the others: it follows the issues it groups."""

import pytest

from tests.factories import IssueFactory
from tests.live.test_live_support import make_room, oob_ids, poll, poll_url_of, set_phase, url
from visions.models import Phase


@pytest.fixture
def issues_phase(db):
    room = make_room()
    set_phase(room.workshop, Phase.ISSUES)
    return room


def test_the_themes_page_shows_a_new_issue_without_a_reload(issues_phase):
    room = issues_phase
    poll_url = poll_url_of(room.facilitator.get(url("themes", room.workshop)))
    room.participant.post(url("issue_add", room.workshop), {"title": "No night buses", "description": ""})
    response = poll(room.facilitator, poll_url)
    assert response.status_code == 200
    assert ("themes-board", "true") in oob_ids(response)
    assert "No night buses" in response.content.decode()


def test_dots_leave_the_themes_page_alone(issues_phase):
    room = issues_phase
    issue = IssueFactory(workshop=room.workshop, author=room.them)
    poll_url = poll_url_of(room.facilitator.get(url("themes", room.workshop)))
    room.participant.post(url("issue_vote", room.workshop, issue.pk), {"dots": 1})
    assert poll(room.facilitator, poll_url).status_code == 204


def test_the_themes_page_carries_the_group_banner(issues_phase):
    page = issues_phase.facilitator.get(url("themes", issues_phase.workshop)).content.decode()
    assert 'id="phase-banner"' in page and 'id="live-poll"' in page
