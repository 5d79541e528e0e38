"""Small server-rendered SVG charts: one per target, for the current-state page and the PDF.

The SVG is self-contained (no script, no external reference), every piece of user text in
it is escaped, and it carries a <title> and a <desc> so a screen reader, pdftotext and a
reader of the PDF's structure all get the same sentence the picture shows.
"""

import math
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
    magnitude = 10 ** math.floor(math.log10(raw_step))
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
    if gap.on_track is True:
        parts.append(_("On track."))
    elif gap.on_track is False:
        parts.append(_("Not on track."))
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


def target_chart_svg(target_row, width=320, height=180, chart_id=None):
    """A target's assessments, target value and trend projected to the target year, as SVG.

    `target_row` is a visions.documents.snapshot.TargetRow. Years are whole years, as in the derived
    numbers, so the points sit exactly on the least-squares line's scale.
    """
    target = target_row.target
    gap = target_row.gap
    points = target_row_points(target_row)
    chart_id = chart_id or f"target-chart-{target.pk or 0}-{next(_chart_ids)}"

    pad_left, pad_right, pad_top, pad_bottom = 46, 14, 12, 26
    plot_w = max(width - pad_left - pad_right, 10)
    plot_h = max(height - pad_top - pad_bottom, 10)

    years = [year for year, _value in points]
    first_year = min(years + [target.target_year]) if years else target.target_year - 10
    last_year = max(years + [target.target_year])
    if first_year == last_year:
        first_year -= 1

    trend_line = None
    if gap is not None and gap.trend is not None and gap.projected is not None:
        intercept = gap.projected - gap.trend * target.target_year
        start_year = points[0][0]
        trend_line = ((start_year, intercept + gap.trend * start_year), (target.target_year, gap.projected))

    values = [v for _y, v in points] + [target.target_value]
    if trend_line:
        values += [trend_line[0][1], trend_line[1][1]]
    low, high = min(values), max(values)
    if not all(math.isfinite(v) for v in values) or not math.isfinite((high - low) * 1.5):
        # Values near the float limit (allowed, if odd) cannot be scaled onto a plot.
        return unplottable_chart_svg(target_row, width, height, chart_id)
    if math.isclose(low, high):
        spread = abs(low) * 0.1 or 1.0
        low, high = low - spread, high + spread
    margin = (high - low) * 0.05
    ticks = nice_ticks(low - margin, high + margin)
    low, high = ticks[0], ticks[-1]

    def x(year):
        return pad_left + (year - first_year) / (last_year - first_year) * plot_w

    def y(value):
        return pad_top + (high - value) / (high - low) * plot_h

    status_colour = {True: OK, False: BAD}.get(gap.on_track if gap else None, UNKNOWN)
    title = escape(target.indicator)
    description = escape(target_chart_description(target_row))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="target-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="10">',
        f'<title id="{chart_id}-title">{title}</title>',
        f'<desc id="{chart_id}-desc">{description}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{pad_left}" y1="{ty:.1f}" x2="{pad_left + plot_w}" y2="{ty:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{pad_left - 5}" y="{ty + 3.5:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape(format_value(tick))}</text>"
        )
    axis_y = pad_top + plot_h
    parts.append(
        f'<line x1="{pad_left}" y1="{axis_y}" x2="{pad_left + plot_w}" y2="{axis_y}" stroke="{MUTED}"/>'
    )
    labelled_years = [first_year, last_year]
    if points and all(abs(x(points[-1][0]) - x(year)) >= 28 for year in labelled_years):
        labelled_years.append(points[-1][0])
    for year in sorted(set(labelled_years)):
        tx = x(year)
        anchor = "start" if year == first_year else "end" if year == last_year else "middle"
        parts.append(f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 4}" stroke="{MUTED}"/>')
        parts.append(
            f'<text x="{tx:.1f}" y="{axis_y + 15}" text-anchor="{anchor}" fill="{MUTED}">{year}</text>'
        )

    target_y = y(target.target_value)
    parts.append(
        f'<line class="target-line" x1="{pad_left}" y1="{target_y:.1f}" x2="{pad_left + plot_w}" '
        f'y2="{target_y:.1f}" stroke="{ACCENT}" stroke-width="1.5" stroke-dasharray="6 3"/>'
    )
    target_label = escape(_("target %(value)s") % {"value": with_unit(target.target_value, target.unit)})
    label_y = target_y - 4 if target_y - 4 > pad_top + 8 else target_y + 11
    parts.append(
        f'<text x="{pad_left + 4}" y="{label_y:.1f}" fill="{ACCENT}">{target_label}</text>'
    )

    if trend_line:
        (x1, y1), (x2, y2) = trend_line
        parts.append(
            f'<line class="trend-line" x1="{x(x1):.1f}" y1="{y(y1):.1f}" x2="{x(x2):.1f}" y2="{y(y2):.1f}" '
            f'stroke="{status_colour}" stroke-width="1.5" stroke-dasharray="2 2"/>'
        )
        parts.append(
            f'<circle class="projected" cx="{x(x2):.1f}" cy="{y(y2):.1f}" r="3.5" fill="#ffffff" '
            f'stroke="{status_colour}" stroke-width="1.5"/>'
        )

    tx, ty = x(target.target_year), target_y
    parts.append(
        f'<path class="target-point" d="M{tx:.1f} {ty - 5:.1f} L{tx + 5:.1f} {ty:.1f} L{tx:.1f} {ty + 5:.1f} '
        f'L{tx - 5:.1f} {ty:.1f} Z" fill="{ACCENT}"/>'
    )

    if points:
        polyline = " ".join(f"{x(py):.1f},{y(pv):.1f}" for py, pv in points)
        parts.append(f'<polyline points="{polyline}" fill="none" stroke="{INK}" stroke-width="1"/>')
        for index, (py, pv) in enumerate(points):
            radius = 3.5 if index == len(points) - 1 else 2.5
            parts.append(
                f'<circle class="assessment" cx="{x(py):.1f}" cy="{y(pv):.1f}" r="{radius}" fill="{INK}"/>'
            )
    else:
        parts.append(
            f'<text x="{pad_left + plot_w / 2:.1f}" y="{pad_top + plot_h / 2:.1f}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(_("No assessment yet"))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
