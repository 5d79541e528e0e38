"""A participant's phone (390×844 and 360 wide) on every page of the demo workshop.

The site header stays in two short rows and the phases in one, so each page starts near the
top of the screen; nothing is wider than the phone (wide tables scroll inside their box).
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from visions.models import Phase, Workshop

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    return Workshop.objects.get()


def joined_phone(browser, live_server, workshop, width):
    context = browser.new_context(locale="en", viewport={"width": width, "height": 844})
    phone = context.new_page()
    phone.goto(f"{live_server.url}/join/?code={workshop.join_code}")
    phone.locator("input[name=display_name]").fill("Phone tester")
    phone.locator("select[name=sector]").select_option("industry")
    phone.locator("main button[type=submit]").click()
    phone.wait_for_load_state()
    return phone


@pytest.mark.parametrize("width", [390, 360])
def test_every_page_fits_a_phone_and_starts_near_the_top(browser, live_server, demo, width):
    ARTIFACTS.mkdir(exist_ok=True)
    phone = joined_phone(browser, live_server, demo, width)
    pages = [f"/workshops/{demo.pk}/live/phase/{phase}/" for phase in Phase.values]
    pages += [f"/workshops/{demo.pk}/roadmap/", f"/workshops/{demo.pk}/", "/"]
    for path in pages:
        phone.goto(live_server.url + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= width, f"{path} is wider than the phone"
        header = phone.locator("header.site-header").bounding_box()
        assert header["height"] <= 80, f"{path}: the site header takes {header['height']} px"
        if "/phase/" in path:
            steps = phone.locator("nav.phase-steps ol").bounding_box()
            assert steps["height"] <= 48, f"{path}: the phases take {steps['height']} px"
            if path.endswith(f"/{demo.phase}/"):
                # The page being shown: its heading is on the first screen, under the chrome.
                phone.screenshot(path=ARTIFACTS / f"phone-{width}-{demo.phase}.png")
                heading = phone.locator("main :is(h1, h2)").first.bounding_box()
                assert heading["y"] < 320, f"{path}: the page starts at {heading['y']} px"
    phone.context.close()
