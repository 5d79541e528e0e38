"""The demo is a workshop file: visions/demo/mirai-2050.json, imported like any other."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.documents.test_roundtrip import canonical
from visions.demo.loader import DEMO_FILE, DEMO_MARKER, DEMO_USERNAME, demo_document, find_demo_workshop
from visions.documents.workshop_file import export_document, validate
from visions.models import Activity, Participant, Role, Workshop

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("load_demo", stdout=StringIO())
    return find_demo_workshop()


def test_the_demo_file_is_a_valid_workshop_file_without_derived_values():
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    validate(document)
    assert "derived" not in document
    assert document["workshop"]["title"].startswith("超高齢社会 2050")


def test_load_demo_gives_exactly_the_workshop_in_the_file():
    workshop = load_demo()

    assert canonical(export_document(workshop)) == canonical(demo_document())


def test_the_demo_facilitator_speaks_as_the_facilitator_participant():
    workshop = load_demo()

    facilitator = Participant.objects.get(workshop=workshop, role=Role.FACILITATOR)
    assert facilitator.user == get_user_model().objects.get(username=DEMO_USERNAME)
    linked = Participant.objects.filter(workshop=workshop, user__isnull=False)
    assert list(linked) == [facilitator]


def test_the_demo_history_starts_with_its_creation_and_the_two_adoptions():
    workshop = load_demo()

    history = list(Activity.objects.filter(workshop=workshop).order_by("id"))
    assert [(a.verb, a.subject_type) for a in history] == [
        ("created", "workshop"),
        ("adopted", "vision"),
        ("adopted", "vision"),
        ("updated", "action"),
        ("updated", "workshop"),
    ]
    assert history[0].changes == {"demo": DEMO_MARKER}
    assert history[0].actor_user.username == DEMO_USERNAME
    # The vision adopted first is the one the file has archived.
    first, second = (Workshop.objects.get(pk=workshop.pk).visions.get(pk=a.subject_id) for a in history[1:3])
    assert (first.status, second.status) == ("archived", "adopted")


def test_a_renamed_demo_is_still_found():
    workshop = load_demo()
    Workshop.objects.filter(pk=workshop.pk).update(title="Renamed")

    assert find_demo_workshop() == workshop
