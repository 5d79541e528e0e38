"""The roadmap timeline for the projector: lanes, bars and milestones in type a room can read.

The page's timeline (visions.documents.timeline) labels every bar in 11-unit type, which
a projector shows at about 15 px. This one keeps the room's picture: one lane per sector,
the actions as bars (their titles on hover), the milestones labelled, in 24-unit type on
a 1000-unit-wide drawing that the projector shows at least 1000 px wide.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from visions.documents.timeline.layout import LANE_COLOURS, fit_text, pack_rows, text_width, wrap_words
from visions.models import ActionStatus
from visions.documents.timeline.svg import bar_title
from visions.roadmap import LANE_LABELS, LANE_ORDER, action_lane

WIDTH = 1000
FONT = 24
LANE_LABEL_WIDTH = 230
RIGHT = WIDTH - 16
AXIS = 34
MILESTONE_ROW = 34
BAR_ROW = 18
BAR_HEIGHT = 13
LANE_PAD = 10
MAX_MILESTONE_LABEL = 420
MILESTONE_ROWS = 2
# The tallest drawing a 1280×720 projector shows with 24-unit type at 20 px or more.
MAX_HEIGHT = 380
MIN_BAR_ROW = 5
INK = "#1d2330"
MUTED = "#4a5263"
GRID = "#dde2ea"
ACCENT = "#0b5cad"
# (fill, fill opacity, stroke, dash) per status; "lane" is the lane's colour.
BAR_STYLES = {
    ActionStatus.PLANNED: ("#ffffff", 1, "lane", "5 3"),
    ActionStatus.IN_PROGRESS: ("lane", 0.35, "lane", ""),
    ActionStatus.DONE: ("lane", 1, "lane", ""),
    ActionStatus.DROPPED: ("#d5d9e0", 1, "#6b7280", "2 2"),
}


def year_scale(workshop, actions, milestones):
    years = [y for a in actions for y in (a.start_year, a.end_year)] + [m.year for m in milestones]
    first = max(min([workshop.base_year, *years]), workshop.base_year - 10)
    last = min(max([workshop.target_year, *years]), workshop.target_year + 10)
    span = max(last - first + 1, 1)

    def x(year):
        year = min(max(year, first), last + 1)
        return LANE_LABEL_WIDTH + (year - first) * (RIGHT - LANE_LABEL_WIDTH) / span

    return first, last, x


def text(x, y, content, *, size=FONT, fill=INK, anchor="start", weight=None):
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" text-anchor="{anchor}"{bold}>'
        f"{escape(content)}</text>"
    )


def axis(first, last, x, top, bottom):
    step = next(s for s in (1, 2, 5, 10, 20, 50) if (x(first + s) - x(first)) >= 90)
    parts = []
    year = first - first % step if first % step else first
    while year <= last:
        if year >= first:
            cx = x(year)
            parts.append(f'<line x1="{cx:.1f}" y1="{top}" x2="{cx:.1f}" y2="{bottom}" stroke="{GRID}"/>')
            parts.append(text(cx, AXIS - 8, str(year), fill=MUTED, anchor="middle"))
        year += step
    return parts


def milestone_rows(milestones, x):
    """Milestones in at most MILESTONE_ROWS rows, taken in turn by year; each label is cut
    to the room left before the next label in its row, so the drawing's height stays put
    however many milestones there are (their full titles are on hover)."""
    ordered = sorted(milestones, key=lambda m: (m.year, m.pk))
    centres = [x(m.year) + 4 for m in ordered]
    row_ends = [0.0] * MILESTONE_ROWS
    placed = []
    for index, milestone in enumerate(ordered):
        row = index % MILESTONE_ROWS
        cx = centres[index]
        following = index + MILESTONE_ROWS
        limit = centres[following] - 14 if following < len(ordered) else WIDTH
        room_right = min(limit, WIDTH) - cx - 14
        full = f"{milestone.year} {milestone.title}"
        room_left = cx - 14 - row_ends[row]
        full_width = text_width(full, FONT)
        right_aligned = full_width > room_right and (
            full_width <= room_left or (room_right < 200 and room_left > room_right)
        )
        room = room_left if right_aligned else room_right
        label = fit_text(full, max(min(room, MAX_MILESTONE_LABEL), 0), FONT)
        if text_width(label, FONT) > room or label.startswith("…"):
            label = str(milestone.year) if text_width(str(milestone.year), FONT) <= room else ""
        width = text_width(label, FONT)
        row_ends[row] = cx + 4 if right_aligned else cx + 14 + width + 8
        placed.append((milestone, cx, label, right_aligned, row))
    return placed, min(len(ordered), MILESTONE_ROWS)


def draw_milestones(placed, lanes_bottom):
    parts = []
    for milestone, cx, label, right_aligned, row in placed:
        y = AXIS + row * MILESTONE_ROW + MILESTONE_ROW / 2 + 4
        parts.append(
            f'<line x1="{cx:.1f}" y1="{y:.1f}" x2="{cx:.1f}" y2="{lanes_bottom}" stroke="{ACCENT}" '
            'stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
        parts.append(
            f'<path d="M{cx:.1f} {y - 9:.1f} L{cx + 9:.1f} {y:.1f} L{cx:.1f} {y + 9:.1f} L{cx - 9:.1f} {y:.1f} Z" '
            f'fill="{ACCENT}"><title>{escape(milestone.title)}</title></path>'
        )
        tx = cx - 14 if right_aligned else cx + 14
        parts.append(text(tx, y + 8, label, anchor="end" if right_aligned else "start", weight="600"))
    return parts


def lanes_of(actions, x):
    lanes = {key: [] for key in LANE_ORDER}
    for action in sorted(actions, key=lambda a: (a.start_year, a.end_year, a.pk)):
        lanes[action_lane(action)].append((action, x(action.start_year), x(action.end_year + 1)))
    shown = []
    for key in LANE_ORDER:
        bars = lanes[key]
        if not bars:
            continue
        rows = pack_rows([(i, left, right) for i, (_a, left, right) in enumerate(bars)])
        label = wrap_words(str(LANE_LABELS[key]), LANE_LABEL_WIDTH - 16, FONT)
        shown.append((key, bars, rows, max(rows.values()) + 1, label))
    return shown


def bar_row_height(lanes, lanes_top):
    """Bars carry no text, so a crowded roadmap gets thinner bars rather than a taller
    drawing (which the projector would shrink, type and all)."""
    total_rows = sum(row_count for _key, _bars, _rows, row_count, _label in lanes)
    if not total_rows:
        return BAR_ROW
    fixed = lanes_top + len(lanes) * (2 * LANE_PAD + 4) + 6
    return max(MIN_BAR_ROW, min(BAR_ROW, (MAX_HEIGHT - fixed) / total_rows))


def draw_lane(key, bars, rows, row_count, label, top, bar_row=BAR_ROW):
    colour = LANE_COLOURS[key]
    bar_height = min(BAR_HEIGHT, bar_row - 2)
    height = max(row_count * bar_row + 2 * LANE_PAD, len(label) * 28 + 12)
    parts = [
        f'<rect x="0" y="{top:.1f}" width="{WIDTH}" height="{height:.1f}" fill="#f6f7f9"/>',
        f'<rect x="0" y="{top:.1f}" width="8" height="{height:.1f}" fill="{colour}"/>',
    ]
    for line_index, line in enumerate(label):
        parts.append(text(16, top + 30 + line_index * 28, line, fill=colour, weight="700"))
    for index, (action, left, right) in enumerate(bars):
        y = top + LANE_PAD + rows[index] * bar_row
        # Planned: outlined and dashed; in progress: tinted; done: solid; dropped: grey.
        fill, opacity, stroke, dash = BAR_STYLES.get(action.status, ("#ffffff", 1, colour, ""))
        fill = colour if fill == "lane" else fill
        stroke = colour if stroke == "lane" else stroke
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<rect x="{left + 1:.1f}" y="{y:.1f}" width="{max(right - left - 2, 6):.1f}" height="{bar_height:.1f}" '
            f'rx="3" fill="{fill}" fill-opacity="{opacity}" stroke="{stroke}" stroke-width="2"{dash_attr}>'
            f"<title>{escape(bar_title(action, key))}</title></rect>"
        )
    return parts, height


def room_timeline_svg(snapshot):
    """The snapshot's roadmap as a timeline for the projector, marked safe."""
    workshop = snapshot.workshop
    actions = list(snapshot.actions)
    milestones = [m for m in snapshot.milestones if m.accepted]
    first, last, x = year_scale(workshop, actions, milestones)
    placed, milestone_row_count = milestone_rows(milestones, x)
    lanes_top = AXIS + max(milestone_row_count, 1) * MILESTONE_ROW + 10
    body, y = [], lanes_top
    lanes = lanes_of(actions, x)
    bar_row = bar_row_height(lanes, lanes_top)
    for lane in lanes:
        parts, height = draw_lane(*lane, y, bar_row)
        body += parts
        y += height + 4
    if not actions:
        body.append(text(WIDTH / 2, y + 40, _("No actions yet."), fill=MUTED, anchor="middle"))
        y += 60
    height = y + 6
    title = _("Roadmap timeline %(base)s–%(target)s: %(actions)s actions, %(milestones)s milestones") % {
        "base": workshop.base_year,
        "target": workshop.target_year,
        "actions": len(actions),
        "milestones": len(milestones),
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" class="room-timeline" '
        f'role="img" aria-labelledby="room-timeline-title" font-family="IPAexGothic, sans-serif">',
        f'<title id="room-timeline-title">{escape(title)}</title>',
        *axis(first, last, x, AXIS, height),
        *body,
        *draw_milestones(placed, height),
        "</svg>",
    ]
    return mark_safe("".join(parts))
