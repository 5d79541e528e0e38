"""Typing an issue on a phone shows alike issues under the title, and adding still works."""

import pytest
from playwright.sync_api import expect

from visions.models import Issue, Phase

from tests.factories import IssueFactory, WorkshopFactory

pytestmark = pytest.mark.browser


def test_typing_an_issue_hints_at_alike_ones_without_stopping_it(browser, live_server, transactional_db):
    workshop = WorkshopFactory(title="Awa 2050", language="en", phase=Phase.ISSUES)
    IssueFactory(workshop=workshop, title="No night buses after 9 pm")
    context = browser.new_context(locale="en", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        phone.goto(f"{live_server.url}/join/?code={workshop.join_code}")
        phone.locator("input[name=display_name]").fill("Ben")
        phone.locator("select[name=sector]").select_option("industry")
        phone.locator("main button[type=submit]").click()
        form = phone.locator("#issue-form")
        form.get_by_label("Title").press_sequentially("no night bus after 9", delay=20)
        hints = form.get_by_test_id("similar-hints")
        expect(hints).to_contain_text("No night buses after 9 pm")
        form.get_by_test_id("add-issue").click()
        expect(phone.locator("article.issue", has_text="no night bus after 9")).to_be_visible()
        assert Issue.objects.filter(workshop=workshop).count() == 2
    finally:
        context.close()
