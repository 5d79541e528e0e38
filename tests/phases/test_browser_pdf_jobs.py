"""The PDF's preparing page in Chromium: it says so while the task worker makes the PDF, follows
it with htmx (no reload) and then offers the download, which is the file."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from visions.documents import pdf
from visions.live.access import remember_participant
from visions.models import Phase

from tests.factories import ParticipantFactory, WorkshopFactory
from tests.pdf_jobs_support import run_queued_tasks

pytestmark = pytest.mark.browser

FAKE_PDF = b"%PDF-1.7 the roadmap"


def test_the_preparing_page_follows_the_render_and_then_offers_the_download(
    transactional_db, browser, live_server, monkeypatch
):
    monkeypatch.setattr(pdf, "render_workshop_pdf", lambda workshop: FAKE_PDF)
    workshop = WorkshopFactory(title="Awa 2050", language="en", phase=Phase.EXPORT)
    session = SessionStore()
    remember_participant(session, ParticipantFactory(workshop=workshop))
    session.save()
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{live_server.url}/workshops/{workshop.pk}/export.pdf")
        region = page.get_by_test_id("pdf-render")
        expect(region).to_contain_text("Preparing the PDF")
        expect(region.locator("progress")).to_be_visible()
        page.evaluate("window.notReloaded = true")

        assert run_queued_tasks() == 1

        expect(region).to_contain_text("The PDF is ready.", timeout=6000)
        expect(region.locator("progress")).to_have_count(0)
        assert page.evaluate("window.notReloaded") is True  # followed in place, not by reloading
        with page.expect_download() as download:
            page.get_by_test_id("pdf-download").click()
        with open(download.value.path(), "rb") as file:
            assert file.read() == FAKE_PDF
        assert "roadmap.pdf" in download.value.suggested_filename
        assert errors == []
    finally:
        context.close()
