"""Commitments: recorded by the facilitator in phase 6, opened and downloaded as they were, never changed."""

import datetime
import json

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from visions.documents.commitments import drift_for, record_commitment
from visions.models import Action, Activity, Commitment, Participant
from tests.conftest import join_as
from tests.factories import AssessmentFactory, ParticipantFactory, TargetFactory, UserFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(workshop):
    workshop.phase = "export"
    workshop.save()
    target = TargetFactory(workshop=workshop, indicator="再エネ比率", target_value=80, target_year=2035)
    AssessmentFactory(target=target, value=30, as_of=datetime.date(2024, 4, 1))
    AssessmentFactory(target=target, value=40, as_of=datetime.date(2025, 4, 1))
    action = Action.objects.create(workshop=workshop, title="屋根上太陽光", start_year=2026, end_year=2029)
    return workshop, target, action


def create_url(workshop):
    return reverse("commitment_create", args=[workshop.pk])


def test_facilitator_records_a_commitment_and_it_is_in_the_history(facilitator_client, planned):
    workshop, _target, action = planned
    response = facilitator_client.post(create_url(workshop), {"name": "Council meeting 2027-03"})
    commitment = Commitment.objects.get(workshop=workshop)
    assert response.status_code == 302 and response["Location"].endswith(f"/commitments/{commitment.pk}/")
    assert commitment.name == "Council meeting 2027-03" and commitment.committed_by.username == "fac"
    assert [a["title"] for a in commitment.snapshot["actions"]] == ["屋根上太陽光"]
    assert commitment.snapshot["ids"]["actions"] == {"a1": action.pk}
    assert commitment.snapshot["derived"]["gaps"][0]["gap"] == 40
    activity = Activity.objects.get(workshop=workshop, subject_type="commitment")
    assert activity.verb == "created" and activity.summary == "Council meeting 2027-03"


def test_locked_workshop_still_lets_the_facilitator_commit(facilitator_client, planned):
    workshop = planned[0]
    workshop.locked = True
    workshop.save()
    assert facilitator_client.post(create_url(workshop), {"name": "Board"}).status_code == 302
    assert Commitment.objects.count() == 1


def test_a_name_is_required_and_bounded(facilitator_client, planned):
    workshop = planned[0]
    response = facilitator_client.post(create_url(workshop), {"name": ""})
    assert response.status_code == 422 and b"commitment-name-error" in response.content
    response = facilitator_client.post(create_url(workshop), {"name": "x" * 201})
    assert response.status_code == 422
    assert not Commitment.objects.exists()


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_participants_and_observers_cannot_commit_but_can_open(client, planned, role):
    workshop = planned[0]
    commitment = record_commitment(workshop, "Board")
    join_as(client, ParticipantFactory(workshop=workshop, role=role))
    assert client.post(create_url(workshop), {"name": "Mine"}).status_code == 403
    assert Commitment.objects.count() == 1
    page = client.get(reverse("phase_page", args=[workshop.pk, "export"]))
    assert "Board" in page.content.decode() and b"commitment-form" not in page.content
    opened = client.get(reverse("commitment_detail", args=[workshop.pk, commitment.pk]))
    assert opened.status_code == 200 and "屋根上太陽光" in opened.content.decode()
    assert client.get(reverse("commitment_json", args=[workshop.pk, commitment.pk])).status_code == 403


def test_strangers_and_anonymous_get_404(client, planned):
    workshop = planned[0]
    commitment = record_commitment(workshop, "Board")
    urls = [reverse(n, args=[workshop.pk, commitment.pk]) for n in ("commitment_detail", "commitment_json")]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(create_url(workshop), {"name": "x"}).status_code == 404
    client.force_login(UserFactory(username="other"))
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(create_url(workshop), {"name": "x"}).status_code == 404
    assert Commitment.objects.count() == 1


def test_a_commitment_of_another_workshop_is_404(facilitator_client, facilitator, planned):
    other = WorkshopFactory(facilitators=[facilitator])
    commitment = record_commitment(planned[0], "Board")
    assert facilitator_client.get(reverse("commitment_detail", args=[other.pk, commitment.pk])).status_code == 404
    assert facilitator_client.get(reverse("commitment_json", args=[other.pk, commitment.pk])).status_code == 404


def test_wrong_methods_are_405(facilitator_client, planned):
    workshop = planned[0]
    commitment = record_commitment(workshop, "Board")
    assert facilitator_client.get(create_url(workshop)).status_code == 405
    assert facilitator_client.post(reverse("commitment_detail", args=[workshop.pk, commitment.pk])).status_code == 405
    assert facilitator_client.post(reverse("commitment_json", args=[workshop.pk, commitment.pk])).status_code == 405


def test_the_commitment_opens_as_it_was_after_the_roadmap_changed(facilitator_client, planned):
    workshop, _target, action = planned
    commitment = record_commitment(workshop, "Board")
    action.title = "変わった"
    action.save()
    page = facilitator_client.get(reverse("commitment_detail", args=[workshop.pk, commitment.pk])).content.decode()
    assert "屋根上太陽光" in page and "変わった" not in page
    download = facilitator_client.get(reverse("commitment_json", args=[workshop.pk, commitment.pk]))
    assert download["Content-Type"].startswith("application/json")
    assert json.loads(download.content)["actions"][0]["title"] == "屋根上太陽光"


def test_a_commitment_is_never_changed(planned):
    commitment = record_commitment(planned[0], "Board")
    commitment.name = "Other"
    with pytest.raises(IntegrityError):
        commitment.save()
    with pytest.raises(IntegrityError):
        Commitment.objects.filter(pk=commitment.pk).update(name="Other")
    # The database refuses it too, whatever code path asks.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE visions_commitment SET name = 'Other'")
    assert Commitment.objects.get().name == "Board"


def test_roadmap_page_shows_the_drift_or_a_hint(facilitator_client, planned):
    workshop, _target, action = planned
    page = facilitator_client.get(reverse("roadmap", args=[workshop.pk])).content.decode()
    assert 'data-testid="drift-hint"' in page and 'data-testid="drift"' not in page
    record_commitment(workshop, "Board")
    Action.objects.filter(pk=action.pk).update(start_year=2027, end_year=2031)
    page = facilitator_client.get(reverse("roadmap", args=[workshop.pk])).content.decode()
    assert 'data-testid="drift"' in page and "slipped by 2 years" in page


def test_commitments_travel_in_the_workshop_file(facilitator_client, planned):
    from visions.documents import workshop_file

    workshop, _target, action = planned
    gone = Action.objects.create(workshop=workshop, title="やめた", start_year=2026, end_year=2027)
    record_commitment(workshop, "Council 2027-03")
    gone.delete()
    Action.objects.filter(pk=action.pk).update(end_year=2030)
    document = workshop_file.export_document(workshop)
    assert [c["name"] for c in document["commitments"]] == ["Council 2027-03"]
    assert "commitments" not in document["commitments"][0]["snapshot"]
    copy = workshop_file.import_document(json.loads(workshop_file.dumps(document)))
    imported = Commitment.objects.get(workshop=copy)
    assert imported.name == "Council 2027-03"
    drift = drift_for(copy, today=datetime.date(2027, 6, 1))
    assert [a.title for a in drift.removed] == ["やめた"] and [(a.title, a.slip) for a in drift.moved] == [("屋根上太陽光", 1)]
    again = workshop_file.export_document(copy)
    # The same copy again; only the name kept for the removed action's id differs.
    strip = [{**c, "snapshot": {**c["snapshot"], "ids": None}} for c in document["commitments"]]
    assert [{**c, "snapshot": {**c["snapshot"], "ids": None}} for c in again["commitments"]] == strip
    assert again["commitments"][0]["snapshot"]["ids"]["actions"]["a1"] == "a1"


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda c: c.update(name=""), "commitments[0].name"),
        (lambda c: c.update(name="x" * 201), "commitments[0].name"),
        (lambda c: c.update(committed_at="yesterday"), "commitments[0].committed_at"),
        (lambda c: c.update(snapshot=[]), "commitments[0].snapshot"),
        (lambda c: c["snapshot"]["ids"].update(actions={"a1": 5}), "commitments[0].snapshot.ids.actions"),
    ],
)
def test_a_bad_commitment_in_the_file_is_named_and_nothing_is_imported(planned, change, place):
    from visions.documents import workshop_file
    from visions.documents.workshop_file.shape import WorkshopFileError

    workshop = planned[0]
    record_commitment(workshop, "Board")
    document = json.loads(workshop_file.dumps(workshop_file.export_document(workshop)))
    change(document["commitments"][0])
    before = Commitment.objects.count()
    with pytest.raises(WorkshopFileError) as error:
        workshop_file.import_document(document)
    assert place in str(error.value)
    assert Commitment.objects.count() == before


def test_overview_and_pdf_report_show_the_drift(facilitator_client, planned):
    from visions.documents.pdf import RoadmapReport
    from visions.documents.snapshot import load_snapshot

    workshop, _target, action = planned
    assert 'data-testid="drift"' not in facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    record_commitment(workshop, "Board")
    Action.objects.filter(pk=action.pk).update(end_year=2030)
    page = facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    assert 'data-testid="drift"' in page and "slipped by 1 year" in page
    report = RoadmapReport.from_snapshot(load_snapshot(workshop), today=datetime.date(2027, 6, 1))
    assert [(a.title, a.slip) for a in report.drift.moved] == [("屋根上太陽光", 1)]
    assert report.drift.progress[0].expected == 25
