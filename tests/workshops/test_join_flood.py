"""Issue 11, finding 2: "One address locks the room out". A room behind one router shares
its address with anyone guessing from it; typos must not lock it out, and a flood must not
stop the people who scan the QR code."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from visions.models import JoinFailure, Participant, Phase
from visions.workshops.joining import join_pass

from tests.factories import WorkshopFactory
from tests.live.test_live_support import make_room, url
from tests.phases.qr_support import encodes

pytestmark = pytest.mark.django_db

ROOM = "192.0.2.44"  # one router: everyone in the room, and the flood, come from it


QR_SVG = re.compile(r'<svg role="img" aria-label="[^"]*"[^>]*class="qr-code".*?</svg>', re.S)


def qr_of(content):
    return QR_SVG.search(content).group(0)


def post(data, address=ROOM):
    """A join form sent from a fresh browser at `address`; its status code."""
    return Client(REMOTE_ADDR=address).post(reverse("join"), data).status_code


def details(code, **extra):
    return {"code": code, "display_name": "Aiko", "sector": "academia", "discipline": "gerontology", **extra}


def flood(count, address=ROOM):
    """`count` wrong codes from one address, each from a fresh browser (no cookies)."""
    return [post(details(f"ZZZZZ{n:05d}"), address) for n in range(count)]


def qr_join(workshop, name, address=ROOM):
    """A phone scanning the QR code: the link's page, then the form it shows, with its hidden pass."""
    phone = Client(REMOTE_ADDR=address)
    page = phone.get(f"{reverse('join')}?code={workshop.join_code}&pass={join_pass(workshop)}")
    assert page.status_code == 200, page.status_code
    hidden = re.search(r'name="pass" id="id_pass" value="([^"]+)"', page.content.decode()).group(1)
    data = details(workshop.display_join_code, display_name=name, **{"pass": unescape(hidden)})
    return phone.post(reverse("join"), data)


def test_one_address_does_not_lock_the_room_out(workshop):
    """Sixty people behind one router, each mistyping four times before the right code, all join."""
    joined = 0
    for person in range(60):
        browser = Client(REMOTE_ADDR=ROOM)
        for typo in range(4):
            typo_code = f"{workshop.join_code[:9]}{typo}X"
            assert browser.post(reverse("join"), details(typo_code)).status_code == 200
        response = browser.post(reverse("join"), details(workshop.join_code, display_name=f"Person {person}"))
        joined += response.status_code == 302
    assert joined == 60
    assert Participant.objects.filter(workshop=workshop).count() == 60
    assert JoinFailure.objects.count() == 240


def test_after_a_200_guess_flood_the_room_still_joins_by_typing_and_by_the_qr_code(workshop):
    assert flood(200) == [200] * 200
    typed = [post(details(workshop.join_code, display_name=f"T{n}")) for n in range(30)]
    scanned = [qr_join(workshop, f"Q{n}").status_code for n in range(30)]
    assert typed == [302] * 30 and scanned == [302] * 30
    assert Participant.objects.filter(workshop=workshop).count() == 60


def test_one_address_gets_429_after_its_hourly_bound_of_wrong_codes(workshop, settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 20
    assert flood(20) == [200] * 20
    assert flood(3) == [429] * 3
    assert JoinFailure.objects.count() == 20  # refused guesses are not looked up, nor counted
    # Past the bound a typed code is refused right or wrong: else the answer would tell a guesser they hit.
    response = Client(REMOTE_ADDR=ROOM).post(reverse("join"), details(workshop.join_code))
    assert response.status_code == 429
    assert 3500 < int(response["Retry-After"]) <= 3600
    lookup = Client(REMOTE_ADDR=ROOM).get(reverse("join"), {"code": workshop.join_code})
    assert lookup.status_code == 429 and workshop.title not in lookup.content.decode()
    assert not Participant.objects.exists()
    # Another address is not affected.
    assert post(details(workshop.join_code), "192.0.2.45") == 302


def test_the_hourly_bound_frees_one_guess_as_each_failure_ages_out(workshop, settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 3
    flood(3)
    assert flood(1) == [429]
    oldest = JoinFailure.objects.order_by("created_at").first()
    JoinFailure.objects.filter(pk=oldest.pk).update(created_at="2000-01-01T00:00:00Z")
    assert flood(1) == [200]
    assert flood(1) == [429]


def test_the_qr_code_joins_from_a_flooded_address(workshop, settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 20
    flood(25)
    response = qr_join(workshop, "Chie")
    assert response.status_code == 302
    assert Participant.objects.get(workshop=workshop).display_name == "Chie"
    # Its page's lookup (when the code field changes) keeps the pass, and is not limited either.
    query = {"code": workshop.join_code, "pass": join_pass(workshop)}
    lookup = Client(REMOTE_ADDR=ROOM).get(reverse("join"), query, headers={"HX-Request": "true"})
    assert lookup.status_code == 200 and workshop.title in lookup.content.decode()
    assert JoinFailure.objects.count() == 20


def test_a_form_error_after_the_qr_code_keeps_the_pass(workshop, settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 1
    flood(1)
    phone = Client(REMOTE_ADDR=ROOM)
    data = details(workshop.join_code, display_name=" ", **{"pass": join_pass(workshop)})
    response = phone.post(reverse("join"), data)
    assert response.status_code == 200
    assert f'value="{join_pass(workshop)}"' in response.content.decode()
    assert response.context["form"].errors["display_name"]


@pytest.mark.parametrize(
    "forged", ["other workshop", "garbage", "unsigned id", "before the new code", "too long"]
)
def test_a_forged_or_another_workshops_pass_does_not_skip_the_limit(workshop, settings, forged):
    settings.JOIN_FAILURES_PER_ADDRESS = 5
    flood(5)
    other = WorkshopFactory()
    old_pass = join_pass(workshop)
    if forged == "before the new code":
        workshop.rotate_join_code()
    fake = {
        "other workshop": join_pass(other),
        "garbage": "1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "unsigned id": str(workshop.pk),
        "before the new code": old_pass,
        "too long": join_pass(workshop) + "x" * 100,
    }[forged]
    assert post(details(workshop.join_code, **{"pass": fake})) == 429
    # Nor does a valid pass carry another code in.
    assert post(details(other.join_code, **{"pass": join_pass(workshop)})) == 429
    assert not Participant.objects.exists()


def test_a_pass_does_not_open_another_workshop_even_unlimited(workshop):
    other = WorkshopFactory()
    response = Client().post(reverse("join"), details("ZZZZZ-ZZZZZ", **{"pass": join_pass(other)}))
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert JoinFailure.objects.count() == 1


def test_the_limited_page_says_what_to_do_in_english_and_japanese(workshop, settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 1
    flood(1)
    browser = Client(REMOTE_ADDR=ROOM)
    english = browser.post(reverse("join"), details("WRONG-CODE1"), HTTP_ACCEPT_LANGUAGE="en")
    body = english.content.decode()
    assert english.status_code == 429
    assert "Scan the QR code on the projector or on your facilitator’s screen: it lets you in" in body
    assert "Or wait 60 minutes and type the code again." in body
    japanese = browser.post(reverse("join"), details("WRONG-CODE1"), HTTP_ACCEPT_LANGUAGE="ja")
    body = japanese.content.decode()
    assert "QR コードを読み取ってください" in body and "60分待ってから" in body


def test_the_console_qr_code_joins_a_flooded_room_and_says_so(settings):
    settings.JOIN_FAILURES_PER_ADDRESS = 3
    room = make_room(phase=Phase.VISION)
    flood(3)
    content = room.facilitator.get(url("console", room.workshop)).content.decode()
    assert "Scanning this QR code joins even when this network is limited." in content
    link = f"http://testserver/join/?code={room.workshop.join_code}&pass={join_pass(room.workshop)}"
    assert encodes(qr_of(content), link)
    phone = Client(REMOTE_ADDR=ROOM)
    assert phone.get(link.removeprefix("http://testserver")).status_code == 200
    assert qr_join(room.workshop, "Daichi").status_code == 302
