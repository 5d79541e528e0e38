import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from visions.documents import workshop_file
from visions.models import Participant, Role, Workshop

from tests.conftest import join_as
from tests.factories import ParticipantFactory, StakeholderFactory, UserFactory, VisionFactory

pytestmark = pytest.mark.django_db


def upload(content, name="workshop.json"):
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def minimal_document(title="Imported 2050"):
    return {
        "format": "futurecenter-workshop",
        "version": 1,
        "workshop": {"title": title, "base_year": 2026, "target_year": 2050},
        "stakeholders": [{"key": "s1", "name": "Prefectural government", "sector": "government"}],
    }


# --- export ---


def test_facilitator_downloads_the_workshop_file(facilitator_client, workshop):
    VisionFactory(workshop=workshop, statement="Everyone ages at home")
    response = facilitator_client.get(reverse("workshop_export_json", args=[workshop.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="workshop-{workshop.pk}.json"'
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert document["format"] == "futurecenter-workshop"
    assert document["workshop"]["title"] == workshop.title
    assert document["visions"][0]["statement"] == "Everyone ages at home"


def test_participants_cannot_download_the_workshop_file(client, participant, workshop):
    # It holds what the facilitator hid and every person's own votes and scores.
    join_as(client, participant)
    assert client.get(reverse("workshop_export_json", args=[workshop.pk])).status_code == 403
    body = client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    assert reverse("workshop_export_json", args=[workshop.pk]) not in body


def test_participant_of_another_workshop_gets_404(client, workshop):
    join_as(client, ParticipantFactory())
    assert client.get(reverse("workshop_export_json", args=[workshop.pk])).status_code == 404


def test_another_facilitator_gets_404(client, workshop):
    client.force_login(UserFactory(username="stranger"))
    assert client.get(reverse("workshop_export_json", args=[workshop.pk])).status_code == 404


def test_anonymous_gets_404(client, workshop):
    assert client.get(reverse("workshop_export_json", args=[workshop.pk])).status_code == 404


def test_export_is_get_only(facilitator_client, workshop):
    assert facilitator_client.post(reverse("workshop_export_json", args=[workshop.pk])).status_code == 405


# --- import ---


def test_import_makes_a_new_workshop_the_importer_facilitates(facilitator_client, facilitator):
    assert facilitator_client.get(reverse("workshop_import")).status_code == 200
    response = facilitator_client.post(reverse("workshop_import"), {"file": upload(minimal_document())})
    workshop = Workshop.objects.get(title="Imported 2050")
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop_detail", args=[workshop.pk])
    assert list(workshop.facilitators.all()) == [facilitator]
    assert workshop.stakeholders.get().name == "Prefectural government"
    assert Participant.objects.get(workshop=workshop, user=facilitator).role == Role.FACILITATOR
    page = facilitator_client.get(response["Location"]).content.decode()
    assert "imported" in page


def test_export_then_import_gives_back_the_workshop(facilitator_client, workshop):
    StakeholderFactory(workshop=workshop, name="Tokushima University", sector="academia")
    exported = facilitator_client.get(reverse("workshop_export_json", args=[workshop.pk])).content
    facilitator_client.post(reverse("workshop_import"), {"file": upload(exported)})
    copy = Workshop.objects.exclude(pk=workshop.pk).get()
    assert copy.title == workshop.title
    assert list(copy.stakeholders.values_list("name", flat=True)) == ["Tokushima University"]


def test_a_broken_reference_is_shown_with_its_place_and_nothing_is_written(facilitator_client):
    document = minimal_document()
    document["participants"] = [{"key": "p1", "display_name": "Aiko", "stakeholder": "s9"}]
    response = facilitator_client.post(reverse("workshop_import"), {"file": upload(document)})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and errors[0].startswith("participants[0].stakeholder")
    assert "participants[0].stakeholder" in response.content.decode()
    assert not Workshop.objects.exists()


def test_invalid_json_is_shown_with_its_line(facilitator_client):
    response = facilitator_client.post(reverse("workshop_import"), {"file": upload('{"format": ')})
    assert "line 1" in response.context["form"].errors["file"][0]
    assert not Workshop.objects.exists()


def test_a_file_over_the_limit_is_refused(facilitator_client, monkeypatch):
    monkeypatch.setattr(workshop_file, "MAX_FILE_BYTES", 10)
    response = facilitator_client.post(reverse("workshop_import"), {"file": upload(minimal_document())})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Workshop.objects.exists()


def test_import_without_a_file_is_a_form_error(facilitator_client):
    response = facilitator_client.post(reverse("workshop_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_import_needs_sign_in(client, participant):
    join_as(client, participant)
    response = client.post(reverse("workshop_import"), {"file": upload(minimal_document())})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Workshop.objects.count() == 1  # only the participant's own


def test_import_refuses_other_methods(facilitator_client):
    assert facilitator_client.put(reverse("workshop_import")).status_code == 405


def test_the_export_phase_offers_the_workshop_file_to_facilitators_only(facilitator_client, participant, workshop):
    from django.test import Client

    workshop.phase = "export"
    workshop.save()
    page = reverse("phase_page", args=[workshop.pk, "export"])
    json_url = reverse("workshop_export_json", args=[workshop.pk])
    assert json_url in facilitator_client.get(page).content.decode()
    client = join_as(Client(headers={"Accept-Language": "en"}), participant)
    body = client.get(page).content.decode()
    assert reverse("workshop_export_pdf", args=[workshop.pk]) in body
    assert json_url not in body
