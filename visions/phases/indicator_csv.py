"""Indicator data from a spreadsheet: one target's assessments as CSV, read and checked line by line.

A file has a header line naming its columns (English or Japanese, see COLUMN_NAMES; case,
spaces and a unit in brackets do not matter) and one assessment per line: a date, a value,
optionally a source and a note. Without a known header, a first line that reads as data makes
the columns date, value, source, note in that order. Comma, tab or semicolon separated (the
header line decides), UTF-8 with or without a byte-order mark, CRLF or LF.

- A date is `YYYY-MM-DD` (also `YYYY/M/D` and `YYYY年M月D日`, as Japanese spreadsheets write
  them) or a year alone, which means 31 December of that year (`YEAR_MEANS`): a year's figure
  is known at its end. Years from MIN_YEAR to MAX_YEAR, as the assessment form.
- A value is a number within ±MAX_VALUE; full-width digits, thousands separators (1,234.5),
  a trailing % and the Japanese minus marks ▲ and △ are read; a decimal comma is refused.
- Source and note are at most as long as the assessment form allows.

Any bad line refuses the whole file; each is named with its line number and reason. A line
with a date and value this target already records is left out (`ImportRow.already`), so an
updated series can be imported again; two lines with the same date are refused.

`read_assessments_csv` is pure apart from reading the target's recorded assessments (pass
`existing` to skip even that); the page, the update-link page and the command use it alike.
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from visions.models import DESCRIPTION_LENGTH, MAX_VALUE, MAX_YEAR, MIN_YEAR, Assessment

# Bounds of one import: a statistics series is a few dozen lines; these keep a preview readable.
MAX_IMPORT_BYTES = 512 * 1024
MAX_IMPORT_ROWS = 1000
SOURCE_LENGTH = Assessment._meta.get_field("source").max_length
NOTE_LENGTH = DESCRIPTION_LENGTH
# What a year alone means: (month, day) of that year.
YEAR_MEANS = (12, 31)

# Accepted column names, compared after `header_key` (NFKC, case-folded, without spaces,
# punctuation and a unit in brackets).
COLUMN_NAMES = {
    "date": (
        "date", "asof", "year", "day", "period", "time", "observationdate", "referencedate",
        "日付", "年", "年月日", "時点", "基準日", "調査日", "調査年", "年次", "日時", "年月", "西暦",
    ),
    "value": (
        "value", "values", "amount", "figure", "number", "count", "observation", "obsvalue", "measure",
        "値", "数値", "実績", "実績値", "測定値", "計測値", "指標値", "観測値", "数量", "データ",
    ),
    "source": (
        "source", "sources", "citation", "reference", "url", "link", "sourceurl", "datasource",
        "出典", "出所", "情報源", "参照", "資料", "ソース", "データ出典", "出典url",
    ),
    "note": (
        "note", "notes", "comment", "comments", "remark", "remarks", "memo", "description", "evidencenote",
        "備考", "メモ", "注", "注記", "コメント", "摘要", "説明",
    ),
}
ALIASES = {name: column for column, names in COLUMN_NAMES.items() for name in names}
POSITIONAL = ("date", "value", "source", "note")
DELIMITERS = (",", "\t", ";")

ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
JAPANESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
YEAR_ONLY = re.compile(r"(\d{4})年?")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
MINUS_SIGNS = {"\u2212": "-", "\u2012": "-", "\u2013": "-", "▲": "-", "△": "-"}


@dataclass(frozen=True)
class ImportRow:
    """One assessment a file adds: the line it comes from, and whether it is recorded already."""

    line: int
    as_of: datetime.date
    value: float
    source: str = ""
    note: str = ""
    from_year: bool = False  # the file gave a year alone
    already: bool = False  # the target records this date and value already: left out


@dataclass(frozen=True)
class LineError:
    """A bad line (None: the file as a whole) and why."""

    line: int | None
    reason: str

    def __str__(self):
        if self.line is None:
            return self.reason
        return _("line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)  # column -> the header text that named it
    ignored: list = field(default_factory=list)  # header texts of columns not imported
    delimiter: str = ","

    @property
    def new_rows(self):
        return [row for row in self.rows if not row.already]

    @property
    def ok(self):
        return not self.errors


class NotText(ValueError):
    """Bytes that are not UTF-8 text; the message says so and what to do."""


def decode_upload(data):
    """The text of an uploaded file (UTF-8, with or without a byte-order mark), or NotText."""
    if len(data) > MAX_IMPORT_BYTES:
        raise NotText(too_large_message())
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp932")
    except UnicodeDecodeError:
        raise NotText(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from None
    raise NotText(
        _(
            "The file looks like Shift_JIS text, not UTF-8. In the spreadsheet, save it as "
            "“CSV UTF-8 (comma delimited)” and try again."
        )
    )


def too_large_message():
    return _("The file is larger than %(kb)s KB; import it in parts.") % {"kb": MAX_IMPORT_BYTES // 1024}


def header_key(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[(\[{].*?[)\]}]", "", text)  # "Value (%)", "値（人）"
    return re.sub(r"[\s_\-./:・]+", "", text)


def parse_assessments_csv(text, target, existing=None):
    """The rows `text` would add to `target` and its bad lines: `rows, errors` (see module doc)."""
    result = read_assessments_csv(text, target, existing)
    return result.rows, result.errors


def read_assessments_csv(text, target=None, existing=None):
    """Everything the preview shows: rows, bad lines, the columns as named, the separator.

    `existing`: (date, value) pairs already recorded; read from `target` when not given.
    """
    result = ImportResult()
    text = (text or "").lstrip("\ufeff")
    if len(text.encode("utf-8")) > MAX_IMPORT_BYTES:
        result.errors.append(LineError(None, too_large_message()))
        return result
    if "\x00" in text:
        result.errors.append(LineError(None, _("The file holds NUL characters: it is not a text file.")))
        return result
    if not text.strip():
        result.errors.append(LineError(None, _("The file is empty: give a header line and one line per assessment.")))
        return result
    first_line = text.lstrip("\r\n").splitlines()[0]
    result.delimiter = max(DELIMITERS, key=first_line.count) if any(d in first_line for d in DELIMITERS) else ","
    lines = list(numbered_records(text, result.delimiter))
    header_line, header = lines[0]
    data = read_header(header_line, header, result)
    if result.errors:
        return result
    records = lines[1:] if data is None else lines
    if not records:
        result.errors.append(LineError(None, _("The file has a header but no assessments.")))
        return result
    if len(records) > MAX_IMPORT_ROWS:
        result.errors.append(
            LineError(
                None,
                _("The file has %(count)s lines of data; at most %(max)s can be imported at once.")
                % {"count": len(records), "max": MAX_IMPORT_ROWS},
            )
        )
        return result
    if existing is None:
        existing = set(target.assessments.values_list("as_of", "value")) if target is not None else set()
    known = {(as_of, float(value)) for as_of, value in existing}
    seen = {}
    width = len(header) if data is None else max(len(header), len(POSITIONAL))
    for line, cells in records:
        row = read_row(line, cells, result.columns, width, result.errors, result.delimiter)
        if row is None:
            continue
        if row.as_of in seen:
            result.errors.append(
                LineError(
                    line,
                    _("date %(date)s appears again (first on line %(first)s)")
                    % {"date": row.as_of.isoformat(), "first": seen[row.as_of]},
                )
            )
            continue
        seen[row.as_of] = line
        if (row.as_of, row.value) in known:
            row = ImportRow(**{**row.__dict__, "already": True})
        result.rows.append(row)
    return result


def numbered_records(text, delimiter):
    """(first line number, cells) of every record that is not blank; a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield line, None  # read_row names it
            return
        if any(cell.strip() for cell in cells):
            yield line, [cell.strip() for cell in cells]
        line = reader.line_num + 1


def read_header(line, cells, result):
    """Fill result.columns from the header; None, or the header line itself when it is data."""
    if cells is None:
        result.errors.append(LineError(line, _("the line cannot be read as CSV: a quoted cell must end with a quote before the next separator")))
        return None
    columns = {}
    for index, cell in enumerate(cells):
        column = ALIASES.get(header_key(cell))
        if column is None:
            result.ignored.append(cell)
        elif column in columns:
            first = cells[columns[column]]
            result.errors.append(
                LineError(
                    line,
                    _("two columns name the %(column)s: “%(first)s” and “%(second)s”")
                    % {"column": column_label(column), "first": first, "second": cell},
                )
            )
        else:
            columns[column] = index
    if not columns and looks_like_data(cells):
        result.columns = {column: index for index, column in enumerate(POSITIONAL)}
        result.ignored = []
        return cells
    for column in ("date", "value"):
        if column not in columns:
            result.errors.append(
                LineError(
                    line,
                    _("no %(column)s column: name it in the header, e.g. %(names)s")
                    % {"column": column_label(column), "names": example_names(column)},
                )
            )
    result.columns = columns
    return None


def example_names(column):
    english = COLUMN_NAMES[column][0]
    japanese = next(name for name in COLUMN_NAMES[column] if not name.isascii())
    return f"“{english}” / “{japanese}”"


def column_label(column):
    return {
        "date": pgettext("csv import", "date"),
        "value": pgettext("csv import", "value"),
        "source": pgettext("csv import", "source"),
        "note": pgettext("csv import", "note"),
    }[column]


def looks_like_data(cells):
    return len(cells) >= 2 and read_date(cells[0])[0] is not None and read_value(cells[1])[0] is not None


def read_row(line, cells, columns, width, errors, delimiter=","):
    if cells is None:
        errors.append(LineError(line, _("the line cannot be read as CSV: a quoted cell must end with a quote before the next separator")))
        return None
    if len(cells) > width and any(cells[width:]):
        errors.append(
            LineError(
                line,
                _("%(count)s cells, but the header names %(width)s columns")
                % {"count": len(cells), "width": width},
            )
        )
        return None

    def cell(column):
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    reasons = []
    raw_date, raw_value = cell("date"), cell("value")
    as_of, from_year, reason = read_date(raw_date)
    if reason:
        reasons.append(reason)
    value, reason = read_value(raw_value)
    if reason:
        reasons.append(reason)
    elif delimiter == "," and split_thousands(cells, columns.get("value")):
        reasons.append(
            _("value “%(value)s” is followed by “%(next)s”: in a comma-separated file, quote a number "
              "with thousands separators (\"1,234\") or leave the separators out")
            % {"value": raw_value, "next": cells[columns["value"] + 1]}
        )
    source, note = cell("source"), cell("note")
    for column, text, limit in (("source", source, SOURCE_LENGTH), ("note", note, NOTE_LENGTH)):
        if len(text) > limit:
            reasons.append(
                _("%(field)s is %(length)s characters long; at most %(limit)s")
                % {"field": column_label(column), "length": f"{len(text):,}", "limit": f"{limit:,}"}
            )
    if reasons:
        errors.extend(LineError(line, reason) for reason in reasons)
        return None
    return ImportRow(line=line, as_of=as_of, value=value, source=source, note=note, from_year=from_year)


def split_thousands(cells, index):
    """An unquoted 1,234 in a comma-separated line reads as the value 1 and a next cell 234."""
    if index is None or index + 1 >= len(cells):
        return False
    return bool(re.fullmatch(r"[+-]?\d{1,3}", cells[index]) and re.fullmatch(r"\d{3}(?:\.\d+)?", cells[index + 1]))


def read_date(raw):
    """(date, whether a year alone, None) or (None, False, reason)."""
    if not raw:
        return None, False, _("no date")
    text = unicodedata.normalize("NFKC", raw).strip()
    year_only = YEAR_ONLY.fullmatch(text)
    match = ISO_DATE.fullmatch(text) or JAPANESE_DATE.fullmatch(text)
    try:
        if year_only:
            year, (month, day) = int(year_only.group(1)), YEAR_MEANS
        elif match:
            year, month, day = (int(part) for part in match.groups())
        else:
            raise ValueError
        as_of = datetime.date(year, month, day)
    except ValueError:
        return None, False, _("date “%(date)s” is not a date (write YYYY-MM-DD or a year)") % {"date": raw}
    if not MIN_YEAR <= as_of.year <= MAX_YEAR:
        return None, False, _("date “%(date)s” is outside the years %(min)s to %(max)s") % {
            "date": raw,
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
    return as_of, bool(year_only), None


def read_value(raw):
    """(value, None) or (None, reason)."""
    if not raw:
        return None, _("no value")
    text = unicodedata.normalize("NFKC", raw).strip()
    for sign, minus in MINUS_SIGNS.items():
        text = text.replace(sign, minus)
    text = re.sub(r"\s+", "", text).removesuffix("%")
    if "," in text:
        if not GROUPED.fullmatch(text):
            return None, _(
                "value “%(value)s”: a comma is read only as a thousands separator (1,234.5); "
                "write a decimal point, not a decimal comma"
            ) % {"value": raw}
        text = text.replace(",", "")
    if not NUMBER.fullmatch(text):
        return None, _("value “%(value)s” is not a number") % {"value": raw}
    value = float(text)
    if not abs(value) <= MAX_VALUE:
        return None, _("value “%(value)s” is outside %(low)s to %(high)s") % {
            "value": raw,
            "low": f"{-int(MAX_VALUE):,}",
            "high": f"{int(MAX_VALUE):,}",
        }
    return value, None
