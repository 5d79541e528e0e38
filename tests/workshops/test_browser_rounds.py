"""In the browser: the facilitator starts the next round and finds both rounds on the series page;
the public page and the series page fit a phone."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from visions.models import PublicLink, Workshop

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    return Workshop.objects.get()


def signed_in(browser, live_server, viewport):
    context = browser.new_context(locale="en", viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("demo")
    page.locator("#id_password").fill("demo-facilitator")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    return page


def test_the_facilitator_starts_the_next_round_and_the_series_shows_both(browser, live_server, demo):
    page = signed_in(browser, live_server, {"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/workshops/{demo.pk}/")
    page.get_by_test_id("next-round-link").click()
    page.locator("#id_title").fill("Mirai 2027")
    with page.expect_navigation():
        page.locator("main button[type=submit]", has_text="Start the next round").click()
    following = Workshop.objects.get(previous_round=demo)
    assert page.url.endswith(f"/workshops/{following.pk}/")
    assert following.display_join_code in page.get_by_test_id("join-code").inner_text()
    page.get_by_test_id("series-link").click()
    rounds = page.get_by_test_id("rounds").inner_text()
    assert demo.title in rounds and "Mirai 2027" in rounds
    assert page.get_by_test_id("series-target").count() == demo.targets.count()
    assert page.get_by_test_id("transition").count() == 1
    page.context.close()


@pytest.mark.parametrize("width", [390, 360])
def test_the_public_and_series_pages_fit_a_phone(browser, live_server, demo, width):
    _link, token = PublicLink.make(demo, get_user_model().objects.get(username="demo"))
    page = signed_in(browser, live_server, {"width": width, "height": 844})
    for path in (f"/p/{token}/", f"/workshops/{demo.pk}/series/", f"/workshops/{demo.pk}/public-links/"):
        response = page.goto(live_server.url + path)
        assert response.status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} is wider than the phone"
        assert page.locator("main h1").first.bounding_box()["y"] < 250
    page.context.close()
