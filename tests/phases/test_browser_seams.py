"""The seams between the live pages, in Chromium: hidden controls, refusals, following the group.

A participant's phone does not offer to delete another person's assessment, and a crafted
htmx request to do so is refused inside the page (#messages) without replacing it; the
facilitator's phase change moves the phone on. The roadmap builder is a live page like the
others: it shows the group's phase, follows the group to the export phase, and shows an
observer no add or propose controls (a crafted proposal answers 403 with a message).
Screenshots (phone 390×844, laptop 1366×900, projector 1920×1080) go to test-artifacts/.
"""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from visions.live.access import remember_participant
from visions.models import Action, Assessment, Phase, Role

from tests.factories import (
    AssessmentFactory,
    IssueFactory,
    MilestoneFactory,
    ParticipantFactory,
    StakeholderFactory,
    TargetFactory,
    UserFactory,
    VisionFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"
# Polling every 2 s, plus the time to render and navigate: "within a few seconds" with some slack.
LIVE_TIMEOUT = 6000
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}
PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture
def seams_workshop(transactional_db):
    user = UserFactory(username="seamsfac")
    workshop = WorkshopFactory(
        facilitators=[user], title="Awa 2050", language="en", phase=Phase.CURRENT_STATE, base_year=2026, target_year=2050
    )
    StakeholderFactory(workshop=workshop, name="Prefectural government", sector="government")
    StakeholderFactory(workshop=workshop, name="Tokushima University", sector="academia")
    vision = VisionFactory(
        workshop=workshop, statement="Everyone can grow old at home, near friends and care.", status="adopted"
    )
    target = TargetFactory(workshop=workshop, vision=vision, indicator="Older people living at home", unit="%")
    return workshop, target


def new_page(browser, **context_options):
    context = browser.new_context(locale="en-GB", **context_options)
    return context.new_page()


def as_participant(browser, live_server, participant, **context_options):
    """A page in its own browser context that has joined the workshop as `participant`."""
    session = SessionStore()
    remember_participant(session, participant)
    session.save()
    page = new_page(browser, **context_options)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    return page


def as_facilitator(browser, live_server, **context_options):
    page = new_page(browser, **context_options)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("seamsfac")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="My workshops")).to_be_visible()
    return page


def move_to_next_phase(console):
    console.get_by_test_id("next-phase").click()
    console.get_by_test_id("confirm-move").click()
    expect(console.get_by_test_id("undo-move")).to_be_visible()


def wait_for_url(page, url, timeout=LIVE_TIMEOUT):
    """Seconds until `page` is at `url` (it fails after `timeout` ms)."""
    started = time.monotonic()
    page.wait_for_url(url, timeout=timeout)
    return time.monotonic() - started


def test_a_crafted_delete_is_refused_in_the_page_and_the_phone_follows_the_group(browser, live_server, seams_workshop):
    workshop, target = seams_workshop
    ARTIFACTS.mkdir(exist_ok=True)
    aiko = ParticipantFactory(workshop=workshop, display_name="Aiko")
    ben = ParticipantFactory(workshop=workshop, display_name="Ben", sector="industry")
    bens = AssessmentFactory(target=target, value=61.5, author=ben, note="Prefectural survey")
    own = AssessmentFactory(target=target, value=63.0, author=aiko, note="Her own count")
    base = f"{live_server.url}/workshops/{workshop.pk}/live/"

    phone = as_participant(browser, live_server, aiko, **PHONE)
    phone.goto(base + "phase/current_state/")
    expect(phone.get_by_role("heading", name="3. Current state")).to_be_visible()
    expect(phone.locator("#phase-banner")).to_contain_text("Current state")

    # Ben's row shows no Delete on Aiko's phone; her own row does.
    bens_row = phone.locator(f"#assessment-{bens.pk}")
    expect(bens_row).to_contain_text("Ben")
    expect(bens_row.get_by_role("button", name="Delete")).to_be_hidden()
    expect(phone.locator(f"#assessment-{own.pk}").get_by_role("button", name="Delete")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    phone.screenshot(path=ARTIFACTS / "seams-current-state-phone-390.png", full_page=True)

    # No button exists for it, so the request is crafted: htmx, from the page, aimed at the list.
    phone.evaluate("window.stillTheSamePage = true")
    with phone.expect_response(lambda r: r.url.endswith(f"/assessments/{bens.pk}/delete/")) as refused:
        phone.evaluate(
            "url => htmx.ajax('POST', url, {source: '#target-list', target: '#target-list', swap: 'outerHTML'})",
            f"/workshops/{workshop.pk}/live/assessments/{bens.pk}/delete/",
        )
    assert refused.value.status == 403
    message = phone.locator("#messages [data-testid=refused]")
    expect(message).to_have_text("You can only change your own contributions.")
    expect(message).to_have_css("background-color", "rgb(251, 234, 234)")
    # The page is otherwise intact: nothing replaced it, and the list is still the list.
    assert phone.evaluate("window.stillTheSamePage") is True
    expect(phone.locator("#phase-banner")).to_be_visible()
    expect(phone.locator("nav.phase-steps li")).to_have_count(len(Phase))
    expect(phone.locator("#target-list")).to_have_count(1)
    expect(bens_row).to_be_visible()
    expect(phone.get_by_role("heading", name="3. Current state")).to_have_count(1)
    expect(phone.locator("#live-poll")).to_have_count(1)
    assert Assessment.objects.filter(pk=bens.pk).exists()
    phone.screenshot(path=ARTIFACTS / "seams-refused-in-page-phone-390.png", full_page=True)

    # The same crafted request as a plain form (what a browser without JavaScript sends): a styled page.
    phone.evaluate(
        """url => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = url;
            const token = document.querySelector('input[name=csrfmiddlewaretoken]').cloneNode();
            form.append(token);
            document.body.append(form);
            form.submit();
        }""",
        f"/workshops/{workshop.pk}/live/assessments/{bens.pk}/delete/",
    )
    refusal = phone.get_by_test_id("refused")
    expect(refusal).to_have_text("You can only change your own contributions.")
    expect(phone.locator("header.site-header")).to_be_visible()
    # Styled as the error it is, as in the page's message region (not as plain text).
    expect(refusal).to_have_css("background-color", "rgb(251, 234, 234)")
    phone.screenshot(path=ARTIFACTS / "seams-refused-page-phone-390.png", full_page=True)
    phone.get_by_role("link", name="Back to the workshop").click()
    expect(phone.get_by_role("heading", name="3. Current state")).to_be_visible()
    assert Assessment.objects.filter(pk=bens.pk).exists()

    # The facilitator moves the group on from the console; the phone follows by itself.
    console = as_facilitator(browser, live_server, **LAPTOP)
    console.goto(base + "console/")
    projector = console.context.new_page()
    projector.set_viewport_size(PROJECTOR)
    projector.goto(base + "projector/")
    move_to_next_phase(console)
    seconds = wait_for_url(phone, base + "phase/issues/")
    print(f"phone followed to the issues phase in {seconds:.1f} s")
    expect(phone.get_by_role("heading", name="4. Gaps and issues")).to_be_visible()
    expect(projector.get_by_role("heading", name="4. Gaps and issues")).to_be_visible(timeout=LIVE_TIMEOUT)
    console.screenshot(path=ARTIFACTS / "seams-console-laptop-1366.png", full_page=True)
    projector.screenshot(path=ARTIFACTS / "seams-projector-1920.png")
    phone.screenshot(path=ARTIFACTS / "seams-issues-after-follow-phone-390.png", full_page=True)
    for page in (phone, console):
        page.context.close()  # stop their polling before the test database goes away


@pytest.fixture
def roadmap_workshop(seams_workshop):
    workshop, target = seams_workshop
    workshop.phase = Phase.ROADMAP
    workshop.save(update_fields=["phase"])
    IssueFactory(workshop=workshop, title="Too few care workers")
    MilestoneFactory(workshop=workshop, year=2040, title="Care robots in every care home")
    return workshop


def test_the_roadmap_builder_shows_the_groups_phase_and_follows_it_to_the_export(
    browser, live_server, roadmap_workshop
):
    workshop = roadmap_workshop
    ARTIFACTS.mkdir(exist_ok=True)
    aiko = ParticipantFactory(workshop=workshop, display_name="Aiko")
    base = f"{live_server.url}/workshops/{workshop.pk}/"

    phone = as_participant(browser, live_server, aiko, **PHONE)
    phone.goto(base + "roadmap/")
    expect(phone.get_by_role("heading", name="Backcast roadmap", exact=True)).to_be_visible()
    banner = phone.locator("#phase-banner")
    expect(banner).to_contain_text("The group is in Backcast roadmap")
    expect(phone.locator("nav.phase-steps")).to_be_visible()
    expect(phone.get_by_role("link", name="Propose an action")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=ARTIFACTS / "seams-roadmap-builder-phone-390.png", full_page=True)
    # The panel opened but nothing typed in it: no unsaved text, so the page still follows.
    phone.get_by_role("link", name="Propose an action").click()
    expect(phone.get_by_test_id("action-form")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=ARTIFACTS / "seams-roadmap-panel-phone-390.png")

    laptop = as_participant(browser, live_server, ParticipantFactory(workshop=workshop, display_name="Ben"), **LAPTOP)
    laptop.goto(base + "roadmap/")
    expect(laptop.locator("#phase-banner")).to_contain_text("The group is in Backcast roadmap")
    laptop.screenshot(path=ARTIFACTS / "seams-roadmap-builder-laptop-1366.png", full_page=True)
    # Ben has started proposing an action: his typed title keeps his page where it is.
    laptop.get_by_role("link", name="Propose an action").click()
    laptop.get_by_test_id("action-form").get_by_label("Title").fill("Half-typed action")
    laptop.evaluate("window.stillTheSamePage = true")

    console = as_facilitator(browser, live_server, **LAPTOP)
    console.goto(base + "live/console/")
    move_to_next_phase(console)
    export_url = base + "live/phase/export/"
    seconds = wait_for_url(phone, export_url)
    print(f"roadmap builder followed to the export phase in {seconds:.1f} s")
    expect(phone.locator("#phase-banner")).to_contain_text("The group is in Commit and export")
    expect(phone.get_by_role("heading", name="6. Commit and export")).to_be_visible()
    # Ben's page stays, tells him where the group is, and offers the way there.
    laptop_banner = laptop.locator("#phase-banner")
    expect(laptop_banner).to_contain_text("The group is in Commit and export", timeout=LIVE_TIMEOUT)
    expect(laptop_banner.get_by_role("link", name="Go there now")).to_have_attribute("href", f"/workshops/{workshop.pk}/live/phase/export/")
    laptop.wait_for_timeout(2500)  # another poll: still no navigation
    assert laptop.evaluate("window.stillTheSamePage") is True
    assert laptop.url.startswith(base + "roadmap/")
    expect(laptop.get_by_test_id("action-form").get_by_label("Title")).to_have_value("Half-typed action")
    laptop.screenshot(path=ARTIFACTS / "seams-roadmap-unsaved-text-laptop-1366.png")
    laptop_banner.get_by_role("link", name="Go there now").click()
    wait_for_url(laptop, export_url)
    expect(phone.get_by_role("heading", name="6. Commit and export")).to_be_visible()
    phone.screenshot(path=ARTIFACTS / "seams-export-after-follow-phone-390.png", full_page=True)
    for page in (phone, laptop, console):
        page.context.close()


def test_an_observer_on_the_roadmap_builder_reads_but_cannot_propose(browser, live_server, roadmap_workshop):
    workshop = roadmap_workshop
    ARTIFACTS.mkdir(exist_ok=True)
    observer = ParticipantFactory(workshop=workshop, display_name="Chie", role=Role.OBSERVER)
    page = as_participant(browser, live_server, observer, **LAPTOP)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/roadmap/")
    expect(page.get_by_role("heading", name="Backcast roadmap", exact=True)).to_be_visible()
    expect(page.locator("#phase-banner")).to_contain_text("The group is in Backcast roadmap")
    expect(page.locator("ol.backcast")).to_contain_text("Care robots in every care home")
    for name in ("Propose an action", "Propose a milestone", "Add an action", "Add a milestone", "Add an action for it"):
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
    expect(page.locator("#roadmap form")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "seams-roadmap-observer-laptop-1366.png", full_page=True)

    # A crafted proposal from the page, with the page's CSRF token: refused with a message.
    answer = page.evaluate(
        """async url => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['x-csrftoken'];
            const response = await fetch(url, {
                method: 'POST', headers: {'X-CSRFToken': token},
                body: new URLSearchParams({title: 'Crafted', start_year: '2027', end_year: '2030'}),
            });
            return {status: response.status, text: await response.text()};
        }""",
        f"/workshops/{workshop.pk}/roadmap/actions/new/",
    )
    assert answer["status"] == 403
    assert "Observers can read but not change the workshop." in answer["text"]
    assert not Action.objects.filter(workshop=workshop).exists()
    page.context.close()


def test_a_region_with_unsaved_input_waits_for_the_person_and_their_save_shows_everything(
    browser, live_server, seams_workshop
):
    """Someone else's issue arrives while the facilitator types a theme name on the themes page:
    the board is not redrawn under their fingers; saving redraws it with both."""
    from visions.live import record
    from visions.live.access import Viewer
    from visions.phases.issues import ISSUE_ADDED

    workshop, _target = seams_workshop
    workshop.phase = Phase.ISSUES
    workshop.save()
    ben = ParticipantFactory(workshop=workshop, display_name="Ben", sector="industry")
    page = as_facilitator(browser, live_server, **LAPTOP)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/live/themes/")
    name = page.locator("#themes-board [name=name]").first
    name.fill("Mobility")

    issue = IssueFactory(workshop=workshop, author=ben, title="Buses stop at six")
    record(Viewer.of_participant(ben), ISSUE_ADDED, issue, summary=issue.title)
    page.wait_for_timeout(3500)  # more than one poll
    expect(name).to_have_value("Mobility")
    expect(page.locator("#themes-board")).not_to_contain_text("Buses stop at six")

    page.get_by_role("button", name="Add theme").click()
    expect(page.locator("#themes-board")).to_contain_text("Buses stop at six")
    expect(page.locator("#themes-board h2", has_text="Mobility")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "seams-themes-after-save-laptop-1366.png")
    page.wait_for_timeout(2500)  # the waiting (older) board must not come back over the saved one
    expect(page.locator("#themes-board h2", has_text="Mobility")).to_be_visible()
    page.context.close()
