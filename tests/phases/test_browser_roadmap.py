"""Building a roadmap in Chromium by backcasting: milestones from the target year, then an action."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from visions.live.access import remember_participant
from visions.demo.loader import build_demo_workshop
from visions.models import Action, Milestone, Participant

from tests.factories import IssueFactory, StakeholderFactory, UserFactory, WorkshopFactory

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"


@pytest.fixture
def backcast_workshop(transactional_db):
    user = UserFactory(username="browserfac")
    workshop = WorkshopFactory(facilitators=[user], title="Awa 2050", base_year=2026, target_year=2050)
    StakeholderFactory(workshop=workshop, name="Prefectural government", sector="government")
    StakeholderFactory(workshop=workshop, name="Tokushima University", sector="academia")
    IssueFactory(workshop=workshop, title="Too few care workers")
    return workshop


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_backcasting_a_roadmap_in_the_browser(page, live_server, backcast_workshop):
    workshop = backcast_workshop
    sign_in(page, live_server, "browserfac")
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/roadmap/")
    expect(page.get_by_role("heading", name="Backcast roadmap")).to_be_visible()
    # The coverage check shows the issue nobody addresses yet.
    expect(page.locator("#check-coverage")).to_contain_text("Too few care workers")

    # Milestones backwards from the target year: 2050, 2040, 2030 and next year.
    page.get_by_role("link", name="Suggest milestones backwards").click()
    series = page.get_by_test_id("series-form")
    expect(series).to_be_visible()
    years = series.locator("input[type=number]")
    expect(years).to_have_count(4)
    assert [years.nth(i).input_value() for i in range(4)] == ["2050", "2040", "2030", "2027"]
    titles = series.locator("input[type=text]")
    titles.nth(0).fill("Everyone lives well at home, whatever their age")
    titles.nth(1).fill("Care robots in every care home")
    titles.nth(2).fill("Care workers per 1,000 older people: 40")
    # The facilitator edits a suggested year before saving it.
    years.nth(3).fill("2028")
    titles.nth(3).fill("A prefectural future council meets")
    series.get_by_role("button", name="Add these milestones").click()
    expect(page.locator("#milestones-heading")).to_be_visible()
    expect(page.locator("ol.backcast")).to_contain_text("A prefectural future council meets")
    assert sorted(Milestone.objects.filter(workshop=workshop).values_list("year", flat=True)) == [
        2028,
        2030,
        2040,
        2050,
    ]
    # The panel is closed and the address is the roadmap again.
    expect(page.locator("#action-panel.open")).to_have_count(0)
    assert page.url.endswith(f"/workshops/{workshop.pk}/roadmap/")

    # An action for the 2030 milestone, addressing the open issue.
    milestone_2030 = page.locator("ol.backcast li", has_text="Care workers per 1,000")
    milestone_2030.get_by_role("link", name="Add an action for it").click()
    form = page.get_by_test_id("action-form")
    expect(form).to_be_visible()
    expect(form.get_by_label("End year")).to_have_value("2030")
    form.get_by_label("Title").fill("Recruit and train care workers")
    form.get_by_label("Prefectural government (Government / public)").check()
    form.get_by_label("Tokushima University (Academia)").check()
    form.get_by_label("Too few care workers").check()
    form.get_by_label("Start year").fill("2027")
    form.get_by_role("button", name="Add action").click()

    bar = page.locator("svg[data-role=timeline] a[data-action-id]")
    expect(bar).to_have_count(1)
    expect(bar).to_have_attribute("data-lane", "joint")
    expect(bar.locator("title")).to_contain_text("Recruit and train care workers")
    expect(page.locator("#check-coverage")).to_contain_text("Every issue is addressed")
    action = Action.objects.get(workshop=workshop)
    assert action.milestone.year == 2030

    # Clicking the bar opens the action for editing in the panel, without leaving the page.
    bar.click()
    edit_form = page.get_by_test_id("action-form")
    expect(edit_form.get_by_label("Title")).to_have_value("Recruit and train care workers")
    assert page.url.endswith(f"/roadmap/actions/{action.pk}/edit/")
    expect(page.get_by_role("heading", name="Backcast roadmap")).to_be_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=ARTIFACTS / "roadmap-page-panel.png")
    page.get_by_role("link", name="Close").click()
    expect(page.locator("#action-panel.open")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "roadmap-page.png", full_page=True)


def participant_session(context, live_server, participant):
    """A browser context that has joined the workshop as `participant`."""
    session = SessionStore()
    remember_participant(session, participant)
    session.save()
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}
    context.add_cookies([cookie])


def test_the_demo_roadmap_built_from_scratch(page, browser, live_server, transactional_db):
    user = UserFactory(username="demofac")
    demo = build_demo_workshop(user)
    Action.objects.filter(workshop=demo).delete()
    Milestone.objects.filter(workshop=demo).delete()
    sign_in(page, live_server, "demofac")
    page.goto(f"{live_server.url}/workshops/{demo.pk}/roadmap/")

    # Every issue is open; the prioritised filter narrows to the top five by votes.
    coverage = page.locator("#check-coverage")
    total = int(page.get_by_test_id("unaddressed-count").inner_text())
    assert total == demo.issues.count()
    coverage.get_by_role("link", name="Prioritised: top 5 by votes").click()
    expect(page.get_by_test_id("unaddressed-count")).to_have_text("5")
    assert page.url.endswith("?issues=prioritised")

    # Backwards from 2050.
    page.get_by_role("link", name="Suggest milestones backwards").click()
    series = page.get_by_test_id("series-form")
    titles = series.locator("input[type=text]")
    expect(titles).to_have_count(4)
    for n, title in enumerate(
        ["誰もが住み慣れた地域で暮らしている", "介護・医療・移動の統合窓口", "全市町村でデマンド交通", "推進協議会の発足"]
    ):
        titles.nth(n).fill(title)
    series.get_by_role("button", name="Add these milestones").click()
    expect(page.locator("svg[data-role=timeline] [data-role=milestone]")).to_have_count(4)

    # The top open issue gets a joint action for 2030.
    top_issue = coverage.locator("li").first
    issue_title = top_issue.locator("span").first.inner_text()
    top_issue.get_by_role("link", name="Add an action for it").click()
    form = page.get_by_test_id("action-form")
    expect(form.get_by_label(issue_title)).to_be_checked()
    form.get_by_label("Title").fill("地域の通いの場を全小学校区に")
    form.get_by_label("みらい県庁 保健福祉部 (Government / public)").check()
    form.get_by_label("NPO法人 つながるみらい (Citizens / civil society)").check()
    form.get_by_label("Start year").fill("2027")
    form.get_by_label("End year").fill("2030")
    form.get_by_label("Milestone it serves").select_option(label="2030: 全市町村でデマンド交通")
    form.get_by_role("button", name="Add action").click()
    bar = page.locator("svg[data-role=timeline] a[data-action-id]")
    expect(bar).to_have_count(1)
    expect(bar).to_have_attribute("data-lane", "joint")
    expect(page.get_by_test_id("unaddressed-count")).to_have_text(str(total - 1))

    # After the workshop, the prefecture's representative reports progress from their own browser.
    representative = Participant.objects.get(workshop=demo, stakeholder__name="みらい県庁 保健福祉部")
    context = browser.new_context()
    participant_session(context, live_server, representative)
    their_page = context.new_page()
    their_page.goto(f"{live_server.url}/workshops/{demo.pk}/roadmap/")
    row = their_page.locator("#actions-table tbody tr").first
    row.get_by_label("Status: 地域の通いの場を全小学校区に").select_option("in_progress")
    row.get_by_label("Progress (%): 地域の通いの場を全小学校区に").fill("30")
    row.get_by_role("button", name="Update").click()
    expect(their_page.locator("#progress-by-sector tr[data-lane=joint]")).to_contain_text("30 %")
    context.close()
    # The facilitator's open page picks the change up by itself.
    expect(page.locator("#progress-by-sector tr[data-lane=joint]")).to_contain_text("30 %", timeout=10_000)
