"""Issue 11, finding 6: the poll token outlives logout and travels in URLs.

The poller sends its viewer token in a header (never in an address, which lands in access
logs and history); the token names the browser session it was rendered for, so it is
refused without that session's cookie, and dies when its person signs out. The idle check
still answers without loading the session.
"""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from visions.live.access import forget_participant
from visions.models import Phase

from tests.factories import IssueFactory
from tests.live.test_live_support import english_client, make_room, poll, poll_url_of, quick_user, set_phase, url

# Every attribute that holds an address a browser may log, show or keep in its history.
ADDRESS_ATTRIBUTES = ("href", "src", "action", "formaction", "hx-get", "hx-post", "data-follow-url")


@pytest.fixture
def issues_room(db):
    room = make_room()
    set_phase(room.workshop, Phase.ISSUES)
    return room


def news(room, title="News"):
    """Someone else adds an issue: every open issues page, and the console, has news."""
    room.other.post(url("issue_add", room.workshop), {"title": title})


def addresses_in(html):
    return re.findall(r'\b(?:%s)="([^"]*)"' % "|".join(ADDRESS_ATTRIBUTES), html)


def replay_client(cookie_value):
    """Another browser that presents a copied session cookie (and whatever token it has seen)."""
    client = english_client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie_value
    return client


def test_poll_token_not_in_url(issues_room):
    room = issues_room
    pages = {
        "phase page": (room.participant, url("phase_page", room.workshop, Phase.ISSUES)),
        "observer's page": (room.observer, url("phase_page", room.workshop, Phase.ISSUES)),
        "console": (room.facilitator, url("console", room.workshop)),
        "projector": (room.facilitator, url("projector", room.workshop)),
        "overview": (room.participant, url("workshop_detail", room.workshop)),
        "roadmap builder": (room.participant, url("roadmap", room.workshop)),
        "themes": (room.facilitator, url("themes", room.workshop)),
    }
    for name, (client, address) in pages.items():
        response = client.get(address)
        assert response.status_code == 200, name
        poller = poll_url_of(response)
        html = response.content.decode()
        assert poller.token and html.count(poller.token) == 1, name  # only in the poller's hx-headers
        assert not any(poller.token in found for found in addresses_in(html)), name
        assert "t=" not in poller.split("?", 1)[1].split("&"), name
    # A delta's poller, the address the page polls next, carries it the same way.
    poller = poll_url_of(room.participant.get(url("phase_page", room.workshop, Phase.ISSUES)))
    news(room)
    delta = poll(room.participant, poller)
    assert delta.status_code == 200
    following = poll_url_of(delta)
    assert following.token == poller.token
    assert not any(following.token in found for found in addresses_in(delta.content.decode()))


def test_a_poll_with_the_token_in_the_address_instead_of_the_header_is_refused(issues_room):
    poller = poll_url_of(issues_room.participant.get(url("phase_page", issues_room.workshop, Phase.ISSUES)))
    response = poll(issues_room.participant, f"{poller}&t={poller.token}", token="")
    assert response.status_code == 403 and response["HX-Refresh"] == "true"


def test_facilitator_poll_token_dies_at_logout(issues_room):
    room = issues_room
    poller = poll_url_of(room.facilitator.get(url("console", room.workshop)))
    old_cookie = room.facilitator.cookies[settings.SESSION_COOKIE_NAME].value
    assert poll(room.facilitator, poller).status_code == 204
    room.facilitator.post(reverse("logout"))
    news(room, "After logout")

    # The signed-out browser: its session cookie is gone, and with it the token.
    response = poll(room.facilitator, poller)
    assert response.status_code == 403 and response["HX-Refresh"] == "true"
    assert b"After logout" not in response.content
    # The old cookie and token copied elsewhere: the session they named was emptied.
    replayed = poll(replay_client(old_cookie), poller)
    assert replayed.status_code == 403 and replayed["HX-Refresh"] == "true"
    assert b"After logout" not in replayed.content and b'id="recent"' not in replayed.content
    # Reloading runs the page's own access check: the console is not theirs any more.
    assert room.facilitator.get(url("console", room.workshop)).status_code in (302, 404)


def test_facilitator_poll_token_dies_when_the_session_is_signed_in_as_someone_else(issues_room):
    room = issues_room
    poller = poll_url_of(room.facilitator.get(url("console", room.workshop)))
    cookie = room.facilitator.cookies[settings.SESSION_COOKIE_NAME].value
    session = room.facilitator.session
    session["_auth_user_id"] = str(quick_user().pk)  # the same session key, another person
    session.save()
    news(room)
    assert room.facilitator.cookies[settings.SESSION_COOKIE_NAME].value == cookie
    assert poll(room.facilitator, poller).status_code == 403


def test_participant_poll_token_needs_their_session(issues_room):
    room = issues_room
    poller = poll_url_of(room.participant.get(url("phase_page", room.workshop, Phase.ISSUES)))
    news(room, "Only for Aiko's browser")

    for name, client in {
        "no session": Client(),
        "another participant's session": room.other,
        "the facilitator's session": room.facilitator,
        "an observer's session": room.observer,
    }.items():
        response = poll(client, poller)
        assert response.status_code == 403 and response["HX-Refresh"] == "true", name
        assert b"Only for Aiko" not in response.content, name

    assert b"Only for Aiko" in poll(room.participant, poller).content

    # The same session that no longer holds the participant (it left the workshop, say).
    session = room.participant.session
    forget_participant(session, room.workshop.pk)
    session.save()
    news(room, "After leaving")
    response = poll(room.participant, poller)
    assert response.status_code == 403
    assert b"After leaving" not in response.content


@pytest.mark.parametrize("who, page", [("participant", "phase_page"), ("facilitator", "console"), ("observer", "phase_page")])
def test_idle_poll_does_no_session_lookup(issues_room, who, page):
    # Measured before the token moved to a header: one query, the activity check. Still one.
    client = issues_room.as_(who)
    args = [Phase.ISSUES] if page == "phase_page" else []
    poller = poll_url_of(client.get(url(page, issues_room.workshop, *args)))
    IssueFactory(workshop=issues_room.workshop)  # a change no page shows (not recorded): still idle
    with CaptureQueriesContext(connection) as queries:
        response = poll(client, poller)
    assert response.status_code == 204
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert "visions_activity" in sql
    assert "django_session" not in sql and "auth_user" not in sql


def test_a_delta_checks_the_session_once(issues_room):
    poller = poll_url_of(issues_room.participant.get(url("phase_page", issues_room.workshop, Phase.ISSUES)))
    news(issues_room)
    with CaptureQueriesContext(connection) as queries:
        response = poll(issues_room.participant, poller)
    assert response.status_code == 200
    assert sum("django_session" in query["sql"] for query in queries.captured_queries) == 1
