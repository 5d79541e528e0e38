"""Issue 11, finding 3: PDF requests stalled the app (every web worker busy rendering).

The roadmap PDF is now made by the task worker, once per workshop revision, and shared by
everyone who asks for that revision; a web request only asks for it and reads its state.
WeasyPrint itself is left out here (tests/documents/test_pdf.py renders real documents):
the worker's render is a stand-in that counts, and fails the test if a web request calls it.
"""

import contextlib
import datetime
import re
import signal
import sys
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from visions.documents import pdf, pdf_engine
from visions.documents.pdf import PdfRenderFailed, WorkshopTooLargeForPdf
from visions.models import PdfRender, Phase

from tests.live.test_live_support import HTMX, english_client, make_room, url
from tests.pdf_jobs_support import run_queued_tasks

FAKE_PDF = b"%PDF-1.7 the roadmap"
TASK_PATH = "visions.documents.pdf_jobs.render_pdf"


class Renderer:
    """Stands in for render_workshop_pdf: counts the renders, and only the worker may call it."""

    def __init__(self):
        self.made = []
        self.in_worker = False
        self.error = None

    def __call__(self, workshop):
        assert self.in_worker, "a web request rendered the PDF"
        self.made.append(workshop.pk)
        if self.error:
            raise self.error
        return FAKE_PDF + str(len(self.made)).encode()

    def run_worker(self, command=False):
        self.in_worker = True
        try:
            return run_worker_command() if command else run_queued_tasks()
        finally:
            self.in_worker = False


def refuse(*args, **kwargs):
    raise AssertionError("WeasyPrint was asked to render")


@pytest.fixture
def renderer(monkeypatch):
    renderer = Renderer()
    monkeypatch.setattr(pdf, "render_workshop_pdf", renderer)
    monkeypatch.setattr(pdf_engine, "render_in_child", refuse)
    return renderer


@pytest.fixture
def no_weasyprint(monkeypatch):
    """`import weasyprint` fails in this process: a request that needs it would error."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)


@pytest.fixture
def room(db):
    return make_room(phase=Phase.ISSUES, language="en")


def pdf_url(room):
    return url("workshop_export_pdf", room.workshop)


def tasks():
    return DBTaskResult.objects.filter(task_path=TASK_PATH)


def run_worker_command():
    """The real `manage.py db_worker`, until the queue is empty; its signal handlers put back after."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def assert_preparing(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Preparing the PDF" in body
    assert re.search(r'<div id="pdf-render" role="status" aria-live="polite"', body)
    assert re.search(r"<progress aria-label=\"[^\"]+\"></progress>", body)  # no value: it goes on until ready
    return body


@pytest.mark.django_db(transaction=True)
def test_pdf_requests_do_not_stall_the_app(renderer, no_weasyprint):
    """8 people ask at once: each gets the preparing page at once; the worker renders once; all get it."""
    room = make_room(phase=Phase.ISSUES, language="en")
    clients = [room.participant, room.other, room.observer, room.facilitator] * 2
    answers = [None] * len(clients)
    # On PostgreSQL the requests run at once. The in-memory SQLite test database locks whole
    # tables between connections (and fails instead of waiting), so there they take turns.
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def ask(index):
        try:
            with turns:
                answers[index] = clients[index].get(pdf_url(room))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    for response in answers:
        assert_preparing(response)
    assert PdfRender.objects.count() == 1
    assert tasks().count() == 1
    assert renderer.made == []

    renderer.run_worker(command=True)

    assert renderer.made == [room.workshop.pk]
    downloads = [client.get(pdf_url(room)) for client in clients]
    assert {d["Content-Type"] for d in downloads} == {"application/pdf"}
    assert {d.content for d in downloads} == {FAKE_PDF + b"1"}
    assert renderer.made == [room.workshop.pk]  # shared, not rendered again


def test_the_first_request_enqueues_and_answers_the_preparing_page(room, renderer, no_weasyprint):
    body = assert_preparing(room.participant.get(pdf_url(room)))

    assert not body.startswith("%PDF")
    render = PdfRender.objects.get()
    assert (render.workshop_id, render.status, render.language) == (room.workshop.pk, "pending", "en")
    assert [(str(task.id), task.status) for task in tasks()] == [(render.task_id, "READY")]
    # The poll asks for the state every two seconds; its link asks again without JavaScript.
    poll = re.search(r'<a href="([^"]+)" hx-get="([^"]+)" hx-trigger="every 2s"', body)
    assert poll and poll.group(1) == pdf_url(room)
    assert poll.group(2).startswith(url("workshop_export_pdf_status", room.workshop))
    assert '<noscript><meta http-equiv="refresh"' in body


def test_the_worker_renders_once_and_everyone_in_the_workshop_gets_it(room, renderer):
    room.participant.get(pdf_url(room))
    room.facilitator.get(pdf_url(room))

    assert renderer.run_worker() == 1
    assert renderer.run_worker() == 0

    for client in (room.participant, room.facilitator, room.observer):
        response = client.get(pdf_url(room))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content == FAKE_PDF + b"1"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "roadmap.pdf" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
    assert renderer.made == [room.workshop.pk]
    assert tasks().count() == 1


def test_eight_requests_for_one_revision_make_one_render_and_one_task(room, renderer):
    for client in [room.participant, room.other, room.observer, room.facilitator] * 2:
        assert_preparing(client.get(pdf_url(room)))

    assert PdfRender.objects.count() == 1
    assert tasks().count() == 1


def test_after_a_change_to_the_workshop_a_new_render_is_needed(room, renderer):
    room.participant.get(pdf_url(room))
    renderer.run_worker()
    assert room.participant.get(pdf_url(room)).content == FAKE_PDF + b"1"

    added = room.other.post(url("issue_add", room.workshop), {"title": "No night buses", "description": ""})
    assert added.status_code in (200, 302)

    assert_preparing(room.participant.get(pdf_url(room)))
    renderer.run_worker()
    assert room.participant.get(pdf_url(room)).content == FAKE_PDF + b"2"
    # Kept until the workshop changed: only the newest render is left.
    assert PdfRender.objects.count() == 1
    assert renderer.made == [room.workshop.pk, room.workshop.pk]


def test_a_failing_render_shows_its_message_and_can_be_tried_again(room, renderer):
    renderer.error = PdfRenderFailed("The PDF took too long to make and was stopped.")
    room.participant.get(pdf_url(room))
    renderer.run_worker()

    failed = room.participant.get(pdf_url(room))
    assert failed.status_code == 503
    body = failed.content.decode()
    assert "The PDF took too long to make and was stopped." in body
    retry = url("workshop_export_pdf_retry", room.workshop)
    assert f'action="{retry}"' in body and "Try again" in body

    renderer.error = None
    again = room.participant.post(retry)
    assert again.status_code == 302 and again["Location"] == pdf_url(room)
    assert_preparing(room.participant.get(pdf_url(room)))
    assert tasks().count() == 2
    renderer.run_worker()
    assert room.participant.get(pdf_url(room)).content == FAKE_PDF + b"2"


def test_a_workshop_too_large_is_refused_and_not_tried_again(room, renderer):
    renderer.error = WorkshopTooLargeForPdf("This workshop has 700 actions; a PDF can hold at most 600.")
    room.participant.get(pdf_url(room))
    renderer.run_worker()

    refused = room.participant.get(pdf_url(room))
    assert refused.status_code == 422
    assert "at most 600" in refused.content.decode()
    assert "Try again" not in refused.content.decode()
    room.participant.post(url("workshop_export_pdf_retry", room.workshop))
    assert tasks().count() == 1


def test_the_preparing_page_polls_and_then_offers_the_download(room, renderer):
    body = room.participant.get(pdf_url(room)).content.decode()
    status_url = re.search(r'hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")

    assert room.participant.get(status_url, headers=HTMX).status_code == 204  # nothing new yet
    renderer.run_worker()
    ready = room.participant.get(status_url, headers=HTMX)

    assert ready.status_code == 200
    fragment = ready.content.decode()
    assert "The PDF is ready." in fragment
    assert f'href="{pdf_url(room)}"' in fragment
    assert "<progress" not in fragment and "hx-get" not in fragment  # the poll stops
    assert room.participant.get(pdf_url(room)).content == FAKE_PDF + b"1"


def test_a_render_the_worker_never_finished_can_be_tried_again(room, renderer):
    room.participant.get(pdf_url(room))
    PdfRender.objects.update(status="running", started_at=timezone.now() - datetime.timedelta(hours=1))
    DBTaskResult.objects.all().delete()  # the worker died with it

    body = room.participant.get(pdf_url(room)).content.decode()
    assert "taking longer than usual" in body
    retried = room.participant.post(url("workshop_export_pdf_retry", room.workshop), headers=HTMX)

    assert retried.status_code == 200 and "Preparing the PDF" in retried.content.decode()
    assert "taking longer" not in retried.content.decode()
    assert renderer.run_worker() == 1
    assert room.participant.get(pdf_url(room)).content == FAKE_PDF + b"1"


PDF_VIEWS = ["workshop_export_pdf", "workshop_export_pdf_status"]


@pytest.mark.parametrize("who", ["outsider", "stranger", "anonymous"])
def test_people_outside_the_workshop_get_404(room, renderer, who):
    client = room.as_(who)
    for name in PDF_VIEWS:
        assert client.get(url(name, room.workshop)).status_code == 404
    assert client.post(url("workshop_export_pdf_retry", room.workshop)).status_code == 404
    assert not PdfRender.objects.exists()


def test_each_address_answers_its_own_method_only(room, renderer):
    for name in PDF_VIEWS:
        assert room.facilitator.post(url(name, room.workshop)).status_code == 405
    assert room.facilitator.get(url("workshop_export_pdf_retry", room.workshop)).status_code == 405
    assert not PdfRender.objects.exists()


def test_a_workshop_that_does_not_exist_gets_404(db):
    assert english_client().get("/workshops/999999/export.pdf").status_code == 404
