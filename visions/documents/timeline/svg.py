"""Drawing the laid-out timeline: SVG elements with presentation attributes only, each step of
the picture in its own function, in the order timeline_svg puts them together.
"""

import datetime

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from visions.documents.timeline.layout import (
    AXIS_HEIGHT,
    BAR_HEIGHT,
    BAR_TOP,
    BOTTOM_AXIS_HEIGHT,
    DANGER,
    FONT,
    GRID,
    INK,
    LABEL_SIZE,
    LANE_COLOURS,
    LANE_LABEL_SIZE,
    LANE_PAD,
    LEGEND_HEIGHT,
    MILESTONE_ROW,
    MUTED,
    STATUS_STYLES,
    WIDTH,
    status_label,
    text_width,
)
from visions.models import ActionStatus
from visions.roadmap import LANE_LABELS


def attrs(**values):
    """SVG attributes from keywords: trailing _ dropped, other _ become -, None left out."""
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.1f}".rstrip("0").rstrip(".")
        parts.append(f'{name}="{escape(value)}"')
    return " ".join(parts)


def element(tag, content=None, **values):
    opening = " ".join([tag, attrs(**values)]).rstrip()
    if content is None:
        return f"<{opening}/>"
    return f"<{opening}>{content}</{tag}>"


def bar_title(action, lane):
    owners = pgettext("between the items of a list", ", ").join(owner.name for owner in action.owners.all())
    owners = owners or _("no owner yet")
    years = (
        f"{action.start_year}"
        if action.start_year == action.end_year
        else (f"{action.start_year}–{action.end_year}")
    )
    return _("%(title)s — %(years)s, %(status)s, %(progress)s%% done. %(lane)s: %(owners)s") % {
        "title": action.title,
        "years": years,
        "status": status_label(action),
        "progress": action.progress,
        "lane": LANE_LABELS[lane],
        "owners": owners,
    }


def defs():
    return (
        "<defs>"
        '<pattern id="tl-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)">'
        '<rect x="0" y="0" width="6" height="6" fill="#f1f2f4"/>'
        '<rect x="0" y="0" width="2" height="6" fill="#b9bec7"/>'
        "</pattern>"
        "</defs>"
    )


def text(content, **values):
    values.setdefault("font_family", FONT)
    values.setdefault("font_size", LABEL_SIZE)
    values.setdefault("fill", INK)
    return element("text", escape(content), **values)


def draw_axis(scale, y, *, below):
    parts = []
    step = scale.tick_step()
    first_tick = scale.first_year + (-scale.first_year) % step
    for year in range(first_tick, scale.last_year + 1, step):
        parts.append(
            text(
                str(year),
                x=scale.centre(year),
                y=y + (15 if below else 17),
                text_anchor="middle",
                fill=MUTED,
                font_size=10,
            )
        )
    return "".join(parts)


def draw_bar(bar, workshop, links, editable):
    action = bar.action
    parts = bar_shapes(bar)
    common = {
        "data_action_id": action.pk,
        "data_lane": bar.lane,
        "data_start": action.start_year,
        "data_end": action.end_year,
        "data_status": action.status,
    }
    if links:
        content = parts[0] + bar_hit_area(bar) + "".join(parts[1:])
        return bar_link(action, content, workshop, editable, common)
    return element("g", "".join(parts), **common)


def bar_shapes(bar):
    """The bar's title, label, box, and its progress or its strike-through."""
    action = bar.action
    style = STATUS_STYLES.get(action.status, STATUS_STYLES[ActionStatus.PLANNED])
    bar_y = bar.top + BAR_TOP
    width = max(bar.right - bar.left, 2)
    progress_width = width * min(max(action.progress, 0), 100) / 100
    label_x = bar.right if bar.label_right_aligned else bar.left
    parts = [
        element("title", escape(bar_title(action, bar.lane))),
        text(
            bar.label,
            x=label_x,
            y=bar.top + BAR_TOP - 3,
            text_anchor="end" if bar.label_right_aligned else None,
        ),
        element(
            "rect",
            x=bar.left,
            y=bar_y,
            width=width,
            height=BAR_HEIGHT,
            rx=2,
            fill=style.fill,
            stroke=style.colour,
            stroke_width=1.2,
            stroke_dasharray=style.dash or None,
            data_role="bar",
        ),
    ]
    if progress_width > 0 and action.status not in (ActionStatus.DONE, ActionStatus.DROPPED):
        parts.append(
            element(
                "rect",
                x=bar.left,
                y=bar_y + 2,
                width=max(progress_width, 1),
                height=BAR_HEIGHT - 4,
                fill=style.colour,
                data_role="progress",
            )
        )
    if style.strike:
        parts.append(
            element(
                "line",
                x1=bar.left,
                x2=bar.left + width,
                y1=bar_y + BAR_HEIGHT / 2,
                y2=bar_y + BAR_HEIGHT / 2,
                stroke=style.colour,
                stroke_width=1.5,
            )
        )
    return parts


def bar_hit_area(bar):
    """An invisible hit area over label and bar, so the gap between them is clickable too."""
    left, right = bar.extent
    return element(
        "rect",
        x=left,
        y=bar.top + 1,
        width=right - left,
        height=BAR_TOP + BAR_HEIGHT + 1,
        fill="#ffffff",
        fill_opacity=0,
    )


def bar_link(action, content, workshop, editable, common):
    if editable is not None and action.pk not in editable:
        # Someone who may not edit it is taken to the action's row in the table.
        return element("a", content, href=f"#action-{action.pk}", **common)
    url = reverse("roadmap_action_edit", args=[workshop.pk, action.pk])
    return element(
        "a",
        content,
        href=url,
        hx_get=url,
        hx_target="#action-panel",
        hx_swap="outerHTML",
        hx_push_url="true",
        **common,
    )


def draw_dependency(prerequisite_bar, action_bar):
    start_x, start_y = prerequisite_bar.right, prerequisite_bar.middle
    end_x, end_y = action_bar.left, action_bar.middle
    violation = action_bar.action.start_year < prerequisite_bar.action.end_year
    # Short handles keep long and backward arrows inside the plot.
    reach = min(max(14.0, abs(end_x - start_x) / 2), 60.0)
    colour = DANGER if violation else "#7a8394"
    path = (
        f"M{start_x:.1f},{start_y:.1f} C{start_x + reach:.1f},{start_y:.1f} "
        f"{end_x - reach:.1f},{end_y:.1f} {end_x - 5:.1f},{end_y:.1f}"
    )
    title = _("%(action)s depends on %(prerequisite)s") % {
        "action": action_bar.action.title,
        "prerequisite": prerequisite_bar.action.title,
    }
    if violation:
        title += " — " + _("starts before it ends")
    head = f"{end_x:.1f},{end_y:.1f} {end_x - 6:.1f},{end_y - 3.5:.1f} {end_x - 6:.1f},{end_y + 3.5:.1f}"
    return element(
        "g",
        element("title", escape(title))
        + element(
            "path",
            d=path,
            fill="none",
            stroke=colour,
            stroke_width=1.6 if violation else 1,
            stroke_dasharray="4 3" if violation else None,
            stroke_opacity=1 if violation else 0.5,
        )
        + element("polygon", points=head, fill=colour),
        data_role="dependency",
        data_from=prerequisite_bar.action.pk,
        data_to=action_bar.action.pk,
        data_violation="true" if violation else "false",
    )


def legend_items():
    return [
        ("status", ActionStatus.PLANNED, ActionStatus.PLANNED.label),
        ("status", ActionStatus.IN_PROGRESS, ActionStatus.IN_PROGRESS.label),
        ("status", ActionStatus.DONE, ActionStatus.DONE.label),
        ("status", ActionStatus.DROPPED, ActionStatus.DROPPED.label),
        ("milestone", None, _("Milestone")),
        ("dependency", None, _("Depends on")),
        ("violation", None, _("Starts before its prerequisite ends")),
        ("today", None, _("Today")),
        ("critical", None, _("No slack or already late")),
    ]


def draw_legend(y):
    parts = []
    x = 8.0
    middle = y + LEGEND_HEIGHT / 2
    for kind, status, label in legend_items():
        label = str(label)
        swatch_parts, swatch = legend_swatch(kind, status, x, middle)
        parts.extend(swatch_parts)
        parts.append(text(label, x=x + swatch + 5, y=middle + 4))
        x += swatch + 5 + text_width(label) + 18
    return element("g", "".join(parts), data_role="legend")


def legend_swatch(kind, status, x, middle):
    """The legend's picture of one kind of mark at x, and its width."""
    parts = []
    if kind == "status":
        style = STATUS_STYLES[status]
        parts.append(
            element(
                "rect",
                x=x,
                y=middle - BAR_HEIGHT / 2,
                width=26,
                height=BAR_HEIGHT,
                rx=2,
                fill=style.fill,
                stroke=style.colour,
                stroke_width=1.2,
                stroke_dasharray=style.dash or None,
            )
        )
        if status == ActionStatus.IN_PROGRESS:
            parts.append(element("rect", x=x, y=middle - 3, width=13, height=6, fill=style.colour))
        if style.strike:
            parts.append(
                element("line", x1=x, x2=x + 26, y1=middle, y2=middle, stroke=style.colour, stroke_width=1.5)
            )
        return parts, 26
    if kind == "milestone":
        return [diamond(x + 6, middle)], 12
    if kind == "critical":
        parts.append(
            element(
                "rect", x=x, y=middle - BAR_HEIGHT / 2 - 2, width=26, height=BAR_HEIGHT + 4, rx=3,
                fill="none", stroke=DANGER, stroke_width=2,
            )
        )
        return parts, 26
    if kind == "today":
        parts.append(
            element("line", x1=x + 4, x2=x + 4, y1=middle - 8, y2=middle + 8, stroke=DANGER, stroke_width=2)
        )
        return parts, 8
    colour = DANGER if kind == "violation" else "#7a8394"
    parts.append(
        element(
            "line",
            x1=x,
            x2=x + 20,
            y1=middle,
            y2=middle,
            stroke=colour,
            stroke_width=1.6,
            stroke_dasharray="4 3" if kind == "violation" else None,
        )
    )
    parts.append(
        element(
            "polygon",
            points=f"{x + 26},{middle} {x + 20},{middle - 3.5} {x + 20},{middle + 3.5}",
            fill=colour,
        )
    )
    return parts, 26


def diamond(x, y, size=6, colour=INK):
    points = f"{x:.1f},{y - size:.1f} {x + size:.1f},{y:.1f} {x:.1f},{y + size:.1f} {x - size:.1f},{y:.1f}"
    return element("polygon", points=points, fill=colour, stroke="#ffffff", stroke_width=1)


def outside_band(left, right, top, bottom):
    return element(
        "g",
        element("title", escape(_("Outside base year .. target year")))
        + element(
            "rect",
            x=left,
            y=top,
            width=max(right - left, 0),
            height=bottom - top,
            fill="url(#tl-hatch)",
            fill_opacity=0.5,
        ),
        data_role="outside-range",
    )


def draw_lane(lane, index, scale):
    colour = LANE_COLOURS[lane.key]
    parts = [
        element(
            "rect",
            x=0,
            y=lane.top,
            width=WIDTH,
            height=lane.height,
            fill="#f6f7f9" if index % 2 == 0 else "#ffffff",
        ),
        element("rect", x=0, y=lane.top, width=5, height=lane.height, fill=colour),
        element("line", x1=0, x2=WIDTH, y1=lane.top, y2=lane.top, stroke="#c9cfd9", stroke_width=1),
    ]
    y = lane.top + LANE_PAD + 14
    for line in lane.label_lines:
        parts.append(text(line, x=12, y=y, font_size=LANE_LABEL_SIZE, font_weight="bold", fill=colour))
        y += 14
    parts.append(
        text(
            ngettext("%(count)s action", "%(count)s actions", len(lane.bars)) % {"count": len(lane.bars)},
            x=12,
            y=y + 1,
            font_size=10,
            fill=MUTED,
        )
    )
    return element(
        "g",
        "".join(parts),
        data_role="lane",
        data_lane=lane.key,
        data_top=round(lane.top, 1),
        data_height=round(lane.height, 1),
    )


def draw_opening(plot, workshop, action_count):
    """The <svg> element's start, its title, the shared patterns and the white background."""
    height = plot.height
    title = ngettext(
        "Roadmap timeline %(base)s–%(target)s: %(count)s action",
        "Roadmap timeline %(base)s–%(target)s: %(count)s actions",
        action_count,
    ) % {"base": workshop.base_year, "target": workshop.target_year, "count": action_count}
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" {attrs(width=WIDTH, height=height)} '
        f'viewBox="0 0 {WIDTH} {height}" role="group" aria-labelledby="tl-title" '
        # Presentation attributes, not style="…": the pages' Content-Security-Policy allows no inline
        # style; the sizing (max-width, height) lives in app.css, pdf.css and projector.css.
        f'font-family="{FONT}" data-role="timeline">'
        + element("title", escape(title), id="tl-title")
        + defs()
        + element("rect", x=0, y=0, width=WIDTH, height=height, fill="#ffffff")
    )


def draw_lanes(plot):
    return "".join(draw_lane(lane, index, plot.scale) for index, lane in enumerate(plot.lanes))


def draw_outside_range(plot, workshop):
    """Years outside base year .. target year are shaded: what sits there is a range finding."""
    scale = plot.scale
    parts = []
    if scale.first_year < workshop.base_year:
        parts.append(outside_band(scale.left, scale.x(workshop.base_year), plot.lanes_top, plot.lanes_bottom))
    if scale.last_year > workshop.target_year:
        parts.append(
            outside_band(scale.x(workshop.target_year + 1), scale.right, plot.lanes_top, plot.lanes_bottom)
        )
    return "".join(parts)


def draw_grid(plot):
    """A vertical line at every labelled year, and the years above and below the lanes."""
    scale = plot.scale
    parts = []
    step = scale.tick_step()
    first_tick = scale.first_year + (-scale.first_year) % step
    for year in range(first_tick, scale.last_year + 1, step):
        x = scale.x(year)
        parts.append(
            element("line", x1=x, x2=x, y1=AXIS_HEIGHT - 4, y2=plot.lanes_bottom, stroke=GRID, stroke_width=1)
        )
    parts.append(draw_axis(scale, 0, below=False))
    parts.append(draw_axis(scale, plot.lanes_bottom, below=True))
    return "".join(parts)


def draw_milestones(plot):
    return "".join(draw_milestone(plot, *placed) for placed in plot.milestones)


def draw_milestone(plot, milestone, x, label, row, right_aligned):
    marker_y = plot.milestone_top + row * MILESTONE_ROW + MILESTONE_ROW / 2
    return element(
        "g",
        element("title", escape(f"{milestone.year}: {milestone.title}"))
        + element(
            "line",
            x1=x,
            x2=x,
            y1=marker_y,
            y2=plot.lanes_bottom,
            stroke=INK,
            stroke_width=1,
            stroke_dasharray="2 3",
            stroke_opacity=0.55,
        )
        + diamond(x, marker_y)
        + text(
            label,
            x=x - 9 if right_aligned else x + 9,
            y=marker_y + 4,
            text_anchor="end" if right_aligned else None,
            font_weight="bold",
        ),
        data_role="milestone",
        data_milestone_id=milestone.pk,
        data_year=milestone.year,
    )


def draw_dependencies(plot, dependencies):
    """An arrow for every (action, prerequisite) pair whose both ends are drawn."""
    bars = {bar.action.pk: bar for lane in plot.lanes for bar in lane.bars}
    arrows = [
        draw_dependency(bars[prerequisite.pk], bars[action.pk])
        for action, prerequisite in dependencies
        if action.pk in bars and prerequisite.pk in bars
    ]
    return element("g", "".join(arrows), data_role="dependencies")


def draw_bars(plot, workshop, links, editable):
    """One group of bars per lane."""
    return "".join(
        element("g", "".join(draw_bar(bar, workshop, links, editable) for bar in lane.bars), data_role="bars")
        for lane in plot.lanes
    )


def draw_critical(plot, schedule):
    """A frame around every unfinished bar on the critical chain (no slack) or already late (negative slack)."""
    slack = {row.action.pk: row.slack for row in schedule if row.action.status != ActionStatus.DONE}
    frames = [
        element(
            "rect",
            x=bar.left - 2,
            y=bar.top + BAR_TOP - 2,
            width=max(bar.right - bar.left, 2) + 4,
            height=BAR_HEIGHT + 4,
            rx=3,
            fill="none",
            stroke=DANGER,
            stroke_width=2,
            data_role="critical" if slack[bar.action.pk] == 0 else "late",
            data_frames=bar.action.pk,
        )
        for lane in plot.lanes
        for bar in lane.bars
        if slack.get(bar.action.pk, 1) <= 0
    ]
    return element("g", "".join(frames), data_role="critical-chain", pointer_events="none") if frames else ""


def draw_today(plot, today):
    """A line at today's date, if it is on the axis."""
    scale = plot.scale
    if not scale.first_year <= today.year <= scale.last_year:
        return ""
    year_start = datetime.date(today.year, 1, 1)
    days = (datetime.date(today.year + 1, 1, 1) - year_start).days
    x = scale.x(today.year) + scale.year_width * (today - year_start).days / days
    return element(
        "g",
        element("line", x1=x, x2=x, y1=AXIS_HEIGHT - 2, y2=plot.lanes_bottom, stroke=DANGER, stroke_width=2)
        + text(
            _("Today"),
            x=x + 4,
            y=plot.lanes_bottom + BOTTOM_AXIS_HEIGHT - 6,
            fill=DANGER,
            font_weight="bold",
        ),
        data_role="today",
        data_date=today.isoformat(),
    )
