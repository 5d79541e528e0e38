"""Which language a page speaks: the person's choice, else the browser's, else the workshop's.

Also: the switch on every page, sector and SDG names in both languages, and a complete
Japanese catalogue. The Japanese pages need the compiled catalogue (scripts/setup.sh).
"""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from visions.live import record
from visions.live.access import Viewer
from visions.phases.console import VISION_HIDDEN
from visions.phases.issues import ISSUE_ADDED
from visions.i18n import accepted_languages, language_chosen_by_person
from visions.models import Activity, Sector
from visions.documents.pdf import render_workshop_html
from visions.documents.snapshot import load_snapshot

from tests.conftest import join_as
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    IssueFactory,
    ParticipantFactory,
    StakeholderFactory,
    TargetFactory,
    UserFactory,
    VisionFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture(autouse=True)
def language_left_as_found():
    """A request leaves its language active in the thread; later test modules expect the default."""
    before = translation.get_language()
    yield
    translation.activate(before)


def page_language(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def browser(accept_language=None, cookie=None):
    """A client like a browser that sends the given Accept-Language (or none) and language cookie."""
    client = Client(headers={"accept-language": accept_language} if accept_language else {})
    if cookie:
        client.cookies[COOKIE] = cookie
    return client


@pytest.fixture
def japanese_workshop(facilitator):
    return WorkshopFactory(language="ja", facilitators=[facilitator])


@pytest.fixture
def english_workshop(facilitator):
    return WorkshopFactory(language="en", facilitators=[facilitator])


def as_facilitator(client, facilitator):
    client.force_login(facilitator)
    return client


# --- the switch -----------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["login", "join"])
def test_every_page_has_the_language_switch_with_each_language_named_in_itself(url_name):
    body = browser("en").get(reverse(url_name)).content.decode()
    switch = body[body.index('data-testid="language-switch"') :]
    switch = switch[: switch.index("</form>")]
    assert f'action="{reverse("set_language")}"' in body
    assert 'value="en" lang="en"' in switch and ">English</button>" in switch
    assert 'value="ja" lang="ja"' in switch and ">日本語</button>" in switch
    assert f'name="next" value="{reverse(url_name)}"' in switch


def test_the_switch_marks_the_current_language_not_by_colour_alone():
    body = browser("ja").get(reverse("join")).content.decode()
    assert re.search(r'value="ja" lang="ja" class="link" aria-current="true"', body)
    assert not re.search(r'value="en" lang="en" class="link" aria-current', body)


def test_choosing_a_language_is_remembered_for_a_year_and_returns_to_the_page():
    client = browser("en")
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/join/?code=ABC"})

    assert response.status_code == 302
    assert response["Location"] == "/join/?code=ABC"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "ja"
    assert int(cookie["max-age"]) >= 60 * 60 * 24 * 365
    page = client.get(reverse("join"))
    assert page_language(page) == "ja"
    assert "ワークショップに参加" in page.content.decode()


def test_the_choice_beats_the_browser():
    assert page_language(browser("ja", cookie="en").get(reverse("join"))) == "en"
    assert page_language(browser("en", cookie="ja").get(reverse("join"))) == "ja"


def test_an_unknown_cookie_value_is_ignored():
    assert page_language(browser("ja", cookie="xx").get(reverse("join"))) == "ja"


# --- the browser, then the workshop ---------------------------------------------


def test_the_browser_beats_the_workshop(facilitator, japanese_workshop, english_workshop):
    english_browser = as_facilitator(browser("en-US,en;q=0.9"), facilitator)
    assert page_language(english_browser.get(japanese_workshop.get_absolute_url())) == "en"
    japanese_browser = as_facilitator(browser("ja-JP,ja;q=0.9,en;q=0.5"), facilitator)
    assert page_language(japanese_browser.get(english_workshop.get_absolute_url())) == "ja"


@pytest.mark.parametrize("accept_language", [None, "fr-FR,fr;q=0.9", "ja;q=0, de"])
def test_without_a_choice_the_workshop_page_speaks_the_workshops_language(
    facilitator, japanese_workshop, english_workshop, accept_language
):
    client = as_facilitator(browser(accept_language), facilitator)

    japanese = client.get(japanese_workshop.get_absolute_url())
    assert page_language(japanese) == "ja"
    assert japanese["Content-Language"] == "ja"
    assert "参加コード" in japanese.content.decode()
    assert page_language(client.get(english_workshop.get_absolute_url())) == "en"
    # Pages under the workshop follow it too.
    assert page_language(client.get(reverse("workshop_edit", args=[japanese_workshop.pk]))) == "ja"


def test_a_participants_pages_speak_the_language_of_the_workshop_they_joined(japanese_workshop):
    client = join_as(browser(), ParticipantFactory(workshop=japanese_workshop))

    assert page_language(client.get(japanese_workshop.get_absolute_url())) == "ja"
    # Outside the workshop's address (the join page), the session's workshop decides.
    assert page_language(client.get(reverse("join"))) == "ja"


def test_a_stranger_learns_nothing_about_a_workshops_language(japanese_workshop):
    stranger = as_facilitator(browser(), UserFactory(username="stranger"))

    response = stranger.get(japanese_workshop.get_absolute_url())

    assert response.status_code == 404
    assert page_language(response) == settings.LANGUAGE_CODE


def test_with_no_workshop_and_no_choice_the_site_default_is_used(facilitator, japanese_workshop):
    client = as_facilitator(browser(), facilitator)
    assert page_language(client.get(reverse("workshop_list"))) == settings.LANGUAGE_CODE


def test_accept_language_parsing_skips_refused_and_malformed_entries():
    assert accepted_languages("ja-JP, en;q=0.8, fr;q=0, de;q=x, ") == ["ja-JP", "en"]


def test_only_languages_the_app_speaks_count_as_chosen(rf):
    assert language_chosen_by_person(rf.get("/", headers={"accept-language": "fr, ja-JP;q=0.5"})) == "ja"
    assert language_chosen_by_person(rf.get("/", headers={"accept-language": "fr, *"})) is None


# --- names in both languages ------------------------------------------------------


def test_sector_names_exist_in_both_languages():
    english = browser("en").get(reverse("join")).content.decode()
    japanese = browser("ja").get(reverse("join")).content.decode()
    for sector, english_name, japanese_name in [
        (Sector.GOVERNMENT, "Government / public", "行政・公共"),
        (Sector.ACADEMIA, "Academia", "大学・研究機関"),
        (Sector.INDUSTRY, "Industry", "産業・企業"),
        (Sector.CITIZEN, "Citizens / civil society", "市民・市民社会"),
    ]:
        assert f'<option value="{sector.value}">{english_name}</option>' in english
        assert f'<option value="{sector.value}">{japanese_name}</option>' in japanese


def test_sdg_names_follow_the_page_language(facilitator, japanese_workshop):
    vision = VisionFactory(workshop=japanese_workshop)
    vision.set_sdgs([3, 11])
    url = japanese_workshop.get_absolute_url()

    english = as_facilitator(browser("en"), facilitator).get(url).content.decode()
    japanese = as_facilitator(browser("ja"), facilitator).get(url).content.decode()

    assert "SDG 3 Good Health and Well-being" in english
    assert "SDG 11 Sustainable Cities and Communities" in english
    assert "SDGs目標3 すべての人に健康と福祉を" in japanese
    assert "SDGs目標11 住み続けられるまちづくりを" in japanese


def test_error_messages_are_translated_too(facilitator):
    client = as_facilitator(browser("ja"), facilitator)
    body = client.post(reverse("workshop_create"), {"title": " ", "base_year": "2050", "target_year": "2030"})
    body = body.content.decode()
    assert "次の点を直してください" in body
    assert '<a href="#id_title">タイトル：' in body
    assert "目標年は基準年より後にしてください。" in body


# --- the catalogue ------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs gettext's msgfmt")
def test_the_japanese_catalogue_is_complete_and_well_formed():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
    assert re.match(r"\d+ translated messages\.$", result.stderr.strip())


# --- the live pages and the PDF ---------------------------------------------------------


def test_the_console_says_what_happened_in_the_page_language(facilitator, japanese_workshop):
    author = ParticipantFactory(workshop=japanese_workshop, display_name="Aiko")
    issue = IssueFactory(workshop=japanese_workshop, title="Night buses", author=author)
    record(Viewer.of_participant(author), ISSUE_ADDED, issue, summary=issue.title)
    Activity.objects.create(workshop=japanese_workshop, actor_participant=author, verb="made_up", subject_type="workshop")  # an unknown verb reads as stored
    url = reverse("console", args=[japanese_workshop.pk])

    english = as_facilitator(browser("en"), facilitator).get(url).content.decode()
    japanese = as_facilitator(browser("ja"), facilitator).get(url).content.decode()

    assert "<bdi>Aiko</bdi></strong> created issue: <span" in english
    assert "<bdi>Aiko</bdi></strong> ［課題］作成：<span" in japanese
    assert "［ワークショップ］made_up" in japanese


def test_a_vision_history_speaks_the_page_language(facilitator, japanese_workshop):
    vision = VisionFactory(workshop=japanese_workshop)
    record(Viewer.of_facilitator(japanese_workshop, facilitator), VISION_HIDDEN, vision, changes={"hidden": [False, True]})
    url = reverse("vision_history", args=[japanese_workshop.pk, vision.pk])

    english = as_facilitator(browser("en"), facilitator).get(url).content.decode()
    japanese = as_facilitator(browser("ja"), facilitator).get(url).content.decode()

    assert (
        "hid vision" in english and 'hidden: <del dir="auto">no</del> → <ins dir="auto">yes</ins>' in english
    )
    assert (
        "［ビジョン］非表示に" in japanese
        and '非表示：<del dir="auto">なし</del> → <ins dir="auto">あり</ins>' in japanese
    )


def test_assessment_dates_are_written_the_way_the_page_language_writes_them(facilitator, japanese_workshop):
    vision = VisionFactory(workshop=japanese_workshop, status="adopted")
    target = TargetFactory(workshop=japanese_workshop, vision=vision)
    AssessmentFactory(target=target, as_of=datetime.date(2025, 4, 1))
    url = reverse("phase_page", args=[japanese_workshop.pk, "current_state"])

    english = as_facilitator(browser("en"), facilitator).get(url).content.decode()
    japanese = as_facilitator(browser("ja"), facilitator).get(url).content.decode()

    assert '<time datetime="2025-04-01">April 1, 2025</time>' in english
    assert '<time datetime="2025-04-01">2025年4月1日</time>' in japanese


@pytest.mark.parametrize(
    "language, mark, date, by_year",
    [("en", ">G</span>", "April 1, 2025", ">By</th>"), ("ja", ">官</span>", "2025年4月1日", ">達成年</th>")],
)
def test_the_pdf_marks_sectors_with_a_letter_and_dates_in_the_workshops_language(
    facilitator, language, mark, date, by_year
):
    workshop = WorkshopFactory(language=language, facilitators=[facilitator])
    government = StakeholderFactory(workshop=workshop, sector="government")
    vision = VisionFactory(workshop=workshop, status="adopted")
    AssessmentFactory(target=TargetFactory(workshop=workshop, vision=vision), as_of=datetime.date(2025, 4, 1))
    ActionFactory(workshop=workshop).owners.add(government)

    with translation.override("en" if language == "ja" else "ja"):  # the page's language does not matter
        html = render_workshop_html(load_snapshot(workshop))

    assert f'<span class="sector sector-government">{mark[1:]}' in html
    assert f">{date}</td>" in html
    assert by_year in html
