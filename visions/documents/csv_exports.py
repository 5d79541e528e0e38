"""Issues and actions as CSV for spreadsheets.

UTF-8 with a byte order mark, so that spreadsheet programs that guess the encoding
(Excel on Windows, in particular with a Japanese locale) read Japanese text right.
Column headers are in the workshop's language, as in the PDF.
"""

import csv
import io
import unicodedata

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from visions.documents.findings import action_rows

BOM = "\ufeff"
# A cell starting with one of these is read as a formula by spreadsheet programs.
# Their full-width forms (＝＋－＠) too: some spreadsheet programs, Japanese ones in particular, read them alike.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_text(value):
    """User text as a literal cell: a leading formula character is neutralised with an apostrophe."""
    text = "" if value is None else str(value)
    formula = text.startswith(FORMULA_STARTS) or unicodedata.normalize("NFKC", text[:1]) in FORMULA_STARTS
    return "'" + text if formula else text


def number(value, places=2):
    if value is None:
        return ""
    return f"{value:.{places}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def write_csv(header, rows):
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def issues_csv(snapshot):
    """One row per issue: votes and mean scores, the prioritised (most dots) first."""
    actions_by_issue = {}
    for action in snapshot.actions:
        for issue in action.addresses.all():
            actions_by_issue.setdefault(issue.pk, []).append(action.title)
    with translation.override(snapshot.workshop.language):
        header = [
            _("Issue"),
            _("Description"),
            _("Origin"),
            _("Target"),
            _("Theme"),
            _("Dots"),
            _("Voters"),
            _("Mean impact"),
            _("Mean feasibility"),
            _("Scored by"),
            _("Addressed by actions"),
            _("Author"),
        ]
        rows = []
        for row in snapshot.issues_by_votes:
            issue = row.issue
            rows.append(
                [
                    spreadsheet_text(issue.title),
                    spreadsheet_text(issue.description),
                    issue.get_origin_display(),
                    spreadsheet_text(issue.target.indicator if issue.target else ""),
                    spreadsheet_text(issue.theme.name if issue.theme else ""),
                    row.dots,
                    row.voters,
                    number(row.mean_impact),
                    number(row.mean_feasibility),
                    len(issue.scores.all()),
                    spreadsheet_text("; ".join(actions_by_issue.get(issue.pk, []))),
                    spreadsheet_text(issue.author.display_name if issue.author else ""),
                ]
            )
    return write_csv(header, rows)


def actions_csv(snapshot):
    """One row per action, in roadmap order (start year, end year)."""
    with translation.override(snapshot.workshop.language):
        header = [
            pgettext("roadmap action", "Action"),
            _("Description"),
            _("Owners"),
            _("Owner sectors"),
            _("Start year"),
            _("End year"),
            _("Status"),
            _("Progress (%)"),
            _("Milestone year"),
            _("Milestone"),
            _("Issues addressed"),
            _("Prerequisites"),
            _("Expected effects"),
            _("Latest start"),
            _("Latest end"),
            _("Slack (years)"),
            _("Findings"),
        ]
        schedule = {row.action.pk: row for row in snapshot.schedule}
        targets = {row.target.pk: row.target for row in snapshot.targets}
        rows = []
        for row in action_rows(snapshot.actions, coverage=snapshot.coverage):
            action = row.action
            findings = []
            if row.out_of_range:
                findings.append(_("outside the roadmap's years"))
            if row.starts_too_early:
                findings.append(_("starts before a prerequisite ends"))
            backcast = schedule.get(action.pk)
            if backcast is not None and backcast.late:
                findings.append(_("already too late for the plan"))
            rows.append(
                [
                    spreadsheet_text(action.title),
                    spreadsheet_text(action.description),
                    spreadsheet_text("; ".join(owner.name for owner in row.owners)),
                    "; ".join(str(owner.get_sector_display()) for owner in row.owners),
                    action.start_year,
                    action.end_year,
                    action.get_status_display(),
                    action.progress,
                    action.milestone.year if action.milestone else "",
                    spreadsheet_text(action.milestone.title if action.milestone else ""),
                    spreadsheet_text("; ".join(issue.title for issue in row.issues)),
                    spreadsheet_text("; ".join(p.title for p in row.prerequisites)),
                    spreadsheet_text("; ".join(effect_text(e, targets) for e in action.effects.all())),
                    backcast.latest_start if backcast else "",
                    backcast.latest_end if backcast else "",
                    backcast.slack if backcast else "",
                    "; ".join(findings),
                ]
            )
    return write_csv(header, rows)


def effect_text(effect, targets):
    """One expected effect as a spreadsheet reads it: "indicator: +5 unit by 2030 (confidence)"."""
    target = targets[effect.target_id]
    return _("%(indicator)s: %(amount)s %(unit)s by %(year)s (%(confidence)s)") % {
        "indicator": target.indicator,
        "amount": number(effect.amount),
        "unit": target.unit,
        "year": effect.in_place,
        "confidence": effect.get_confidence_display(),
    }
