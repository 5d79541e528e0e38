"""axe-core in Chromium on the main pages, in English and in Japanese: no serious or critical violation.

axe-core is vendored in tests/vendor (see its README); the app never serves it.
To cover another page, add a row to PAGES: a name, the page's address for the demo workshop,
who looks at it (anonymous, facilitator or participant), and optionally what to do on the page
before the check (for example, submit a form to show its errors).
"""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from visions.access import remember_participant
from visions.demo import build_demo_workshop
from visions.models import Participant, Role

from .factories import UserFactory

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "axe"
LOCALES = {"en": "en-US", "ja": "ja-JP"}
FAILING_IMPACTS = {"serious", "critical"}


def submit(button_name):
    def press(page):
        with page.expect_navigation():
            page.locator("main form button[type=submit]", has_text=button_name).first.click()

    return press


def wrong_code(page):
    page.locator("#id_code").fill("WRONG-CODE")
    page.locator("#id_display_name").fill("テスト")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


@dataclass(frozen=True)
class Row:
    name: str
    path: Callable  # the demo workshop -> the page's address
    who: str  # "anonymous", "facilitator" or "participant"
    then: Callable | None = None  # what to do on the page before the check
    status: int = 200  # the page's status code, so that a 404 page is not checked by mistake

    def __str__(self):
        return self.name


PAGES = [
    Row("login", lambda w: reverse("login"), "anonymous"),
    Row("login with errors", lambda w: reverse("login"), "anonymous", submit("")),
    Row("join", lambda w: reverse("join"), "anonymous"),
    Row("join with a code", lambda w: f"{reverse('join')}?code={w.join_code}", "anonymous"),
    Row("join with errors", lambda w: reverse("join"), "anonymous", wrong_code),
    Row("not found", lambda w: f"/workshops/{w.pk}/", "anonymous", status=404),
    Row("workshop list", lambda w: reverse("workshop_list"), "facilitator"),
    Row("workshop create", lambda w: reverse("workshop_create"), "facilitator"),
    Row("workshop create with errors", lambda w: reverse("workshop_create"), "facilitator", submit("")),
    Row("workshop edit", lambda w: reverse("workshop_edit", args=[w.pk]), "facilitator"),
    Row("workshop import", lambda w: reverse("workshop_import"), "facilitator"),
    Row("password change", lambda w: reverse("password_change"), "facilitator"),
    Row("overview (facilitator)", lambda w: w.get_absolute_url(), "facilitator"),
    Row("overview (participant)", lambda w: w.get_absolute_url(), "participant"),
]


@pytest.fixture
def demo(transactional_db):
    user = UserFactory(username="a11yfac")
    workshop = build_demo_workshop(user)
    participant = Participant.objects.filter(workshop=workshop, role=Role.PARTICIPANT).first()
    return workshop, user, participant


def session_cookie(live_server, who, user, participant):
    if who == "facilitator":
        client = Client()
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
    elif who == "participant":
        session = SessionStore()
        remember_participant(session, participant)
        session.save()
        key = session.session_key
    else:
        return []
    return [{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}]


def summary(violations):
    return dict(sorted(Counter(v["impact"] or "none" for v in violations).items()))


def describe(violation):
    targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
    return f"  [{violation['impact']}] {violation['id']}: {violation['help']} at {targets}"


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("row", PAGES, ids=str)
def test_no_serious_or_critical_axe_violations(browser, live_server, demo, row, language):
    workshop, user, participant = demo
    context = browser.new_context(locale=LOCALES[language])
    context.add_cookies(session_cookie(live_server, row.who, user, participant))
    page = context.new_page()
    try:
        response = page.goto(live_server.url + row.path(workshop))
        assert response.status == row.status
        if row.then:
            row.then(page)
        assert page.locator("html").get_attribute("lang") == language
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()

    violations = results["violations"]
    print(f"axe {row.name} [{language}]: {len(violations)} violations {summary(violations) or ''}")
    for violation in violations:
        print(describe(violation))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    slug = row.name.replace(" ", "-").replace("(", "").replace(")", "")
    (ARTIFACTS / f"{slug}-{language}.json").write_text(
        json.dumps({"page": row.name, "language": language, "violations": violations}, indent=1)
    )

    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, "\n".join(describe(v) for v in failing)


def tab_to(page, selector, limit=40):
    """Press Tab until the element matching `selector` has the focus; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{selector} has no visible focus"
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_switching_to_japanese_and_joining_by_keyboard_alone(browser, live_server, demo):
    workshop, _user, _participant = demo
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{reverse('join')}")
        tab_to(page, ".skip-link")
        tab_to(page, 'button[name=language][value="ja"]')
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("html").get_attribute("lang") == "ja"

        tab_to(page, "#id_code")
        page.keyboard.type(workshop.join_code.lower())
        tab_to(page, "#id_display_name")  # leaving the code field looks the workshop up
        page.locator("#code-status").get_by_text(workshop.title).wait_for()
        page.keyboard.type("ليلى 佐藤")
        tab_to(page, "#id_sector")
        page.keyboard.press("ArrowDown")  # the first sector
        tab_to(page, 'main button[type=submit]')
        with page.expect_navigation():
            page.keyboard.press("Enter")

        assert page.url.endswith(workshop.get_absolute_url())
        assert "ようこそ、ليلى 佐藤さん。" in page.locator("#messages").inner_text()
        assert Participant.objects.filter(workshop=workshop, display_name="ليلى 佐藤").exists()
    finally:
        context.close()
