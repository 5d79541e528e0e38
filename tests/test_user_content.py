"""What people type, in any script, is stored and shown exactly as typed.

Japanese, English, Arabic (right to left), emoji with skin tones and joiners, a letter
written with a combining accent (not normalised), and characters HTML must escape.
"""

import json
import re
import unicodedata

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from visions.models import Participant, Stakeholder, Workshop

from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

TITLE = "みらいの徳島 2050 — Tokushima’s future · مستقبل أفضل 🌏"
THEME = "超高齢社会でも誰もが通院できる\r\nحياة كريمة للجميع 👩🏽‍⚕️👨‍👩‍👧\r\nCafe\u0301 & <b>\"bold\"</b> 'quoted'"
REGION = "徳島県 / محافظة توكوشيما"
NAME = "ليلى 佐藤 👩🏽‍🌾"
DISCIPLINE = "看護 · التمريض · nursing 🩺"
ORGANISATION = "NPO法人 あわ 🚌 جمعية النقل"


def test_the_texts_are_what_they_claim_to_be():
    # Guard against an editor normalising this file: the combining accent must stay decomposed.
    assert "e\u0301" in THEME and unicodedata.normalize("NFC", THEME) != THEME
    assert "\u200d" in THEME  # zero-width joiner inside the family emoji


def test_workshop_form_stores_and_shows_every_script_exactly(facilitator_client):
    response = facilitator_client.post(
        reverse("workshop_create"),
        {
            "title": TITLE,
            "theme": THEME,
            "region": REGION,
            "language": "ja",
            "base_year": "2026",
            "target_year": "2050",
            "dot_budget": "5",
        },
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get()
    assert (workshop.title, workshop.theme, workshop.region) == (TITLE, THEME, REGION)
    assert workshop.theme.encode("utf-8") == THEME.encode("utf-8")

    body = facilitator_client.get(workshop.get_absolute_url()).content.decode()
    assert f'<h1 dir="auto">{escape(TITLE)}</h1>' in body
    assert f'<dd dir="auto">{escape(REGION)}</dd>' in body
    for line in THEME.split("\r\n"):
        assert escape(line) in body
    assert "<b>" not in body  # shown as text, not markup

    edit = facilitator_client.get(reverse("workshop_edit", args=[workshop.pk])).content.decode()
    assert f'value="{escape(TITLE)}"' in edit
    assert re.search(r'<input [^>]*name="title"[^>]*dir="auto"', edit)

    exported = facilitator_client.get(reverse("workshop_export_json", args=[workshop.pk]))
    document = json.loads(exported.content.decode("utf-8"))
    assert (document["workshop"]["title"], document["workshop"]["theme"]) == (TITLE, THEME)


def test_join_form_stores_and_shows_every_script_exactly(facilitator_client, facilitator):
    workshop = WorkshopFactory(facilitators=[facilitator])
    client = Client(headers={"accept-language": "en"})

    response = client.post(
        reverse("join"),
        {
            "code": workshop.join_code,
            "display_name": NAME,
            "sector": "citizen",
            "discipline": DISCIPLINE,
            "new_organisation": ORGANISATION,
        },
    )
    assert response.status_code == 302
    participant = Participant.objects.get(workshop=workshop, user=None)
    assert (participant.display_name, participant.discipline) == (NAME, DISCIPLINE)
    assert Stakeholder.objects.get(workshop=workshop).name == ORGANISATION

    # The participant's own page, with the welcome message and their row in the table.
    body = client.get(workshop.get_absolute_url()).content.decode()
    assert f"<strong><bdi>{escape(NAME)}</bdi></strong>" in body
    assert f'<td dir="auto">{escape(NAME)}</td>' in body
    assert f'<td dir="auto">{escape(DISCIPLINE)}</td>' in body
    assert f'<td dir="auto">{escape(ORGANISATION)}</td>' in body

    # And the facilitator sees the same characters.
    facilitator_view = facilitator_client.get(workshop.get_absolute_url()).content.decode()
    assert f'<td dir="auto">{escape(NAME)}</td>' in facilitator_view


def test_the_join_form_keeps_what_was_typed_when_it_is_refused(client):
    body = client.post(
        reverse("join"), {"code": "NOPE", "display_name": NAME, "discipline": DISCIPLINE}
    ).content.decode()

    assert f'value="{escape(NAME)}"' in body
    assert f'value="{escape(DISCIPLINE)}"' in body
    assert 'aria-invalid="true"' in body
