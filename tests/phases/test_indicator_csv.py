"""Reading a target's assessments from CSV: real exports under tests/data/indicators, and each refusal."""

import datetime
from pathlib import Path

import pytest
from django.utils import translation

from visions.phases.indicator_csv import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    NotText,
    decode_upload,
    parse_assessments_csv,
    read_assessments_csv,
)

from tests.factories import AssessmentFactory, TargetFactory

DATA = Path(__file__).resolve().parent.parent / "data" / "indicators"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def read(name, existing=()):
    return read_assessments_csv(decode_upload((DATA / name).read_bytes()), existing=set(existing))


def messages(result):
    return [str(error) for error in result.errors]


def test_the_fixtures_are_as_spreadsheets_write_them():
    """Guard against an editor or git normalising them: the BOM and CRLF must be there."""
    excel = (DATA / "excel_ja_bom_crlf.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf") and b"\r\n" in excel and b"\n" not in excel.replace(b"\r\n", b"")
    assert b"\t" in (DATA / "sheets_tab.tsv").read_bytes()


def test_a_japanese_excel_export_with_bom_crlf_quoted_thousands_and_slashed_dates():
    result = read("excel_ja_bom_crlf.csv")
    assert messages(result) == []
    assert result.columns == {"date": 0, "value": 1, "source": 2, "note": 3}
    assert [(row.line, row.as_of, row.value) for row in result.rows] == [
        (2, datetime.date(2019, 4, 1), 12480),
        (3, datetime.date(2020, 4, 1), 12301),
        (4, datetime.date(2021, 4, 1), 12166),
        (5, datetime.date(2022, 4, 1), 11987),
        (6, datetime.date(2023, 4, 1), 11842),
    ]
    assert result.rows[0].note == "住民基本台帳"
    assert result.rows[2].note == "転出超過, 前年比▲135"  # a quoted cell keeps its comma


def test_an_english_excel_export_with_escaped_quotes_and_a_blank_trailing_line():
    result = read("excel_en_bom_crlf.csv")
    assert messages(result) == []
    assert [row.value for row in result.rows] == [58.5, 60.25, 61.0]
    assert result.rows[1].note == 'Routes 4 and 7 extended; "on demand" stops counted'


def test_japanese_headers_and_a_year_alone_meaning_31_december():
    result = read("years_ja.csv")
    assert messages(result) == []
    assert [(row.as_of, row.value, row.from_year) for row in result.rows] == [
        (datetime.date(2015, 12, 31), 41.2, True),
        (datetime.date(2020, 12, 31), 43.9, True),
        (datetime.date(2023, 12, 31), 45.1, True),
    ]
    assert result.rows[0].source == "国勢調査" and result.rows[2].note == "年度末"


def test_a_tab_separated_sheet_with_full_width_digits_and_a_japanese_minus_mark():
    result = read("sheets_tab.tsv")
    assert result.delimiter == "\t"
    assert messages(result) == []
    assert [row.value for row in result.rows] == [32.5, 33.1, -1.5]


def test_a_bad_line_in_the_middle_refuses_the_file_and_is_named():
    result = read("bad_line_middle.csv")
    assert messages(result) == ["line 7: date “2025-13-01” is not a date (write YYYY-MM-DD or a year)"]
    assert 7 not in [row.line for row in result.rows]  # the others are shown, but nothing is added


def test_shift_jis_is_refused_with_what_to_do():
    with pytest.raises(NotText, match="Shift_JIS.*CSV UTF-8"):
        decode_upload((DATA / "years_ja_shift_jis.csv").read_bytes())


def test_columns_it_does_not_know_are_listed_and_left_out():
    result = read("open_sdg_series.csv")
    assert messages(result) == []
    assert result.ignored == ["Series", "Units", "GeoCode"]
    assert [row.value for row in result.rows] == [54.0, 55.5, 57.25]


def test_lines_recorded_already_are_left_out_so_a_series_can_be_imported_again():
    result = read("years_ja.csv", existing=[(datetime.date(2015, 12, 31), 41.2)])
    assert [row.already for row in result.rows] == [True, False, False]
    assert len(result.new_rows) == 2


@pytest.mark.django_db
def test_parse_reads_the_targets_recorded_assessments():
    target = TargetFactory()
    AssessmentFactory(target=target, as_of=datetime.date(2020, 12, 31), value=43.9)
    rows, errors = parse_assessments_csv((DATA / "years_ja.csv").read_text(encoding="utf-8"), target)
    assert errors == [] and [row.already for row in rows] == [False, True, False]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("date,value\n2025-02-30,1\n", "line 2: date “2025-02-30” is not a date (write YYYY-MM-DD or a year)"),
        ("date,value\n令和6年,1\n", "line 2: date “令和6年” is not a date (write YYYY-MM-DD or a year)"),
        ("date,value\n1850,1\n", "line 2: date “1850” is outside the years 1900 to 2300"),
        ("date,value\n2024,\n", "line 2: no value"),
        ("date,value\n,5\n", "line 2: no date"),
        ("date,value\n2024,n/a\n", "line 2: value “n/a” is not a number"),
        ("date,value\n2024,nan\n", "line 2: value “nan” is not a number"),
        ("date,value\n2024,1e16\n", "line 2: value “1e16” is outside -1,000,000,000,000,000 to 1,000,000,000,000,000"),
        (
            'date,value\n2024,"1,5"\n',
            "line 2: value “1,5”: a comma is read only as a thousands separator (1,234.5); "
            "write a decimal point, not a decimal comma",
        ),
        (
            "date,value,source\n2024,1,234,census\n",
            "line 2: 4 cells, but the header names 3 columns",
        ),
        (
            "date,value,source\n2024,1,234\n",
            "line 2: value “1” is followed by “234”: in a comma-separated file, quote a number with "
            'thousands separators ("1,234") or leave the separators out',
        ),
        ("date,value\n2024,1\n2024-12-31,2\n", "line 3: date 2024-12-31 appears again (first on line 2)"),
        ('date,value,note\n2024,1,"unclosed\n', "line 2: the line cannot be read as CSV: a quoted cell must end with a quote before the next separator"),
        ("year,amount,備考,note\n2024,1,,\n", "line 1: two columns name the note: “備考” and “note”"),
        ("when,how much\n2024,1\n", "line 1: no date column: name it in the header, e.g. “date” / “日付”"),
        ("date,value\n", "The file has a header but no assessments."),
        (" \r\n", "The file is empty: give a header line and one line per assessment."),
    ],
)
def test_each_bad_line_is_named_with_its_reason(text, expected):
    rows, errors = parse_assessments_csv(text, None, existing=set())
    assert expected in [str(error) for error in errors]


def test_a_quoted_cell_over_several_lines_counts_from_its_first_line():
    rows, errors = parse_assessments_csv('date,value,note\n2023,1,"two\nlines"\n2024,x,\n', None, existing=set())
    assert [row.note for row in rows] == ["two\nlines"]
    assert [str(error) for error in errors] == ["line 4: value “x” is not a number"]


def test_headers_ignore_case_spaces_and_a_unit_in_brackets():
    rows, errors = parse_assessments_csv(" As Of ;VALUE (%);Source URL\n2024-01-31;1.5;x\n", None, existing=set())
    assert errors == [] and rows[0].value == 1.5 and rows[0].source == "x"


def test_without_a_header_the_columns_are_date_value_source_note():
    rows, errors = parse_assessments_csv("2022\t40\tcensus\n2023\t41\tcensus\tprovisional\n", None, existing=set())
    assert errors == [] and [(row.line, row.value, row.note) for row in rows] == [(1, 40, ""), (2, 41, "provisional")]


def test_text_is_as_long_as_the_form_allows():
    too_long = "x" * 1001
    rows, errors = parse_assessments_csv(f"date,value,source\n2024,1,{too_long}\n", None, existing=set())
    assert [str(error) for error in errors] == ["line 2: source is 1,001 characters long; at most 1,000"]


def test_size_and_row_limits_are_stated():
    many = "date,value\n" + "".join(f"{1900 + n % 400}-01-{1 + n // 400:02d},1\n" for n in range(MAX_IMPORT_ROWS + 1))
    rows, errors = parse_assessments_csv(many, None, existing=set())
    assert [str(error) for error in errors] == [
        f"The file has {MAX_IMPORT_ROWS + 1} lines of data; at most {MAX_IMPORT_ROWS} can be imported at once."
    ]
    rows, errors = parse_assessments_csv("date,value\n" + "x" * MAX_IMPORT_BYTES, None, existing=set())
    assert [str(error) for error in errors] == ["The file is larger than 512 KB; import it in parts."]
    with pytest.raises(NotText, match="512 KB"):
        decode_upload(b"x" * (MAX_IMPORT_BYTES + 1))


def test_messages_are_in_japanese_too():
    with translation.override("ja"):
        result = read("bad_line_middle.csv")
        assert messages(result) == ["7行目: 日付「2025-13-01」は日付として読めません（YYYY-MM-DD か西暦年で書いてください）"]
