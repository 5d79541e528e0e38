"""The roadmap as a server-rendered SVG timeline.

Years run left to right; one lane per sector, one for joint actions and one for
actions nobody owns yet. Inside a lane, bars are packed into rows so that no two
labels overlap, and the lane grows with its rows. Everything is drawn with
presentation attributes only: no script, no stylesheet, no external resource, so
the same markup works on the page and inside the PDF.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from visions.models import ActionStatus
from visions.roadmap import LANE_LABELS, LANE_ORDER, UNASSIGNED, action_lane

FONT = "IPAexGothic, sans-serif"
INK = "#1d2330"
MUTED = "#4a5263"
GRID = "#e3e7ee"
DANGER = "#a4161a"

WIDTH = 1100
LANE_LABEL_WIDTH = 128
RIGHT_PAD = 18
AXIS_HEIGHT = 26
# Below the lanes: the years, then room for the "Today" label under them.
BOTTOM_AXIS_HEIGHT = 36
MILESTONE_ROW = 18
ROW_HEIGHT = 30
LANE_PAD = 6
LABEL_SIZE = 11
LANE_LABEL_SIZE = 12
BAR_TOP = 15  # from the row's top: the label sits above the bar
BAR_HEIGHT = 10
PACK_GAP = 10
MAX_LABEL_WIDTH = 240
LEGEND_HEIGHT = 34
# How far the axis may stretch to show things outside base year .. target year.
MAX_OVERHANG_YEARS = 10

LANE_COLOURS = {
    "government": "#1f5fa8",
    "academia": "#6b3fa0",
    "industry": "#a35100",
    "citizen": "#217a3c",
    "joint": "#444c5c",
    UNASSIGNED: "#5f6776",  # 5.3:1 on the lane shading: its label is drawn in it
}


@dataclass(frozen=True)
class StatusStyle:
    colour: str
    fill: str
    dash: str = ""
    strike: bool = False


STATUS_STYLES = {
    ActionStatus.PLANNED: StatusStyle(colour="#0b5cad", fill="#ffffff", dash="4 2"),
    ActionStatus.IN_PROGRESS: StatusStyle(colour="#b86e00", fill="#fbeacc"),
    ActionStatus.DONE: StatusStyle(colour="#1b6e3a", fill="#1b6e3a"),  # solid: nothing left to fill
    ActionStatus.DROPPED: StatusStyle(colour="#6b7280", fill="url(#tl-hatch)", strike=True),
}


NARROW = set("fijlrt.,:;|!'()[]/ ·-")
WIDE_LATIN = set("MWmw@%")


def text_width(text, size=LABEL_SIZE):
    """A slightly generous estimate of the drawn width, in the font's ems per character class."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            width += 1.0
        elif ch in NARROW:
            width += 0.34
        elif ch in WIDE_LATIN:
            width += 0.86
        elif ch.isupper():
            width += 0.68
        else:
            width += 0.56
    return width * size


def fit_text(text, max_width, size=LABEL_SIZE):
    if text_width(text, size) <= max_width:
        return text
    kept = ""
    for ch in text:
        if text_width(kept + ch + "…", size) > max_width:
            break
        kept += ch
    return kept.rstrip() + "…"


def pack_rows(items):
    """Interval packing: give each (key, left, right) item the first row where it fits.

    Items are placed in order of their left edge, so the number of rows is the
    largest number of items that overlap at any x. Returns {key: row index}.
    """
    row_ends = []
    rows = {}
    for key, left, right in sorted(items, key=lambda item: (item[1], item[2])):
        for index, end in enumerate(row_ends):
            if end <= left:
                row_ends[index] = right + PACK_GAP
                rows[key] = index
                break
        else:
            row_ends.append(right + PACK_GAP)
            rows[key] = len(row_ends) - 1
    return rows


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


@dataclass
class Scale:
    first_year: int
    last_year: int
    left: float
    right: float

    @property
    def year_width(self):
        return (self.right - self.left) / (self.last_year - self.first_year + 1)

    def x(self, year):
        """Left edge of a year's column, clamped to the plot."""
        year = min(max(year, self.first_year), self.last_year + 1)
        return self.left + (year - self.first_year) * self.year_width

    def centre(self, year):
        return self.x(year) + self.year_width / 2

    def tick_step(self):
        for step in (1, 2, 5, 10, 20, 50):
            if self.year_width * step >= 36:
                return step
        return 100


@dataclass
class Bar:
    action: object
    lane: str
    left: float
    right: float
    label: str
    label_width: float
    label_right_aligned: bool
    row: int = 0
    top: float = 0

    @property
    def middle(self):
        return self.top + BAR_TOP + BAR_HEIGHT / 2

    @property
    def extent(self):
        """Left and right of what the bar and its label cover."""
        if self.label_right_aligned:
            return min(self.left, self.right - self.label_width), self.right
        return self.left, max(self.right, self.left + self.label_width)


@dataclass
class Lane:
    key: str
    bars: list = field(default_factory=list)
    top: float = 0
    rows: int = 0

    label_lines: tuple = ()

    @property
    def height(self):
        label_height = len(self.label_lines) * 14 + 18
        return LANE_PAD * 2 + max(max(self.rows, 1) * ROW_HEIGHT, label_height)


def status_label(action):
    return str(ActionStatus(action.status).label) if action.status in ActionStatus.values else action.status


def bar_label(action):
    if action.status == ActionStatus.PLANNED and action.progress == 0:
        return action.title
    return f"{action.title} · {action.progress}%"


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


def axis_range(workshop, actions, milestones):
    years = [y for a in actions for y in (a.start_year, a.end_year)] + [m.year for m in milestones]
    first = min([workshop.base_year, *years])
    last = max([workshop.target_year, *years])
    return (
        max(first, workshop.base_year - MAX_OVERHANG_YEARS),
        min(last, workshop.target_year + MAX_OVERHANG_YEARS),
    )


def layout_bars(actions, scale):
    lanes = {key: Lane(key) for key in LANE_ORDER}
    max_label = min(MAX_LABEL_WIDTH, (scale.right - scale.left) / 3)
    for action in sorted(actions, key=lambda a: (a.start_year, a.end_year, a.pk)):
        lane = action_lane(action)
        left, right = scale.x(action.start_year), scale.x(action.end_year + 1)
        label = fit_text(bar_label(action), max_label)
        label_width = text_width(label)
        right_aligned = left + label_width > scale.right
        lanes[lane].bars.append(Bar(action, lane, left, right, label, label_width, right_aligned))
    for lane in lanes.values():
        rows = pack_rows([(index, *bar.extent) for index, bar in enumerate(lane.bars)])
        for index, bar in enumerate(lane.bars):
            bar.row = rows[index]
        lane.rows = max(rows.values(), default=-1) + 1
    shown = [lanes[key] for key in LANE_ORDER if key != UNASSIGNED or lanes[key].bars]
    for lane in shown:
        lane.label_lines = wrap_words(str(LANE_LABELS[lane.key]), LANE_LABEL_WIDTH - 18, LANE_LABEL_SIZE)
    return shown


def wrap_words(words, width, size):
    """Up to two lines of at most `width`; the rest is cut with an ellipsis."""
    lines = []
    for word in words.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return tuple(fit_text(line, width, size) for line in lines)


def layout_milestones(milestones, scale):
    """(milestone, x, label, row, right_aligned) with labels packed like bars."""
    placed = []
    items = []
    for index, milestone in enumerate(sorted(milestones, key=lambda m: (m.year, m.pk))):
        x = scale.centre(milestone.year)
        label = fit_text(f"{milestone.year} {milestone.title}", MAX_LABEL_WIDTH)
        width = text_width(label) + 10
        right_aligned = x + width > scale.right + RIGHT_PAD
        placed.append([milestone, x, label, 0, right_aligned])
        items.append((index, x - width, x + 6) if right_aligned else (index, x - 6, x + width))
    rows = pack_rows(items)
    for index, entry in enumerate(placed):
        entry[3] = rows[index]
    return placed, max(rows.values(), default=-1) + 1


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
    common = dict(
        data_action_id=action.pk,
        data_lane=bar.lane,
        data_start=action.start_year,
        data_end=action.end_year,
        data_status=action.status,
    )
    if links:
        # An invisible hit area over label and bar, so the gap between them is clickable too.
        left, right = bar.extent
        hit_area = element(
            "rect",
            x=left,
            y=bar.top + 1,
            width=right - left,
            height=BAR_TOP + BAR_HEIGHT + 1,
            fill="#ffffff",
            fill_opacity=0,
        )
        content = parts[0] + hit_area + "".join(parts[1:])
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
    return element("g", "".join(parts), **common)


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
    ]


def draw_legend(y):
    parts = []
    x = 8.0
    middle = y + LEGEND_HEIGHT / 2
    for kind, status, label in legend_items():
        label = str(label)
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
                    element(
                        "line", x1=x, x2=x + 26, y1=middle, y2=middle, stroke=style.colour, stroke_width=1.5
                    )
                )
            swatch = 26
        elif kind == "milestone":
            parts.append(diamond(x + 6, middle))
            swatch = 12
        elif kind == "today":
            parts.append(
                element(
                    "line", x1=x + 4, x2=x + 4, y1=middle - 8, y2=middle + 8, stroke=DANGER, stroke_width=2
                )
            )
            swatch = 8
        else:
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
            swatch = 26
        parts.append(text(label, x=x + swatch + 5, y=middle + 4))
        x += swatch + 5 + text_width(label) + 18
    return element("g", "".join(parts), data_role="legend")


def diamond(x, y, size=6, colour=INK):
    points = f"{x:.1f},{y - size:.1f} {x + size:.1f},{y:.1f} {x:.1f},{y + size:.1f} {x - size:.1f},{y:.1f}"
    return element("polygon", points=points, fill=colour, stroke="#ffffff", stroke_width=1)


def timeline_svg(snapshot, *, today=None, links=False, editable=None):
    """The roadmap timeline of a WorkshopSnapshot as SVG markup, marked safe.

    `links=True` wraps every bar in an <a> that opens the action for editing
    (the roadmap page); with `editable`, a set of action ids, only those open the
    editor and the others link to their row of the page's table. Leave links off
    for the PDF: WeasyPrint draws the content of SVG links as text.
    """
    workshop = snapshot.workshop
    today = today or timezone.localdate()
    actions = list(snapshot.actions)
    milestones = [m for m in snapshot.milestones if getattr(m, "accepted", True)]
    first_year, last_year = axis_range(workshop, actions, milestones)
    scale = Scale(first_year, last_year, LANE_LABEL_WIDTH, WIDTH - RIGHT_PAD)

    lanes = layout_bars(actions, scale)
    placed_milestones, milestone_rows = layout_milestones(milestones, scale)

    milestone_top = AXIS_HEIGHT
    lanes_top = milestone_top + max(milestone_rows, 1) * MILESTONE_ROW + 8
    y = lanes_top
    for lane in lanes:
        lane.top = y
        for bar in lane.bars:
            bar.top = y + LANE_PAD + bar.row * ROW_HEIGHT
        y += lane.height
    lanes_bottom = y
    height = lanes_bottom + BOTTOM_AXIS_HEIGHT + LEGEND_HEIGHT

    out = []
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" {attrs(width=WIDTH, height=height)} '
        f'viewBox="0 0 {WIDTH} {height}" role="group" aria-labelledby="tl-title" '
        f'style="max-width:100%;height:auto;font-family:{FONT}" data-role="timeline">'
    )
    out.append(
        element(
            "title",
            escape(
                ngettext(
                    "Roadmap timeline %(base)s–%(target)s: %(count)s action",
                    "Roadmap timeline %(base)s–%(target)s: %(count)s actions",
                    len(actions),
                )
                % {"base": workshop.base_year, "target": workshop.target_year, "count": len(actions)}
            ),
            id="tl-title",
        )
    )
    out.append(defs())
    out.append(element("rect", x=0, y=0, width=WIDTH, height=height, fill="#ffffff"))

    for index, lane in enumerate(lanes):
        out.append(draw_lane(lane, index, scale))

    # Years outside base year .. target year are shaded: what sits there is a range finding.
    if first_year < workshop.base_year:
        out.append(outside_band(scale.left, scale.x(workshop.base_year), lanes_top, lanes_bottom))
    if last_year > workshop.target_year:
        out.append(outside_band(scale.x(workshop.target_year + 1), scale.right, lanes_top, lanes_bottom))

    step = scale.tick_step()
    first_tick = first_year + (-first_year) % step
    for year in range(first_tick, last_year + 1, step):
        x = scale.x(year)
        out.append(
            element("line", x1=x, x2=x, y1=AXIS_HEIGHT - 4, y2=lanes_bottom, stroke=GRID, stroke_width=1)
        )
    out.append(draw_axis(scale, 0, below=False))
    out.append(draw_axis(scale, lanes_bottom, below=True))

    for milestone, x, label, row, right_aligned in placed_milestones:
        marker_y = milestone_top + row * MILESTONE_ROW + MILESTONE_ROW / 2
        out.append(
            element(
                "g",
                element("title", escape(f"{milestone.year}: {milestone.title}"))
                + element(
                    "line",
                    x1=x,
                    x2=x,
                    y1=marker_y,
                    y2=lanes_bottom,
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
        )

    bars = {bar.action.pk: bar for lane in lanes for bar in lane.bars}
    arrows = [
        draw_dependency(bars[prerequisite.pk], bars[action.pk])
        for action, prerequisite in snapshot.dependencies
        if action.pk in bars and prerequisite.pk in bars
    ]
    out.append(element("g", "".join(arrows), data_role="dependencies"))

    for lane in lanes:
        drawn = "".join(draw_bar(bar, workshop, links, editable) for bar in lane.bars)
        out.append(element("g", drawn, data_role="bars"))

    if first_year <= today.year <= last_year:
        year_start = datetime.date(today.year, 1, 1)
        days = (datetime.date(today.year + 1, 1, 1) - year_start).days
        x = scale.x(today.year) + scale.year_width * (today - year_start).days / days
        out.append(
            element(
                "g",
                element(
                    "line", x1=x, x2=x, y1=AXIS_HEIGHT - 2, y2=lanes_bottom, stroke=DANGER, stroke_width=2
                )
                + text(
                    _("Today"),
                    x=x + 4,
                    y=lanes_bottom + BOTTOM_AXIS_HEIGHT - 6,
                    fill=DANGER,
                    font_weight="bold",
                ),
                data_role="today",
                data_date=today.isoformat(),
            )
        )

    out.append(draw_legend(lanes_bottom + BOTTOM_AXIS_HEIGHT))
    out.append("</svg>")
    return mark_safe("".join(out))


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
