"""The current-state page's CSV import: who may use it, the preview, and adding all rows at once."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from visions.documents.derived import target_gap
from visions.models import Activity, Assessment, Issue, IssueOrigin, Phase

from tests.factories import AssessmentFactory, TargetFactory, VisionFactory
from tests.live.test_live_support import make_room, oob_ids, poll, poll_url_of, set_phase, url

DATA = Path(__file__).resolve().parent.parent / "data" / "indicators"


@pytest.fixture
def room(db):
    return make_room(phase=Phase.CURRENT_STATE)


@pytest.fixture
def target(room):
    vision = VisionFactory(workshop=room.workshop, status="adopted")
    return TargetFactory(workshop=room.workshop, vision=vision, indicator="Bus stop coverage", unit="%", target_value=90)


def preview_url(room, target):
    return url("assessment_import", room.workshop, target.pk)


def confirm_url(room, target):
    return url("assessment_import_confirm", room.workshop, target.pk)


def fixture_text(name):
    return (DATA / name).read_bytes().decode("utf-8-sig")


def upload(name, data=None):
    return SimpleUploadedFile(name, data if data is not None else (DATA / name).read_bytes(), "text/csv")


def confirm_form(response):
    """The text and key the preview's confirm form carries, as a browser would post them back."""
    page = response.content.decode()
    form = page.split('action="' + response.wsgi_request.path + 'confirm/"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="(text|form_key)" value="([^"]*)"', form))
    import html

    return {name: html.unescape(value) for name, value in fields.items()}


# --- the preview ---------------------------------------------------------------------


def test_the_current_state_page_links_each_target_to_its_import(room, target):
    page = room.participant.get(url("phase_page", room.workshop, Phase.CURRENT_STATE)).content.decode()
    assert f'href="{preview_url(room, target)}"' in page
    observed = room.observer.get(url("phase_page", room.workshop, Phase.CURRENT_STATE)).content.decode()
    assert preview_url(room, target) not in observed


def test_the_form_explains_the_columns_and_what_a_year_means(room, target):
    response = room.participant.get(preview_url(room, target))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bus stop coverage" in page and "31 December" in page and 'name="file"' in page


def test_an_uploaded_spreadsheet_export_is_previewed_row_by_row_and_nothing_is_saved(room, target):
    response = room.participant.post(preview_url(room, target), {"file": upload("excel_ja_bom_crlf.csv")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "5 assessments will be added." in page
    rows = page.split('data-testid="import-rows"', 1)[1].split("</table>", 1)[0]
    assert rows.count("<tr") == 6  # the header and five lines
    assert "12,480 %" in rows and "住民基本台帳" in rows
    assert not Assessment.objects.exists()
    assert confirm_form(response)["text"].startswith("日付,値（人）")


def test_a_bad_line_in_the_middle_refuses_the_file_and_is_named(room, target):
    response = room.participant.post(preview_url(room, target), {"text": fixture_text("bad_line_middle.csv")})
    assert response.status_code == 400
    page = response.content.decode()
    errors = page.split('data-testid="import-errors"', 1)[1].split("</div>", 1)[0]
    assert "line 7: date “2025-13-01” is not a date" in errors
    assert 'action="' + confirm_url(room, target) not in page  # no way to add a refused file
    assert "The lines that are correct" in page
    assert "2025-13-01" in page.split("<textarea", 1)[1]  # the text is kept, to correct it


def test_shift_jis_and_empty_input_are_refused_with_what_to_do(room, target):
    response = room.participant.post(preview_url(room, target), {"file": upload("years_ja_shift_jis.csv")})
    assert response.status_code == 400
    assert "CSV UTF-8" in response.content.decode()
    response = room.participant.post(preview_url(room, target), {"text": "  "})
    assert response.status_code == 400 and "Paste a table or choose a CSV file." in response.content.decode()
    response = room.participant.post(
        preview_url(room, target), {"text": "date,value\n2024,1\n", "file": upload("years_ja.csv")}
    )
    assert response.status_code == 400 and "not both" in response.content.decode()


# --- confirming ----------------------------------------------------------------------


def test_confirming_adds_every_row_in_one_change_and_the_gap_follows(room, target):
    preview = room.participant.post(preview_url(room, target), {"file": upload("years_ja.csv")})
    response = room.participant.post(confirm_url(room, target), confirm_form(preview))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#target-{target.pk}")
    assessments = list(Assessment.objects.filter(target=target).order_by("as_of"))
    assert [(a.as_of.isoformat(), a.value, a.author_id) for a in assessments] == [
        ("2015-12-31", 41.2, room.me.pk),
        ("2020-12-31", 43.9, room.me.pk),
        ("2023-12-31", 45.1, room.me.pk),
    ]
    gap_issue = Issue.objects.get(target=target, origin=IssueOrigin.DERIVED)
    recorded = list(Activity.objects.order_by("id").values_list("subject_type", "verb", "summary", "changes"))
    assert [(kind, verb) for kind, verb, _s, _c in recorded] == [("assessment", "created"), ("issue", "created")]
    assert recorded[0][2] == "Bus stop coverage: +3 (CSV)" and recorded[0][3]["imported"] == 3
    assert gap_issue.title
    assert target_gap(target, assessments).current == 45.1
    page = room.participant.get(response["Location"]).content.decode()
    assert "3 assessments of “Bus stop coverage” added from the file." in page
    assert "45.1 %" in page


def test_confirming_reads_the_text_again_and_refuses_a_changed_one(room, target):
    preview = room.participant.post(preview_url(room, target), {"text": fixture_text("years_ja.csv")})
    posted = confirm_form(preview)
    posted["text"] += "2024,not a number,,\n"
    response = room.participant.post(confirm_url(room, target), posted)
    assert response.status_code == 400
    assert "line 5: value “not a number” is not a number" in response.content.decode()
    assert not Assessment.objects.exists() and not Activity.objects.exists()


def test_a_repeated_confirm_adds_once_and_a_reimport_skips_what_is_recorded(room, target):
    preview = room.participant.post(preview_url(room, target), {"text": fixture_text("years_ja.csv")})
    posted = confirm_form(preview)
    room.participant.post(confirm_url(room, target), posted)
    room.participant.post(confirm_url(room, target), posted)
    assert Assessment.objects.count() == 3
    again = room.participant.post(preview_url(room, target), {"text": fixture_text("years_ja.csv")})
    assert "Nothing to add: every line of the file is recorded already." in again.content.decode()
    assert 'action="' + confirm_url(room, target) not in again.content.decode()


def test_an_open_page_redraws_the_target_after_an_import(room, target):
    poll_url = poll_url_of(room.other.get(url("phase_page", room.workshop, Phase.CURRENT_STATE)))
    preview = room.participant.post(preview_url(room, target), {"text": fixture_text("sheets_tab.tsv")})
    room.participant.post(confirm_url(room, target), confirm_form(preview))
    assert (f"target-{target.pk}-body", "true") in oob_ids(poll(room.other, poll_url))


def test_the_facilitators_import_has_no_author(room, target):
    AssessmentFactory(target=target, value=30)  # the gap issue exists already: only the import is recorded
    preview = room.facilitator.post(preview_url(room, target), {"text": fixture_text("open_sdg_series.csv")})
    assert "Columns not imported:" in preview.content.decode()
    room.facilitator.post(confirm_url(room, target), confirm_form(preview))
    assert list(Assessment.objects.filter(author=None).values_list("value", flat=True).order_by("as_of")) == [
        54.0,
        55.5,
        57.25,
        30.0,
    ]
    assert Activity.objects.count() == 1


# --- who may import ----------------------------------------------------------------------


def test_observers_are_refused_and_strangers_outsiders_and_anonymous_get_404(room, target):
    text = {"text": fixture_text("years_ja.csv")}
    for address in (preview_url(room, target), confirm_url(room, target)):
        assert room.observer.post(address, text).status_code == 403
        for who in (room.stranger, room.outsider, room.anonymous):
            assert who.post(address, text).status_code == 404
    assert room.observer.get(preview_url(room, target)).status_code == 403
    assert room.stranger.get(preview_url(room, target)).status_code == 404
    assert not Assessment.objects.exists()


def test_a_target_of_another_workshop_or_not_adopted_is_404(room, target):
    elsewhere = TargetFactory(vision__status="adopted")
    proposed = TargetFactory(workshop=room.workshop, vision=VisionFactory(workshop=room.workshop))
    for other in (elsewhere, proposed):
        assert room.participant.get(url("assessment_import", room.workshop, other.pk)).status_code == 404
        assert room.facilitator.post(url("assessment_import_confirm", room.workshop, other.pk)).status_code == 404


def test_wrong_methods_are_405(room, target):
    assert room.participant.put(preview_url(room, target)).status_code == 405
    assert room.participant.get(confirm_url(room, target)).status_code == 405


def test_a_locked_workshop_refuses_participants_but_not_the_facilitator(room, target):
    preview = room.participant.post(preview_url(room, target), {"text": fixture_text("years_ja.csv")})
    set_phase(room.workshop, Phase.CURRENT_STATE, locked=True)
    response = room.participant.post(confirm_url(room, target), confirm_form(preview))
    assert response.status_code == 423 and "locked" in response.content.decode()
    assert room.participant.get(preview_url(room, target)).status_code == 423
    assert not Assessment.objects.exists()
    assert room.facilitator.post(confirm_url(room, target), confirm_form(preview)).status_code == 302
    assert Assessment.objects.count() == 3


def test_after_the_phase_participants_can_no_longer_import(room, target):
    preview = room.participant.post(preview_url(room, target), {"text": fixture_text("years_ja.csv")})
    set_phase(room.workshop, Phase.ISSUES)
    assert room.participant.post(confirm_url(room, target), confirm_form(preview)).status_code == 403
    assert not Assessment.objects.exists()


def test_the_page_is_in_japanese_too(room, target):
    room.participant.cookies["django_language"] = "ja"
    response = room.participant.post(
        preview_url(room, target), {"text": fixture_text("bad_line_middle.csv")}, headers={"Accept-Language": "ja"}
    )
    page = response.content.decode()
    assert "7行目" in page and "CSV から現状評価を取り込む" in page
