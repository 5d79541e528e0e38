"""The roadmap as a server-rendered SVG timeline.

Years run left to right; one lane per sector, one for joint actions and one for
actions nobody owns yet. Inside a lane, bars are packed into rows so that no two
labels overlap, and the lane grows with its rows. Everything is drawn with
presentation attributes only: no script, no stylesheet, no external resource, so
the same markup works on the page and inside the PDF.

The package: `layout` places everything (sizes, colours, text widths, rows, the axis), `svg`
draws it, and timeline_svg below puts the drawing steps together. Everything the module used
to hold can still be imported from here.
"""

from django.utils import timezone
from django.utils.safestring import mark_safe

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
    LANE_LABEL_WIDTH,
    LANE_PAD,
    LEGEND_HEIGHT,
    MAX_LABEL_WIDTH,
    MAX_OVERHANG_YEARS,
    MILESTONE_ROW,
    MUTED,
    NARROW,
    PACK_GAP,
    RIGHT_PAD,
    ROW_HEIGHT,
    STATUS_STYLES,
    WIDE_LATIN,
    WIDTH,
    Bar,
    Lane,
    Scale,
    StatusStyle,
    TimelineLayout,
    axis_range,
    bar_label,
    fit_text,
    lay_out,
    layout_bars,
    layout_milestones,
    pack_rows,
    place_lanes,
    status_label,
    text_width,
    wrap_words,
)
from visions.documents.timeline.svg import (
    attrs,
    bar_hit_area,
    bar_link,
    bar_shapes,
    bar_title,
    defs,
    diamond,
    draw_axis,
    draw_bar,
    draw_bars,
    draw_dependencies,
    draw_critical,
    draw_dependency,
    draw_grid,
    draw_lane,
    draw_lanes,
    draw_legend,
    draw_milestone,
    draw_milestones,
    draw_opening,
    draw_outside_range,
    draw_today,
    element,
    legend_items,
    legend_swatch,
    outside_band,
    text,
)

__all__ = [
    "AXIS_HEIGHT",
    "BAR_HEIGHT",
    "BAR_TOP",
    "BOTTOM_AXIS_HEIGHT",
    "DANGER",
    "FONT",
    "GRID",
    "INK",
    "LABEL_SIZE",
    "LANE_COLOURS",
    "LANE_LABEL_SIZE",
    "LANE_LABEL_WIDTH",
    "LANE_PAD",
    "LEGEND_HEIGHT",
    "MAX_LABEL_WIDTH",
    "MAX_OVERHANG_YEARS",
    "MILESTONE_ROW",
    "MUTED",
    "NARROW",
    "PACK_GAP",
    "RIGHT_PAD",
    "ROW_HEIGHT",
    "STATUS_STYLES",
    "WIDE_LATIN",
    "WIDTH",
    "Bar",
    "Lane",
    "Scale",
    "StatusStyle",
    "TimelineLayout",
    "attrs",
    "axis_range",
    "bar_hit_area",
    "bar_label",
    "bar_link",
    "bar_shapes",
    "bar_title",
    "defs",
    "diamond",
    "draw_axis",
    "draw_bar",
    "draw_bars",
    "draw_dependencies",
    "draw_critical",
    "draw_dependency",
    "draw_grid",
    "draw_lane",
    "draw_lanes",
    "draw_legend",
    "draw_milestone",
    "draw_milestones",
    "draw_opening",
    "draw_outside_range",
    "draw_today",
    "element",
    "fit_text",
    "lay_out",
    "layout_bars",
    "layout_milestones",
    "legend_items",
    "legend_swatch",
    "outside_band",
    "pack_rows",
    "place_lanes",
    "status_label",
    "text",
    "text_width",
    "timeline_svg",
    "wrap_words",
]


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
    plot = lay_out(workshop, actions, milestones)
    return mark_safe(
        "".join(
            [
                draw_opening(plot, workshop, len(actions)),
                draw_lanes(plot),
                draw_outside_range(plot, workshop),
                draw_grid(plot),
                draw_milestones(plot),
                draw_dependencies(plot, snapshot.dependencies),
                draw_bars(plot, workshop, links, editable),
                draw_critical(plot, getattr(snapshot, "schedule", ())),
                draw_today(plot, today),
                draw_legend(plot.lanes_bottom + BOTTOM_AXIS_HEIGHT),
                "</svg>",
            ]
        )
    )
