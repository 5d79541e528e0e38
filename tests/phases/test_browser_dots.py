"""The sixth dot on a phone: a spent budget disables every "+" and says why, next to the count;
taking a dot off anywhere enables them again."""

import pytest
from playwright.sync_api import expect

from visions.models import Phase

from tests.factories import IssueFactory, WorkshopFactory

pytestmark = pytest.mark.browser


def test_a_spent_budget_disables_every_plus_and_says_so(browser, live_server, transactional_db):
    workshop = WorkshopFactory(title="Awa 2050", language="en", phase=Phase.ISSUES, dot_budget=5)
    for title in ("No night buses", "Empty shops", "Too few doctors"):
        IssueFactory(workshop=workshop, title=title)
    context = browser.new_context(locale="en", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    try:
        phone.goto(f"{live_server.url}/join/?code={workshop.join_code}")
        phone.locator("input[name=display_name]").fill("Ben")
        phone.locator("select[name=sector]").select_option("industry")
        phone.locator("main button[type=submit]").click()
        card = lambda title: phone.locator("article.issue", has_text=title)  # noqa: E731

        for left in ("4", "3", "2"):
            card("No night buses").get_by_test_id("add-dot").click()
            expect(phone.get_by_test_id("dots-left")).to_have_text(left)
        for left in ("1", "0"):
            card("Empty shops").get_by_test_id("add-dot").click()
            expect(phone.get_by_test_id("dots-left")).to_have_text(left)

        expect(phone.get_by_test_id("dots-spent")).to_be_visible()
        for title in ("No night buses", "Empty shops", "Too few doctors"):
            expect(card(title).get_by_test_id("add-dot")).to_be_disabled()

        card("No night buses").get_by_role("button", name="Take a dot off").click()
        expect(phone.get_by_test_id("dots-left")).to_have_text("1")
        expect(phone.get_by_test_id("dots-spent")).to_have_count(0)
        expect(card("Too few doctors").get_by_test_id("add-dot")).to_be_enabled()
        card("Too few doctors").get_by_test_id("add-dot").click()
        expect(phone.get_by_test_id("dots-left")).to_have_text("0")
        expect(card("No night buses").get_by_test_id("add-dot")).to_be_disabled()

        # Came back later: the page says the same from the server alone.
        phone.reload()
        expect(phone.get_by_test_id("dots-spent")).to_be_visible()
        expect(card("Empty shops").get_by_test_id("add-dot")).to_be_disabled()
        assert errors == []
    finally:
        context.close()
