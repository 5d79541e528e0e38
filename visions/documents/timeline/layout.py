"""The timeline's geometry: sizes and colours, text widths, row packing, and where the axis,
every lane, bar and milestone go. Nothing here draws; visions.documents.timeline.svg does.
"""

import unicodedata
from dataclasses import dataclass, field

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


@dataclass
class TimelineLayout:
    """Where everything of one timeline goes, from the top of the picture down."""

    scale: Scale
    lanes: list  # Lane, in the order drawn
    milestones: list  # [milestone, x, label, row, right_aligned]
    milestone_top: float
    lanes_top: float
    lanes_bottom: float
    height: float


def place_lanes(lanes, top):
    """Stack the lanes from `top` and give every bar its row's top; returns the lanes' bottom."""
    y = top
    for lane in lanes:
        lane.top = y
        for bar in lane.bars:
            bar.top = y + LANE_PAD + bar.row * ROW_HEIGHT
        y += lane.height
    return y


def lay_out(workshop, actions, milestones):
    """The axis, the lanes with their bars packed into rows, and the milestones above them."""
    first_year, last_year = axis_range(workshop, actions, milestones)
    scale = Scale(first_year, last_year, LANE_LABEL_WIDTH, WIDTH - RIGHT_PAD)

    lanes = layout_bars(actions, scale)
    placed_milestones, milestone_rows = layout_milestones(milestones, scale)

    milestone_top = AXIS_HEIGHT
    lanes_top = milestone_top + max(milestone_rows, 1) * MILESTONE_ROW + 8
    lanes_bottom = place_lanes(lanes, lanes_top)
    return TimelineLayout(
        scale=scale,
        lanes=lanes,
        milestones=placed_milestones,
        milestone_top=milestone_top,
        lanes_top=lanes_top,
        lanes_bottom=lanes_bottom,
        height=lanes_bottom + BOTTOM_AXIS_HEIGHT + LEGEND_HEIGHT,
    )
