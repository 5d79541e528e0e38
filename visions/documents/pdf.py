"""The roadmap PDF: what the group takes home.

`RoadmapReport` gathers everything the document shows from a WorkshopSnapshot (the
same derived numbers as the pages); templates/pdf/ lays it out; visions.documents.pdf_engine
turns the HTML into PDF in a bounded child process. WeasyPrint is imported only
there, never when this module is imported.
"""

import dataclasses
import datetime
import logging
import re
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from visions.documents.charts import format_value, target_chart_description, target_chart_svg, with_unit
from visions import sdgs
from visions.documents.findings import action_rows, coverage_findings
from visions.models import Role, Sector
from visions.documents.commitments import drift_for
from visions.documents.snapshot import load_snapshot, roadmap_check

logger = logging.getLogger(__name__)

# Above these a workshop is refused with a clear message instead of tying up a worker.
# An 80-page document is well inside them.
PDF_LIMITS = {
    "stakeholders": (300, gettext_lazy("organisations")),
    "participants": (500, gettext_lazy("participants")),
    "targets": (80, gettext_lazy("targets")),
    "assessments": (2000, gettext_lazy("assessments")),
    "issues": (800, gettext_lazy("issues")),
    "milestones": (100, gettext_lazy("milestones")),
    "actions": (600, gettext_lazy("actions")),
}
MAX_TEXT_CHARACTERS = 1_500_000
DEFAULT_TIMEOUT_SECONDS = 120
DEFAULT_MEMORY_LIMIT_MB = 2048
# Renders at once in one app process (each is a child process of up to the memory limit);
# a request that cannot start one within the wait gets "busy" instead of queueing forever.
DEFAULT_MAX_CONCURRENT_RENDERS = 2
RENDER_SLOT_WAIT_SECONDS = 15
# Height / width of a timeline drawn on one landscape A4 page. The area under the heading is
# 267 × 150 mm (0.56); a taller timeline is drawn narrower, down to about 214 mm wide at 0.7,
# where its labels are still about 6 pt. Taller than that, it is cut into parts.
TIMELINE_MAX_ASPECT = 0.7
TIMELINE_AREA_MM = (267, 150)


@dataclass
class TimelinePart:
    """One timeline SVG with the size it is drawn at, so that it sits at the top of its page."""

    svg: str

    @property
    def width_mm(self):
        area_width, area_height = TIMELINE_AREA_MM
        aspect = svg_aspect(self.svg) or 1
        return round(min(area_width, area_height / aspect), 1)

    @property
    def height_mm(self):
        return round(self.width_mm * svg_aspect(self.svg), 1)
_render_slots = None
_render_slots_lock = threading.Lock()

SDG_COLOURS = {
    1: "#E5243B", 2: "#DDA63A", 3: "#4C9F38", 4: "#C5192D", 5: "#FF3A21", 6: "#26BDE2",
    7: "#FCC30B", 8: "#A21942", 9: "#FD6925", 10: "#DD1367", 11: "#FD9D24", 12: "#BF8B2E",
    13: "#3F7E44", 14: "#0A97D9", 15: "#56C02B", 16: "#00689D", 17: "#19486A",
}  # fmt: skip


class PdfExportError(Exception):
    """A PDF could not be made; str(error) is a message for the person who asked."""


class WorkshopTooLargeForPdf(PdfExportError):
    pass


class PdfRenderFailed(PdfExportError):
    pass


class PdfRenderTimeout(PdfRenderFailed):
    pass


class PdfRenderBusy(PdfRenderFailed):
    pass


@dataclass
class Sdg:
    number: int
    name: str
    colour: str


@dataclass
class SectorGroup:
    sector: str
    label: str
    participants: list
    stakeholders: list

    @property
    def count(self):
        return len(self.participants)


@dataclass
class TargetSection:
    row: object  # snapshot.TargetRow
    chart: str
    chart_description: str

    @property
    def target(self):
        return self.row.target

    @property
    def gap(self):
        return self.row.gap

    @property
    def progress_percent(self):
        if self.gap is None or self.gap.progress is None:
            return None
        return self.gap.progress * 100

    def _amount(self, value, per_year=False):
        if value is None:
            return "—"
        text = with_unit(value, self.target.unit)
        return _("%(amount)s / year") % {"amount": text} if per_year else text

    @property
    def numbers(self):
        """The derived numbers as the document prints them."""
        gap = self.gap
        return {
            "target": self._amount(self.target.target_value),
            "baseline": self._amount(gap and gap.baseline),
            "current": self._amount(gap and gap.current),
            "gap": self._amount(gap and gap.gap),
            "progress": "—" if self.progress_percent is None else f"{self.progress_percent:.0f} %",
            "required_pace": self._amount(gap and gap.required_pace, per_year=True),
            "trend": self._amount(gap and gap.trend, per_year=True),
            "projected": self._amount(gap and gap.projected),
        }

    @property
    def assessment_rows(self):
        rows = sorted(self.row.assessments, key=lambda a: (a.as_of, a.pk or 0))
        return [(a, format_value(a.value)) for a in rows]


@dataclass
class IssueEntry:
    row: object  # snapshot.IssueRow
    prioritised: bool


@dataclass
class IssueGroup:
    name: str
    entries: list  # IssueEntry, prioritised first
    is_unthemed: bool = False

    @property
    def dots(self):
        return sum(entry.row.dots for entry in self.entries)

    @property
    def prioritised_count(self):
        return sum(1 for entry in self.entries if entry.prioritised)


@dataclass
class RoadmapReport:
    """Everything the roadmap document shows, computed once from one snapshot."""

    snapshot: object
    generated_on: datetime.date
    sdgs: list
    sector_groups: list
    missing_sector_labels: list
    absent_stakeholders: list
    target_sections: list
    issue_groups: list
    prioritised_count: int
    milestones: list
    timelines: list
    action_rows: list
    findings: list = field(default_factory=list)
    roadmap_check: object = None
    drift: object = None  # visions.documents.drift.Drift since the latest commitment, or None
    commitment: object = None  # the Commitment this document shows as it was, or None (the roadmap now)

    @property
    def workshop(self):
        return self.snapshot.workshop

    @property
    def vision(self):
        return self.snapshot.adopted_vision

    @property
    def people(self):
        return [p for p in self.snapshot.participants if p.role != Role.OBSERVER]

    @property
    def other_visions(self):
        return [v for v in self.snapshot.visions if v.status == "proposed"]

    @classmethod
    def from_snapshot(cls, snapshot, *, today=None):
        return cls(
            snapshot=snapshot,
            generated_on=today or timezone.localdate(),
            sdgs=vision_sdgs(snapshot.adopted_vision),
            sector_groups=sector_groups(snapshot),
            missing_sector_labels=[s.label for s in snapshot.missing_sectors],
            absent_stakeholders=[s for s in snapshot.stakeholders if not any(
                p.stakeholder_id == s.pk for p in snapshot.participants
            )],
            target_sections=[
                TargetSection(row, target_chart_svg(row, width=300, height=170), target_chart_description(row))
                for row in vision_targets(snapshot)
            ],
            issue_groups=issue_groups(snapshot),
            prioritised_count=len(snapshot.prioritised_issue_ids),
            milestones=[m for m in snapshot.milestones if getattr(m, "accepted", True)],
            timelines=timeline_parts(snapshot),
            action_rows=action_rows(snapshot.actions, coverage=snapshot.coverage),
            findings=coverage_findings(snapshot),
            roadmap_check=roadmap_check(snapshot, (today or timezone.localdate()).year),
            drift=drift_for(snapshot.workshop, today),
        )


def vision_targets(snapshot):
    """The adopted vision's targets; every target while none is adopted."""
    vision = snapshot.adopted_vision
    return [row for row in snapshot.targets if vision is None or row.target.vision_id == vision.pk]


def vision_sdgs(vision):
    if vision is None:
        return []
    return [Sdg(n, sdgs.goal(n).name, SDG_COLOURS[n]) for n in vision.sdg_numbers if n in SDG_COLOURS]


def sector_groups(snapshot):
    groups = []
    for sector in Sector:
        groups.append(
            SectorGroup(
                sector=sector.value,
                label=sector.label,
                participants=[
                    p for p in snapshot.participants if p.sector == sector.value and p.role != Role.OBSERVER
                ],
                stakeholders=[s for s in snapshot.stakeholders if s.sector == sector.value],
            )
        )
    return groups


def issue_groups(snapshot):
    """Issues by theme; themes with the most dots first, within one the prioritised first."""
    prioritised = snapshot.prioritised_issue_ids
    rank = {row.issue.pk: index for index, row in enumerate(snapshot.issues_by_votes)}
    by_theme = {}
    for row in snapshot.issues:
        theme = row.issue.theme
        by_theme.setdefault(theme.pk if theme else None, (theme, []))[1].append(
            IssueEntry(row, row.issue.pk in prioritised)
        )
    groups = [
        IssueGroup(
            theme.name if theme else _("No theme"),
            sorted(entries, key=lambda e: (not e.prioritised, rank[e.row.issue.pk])),
            is_unthemed=theme is None,
        )
        for theme, entries in by_theme.values()
    ]
    return sorted(groups, key=lambda g: (g.is_unthemed, -g.prioritised_count, -g.dots, g.name))


def timeline_markup(snapshot):
    """The roadmap builder's timeline SVG, when that module is installed."""
    try:
        from visions.documents.timeline import timeline_svg
    except ImportError:
        return None
    return timeline_svg(snapshot)


def svg_aspect(markup):
    """Height / width of an SVG from its viewBox."""
    match = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"', str(markup))
    return float(match.group(2)) / float(match.group(1)) if match else 0.0


def timeline_parts(snapshot):
    """The timeline as SVGs that each fit a landscape page, readable at any roadmap size.

    A roadmap too tall for one page is cut into consecutive runs of actions, in lane order
    then start year; each run is drawn as a timeline of its own (arrows between runs are
    left out: the action table lists every prerequisite).
    """
    whole = timeline_markup(snapshot)
    if whole is None:
        return []
    if svg_aspect(whole) <= TIMELINE_MAX_ASPECT or len(snapshot.actions) <= 1:
        return [TimelinePart(whole)]
    from visions.roadmap import LANE_ORDER, action_lane

    ordered = sorted(
        snapshot.actions, key=lambda a: (LANE_ORDER.index(action_lane(a)), a.start_year, a.end_year, a.pk)
    )

    def drawn(actions):
        chosen = {a.pk for a in actions}
        part = dataclasses.replace(
            snapshot,
            actions=actions,
            dependencies=[(a, p) for a, p in snapshot.dependencies if a.pk in chosen and p.pk in chosen],
        )
        return timeline_markup(part)

    parts, start = [], 0
    while start < len(ordered):
        # The longest run from `start` that still fits: binary search on its length.
        low, high, best = 1, len(ordered) - start, None
        while low <= high:
            middle = (low + high) // 2
            markup = drawn(ordered[start : start + middle])
            if svg_aspect(markup) <= TIMELINE_MAX_ASPECT:
                low, best = middle + 1, (middle, markup)
            else:
                high = middle - 1
        length, markup = best or (1, drawn(ordered[start : start + 1]))
        parts.append(TimelinePart(with_unique_ids(markup, len(parts) + 1)))
        start += length
    return parts


TIMELINE_ID_REFERENCE = re.compile(r'(id="|url\(#|href="#|aria-labelledby=")tl-')


def with_unique_ids(markup, part):
    """The timeline's ids (title, hatch pattern) made unique for one part of several on a page."""
    return mark_safe(TIMELINE_ID_REFERENCE.sub(lambda m: f"{m.group(1)}tl{part}-", str(markup)))


def check_pdf_size(snapshot):
    counts = {
        "stakeholders": len(snapshot.stakeholders),
        "participants": len(snapshot.participants),
        "targets": len(snapshot.targets),
        "assessments": sum(len(row.assessments) for row in snapshot.targets),
        "issues": len(snapshot.issues),
        "milestones": len(snapshot.milestones),
        "actions": len(snapshot.actions),
    }
    for key, count in counts.items():
        limit, label = PDF_LIMITS[key]
        if count > limit:
            raise WorkshopTooLargeForPdf(
                _(
                    "This workshop has %(count)s %(things)s; a PDF can hold at most %(limit)s. "
                    "Export the workshop file or the CSV files instead."
                )
                % {"count": count, "things": label, "limit": limit}
            )
    if text_size(snapshot) > MAX_TEXT_CHARACTERS:
        raise WorkshopTooLargeForPdf(
            _(
                "This workshop's texts are too long for a PDF (more than %(limit)s characters). "
                "Export the workshop file or the CSV files instead."
            )
            % {"limit": f"{MAX_TEXT_CHARACTERS:,}"}
        )
    return counts


def text_size(snapshot):
    texts = [snapshot.workshop.title, snapshot.workshop.theme, snapshot.workshop.region]
    texts += [s.name + s.discipline for s in snapshot.stakeholders]
    texts += [p.display_name + p.discipline for p in snapshot.participants]
    texts += [v.statement for v in snapshot.visions]
    for row in snapshot.targets:
        texts.append(row.target.indicator + row.target.unit)
        texts += [a.source + a.note for a in row.assessments]
    texts += [row.issue.title + row.issue.description for row in snapshot.issues]
    texts += [m.title + m.description for m in snapshot.milestones]
    texts += [a.title + a.description for a in snapshot.actions]
    return sum(len(t or "") for t in texts)


def render_workshop_html(snapshot, *, today=None, commitment=None):
    """The document's HTML, in the workshop's language (a commitment's, when `commitment` is given)."""
    from visions.documents.pdf_engine import BASE_URL

    with translation.override(snapshot.workshop.language):
        report = RoadmapReport.from_snapshot(snapshot, today=today)
        report.commitment = commitment
        return render_to_string(
            "pdf/workshop.html",
            {"report": report, "stylesheet_url": f"{BASE_URL}static/css/pdf.css"},
        )


def static_roots():
    """Directories the PDF's fetcher may read: the app's static sources and STATIC_ROOT."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location and location not in roots:
                roots.append(str(location))
    if settings.STATIC_ROOT and str(settings.STATIC_ROOT) not in roots:
        roots.append(str(settings.STATIC_ROOT))
    return roots


def render_slots():
    global _render_slots
    with _render_slots_lock:
        if _render_slots is None:
            _render_slots = threading.BoundedSemaphore(
                getattr(settings, "PDF_MAX_CONCURRENT_RENDERS", DEFAULT_MAX_CONCURRENT_RENDERS)
            )
        return _render_slots


def render_html_to_pdf(html):
    """(PDF bytes, peak memory of the render in KiB), bounded in time, memory and number at once."""
    from visions.documents.pdf_engine import BASE_URL, PdfEngineError, PdfEngineTimeout, render_in_child

    timeout = getattr(settings, "PDF_RENDER_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
    memory_mb = getattr(settings, "PDF_RENDER_MEMORY_LIMIT_MB", DEFAULT_MEMORY_LIMIT_MB)
    slots = render_slots()
    if not slots.acquire(timeout=RENDER_SLOT_WAIT_SECONDS):
        raise PdfRenderBusy(_("Several PDFs are being made right now. Try again in a minute."))
    try:
        return render_in_child(
            html, f"{BASE_URL}static/", static_roots(), timeout, memory_mb * 1024 * 1024 if memory_mb else 0
        )
    except PdfEngineTimeout:
        raise PdfRenderTimeout(
            _("The PDF took too long to make and was stopped. Try again later, or export the CSV files.")
        ) from None
    except PdfEngineError as error:
        logger.warning("PDF render failed: %s", error)
        raise PdfRenderFailed(_("The PDF could not be made. Try again later, or export the CSV files.")) from None
    finally:
        slots.release()


def render_workshop_pdf(workshop):
    """The roadmap document of `workshop` as PDF bytes.

    Raises WorkshopTooLargeForPdf, PdfRenderTimeout or PdfRenderFailed (all PdfExportError)
    with a message meant for the person who asked.
    """
    snapshot = load_snapshot(workshop).without_hidden()
    with translation.override(workshop.language):
        check_pdf_size(snapshot)
    pdf, _peak_kib = render_html_to_pdf(render_workshop_html(snapshot))
    return pdf


def commitment_html(commitment, language):
    """The roadmap document of a commitment, as it was: its copy (a workshop file) is read into
    a workshop that exists only inside a transaction rolled back at once, so the one document
    template serves both, and today's roadmap is never consulted."""
    from visions.documents.workshop_file import WorkshopFileError, import_document

    committed_on = timezone.localtime(commitment.committed_at).date()
    try:
        with transaction.atomic():
            copy = import_document(commitment.snapshot)
            copy.language = language
            snapshot = load_snapshot(copy).without_hidden()
            with translation.override(language):
                check_pdf_size(snapshot)
            html = render_workshop_html(snapshot, today=committed_on, commitment=commitment)
            transaction.set_rollback(True)
    except WorkshopFileError as error:
        logger.warning("Commitment %s could not be read back: %s", commitment.pk, error)
        raise PdfRenderFailed(_("This commitment's copy could not be read back into a document.")) from None
    return html


def render_commitment_pdf(commitment, language):
    pdf, _peak_kib = render_html_to_pdf(commitment_html(commitment, language))
    return pdf


def pdf_filename(workshop, extension="pdf"):
    """An ASCII-safe download name; Content-Disposition carries the full title separately."""
    return f"workshop-{workshop.pk}-roadmap.{extension}"
