"""A year of follow-up in Chromium (issue 14): the facilitator commits and makes an update link; on a
phone the owner's representative updates progress and loads new statistics from CSV through it; the
facilitator's open roadmap shows the drift and the new gap within one poll; then the next round starts
and the series page shows both rounds."""

import datetime
import time

import pytest
from playwright.sync_api import expect

from visions.models import Assessment, Workshop
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    StakeholderFactory,
    TargetFactory,
    UserFactory,
    VisionFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
FOLLOWS_WITHIN = 2.5  # one poll (2 s) and the redraw


@pytest.fixture
def agreed(transactional_db):
    user = UserFactory(username="yearfac")
    workshop = WorkshopFactory(
        facilitators=[user], title="Awa 2050", phase="export", language="en", base_year=2026, target_year=2050
    )
    bank = StakeholderFactory(workshop=workshop, name="Tokushima Bank", sector="industry")
    action = ActionFactory(workshop=workshop, title="Community care hubs", start_year=2026, end_year=2030)
    action.owners.add(bank)
    vision = VisionFactory(workshop=workshop, status="adopted")
    target = TargetFactory(
        workshop=workshop, vision=vision, indicator="Elderly who reach a clinic", target_value=90, target_year=2040
    )
    AssessmentFactory(target=target, value=50, as_of=datetime.date(2025, 3, 31), source="Census")
    return workshop, action, target


def sign_in(page, base):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("yearfac")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_year_of_follow_up_from_commitment_to_the_next_round(browser, live_server, agreed):
    workshop, action, target = agreed
    base = live_server.url
    laptop = browser.new_context(locale="en", viewport={"width": 1366, "height": 768}).new_page()
    sign_in(laptop, base)

    # Phase 6: the group's commitment.
    laptop.goto(f"{base}/workshops/{workshop.pk}/live/phase/export/")
    laptop.get_by_label("Name of the commitment").fill("Council 2027-03")
    laptop.get_by_role("button", name="Record the commitment").click()
    expect(laptop.get_by_role("heading", name="Council 2027-03")).to_be_visible()

    # An update link for the bank, shown once.
    laptop.goto(f"{base}/workshops/{workshop.pk}/follow-up/links/")
    laptop.locator("select[name=stakeholder]").select_option(label="Tokushima Bank (actions: 1)")
    laptop.get_by_test_id("link-form").get_by_role("button", name="Make the link").click()
    address = laptop.get_by_test_id("link-address").input_value()

    # The facilitator keeps the roadmap open: the drift since the commitment, nothing moved yet.
    laptop.goto(f"{base}/workshops/{workshop.pk}/roadmap/")
    drift = laptop.get_by_test_id("drift")
    expect(drift).to_contain_text("Council 2027-03")
    gap_row = drift.locator("tr", has_text="Elderly who reach a clinic")
    expect(gap_row.locator("td").nth(2)).to_have_text("40")

    # On a phone, the representative updates progress...
    phone = browser.new_context(locale="en", viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    phone.goto(address)
    card = phone.get_by_test_id("link-action")
    card.get_by_label("Status").select_option("in_progress")
    card.get_by_label("Progress (%)").fill("55")
    card.get_by_role("button", name="Save the update").click()
    saved_at = time.monotonic()
    expect(phone.get_by_text("Saved: Community care hubs")).to_be_visible()
    expect(laptop.locator(f"#progress-{action.pk}")).to_have_value("55", timeout=FOLLOWS_WITHIN * 1000)
    assert time.monotonic() - saved_at < FOLLOWS_WITHIN

    # ...and loads the new statistics from CSV.
    phone.get_by_role("link", name="Import assessments from CSV").click()
    phone.get_by_label("Paste the table").fill("date,value,source\n2026-03-31,70,Prefecture survey\n")
    phone.get_by_role("button", name="Preview").click()
    expect(phone.get_by_test_id("import-ready")).to_be_visible()
    phone.get_by_role("button", name="Add 1 assessment").click()
    imported_at = time.monotonic()
    expect(phone.get_by_text("Elderly who reach a clinic").first).to_be_visible()
    assert Assessment.objects.filter(target=target, value=70, source="Prefecture survey").exists()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the link page is {width}px wide on a 390px phone"

    # The open roadmap shows the new gap in the drift, without a reload.
    expect(gap_row.locator("td").nth(2)).to_have_text("20", timeout=FOLLOWS_WITHIN * 1000)
    assert time.monotonic() - imported_at < FOLLOWS_WITHIN
    expect(gap_row.locator("td").nth(1)).to_have_text("40")  # the gap as committed stays

    # The next round, and the series page with both rounds.
    laptop.goto(f"{base}/workshops/{workshop.pk}/")
    laptop.get_by_test_id("next-round-link").click()
    laptop.get_by_label("Title").fill("Awa 2050, round 2")
    laptop.get_by_role("button", name="Start the next round").click()
    following = Workshop.objects.get(previous_round=workshop)
    expect(laptop).to_have_url(f"{base}/workshops/{following.pk}/")
    laptop.get_by_test_id("series-link").click()
    rounds = laptop.get_by_test_id("rounds").locator("li")
    expect(rounds).to_have_count(2)
    expect(laptop.get_by_test_id("series-target").first).to_contain_text("Elderly who reach a clinic")
