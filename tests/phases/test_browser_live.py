"""A live workshop in Chromium: one facilitator with a projector, two participants on their own devices.

What one person does shows up on the others' open pages without a reload; the facilitator's
phase change moves everyone; a vote shows up in the counts; typed text survives. Screenshots
of the console, a 360 px wide participant page and the projector go to test-artifacts/.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from visions.models import Issue, Phase

from tests.factories import StakeholderFactory, UserFactory, VisionFactory, WorkshopFactory

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"
# Polling every 2 s, plus the time to render: "within about two seconds" with some slack.
LIVE_TIMEOUT = 6000


@pytest.fixture
def live_workshop(transactional_db):
    user = UserFactory(username="livefac")
    workshop = WorkshopFactory(
        facilitators=[user], title="Awa 2050", language="en", phase=Phase.CURRENT_STATE, base_year=2026, target_year=2050
    )
    StakeholderFactory(workshop=workshop, name="Tokushima University", sector="academia")
    VisionFactory(workshop=workshop, statement="Everyone can grow old at home, near friends and care.", status="adopted")
    return workshop


def new_page(browser, live_server, **context_options):
    context = browser.new_context(locale="en-GB", **context_options)
    return context.new_page()


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("livefac")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def join(page, live_server, workshop, name, sector_label):
    page.goto(f"{live_server.url}/join/?code={workshop.join_code}")
    page.get_by_label("Your name as others will see it").fill(name)
    page.get_by_label("Sector you speak for").select_option(label=sector_label)
    page.get_by_role("button", name="Join").click()
    # Joining lands on the live workshop, at the group's phase.
    expect(page).to_have_url(f"{live_server.url}/workshops/{workshop.pk}/live/phase/{workshop.phase}/")


def issue_card(page, title):
    return page.locator("article.issue", has=page.get_by_role("heading", name=title))


def test_a_live_workshop_with_a_facilitator_a_projector_and_two_participants(browser, live_server, live_workshop):
    workshop = live_workshop
    ARTIFACTS.mkdir(exist_ok=True)

    facilitator = new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    sign_in(facilitator, live_server)
    facilitator.goto(f"{live_server.url}/workshops/{workshop.pk}/live/console/")
    projector = facilitator.context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(f"{live_server.url}/workshops/{workshop.pk}/live/projector/")

    aiko = new_page(browser, live_server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    join(aiko, live_server, workshop, "Aiko", "Academia")
    ben = new_page(browser, live_server, viewport={"width": 1024, "height": 768})
    join(ben, live_server, workshop, "Ben", "Industry")
    expect(aiko.get_by_role("heading", name="3. Current state")).to_be_visible()

    # The console sees both arrive.
    expect(facilitator.locator("#roster")).to_contain_text("Ben", timeout=LIVE_TIMEOUT)

    # The facilitator moves the group on: asked first, then everyone follows.
    facilitator.get_by_test_id("next-phase").click()
    facilitator.get_by_test_id("confirm-move").click()
    expect(facilitator.get_by_test_id("undo-move")).to_be_visible()
    for page in (aiko, ben, projector):
        expect(page.get_by_role("heading", name="4. Gaps and issues")).to_be_visible(timeout=LIVE_TIMEOUT)
        assert page.url.endswith("/phase/issues/") or page.url.endswith("/projector/")

    # Ben starts typing an issue of his own; nothing that arrives may wipe it.
    ben.evaluate("window.stillTheSamePage = true")
    ben.get_by_label("Title").fill("Half-typed idea")

    # Aiko adds an issue on her phone; Ben and the projector see it without reloading.
    aiko.get_by_label("Title").fill("No buses after 9 pm")
    aiko.get_by_test_id("add-issue").click()
    expect(aiko.get_by_label("Title")).to_have_value("")
    for page in (ben, aiko):
        expect(issue_card(page, "No buses after 9 pm")).to_be_visible(timeout=LIVE_TIMEOUT)
    # The projector shows the room's issues by dots until they are scored.
    room_issue = projector.locator("#projector-stage li", has_text="No buses after 9 pm")
    expect(room_issue).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(issue_card(aiko, "No buses after 9 pm")).to_have_count(1)  # her own poll did not add it twice
    # The same card reached both phones; only its author sees her edit controls on it.
    expect(issue_card(aiko, "No buses after 9 pm").get_by_role("link", name="Edit")).to_be_visible()
    expect(issue_card(ben, "No buses after 9 pm").get_by_role("link", name="Edit")).to_be_hidden()
    assert ben.evaluate("window.stillTheSamePage") is True
    expect(ben.get_by_label("Title")).to_have_value("Half-typed idea")

    # Ben puts a dot on it; the count changes on Aiko's phone and on the projector.
    issue_card(ben, "No buses after 9 pm").get_by_test_id("add-dot").click()
    expect(ben.get_by_test_id("dots-left")).to_have_text("4")
    expect(issue_card(aiko, "No buses after 9 pm").get_by_test_id("dots")).to_contain_text("1 dot", timeout=LIVE_TIMEOUT)
    expect(room_issue).to_contain_text("● 1", timeout=LIVE_TIMEOUT)
    assert Issue.objects.get(title="No buses after 9 pm").votes.get().dots == 1

    # A timer everyone sees, counting down in the browser from the server's end time.
    facilitator.get_by_label("Minutes").fill("5")
    facilitator.get_by_test_id("timer-start").click()
    expect(aiko.get_by_test_id("timer")).to_contain_text("4:5", timeout=LIVE_TIMEOUT)

    # Locking shows on the participants' pages at once, and their forms step aside.
    facilitator.get_by_test_id("lock").click()
    expect(aiko.locator(".locked-note")).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(aiko.locator("#issue-form")).to_be_hidden()
    facilitator.get_by_test_id("unlock").click()
    expect(aiko.locator("#issue-form")).to_be_visible(timeout=LIVE_TIMEOUT)

    # Nothing on the phone is wider than the phone.
    assert aiko.evaluate("document.documentElement.scrollWidth") <= 360

    facilitator.screenshot(path=ARTIFACTS / "live-facilitator-console.png", full_page=True)
    aiko.screenshot(path=ARTIFACTS / "live-participant-360px.png", full_page=True)
    projector.screenshot(path=ARTIFACTS / "live-projector.png")
    for page in (aiko, ben, facilitator):
        page.context.close()  # stop their polling before the test database goes away


def test_the_poll_token_travels_in_a_header_and_a_signed_out_console_stops(browser, live_server, live_workshop):
    """Issue 11, finding 6: no token in any poll address; signing out in one tab ends the console in another."""
    workshop = live_workshop
    facilitator = new_page(browser, live_server, viewport={"width": 1366, "height": 768})
    polls = []
    facilitator.context.on(
        "request", lambda request: polls.append(request) if "/live/poll/" in request.url else None
    )
    sign_in(facilitator, live_server)
    facilitator.goto(f"{live_server.url}/workshops/{workshop.pk}/live/console/")
    aiko = new_page(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    join(aiko, live_server, workshop, "Aiko", "Academia")
    expect(facilitator.locator("#roster")).to_contain_text("Aiko", timeout=LIVE_TIMEOUT)
    assert polls
    for request in polls:
        assert "t=" not in request.url.split("?", 1)[1].split("&")
        assert request.headers.get("x-viewer-token")  # htmx sends the poller's hx-headers

    # Signing out in another tab: the console's next poll is refused and the page reloads into
    # its access check, which no longer lets the signed-out browser see the workshop.
    other_tab = facilitator.context.new_page()
    other_tab.goto(f"{live_server.url}/workshops/")
    other_tab.get_by_role("button", name="Log out").click()
    expect(facilitator.locator("main").get_by_role("link", name="Facilitator sign-in")).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(facilitator.locator("#roster")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    facilitator.screenshot(path=ARTIFACTS / "live-console-after-logout.png")
    # The participant's page keeps following the group.
    expect(aiko.locator("#live-poll")).to_have_count(1)
    for page in (aiko, facilitator):
        page.context.close()
