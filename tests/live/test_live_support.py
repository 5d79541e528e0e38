"""Shared set-up for the live workshop tests: the people around one workshop, and polling."""

import html
import json
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from visions.live.pages import TOKEN_HEADER

from tests.conftest import join_as
from tests.factories import ParticipantFactory, WorkshopFactory

HTMX = {"HX-Request": "true"}


@dataclass
class Room:
    workshop: object
    facilitator: Client
    participant: Client
    other: Client  # a second participant
    observer: Client
    outsider: Client  # a participant of another workshop
    stranger: Client  # a facilitator of another workshop
    anonymous: Client
    me: object  # the participant behind `participant`
    them: object  # the participant behind `other`

    def as_(self, who):
        return getattr(self, who)


@pytest.fixture
def room(db):
    return make_room()


def english_client():
    """A browser that asks for English (the workshops themselves default to Japanese)."""
    return Client(headers={"Accept-Language": "en"})


def quick_user():
    """An account without a password: these tests sign in with force_login, so skip the slow hashing."""
    return get_user_model().objects.create_user(f"fac-{get_user_model().objects.count() + 1}", password=None)


def make_room(**workshop_fields):
    user = quick_user()
    workshop = WorkshopFactory(facilitators=[user], **workshop_fields)
    facilitator = english_client()
    facilitator.force_login(user)
    me = ParticipantFactory(workshop=workshop, display_name="Aiko", sector="academia")
    them = ParticipantFactory(workshop=workshop, display_name="Ben", sector="industry")
    watcher = ParticipantFactory(workshop=workshop, display_name="Oda", role="observer", sector="")
    elsewhere = ParticipantFactory(display_name="Elsewhere")
    stranger = english_client()
    stranger.force_login(quick_user())
    return Room(
        workshop=workshop,
        facilitator=facilitator,
        participant=join_as(english_client(), me),
        other=join_as(english_client(), them),
        observer=join_as(english_client(), watcher),
        outsider=join_as(english_client(), elsewhere),
        stranger=stranger,
        anonymous=english_client(),
        me=me,
        them=them,
    )


def set_phase(workshop, phase, **fields):
    workshop.phase = phase
    for name, value in fields.items():
        setattr(workshop, name, value)
    workshop.save()


def url(name, workshop, *args):
    return reverse(name, args=[workshop.pk, *args])


class PollAddress(str):
    """A page's live poll address, with the viewer token its poller sends in a header."""

    def __new__(cls, address, token):
        made = super().__new__(cls, address)
        made.token = token
        return made

    def replace(self, old, new, count=-1):
        return PollAddress(str.replace(self, old, new, count), self.token)


def poller_of(response):
    """The attributes of the live poller a rendered page (or a delta) carries."""
    match = re.search(r'<div id="live-poll"([^>]*)>', response.content.decode())
    assert match, "the page has no live poller"
    return {name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', match.group(1))}


def poll_url_of(response):
    """The live poll address a rendered page (or a delta) carries, with its poller's token."""
    poller = poller_of(response)
    return PollAddress(poller["hx-get"], json.loads(poller["hx-headers"])[TOKEN_HEADER])


def poll(client, poll_url, token=None, **headers):
    """What the page's poller sends: the address, the token header, and the browser's cookies."""
    token = token if token is not None else getattr(poll_url, "token", "")
    # As a browser does: it names its language, so no middleware needs the session to pick one.
    return client.get(poll_url, headers={**HTMX, "Accept-Language": "en", TOKEN_HEADER: token, **headers})


def oob_ids(response):
    """Ids of the elements a delta swaps out of band, with their swap style."""
    text = response.content.decode()
    found = []
    for match in re.finditer(r'<(\w+)([^>]*?)hx-swap-oob="([^"]*)"', text):
        attrs = match.group(2)
        style = match.group(3)
        id_match = re.search(r'id="([^"]+)"', attrs)
        found.append((id_match.group(1) if id_match else None, style))
    return found
