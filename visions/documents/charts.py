"""Small server-rendered SVG charts: one per target, for the current-state page and the PDF.

The SVG is self-contained (no script, no external reference), every piece of user text in
it is escaped, and it carries a <title> and a <desc> so a screen reader, pdftotext and a
reader of the PDF's structure all get the same sentence the picture shows.
"""

import math
from dataclasses import dataclass
from itertools import count

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

FONT_FAMILY = "IPAexGothic, 'Noto Sans CJK JP', sans-serif"
INK = "#1d2330"
MUTED = "#4a5263"
GRID = "#dde2ea"
ACCENT = "#0b5cad"
OK = "#1b6e3a"
BAD = "#a4161a"
UNKNOWN = "#6b7280"
PLANNED = "#7b3fa0"  # the roadmap's planned path: neither the status colours nor the target's

_chart_ids = count(1)


def format_value(value):
    """A number as a reader wants it: grouped thousands, at most two decimals, no trailing zeros."""
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def with_unit(value, unit):
    text = format_value(value)
    return f"{text} {unit}".strip() if unit else text


def nice_ticks(low, high, wanted=4):
    """Round tick values from at or below `low` to at or above `high` (low < high)."""
    raw_step = (high - low) / max(wanted, 1)
    # A float power: an int one (10 ** 307) overflows when it meets a float later.
    magnitude = 10.0 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(n * step, 10) for n in range(first, last + 1)]


def target_chart_description(target_row):
    """The chart's content as one sentence: its text alternative."""
    target = target_row.target
    gap = target_row.gap
    unit = target.unit
    goal = _("Target: %(value)s by %(year)s.") % {
        "value": with_unit(target.target_value, unit),
        "year": target.target_year,
    }
    if gap is None:
        return f"{target.indicator}. {goal} " + _("No assessment yet.")
    points = target_row_points(target_row)
    first, last = points[0], points[-1]
    parts = [
        f"{target.indicator}.",
        goal,
        _("Baseline %(value)s (%(year)s), current %(current)s (%(current_year)s).")
        % {
            "value": with_unit(gap.baseline, unit),
            "year": first[0],
            "current": with_unit(gap.current, unit),
            "current_year": last[0],
        },
    ]
    if gap.projected is not None:
        parts.append(
            _("The trend projects %(value)s in %(year)s.")
            % {"value": with_unit(gap.projected, unit), "year": target.target_year}
        )
    path = planned_path(target_row)
    if path:
        parts.append(
            _("The roadmap's planned effects reach %(value)s by %(year)s.")
            % {"value": with_unit(path[-1][1], unit), "year": path[-1][0]}
        )
    if gap.on_track is True:
        parts.append(_("On track."))
    elif gap.on_track is False:
        parts.append(_("Off track."))
    else:
        parts.append(_("Too few assessments to tell the trend."))
    return " ".join(parts)


def target_row_points(target_row):
    """(year, value) of each assessment, in the order the derived numbers use."""
    rows = sorted(target_row.assessments, key=lambda a: (a.as_of, a.pk or 0))
    return [(a.as_of.year, float(a.value)) for a in rows]


def unplottable_chart_svg(target_row, width, height, chart_id):
    title = escape(target_row.target.indicator)
    description = escape(target_chart_description(target_row))
    note = escape(_("The values are too large to draw; the table gives them."))
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="target-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{escape(FONT_FAMILY)}" font-size="10">'
        f'<title id="{chart_id}-title">{title}</title><desc id="{chart_id}-desc">{description}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff" stroke="{GRID}"/>'
        f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{MUTED}">{note}</text></svg>'
    )


@dataclass(frozen=True)
class ChartFrame:
    """Where a chart's plot sits in the picture, and the years and values its edges stand for."""

    pad_left: float
    pad_top: float
    plot_w: float
    plot_h: float
    first_year: int
    last_year: int
    ticks: list

    @property
    def low(self):
        return self.ticks[0]

    @property
    def high(self):
        return self.ticks[-1]

    @property
    def axis_y(self):
        return self.pad_top + self.plot_h

    def x(self, year):
        return self.pad_left + (year - self.first_year) / (self.last_year - self.first_year) * self.plot_w

    def y(self, value):
        return self.pad_top + (self.high - value) / (self.high - self.low) * self.plot_h


def chart_years(points, target):
    """The first and last year on the axis: the assessments' and the target's, at least two."""
    years = [year for year, _value in points]
    first_year = min(years + [target.target_year]) if years else target.target_year - 10
    last_year = max(years + [target.target_year])
    if first_year == last_year:
        first_year -= 1
    return first_year, last_year


def chart_trend_line(target_row, points):
    """((year, value), (target year, projected value)) of the trend from the first assessment, or None."""
    target = target_row.target
    gap = target_row.gap
    if gap is None or gap.trend is None or gap.projected is None:
        return None
    intercept = gap.projected - gap.trend * target.target_year
    start_year = points[0][0]
    return ((start_year, intercept + gap.trend * start_year), (target.target_year, gap.projected))


def planned_path(target_row):
    """[(year, value)]: the current value, then after each year with effects in place the value they add up to.

    Effects count towards the target (FORMAT.md): up for an `increase` target, down for a `decrease` one.
    Effects after the target year are late and left off. None when nothing is planned or nothing assessed.
    """
    gap = target_row.gap
    target = target_row.target
    by_year = {}
    for year, amount in getattr(target_row, "effects", ()):
        if year <= target.target_year:
            by_year[year] = by_year.get(year, 0.0) + float(amount)
    if gap is None or not by_year:
        return None
    sign = -1.0 if target.direction == "decrease" else 1.0
    current_year = target_row_points(target_row)[-1][0]
    value = float(gap.current)
    path = [(current_year, value)]
    for year in sorted(by_year):
        value += sign * by_year[year]
        path.append((max(year, current_year), value))
    if path[-1][0] < target.target_year:
        path.append((target.target_year, value))
    return path


def draw_planned_path(frame, path):
    """The roadmap's planned path: a solid line through the values its effects add up to, year by year."""
    if not path:
        return []
    points = " ".join(f"{frame.x(year):.1f},{frame.y(value):.1f}" for year, value in path)
    return [
        f'<polyline class="planned-path" points="{points}" fill="none" stroke="{PLANNED}" stroke-width="2"/>'
    ]


def value_ticks(values):
    """Round ticks around every value to draw, or None when the values cannot be scaled onto a plot."""
    low, high = min(values), max(values)
    if not all(math.isfinite(v) for v in values) or not math.isfinite((high - low) * 1.5):
        # Values near the float limit cannot be scaled onto a plot.
        return None
    if math.isclose(low, high):
        spread = abs(low) * 0.1 or 1.0
        low, high = low - spread, high + spread
    margin = (high - low) * 0.05
    try:
        ticks = nice_ticks(low - margin, high + margin)
    except (ArithmeticError, ValueError):
        return None
    span = ticks[-1] - ticks[0] if ticks else 0
    # Too small a spread (near the smallest floats) or too large: no scale to draw it on.
    if not (math.isfinite(span) and span > 0 and len(ticks) <= 12) or not all(math.isfinite(t) for t in ticks):
        return None
    return ticks


def chart_frame(target_row, points, trend_line, width, height, path=None):
    """The chart's frame, or None when its values are too large to draw."""
    pad_left, pad_right, pad_top, pad_bottom = 46, 14, 12, 26
    values = [v for _y, v in points] + [target_row.target.target_value] + [v for _y, v in path or ()]
    if trend_line:
        values += [trend_line[0][1], trend_line[1][1]]
    ticks = value_ticks(values)
    if ticks is None:
        return None
    first_year, last_year = chart_years(points, target_row.target)
    return ChartFrame(
        pad_left=pad_left,
        pad_top=pad_top,
        plot_w=max(width - pad_left - pad_right, 10),
        plot_h=max(height - pad_top - pad_bottom, 10),
        first_year=first_year,
        last_year=last_year,
        ticks=ticks,
    )


def chart_opening(target_row, width, height, chart_id):
    """The <svg> element's start, its title and description, and the white background."""
    title = escape(target_row.target.indicator)
    description = escape(target_chart_description(target_row))
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="target-chart" role="img" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
            f'font-family="{escape(FONT_FAMILY)}" font-size="10">'
        ),
        f'<title id="{chart_id}-title">{title}</title>',
        f'<desc id="{chart_id}-desc">{description}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def draw_value_grid(frame):
    """A grid line and a label at every tick of the value axis."""
    parts = []
    for tick in frame.ticks:
        ty = frame.y(tick)
        parts.append(
            f'<line x1="{frame.pad_left}" y1="{ty:.1f}" x2="{frame.pad_left + frame.plot_w}" y2="{ty:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{frame.pad_left - 5}" y="{ty + 3.5:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape(format_value(tick))}</text>"
        )
    return parts


def draw_year_axis(frame, points):
    """The year axis: its first and last year, and the latest assessment's if there is room."""
    axis_y = frame.axis_y
    parts = [
        (
            f'<line x1="{frame.pad_left}" y1="{axis_y}" x2="{frame.pad_left + frame.plot_w}" y2="{axis_y}" '
            f'stroke="{MUTED}"/>'
        )
    ]
    first_year, last_year = frame.first_year, frame.last_year
    labelled_years = [first_year, last_year]
    if points and all(abs(frame.x(points[-1][0]) - frame.x(year)) >= 40 for year in labelled_years):
        labelled_years.append(points[-1][0])
    for year in sorted(set(labelled_years)):
        tx = frame.x(year)
        anchor = "start" if year == first_year else "end" if year == last_year else "middle"
        parts.append(f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 4}" stroke="{MUTED}"/>')
        parts.append(
            f'<text x="{tx:.1f}" y="{axis_y + 15}" text-anchor="{anchor}" fill="{MUTED}">{year}</text>'
        )
    return parts


def draw_target_line(frame, target):
    """The target value across the plot, labelled."""
    target_y = frame.y(target.target_value)
    target_label = escape(_("target %(value)s") % {"value": with_unit(target.target_value, target.unit)})
    label_y = target_y - 4 if target_y - 4 > frame.pad_top + 8 else target_y + 11
    return [
        (
            f'<line class="target-line" x1="{frame.pad_left}" y1="{target_y:.1f}" '
            f'x2="{frame.pad_left + frame.plot_w}" '
            f'y2="{target_y:.1f}" stroke="{ACCENT}" stroke-width="1.5" stroke-dasharray="6 3"/>'
        ),
        f'<text x="{frame.pad_left + 4}" y="{label_y:.1f}" fill="{ACCENT}">{target_label}</text>',
    ]


def draw_trend(frame, trend_line, status_colour):
    """The trend line to the target year and the value it projects there."""
    if not trend_line:
        return []
    x, y = frame.x, frame.y
    (x1, y1), (x2, y2) = trend_line
    return [
        (
            f'<line class="trend-line" x1="{x(x1):.1f}" y1="{y(y1):.1f}" x2="{x(x2):.1f}" y2="{y(y2):.1f}" '
            f'stroke="{status_colour}" stroke-width="1.5" stroke-dasharray="2 2"/>'
        ),
        (
            f'<circle class="projected" cx="{x(x2):.1f}" cy="{y(y2):.1f}" r="3.5" fill="#ffffff" '
            f'stroke="{status_colour}" stroke-width="1.5"/>'
        ),
    ]


def draw_target_point(frame, target):
    """A diamond at the target value in the target year."""
    tx, ty = frame.x(target.target_year), frame.y(target.target_value)
    return [
        (
            f'<path class="target-point" d="M{tx:.1f} {ty - 5:.1f} L{tx + 5:.1f} {ty:.1f} L{tx:.1f} {ty + 5:.1f} '
            f'L{tx - 5:.1f} {ty:.1f} Z" fill="{ACCENT}"/>'
        )
    ]


def draw_assessments(frame, points):
    """The assessments joined by a line, the latest one larger; or a note that there are none."""
    x, y = frame.x, frame.y
    if not points:
        return [
            (
                f'<text x="{frame.pad_left + frame.plot_w / 2:.1f}" y="{frame.pad_top + frame.plot_h / 2:.1f}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(_("No assessment yet"))}</text>'
            )
        ]
    polyline = " ".join(f"{x(py):.1f},{y(pv):.1f}" for py, pv in points)
    parts = [f'<polyline points="{polyline}" fill="none" stroke="{INK}" stroke-width="1"/>']
    for index, (py, pv) in enumerate(points):
        radius = 3.5 if index == len(points) - 1 else 2.5
        parts.append(
            f'<circle class="assessment" cx="{x(py):.1f}" cy="{y(pv):.1f}" r="{radius}" fill="{INK}"/>'
        )
    return parts


def target_chart_svg(target_row, width=320, height=180, chart_id=None):
    """A target's assessments, target value and trend projected to the target year, as SVG.

    `target_row` is a visions.documents.snapshot.TargetRow. Years are whole years, as in the derived
    numbers, so the points sit exactly on the least-squares line's scale.
    """
    target = target_row.target
    gap = target_row.gap
    points = target_row_points(target_row)
    chart_id = chart_id or f"target-chart-{target.pk or 0}-{next(_chart_ids)}"
    trend_line = chart_trend_line(target_row, points)
    path = planned_path(target_row)
    frame = chart_frame(target_row, points, trend_line, width, height, path)
    if frame is None:
        return unplottable_chart_svg(target_row, width, height, chart_id)
    status_colour = {True: OK, False: BAD}.get(gap.on_track if gap else None, UNKNOWN)
    parts = [
        *chart_opening(target_row, width, height, chart_id),
        *draw_value_grid(frame),
        *draw_year_axis(frame, points),
        *draw_target_line(frame, target),
        *draw_trend(frame, trend_line, status_colour),
        *draw_planned_path(frame, path),
        *draw_target_point(frame, target),
        *draw_assessments(frame, points),
        "</svg>",
    ]
    return mark_safe("".join(parts))


# --- a target's gap from round to round (the series page) -----------------------------------


def series_chart_description(line):
    parts = [
        _("Round of %(year)s: gap %(gap)s.") % {"year": p.year, "gap": with_unit(p.gap.gap, line.unit)}
        if p.gap is not None
        else _("Round of %(year)s: no assessment.") % {"year": p.year}
        for p in line.points
    ]
    return " ".join([_("Gap of “%(indicator)s” in each round.") % {"indicator": line.indicator}, *parts])


def series_chart_svg(line, width=320, height=160, chart_id=None):
    """One bar per round: the target's gap then (0: closed), coloured by whether the trend reached it.

    `line` is a visions.documents.rounds.TargetSeries; its table on the page gives the same numbers.
    """
    chart_id = chart_id or f"series-chart-{line.key}-{next(_chart_ids)}"
    gaps = [p.gap.gap for p in line.points if p.gap is not None]
    ticks = value_ticks([0.0, *gaps]) if gaps else [0, 1]
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="target-chart series-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="10">'
        f'<title id="{chart_id}-title">{escape(line.indicator)}</title>'
        f'<desc id="{chart_id}-desc">{escape(series_chart_description(line))}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
    )
    if ticks is None:
        note = escape(_("The values are too large to draw; the table gives them."))
        middle = f'x="{width / 2}" y="{height / 2}" text-anchor="middle"'
        return mark_safe(f'{opening}<text {middle} fill="{MUTED}">{note}</text></svg>')
    ticks = [t for t in ticks if t >= 0] or [0, 1]
    frame = ChartFrame(46, 12, max(width - 60, 10), max(height - 40, 10), 0, max(len(line.points), 1), ticks)
    parts = [opening, *draw_value_grid(frame)]
    slot = frame.plot_w / max(len(line.points), 1)
    bar_w = min(40.0, slot * 0.6)
    axis_y = frame.axis_y
    right = frame.pad_left + frame.plot_w
    parts.append(f'<line x1="{frame.pad_left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="{MUTED}"/>')
    for index, point in enumerate(line.points):
        cx = frame.pad_left + slot * (index + 0.5)
        year_label = f'x="{cx:.1f}" y="{axis_y + 14}" text-anchor="middle" fill="{MUTED}"'
        parts.append(f"<text {year_label}>{point.year}</text>")
        if point.gap is None:
            parts.append(f'<text x="{cx:.1f}" y="{axis_y - 6}" text-anchor="middle" fill="{MUTED}">–</text>')
            continue
        colour = {True: OK, False: BAD}.get(point.gap.on_track, UNKNOWN)
        top = frame.y(max(point.gap.gap, frame.low))
        parts.append(
            f'<rect class="series-bar" x="{cx - bar_w / 2:.1f}" y="{top:.1f}" width="{bar_w:.1f}" '
            f'height="{max(axis_y - top, 0.5):.1f}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{max(top - 3, frame.pad_top + 8):.1f}" text-anchor="middle" fill="{INK}">'
            f"{escape(format_value(point.gap.gap))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
