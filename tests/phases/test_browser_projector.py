"""The projector in Chromium with the demo workshop: every phase, both languages, read from the back row.

At 1920×1080 (and 1280×720) no visible text is under 20 px (SVG text measured as drawn, its
font size times the drawing's scale), the page never scrolls, and the join corner's QR code
has its accessible name and encodes the join address with the code. A participant who
closed the tab finds the workshop again on the home page. Screenshots go to test-artifacts/.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from playwright.sync_api import expect

from visions.demo.loader import DEMO_PASSWORD, DEMO_USERNAME
from visions.live.access import remember_participant
from visions.models import JoinFailure, Participant, Phase, Role, Workshop
from visions.workshops.joining import join_pass

from tests.phases.qr_support import encodes

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MEASURE = (Path(__file__).parent / "projector_measure.js").read_text()
SIZES = [(1920, 1080), (1280, 720)]
QR_NAME = {"en": "QR code for joining the workshop", "ja": "ワークショップに参加するためのQRコード"}


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    return Workshop.objects.get()


def signed_in(browser, live_server, language):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(DEMO_USERNAME)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_projector_phase_reads_from_the_back_row(browser, live_server, demo, language):
    ARTIFACTS.mkdir(exist_ok=True)
    page = signed_in(browser, live_server, language)
    expected_link = f"{live_server.url}/join/?code={demo.join_code}&pass={join_pass(demo)}"
    for phase in Phase.values:
        Workshop.objects.filter(pk=demo.pk).update(phase=phase)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_server.url}/workshops/{demo.pk}/live/projector/")
            where = f"{phase} at {width}×{height} in {language}"
            measured = page.evaluate(MEASURE)
            small = [text for text in measured["texts"] if text["size"] < 19.95]
            assert measured["texts"], where
            assert small == [], f"text under 20 px, {where}: {small[:5]}"
            assert measured["scrollH"] <= 0, f"{where} scrolls by {measured['scrollH']} px"
            assert measured["scrollW"] <= 0, f"{where} scrolls sideways by {measured['scrollW']} px"
            qr = page.get_by_role("img", name=QR_NAME[language])
            expect(qr).to_be_visible()
            assert encodes(qr.evaluate("svg => svg.outerHTML"), expected_link), where
            expect(page.get_by_test_id("projector-code")).to_have_text(demo.display_join_code)
            if width == 1920:
                page.screenshot(path=ARTIFACTS / f"projector-{phase}-{width}-{language}.png")
    page.context.close()


def test_the_projector_shows_the_lock_and_the_timer_as_they_change(browser, live_server, demo):
    page = signed_in(browser, live_server, "en")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/workshops/{demo.pk}/live/projector/")
    expect(page.get_by_test_id("projector-lock")).to_have_text("Open for contributions")
    console = page.context.new_page()
    console.goto(f"{live_server.url}/workshops/{demo.pk}/live/console/")
    console.get_by_test_id("lock").click()
    console.get_by_test_id("timer-start").click()
    expect(page.get_by_test_id("projector-lock")).to_contain_text("Contributions locked", timeout=8000)
    expect(page.get_by_test_id("timer")).to_be_visible(timeout=8000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "projector-locked-timer-1920.png")
    page.context.close()


def test_a_participant_who_closed_the_tab_finds_the_workshop_on_the_home_page(browser, live_server, demo):
    context = browser.new_context(locale="en", extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    page.goto(f"{live_server.url}/join/?code={demo.join_code}")
    page.get_by_label("Your name as others will see it").fill("Hana")
    page.get_by_label("Sector you speak for").select_option("citizen")
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(f"{live_server.url}/workshops/{demo.pk}/live/phase/{demo.phase}/")
    page.close()  # the tab is closed; the browser (its cookies) stays

    again = context.new_page()
    again.goto(f"{live_server.url}/")
    again.get_by_role("link", name=f"Continue in {demo.title} as Hana").click()
    expect(again).to_have_url(f"{live_server.url}/workshops/{demo.pk}/live/phase/{demo.phase}/")
    assert Participant.objects.filter(workshop=demo, display_name="Hana", role=Role.PARTICIPANT).count() == 1
    context.close()


def test_a_focused_matrix_point_shows_its_issues_title(browser, live_server, demo):
    Workshop.objects.filter(pk=demo.pk).update(phase=Phase.ISSUES)
    page = signed_in(browser, live_server, "en")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/workshops/{demo.pk}/live/projector/")
    caption = page.locator(".mx-point-title").last
    expect(caption).to_be_hidden()
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.getAttribute('aria-label') || ''")[:3] != "1. ":
        page.keyboard.press("Tab")
    focused = page.locator(".mx-numbered:focus .mx-point-title")
    expect(focused).to_be_visible()
    first_row = page.locator(".room-ranking tbody tr").first.locator(".room-issue-title").inner_text()
    assert focused.text_content().removeprefix("1. ").rstrip("…") in first_row
    page.context.close()


def test_one_address_does_not_lock_the_room_out_a_phone_scanning_the_console_qr_code_joins(
    browser, live_server, demo, settings
):
    """Issue 11, finding 2: after a flood from the room's address has made typing the code answer
    429, the link in the console's QR code still opens the form and joins."""
    limit = settings.JOIN_FAILURES_PER_ADDRESS
    JoinFailure.objects.bulk_create([JoinFailure(client="a:127.0.0.1") for _ in range(limit)])
    console = signed_in(browser, live_server, "en")
    console.goto(f"{live_server.url}/workshops/{demo.pk}/live/console/")
    expect(console.get_by_text("Scanning this QR code joins even when this network is limited")).to_be_visible()
    link = console.locator(".console-join a[href*='pass=']").get_attribute("href")
    ARTIFACTS.mkdir(exist_ok=True)
    phone = browser.new_context(
        locale="ja", extra_http_headers={"Accept-Language": "ja"}, viewport={"width": 390, "height": 844}
    ).new_page()
    typed = phone.goto(f"{live_server.url}/join/?code={demo.join_code}")
    assert typed.status == 429
    expect(phone.get_by_text("QR コードを読み取ってください", exact=False)).to_be_visible()
    phone.screenshot(path=ARTIFACTS / "join-limited-390-ja.png", full_page=True)
    phone.goto(link)
    phone.locator("#id_display_name").fill("Hana")
    phone.locator("#id_sector").select_option("citizen")
    phone.screenshot(path=ARTIFACTS / "join-qr-while-limited-390-ja.png", full_page=True)
    phone.locator("main button[type=submit]").click()
    expect(phone).to_have_url(f"{live_server.url}/workshops/{demo.pk}/live/phase/{demo.phase}/")
    assert Participant.objects.filter(workshop=demo, display_name="Hana").exists()
    # The link, pass and all, wraps inside the card on a phone rather than widen the page.
    console.set_viewport_size({"width": 390, "height": 844})
    console.goto(f"{live_server.url}/workshops/{demo.pk}/live/console/")
    assert console.evaluate("document.documentElement.scrollWidth") <= 390
    console.set_viewport_size({"width": 1366, "height": 768})
    console.locator(".console-join").screenshot(path=ARTIFACTS / "console-join-1366-en.png")
    phone.context.close()
    console.context.close()
