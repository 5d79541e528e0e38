"""axe-core in Chromium on the main pages, in English and in Japanese: no serious or critical violation.

axe-core is vendored in tests/vendor (see its README); the app never serves it.
To cover another page, add a row to PAGES: a name, the page's address for the demo workshop,
who looks at it (anonymous, facilitator or participant), and optionally what to do on the page
before the check (for example, submit a form to show its errors).
"""

import datetime
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
from django.utils import translation
from django.utils.formats import date_format

from visions.live.access import remember_participant
from visions.demo.loader import build_demo_workshop
from visions.models import (
    Action,
    Assessment,
    JoinFailure,
    Participant,
    Phase,
    PublicLink,
    Role,
    Stakeholder,
    UpdateLink,
    Vision,
    VisionStatus,
    Workshop,
)
from visions.workshops.joining import join_pass

from tests.factories import (
    ParticipantFactory,
    StakeholderFactory,
    TargetFactory,
    UserFactory,
    VisionFactory,
    WorkshopFactory,
)

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


PHASES_IN_ORDER = [value for value, _label in Phase.choices]


def phase_page(phase):
    return lambda w: reverse("phase_page", args=[w.pk, phase])


def add_an_empty_issue(page):
    form = page.locator("#issue-form")
    form.locator("[name=title]").fill(" ")  # passes the browser's check, not the server's
    form.locator("button[type=submit]").click()
    page.locator("#issue-form [data-testid=error-summary]").wait_for()
    page.wait_for_function("() => document.activeElement.matches('#issue-form [data-testid=error-summary]')")


def vision_history(workshop):
    vision = Vision.objects.get(workshop=workshop, status=VisionStatus.ADOPTED)
    return reverse("vision_history", args=[workshop.pk, vision.pk])


def demo_participant(workshop):
    """The participant the checks look through: one who speaks for an organisation that owns an action."""
    return (
        Participant.objects.filter(
            workshop=workshop, role=Role.PARTICIPANT, stakeholder__actions__isnull=False
        )
        .order_by("pk")
        .first()
    )


def action_edit(*, facilitator):
    def address(workshop):
        actions = Action.objects.filter(workshop=workshop).order_by("pk")
        if not facilitator:
            actions = actions.filter(owners=demo_participant(workshop).stakeholder)
        return reverse("roadmap_action_edit", args=[workshop.pk, actions.first().pk])

    return address


def new_action(workshop):
    return reverse("roadmap_action_create", args=[workshop.pk])


def submit_empty_action(page):
    form = page.get_by_test_id("action-form")
    form.locator("[name=title]").fill(" ")
    form.locator("button[type=submit]").click()
    page.locator("#action-panel [data-testid=error-summary]").wait_for()
    page.wait_for_function(
        "() => document.activeElement.matches('#action-panel [data-testid=error-summary]')"
    )


def qr_link(workshop):
    return f"{reverse('join')}?code={workshop.join_code}&pass={join_pass(workshop)}"


def flooded(workshop):
    """The join link typed from an address past its hourly bound of wrong codes (the browser's)."""
    limit = settings.JOIN_FAILURES_PER_ADDRESS
    JoinFailure.objects.bulk_create([JoinFailure(client="a:127.0.0.1") for _ in range(limit)])
    return f"{reverse('join')}?code={workshop.join_code}"


def public_page(workshop):
    _link, token = PublicLink.make(workshop, None)
    return reverse("public_page", args=[token])


def revoked_public_page(workshop):
    link, token = PublicLink.make(workshop, None)
    PublicLink.objects.filter(pk=link.pk).update(revoked_at=link.created_at)
    return reverse("public_page", args=[token])


def update_link_page(*, revoked=False):
    """The page of a fresh update link of an organisation that owns actions (or of a withdrawn one)."""

    def address(workshop):
        organisation = Stakeholder.objects.filter(workshop=workshop, actions__isnull=False).order_by("pk").first()
        link, secret = UpdateLink.issue(workshop, organisation)
        if revoked:
            UpdateLink.objects.filter(pk=link.pk).update(revoked_at=datetime.datetime.now(datetime.UTC))
        return reverse("update_link", args=[secret])

    return address


@dataclass(frozen=True)
class Row:
    name: str
    path: Callable  # the demo workshop -> the page's address
    who: str  # "anonymous", "facilitator" or "participant"
    then: Callable | None = None  # what to do on the page before the check
    status: int = 200  # the page's status code, so that a 404 page is not checked by mistake
    phase: str | None = None  # move the group to this phase first (participants see up to it)

    def __str__(self):
        return self.name


PAGES = [
    Row("login", lambda w: reverse("login"), "anonymous"),
    Row("login with errors", lambda w: reverse("login"), "anonymous", submit("")),
    Row("join", lambda w: reverse("join"), "anonymous"),
    Row("join with a code", lambda w: f"{reverse('join')}?code={w.join_code}", "anonymous"),
    Row("join with errors", lambda w: reverse("join"), "anonymous", wrong_code),
    Row("join from the QR link", qr_link, "anonymous"),
    Row("join refused, too many wrong codes", flooded, "anonymous", status=429),
    Row("not found", lambda w: f"/workshops/{w.pk}/", "anonymous", status=404),
    Row("workshop list", lambda w: reverse("workshop_list"), "facilitator"),
    Row("workshop create", lambda w: reverse("workshop_create"), "facilitator"),
    Row("workshop create with errors", lambda w: reverse("workshop_create"), "facilitator", submit("")),
    Row("workshop edit", lambda w: reverse("workshop_edit", args=[w.pk]), "facilitator"),
    Row("workshop import", lambda w: reverse("workshop_import"), "facilitator"),
    Row("password change", lambda w: reverse("password_change"), "facilitator"),
    Row("overview (facilitator)", lambda w: w.get_absolute_url(), "facilitator"),
    Row("overview (participant)", lambda w: w.get_absolute_url(), "participant"),
    *[
        Row(f"phase {phase} ({who})", phase_page(phase), who, phase=phase)
        for phase in PHASES_IN_ORDER
        for who in ("facilitator", "participant")
    ],
    Row(
        "issues with errors (participant)",
        phase_page("issues"),
        "participant",
        add_an_empty_issue,
        phase="issues",
    ),
    Row("console", lambda w: reverse("console", args=[w.pk]), "facilitator"),
    Row("follow-up", lambda w: reverse("followup_links", args=[w.pk]), "facilitator"),
    Row("update link page", update_link_page(), "anonymous"),
    Row("update link withdrawn", update_link_page(revoked=True), "anonymous", status=410),
    Row("projector", lambda w: reverse("projector", args=[w.pk]), "facilitator"),
    Row("themes", lambda w: reverse("themes", args=[w.pk]), "facilitator"),
    Row("vision history", vision_history, "participant"),
    Row("roadmap builder (facilitator)", lambda w: reverse("roadmap", args=[w.pk]), "facilitator"),
    Row("roadmap builder, action panel (facilitator)", action_edit(facilitator=True), "facilitator"),
    Row("roadmap builder (participant)", lambda w: reverse("roadmap", args=[w.pk]), "participant"),
    Row("roadmap builder, action panel (participant)", action_edit(facilitator=False), "participant"),
    Row(
        "roadmap builder, new action with errors (participant)",
        new_action,
        "participant",
        submit_empty_action,
    ),
    Row("next round", lambda w: reverse("next_round", args=[w.pk]), "facilitator"),
    Row("series (participant)", lambda w: reverse("series", args=[w.pk]), "participant"),
    Row("public links", lambda w: reverse("public_links", args=[w.pk]), "facilitator"),
    Row("public links, a new one", lambda w: reverse("public_links", args=[w.pk]), "facilitator", submit("")),
    Row("public page", public_page, "anonymous"),
    Row("public page, revoked", revoked_public_page, "anonymous", status=410),
]


@pytest.fixture
def demo(transactional_db):
    user = UserFactory(username="a11yfac")
    workshop = build_demo_workshop(user)
    return workshop, user, demo_participant(workshop)


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
    if row.phase:
        Workshop.objects.filter(pk=workshop.pk).update(phase=row.phase)
    # An init script, not a <script> tag: the pages' Content-Security-Policy forbids inline script.
    page.add_init_script(path=str(AXE))
    try:
        response = page.goto(live_server.url + row.path(workshop))
        assert response.status == row.status
        if row.then:
            row.then(page)
        assert page.locator("html").get_attribute("lang") == language
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
        tab_to(page, "main button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")

        assert page.url.endswith(reverse("phase_page", args=[workshop.pk, workshop.phase]))
        assert "ようこそ、ليلى 佐藤さん。" in page.locator("#messages").inner_text()
        assert Participant.objects.filter(workshop=workshop, display_name="ليلى 佐藤").exists()
    finally:
        context.close()


# --- a participant through every phase, by keyboard alone -----------------------------

WALK_TEXT = {
    "en": {
        "organisation": "Mirai Care Network",
        "vision": "In 2050 everyone can reach a doctor within 30 minutes, car or no car.",
        "issue": "Night buses stop at 8 pm",
        "action": "Evening shuttle trial",
    },
    "ja": {
        "organisation": "みらいケアネットワーク",
        "vision": "2050年、車がなくても誰もが30分以内に医師にかかれる。",
        "issue": "夜のバスが20時で終わる",
        "action": "夜間シャトルの実証",
    },
}


@pytest.fixture
def walk_workshop(transactional_db, request):
    language = request.param
    facilitator = UserFactory(username="walkfac")
    workshop = WorkshopFactory(
        facilitators=[facilitator], language=language, title="Awa 2050", phase=Phase.STAKEHOLDERS
    )
    government = StakeholderFactory(workshop=workshop, name="Prefectural government", sector="government")
    aiko = ParticipantFactory(
        workshop=workshop, display_name="Aiko", sector="government", stakeholder=government
    )
    ben = ParticipantFactory(workshop=workshop, display_name="Ben", sector="academia")
    VisionFactory(workshop=workshop, statement="Every village keeps its clinic.", author=ben)
    adopted = VisionFactory(
        workshop=workshop, statement="Healthy ageing at home.", status=VisionStatus.ADOPTED
    )
    TargetFactory(workshop=workshop, vision=adopted, indicator="Care workers per 1,000 older people", unit="")
    return language, workshop, facilitator, aiko


def move_group_on(console):
    """What the facilitator does on the console (a mouse will do there; its own tests cover it)."""
    console.get_by_test_id("next-phase").click()
    console.get_by_test_id("confirm-move").click()
    console.get_by_test_id("undo-move").wait_for()


def press(page, key, *, navigates=False):
    if navigates:
        with page.expect_navigation():
            page.keyboard.press(key)
    else:
        page.keyboard.press(key)


def choose_by_arrows(page, value, limit=10):
    """Arrow down through the focused <select> until it holds `value`."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the list never reached {value}")


@pytest.mark.parametrize("walk_workshop", list(LOCALES), indirect=True, ids=list(LOCALES))
def test_a_participant_runs_through_every_phase_by_keyboard_alone(browser, live_server, walk_workshop):
    language, workshop, facilitator, aiko = walk_workshop
    text = WALK_TEXT[language]
    facilitator_context = browser.new_context(locale=LOCALES[language])
    facilitator_context.add_cookies(session_cookie(live_server, "facilitator", facilitator, None))
    context = browser.new_context(locale=LOCALES[language])
    context.add_cookies(session_cookie(live_server, "participant", None, aiko))
    # Only the app's threads touch the (shared, in-memory) database while the pages are open:
    # the checks of what was stored come at the end.
    try:
        console = facilitator_context.new_page()
        console.goto(live_server.url + reverse("console", args=[workshop.pk]))
        page = context.new_page()
        page.goto(live_server.url + reverse("live_workshop", args=[workshop.pk]))
        assert page.url.endswith(reverse("phase_page", args=[workshop.pk, Phase.STAKEHOLDERS]))
        assert page.locator("html").get_attribute("lang") == language

        # 1. Stakeholders: name an organisation that is not in the room.
        tab_to(page, "#stakeholder-form [name=name]", limit=60)
        page.keyboard.type(text["organisation"])
        tab_to(page, "#stakeholder-form [name=sector]")
        choose_by_arrows(page, "citizen")
        tab_to(page, "#stakeholder-form button[type=submit]")
        press(page, "Enter")
        page.locator("#organisations").get_by_text(text["organisation"]).wait_for()

        # 2. Vision: endorse Ben's proposal, then propose one with a goal.
        move_group_on(console)
        page.wait_for_url(f"**{reverse('phase_page', args=[workshop.pk, Phase.VISION])}")
        assert page.locator("html").get_attribute("lang") == language
        tab_to(page, ".vision:not(.is-adopted) .mine button[type=submit]", limit=60)
        press(page, "Enter")
        page.locator(".vision .mine button[aria-pressed=true]").wait_for()
        tab_to(page, "#vision-form [name=statement]", limit=60)
        page.keyboard.type(text["vision"])
        tab_to(page, "#vision-form input[name=sdgs][value='11']", limit=30)
        press(page, "Space")
        tab_to(page, "#vision-form button[type=submit]", limit=30)
        press(page, "Enter")
        page.locator("#vision-list").get_by_text(text["vision"]).wait_for()

        # 3. Current state: add evidence for the target.
        move_group_on(console)
        page.wait_for_url(f"**{reverse('phase_page', args=[workshop.pk, Phase.CURRENT_STATE])}")
        tab_to(page, ".assessment-form summary", limit=60)
        press(page, "Enter")
        tab_to(page, ".assessment-form [name=value]")
        page.keyboard.type("12.5")
        tab_to(page, ".assessment-form [name=as_of]")
        # The order of the date field's parts follows the browser's own language, not the page's:
        # Arrow up in each part sets 1 January of this year, whatever the order.
        for key in ["ArrowUp", "ArrowRight", "ArrowUp", "ArrowRight", "ArrowUp"]:
            press(page, key)
        as_of = datetime.date.fromisoformat(page.evaluate("() => document.activeElement.value"))
        assert (as_of.month, as_of.day) == (1, 1)
        tab_to(page, ".assessment-form [name=source]")
        page.keyboard.type("Prefectural survey")
        tab_to(page, ".assessment-form button[type=submit]")
        press(page, "Enter")
        with translation.override(language):
            page.locator("table.assessments").get_by_text(date_format(as_of, "DATE_FORMAT")).wait_for()

        # 4. Gaps and issues: add an issue, put a dot on it, score it.
        move_group_on(console)
        page.wait_for_url(f"**{reverse('phase_page', args=[workshop.pk, Phase.ISSUES])}")
        tab_to(page, "#issue-form [name=title]", limit=80)
        page.keyboard.type(text["issue"])
        tab_to(page, "#issue-form button[type=submit]")
        press(page, "Enter")
        card = page.locator("#issue-list article", has_text=text["issue"])
        card.wait_for()
        issue_id = int(card.get_attribute("id").removeprefix("issue-"))
        mine = f"#issue-{issue_id}-mine"
        tab_to(page, f"{mine} [data-testid=add-dot]", limit=80)
        press(page, "Enter")
        page.locator(f"{mine} [data-testid=my-dots]", has_text="1").wait_for()
        tab_to(page, f"{mine} select[name=impact]", limit=80)
        choose_by_arrows(page, "4")
        tab_to(page, f"{mine} select[name=feasibility]")
        choose_by_arrows(page, "3")
        tab_to(page, f"{mine} .score button[type=submit]")
        press(page, "Enter")
        page.locator(f"#issue-{issue_id}-counts .scores").wait_for()

        # 5. Roadmap: open the builder and propose an action that addresses the issue.
        move_group_on(console)
        page.wait_for_url(f"**{reverse('phase_page', args=[workshop.pk, Phase.ROADMAP])}")
        tab_to(page, f"main a[href='{reverse('roadmap', args=[workshop.pk])}']", limit=60)
        press(page, "Enter", navigates=True)
        assert page.locator("html").get_attribute("lang") == language
        tab_to(
            page, f".roadmap-tools a[href='{reverse('roadmap_action_create', args=[workshop.pk])}']", limit=60
        )
        press(page, "Enter")
        page.locator("#action-panel.open").wait_for()
        page.wait_for_function(
            "() => document.activeElement.id === 'panel-heading'"
        )  # focus moved into the panel
        tab_to(page, "#action-panel [name=title]")
        page.keyboard.type(text["action"])
        tab_to(page, f"#action-panel input[name=owners][value='{aiko.stakeholder_id}']")
        press(page, "Space")
        tab_to(page, f"#action-panel input[name=addresses][value='{issue_id}']", limit=60)
        press(page, "Space")
        tab_to(page, "#action-panel button[type=submit]", limit=60)
        press(page, "Enter")
        page.locator("#actions-table th").get_by_text(text["action"]).wait_for()

        # 6. Commit and export: the builder follows the group to the downloads.
        move_group_on(console)
        page.wait_for_url(f"**{reverse('phase_page', args=[workshop.pk, Phase.EXPORT])}")
        assert page.locator("html").get_attribute("lang") == language
        tab_to(page, f"main a[href='{reverse('workshop_export_pdf', args=[workshop.pk])}']", limit=60)
    finally:
        context.close()
        facilitator_context.close()

    assert workshop.stakeholders.filter(name=text["organisation"], sector="citizen").exists()
    assert aiko.endorsements.count() == 1
    assert workshop.visions.get(author=aiko).sdg_numbers == [11]
    assert Assessment.objects.get(target__workshop=workshop, as_of=as_of).value == 12.5
    issue = workshop.issues.get(pk=issue_id, title=text["issue"], author=aiko)
    assert issue.votes.get(participant=aiko).dots == 1
    score = issue.scores.get(participant=aiko)
    assert (score.impact, score.feasibility) == (4, 3)
    action = workshop.actions.get(title=text["action"])
    assert list(action.owners.all()) == [aiko.stakeholder]
    assert list(action.addresses.all()) == [issue]
