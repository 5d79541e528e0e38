"""An owner's check-in in Chromium: the facilitator makes an update link, a phone updates through it,
and the facilitator's open roadmap page shows the new progress within one poll (about 2 s)."""

import time

import pytest
from playwright.sync_api import expect

from visions.models import Action, Assessment
from tests.factories import ActionFactory, StakeholderFactory, TargetFactory, UserFactory, VisionFactory, WorkshopFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def followed_up(transactional_db):
    user = UserFactory(username="checkinfac")
    workshop = WorkshopFactory(facilitators=[user], title="Awa 2050", phase="export", language="en")
    bank = StakeholderFactory(workshop=workshop, name="Tokushima Bank", sector="industry")
    action = ActionFactory(workshop=workshop, title="Community care hubs", start_year=2027, end_year=2030)
    action.owners.add(bank)
    vision = VisionFactory(workshop=workshop, status="adopted")
    TargetFactory(workshop=workshop, vision=vision, indicator="Elderly who reach a clinic")
    return workshop, action


def test_a_phone_checks_in_and_the_open_roadmap_follows(browser, live_server, followed_up):
    workshop, action = followed_up
    laptop = browser.new_context(locale="en", viewport={"width": 1366, "height": 768}).new_page()
    laptop.goto(f"{live_server.url}/accounts/login/")
    laptop.get_by_label("Username").fill("checkinfac")
    laptop.get_by_label("Password").fill(PASSWORD)
    laptop.get_by_role("button", name="Sign in").click()
    laptop.goto(f"{live_server.url}/workshops/{workshop.pk}/follow-up/links/")
    laptop.locator("select[name=stakeholder]").select_option(label="Tokushima Bank (actions: 1)")
    laptop.get_by_test_id("link-form").get_by_role("button", name="Make the link").click()
    address = laptop.get_by_test_id("link-address").input_value()
    assert "/u/" in address and len(address.rstrip("/").rsplit("/", 1)[1]) == 43

    laptop.goto(f"{live_server.url}/workshops/{workshop.pk}/roadmap/")
    progress = laptop.locator(f"#progress-{action.pk}")
    expect(progress).to_have_value("0")

    phone = browser.new_context(locale="en", viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    phone.goto(address)
    card = phone.get_by_test_id("link-action")
    card.get_by_label("Status").select_option("in_progress")
    card.get_by_label("Progress (%)").fill("55")
    card.get_by_label("Note (optional)").fill("Two hubs opened.")
    card.get_by_role("button", name="Save the update").click()
    saved_at = time.monotonic()
    expect(phone.get_by_text("Saved: Community care hubs")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the link page is {width}px wide on a 390px phone"

    expect(progress).to_have_value("55", timeout=2500)
    followed = time.monotonic() - saved_at
    assert followed < 2.5, followed

    target = phone.get_by_test_id("link-target")
    target.get_by_text("Add an assessment").click()
    target.get_by_label("Value").fill("61")
    target.get_by_label("As of").fill("2027-03-31")
    target.get_by_label("Source (link or citation)").fill("Prefecture survey")
    target.get_by_role("button", name="Add assessment").click()
    expect(phone.get_by_text("Assessment added: Elderly who reach a clinic")).to_be_visible()
    assert Action.objects.get(pk=action.pk).progress == 55
    assert Assessment.objects.get().source == "Prefecture survey"
