"""A commitment's PDF: the roadmap document as it was committed, made by the task worker once and kept.

Real WeasyPrint renders here (one small workshop): what the document says is what a council reads.
"""

import datetime

import pytest
from django.urls import reverse

from visions.documents.commitments import record_commitment
from visions.models import Action, Commitment, PdfRender, PdfRenderStatus
from tests.conftest import join_as
from tests.documents.test_pdf import pdf_text
from tests.factories import AssessmentFactory, ParticipantFactory, TargetFactory, UserFactory, WorkshopFactory
from tests.pdf_jobs_support import download_pdf, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(workshop):
    workshop.phase = "export"
    workshop.language = "en"
    workshop.save()
    target = TargetFactory(workshop=workshop, indicator="Renewable share", target_value=80, target_year=2035)
    AssessmentFactory(target=target, value=40, as_of=datetime.date(2025, 4, 1))
    action = Action.objects.create(workshop=workshop, title="Rooftop solar", start_year=2026, end_year=2029)
    commitment = record_commitment(workshop, "Council meeting 2027-03")
    return workshop, action, commitment


def urls(workshop, commitment):
    args = [workshop.pk, commitment.pk]
    return {name: reverse(name, args=args) for name in ("commitment_pdf", "commitment_pdf_status", "commitment_pdf_retry")}


def test_the_commitment_pdf_is_the_roadmap_as_committed_not_as_it_is_now(facilitator_client, committed):
    workshop, action, commitment = committed
    action.title = "Changed afterwards"
    action.save()
    first = facilitator_client.get(urls(workshop, commitment)["commitment_pdf"])
    # Never rendered in the request: the preparing page, with its progress indicator and poll.
    assert first.status_code == 200 and b"<progress" in first.content
    assert "Council meeting 2027-03 (PDF)" in first.content.decode()
    response = download_pdf(facilitator_client, urls(workshop, commitment)["commitment_pdf"])
    assert response["Content-Type"] == "application/pdf"
    assert "commitment%202027" in response["Content-Disposition"] or "commitment 20" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Rooftop solar" in text and "Changed afterwards" not in text
    assert "As committed: “Council meeting 2027-03”" in " ".join(text.split())
    # Reading the copy back into a document left nothing behind.
    assert Action.objects.filter(title="Rooftop solar").count() == 0
    assert Commitment.objects.count() == 1


def test_the_commitment_pdf_is_made_once_and_kept_when_the_workshop_changes(facilitator_client, committed):
    workshop, action, commitment = committed
    assert download_pdf(facilitator_client, urls(workshop, commitment)["commitment_pdf"])["Content-Type"] == (
        "application/pdf"
    )
    # The roadmap now changes and its own PDF is made: the commitment's stays, and is not made again.
    action.title = "Changed afterwards"
    action.save()
    assert download_pdf(facilitator_client, reverse("workshop_export_pdf", args=[workshop.pk]))["Content-Type"] == (
        "application/pdf"
    )
    kept = PdfRender.objects.get(commitment=commitment)
    assert kept.status == PdfRenderStatus.READY
    again = facilitator_client.get(urls(workshop, commitment)["commitment_pdf"])
    assert again["Content-Type"] == "application/pdf" and run_queued_tasks() == 0


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_everyone_in_the_workshop_may_download_it(client, committed, role):
    workshop, _action, commitment = committed
    join_as(client, ParticipantFactory(workshop=workshop, role=role))
    response = download_pdf(client, urls(workshop, commitment)["commitment_pdf"])
    assert response["Content-Type"] == "application/pdf"
    page = client.get(reverse("commitment_detail", args=[workshop.pk, commitment.pk])).content.decode()
    assert urls(workshop, commitment)["commitment_pdf"] in page


def test_strangers_anonymous_and_other_workshops_get_404(client, facilitator, committed):
    workshop, _action, commitment = committed
    links = urls(workshop, commitment)

    def all_not_found():
        reads = [client.get(links["commitment_pdf"]), client.get(links["commitment_pdf_status"])]
        return {r.status_code for r in reads + [client.post(links["commitment_pdf_retry"])]} == {404}

    assert all_not_found()
    client.force_login(UserFactory(username="other"))
    assert all_not_found()
    elsewhere = WorkshopFactory(facilitators=[facilitator])
    client.force_login(facilitator)
    assert client.get(urls(elsewhere, commitment)["commitment_pdf"]).status_code == 404
    assert not PdfRender.objects.exists()


def test_wrong_methods_are_405(facilitator_client, committed):
    workshop, _action, commitment = committed
    links = urls(workshop, commitment)
    assert facilitator_client.post(links["commitment_pdf"]).status_code == 405
    assert facilitator_client.post(links["commitment_pdf_status"]).status_code == 405
    assert facilitator_client.get(links["commitment_pdf_retry"]).status_code == 405


def test_a_failed_commitment_pdf_says_why_and_can_be_tried_again(facilitator_client, committed, monkeypatch):
    workshop, _action, commitment = committed
    from visions.documents import pdf

    def broken(html):
        raise pdf.PdfRenderFailed("The PDF could not be made. Try again later, or export the CSV files.")

    monkeypatch.setattr(pdf, "render_html_to_pdf", broken)
    links = urls(workshop, commitment)
    failed = download_pdf(facilitator_client, links["commitment_pdf"])
    assert failed.status_code == 503 and b"could not be made" in failed.content
    assert links["commitment_pdf_retry"].encode() in failed.content
    monkeypatch.undo()
    assert facilitator_client.post(links["commitment_pdf_retry"]).status_code == 302
    assert download_pdf(facilitator_client, links["commitment_pdf"])["Content-Type"] == "application/pdf"
