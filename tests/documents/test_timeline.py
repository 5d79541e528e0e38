"""The timeline SVG, read back as XML: bars in the right lanes at the right x, arrows, markers."""

import datetime
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest
from django.utils import translation

from visions.documents import timeline
from visions.models import Action
from visions.documents.snapshot import load_snapshot
from visions.documents.timeline import timeline_svg

from tests.factories import ActionFactory, MilestoneFactory, StakeholderFactory, WorkshopFactory
from tests.roadmap_data import build_roadmap

SVG = "{http://www.w3.org/2000/svg}"
TODAY = datetime.date(2027, 7, 2)

# A 2026..2050 workshop: 25 year columns between the lane labels and the right margin.
LEFT = timeline.LANE_LABEL_WIDTH
YEAR_WIDTH = (timeline.WIDTH - timeline.RIGHT_PAD - LEFT) / 25


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def x_of(year):
    return LEFT + (year - 2026) * YEAR_WIDTH


def parse(svg):
    return ET.fromstring(str(svg))


def by_role(root, role):
    return [el for el in root.iter() if el.get("data-role") == role]


def bars(root):
    return [el for el in root.iter() if el.get("data-action-id")]


def bar_rect(bar):
    return next(el for el in bar if el.get("data-role") == "bar")


def lanes(root):
    return {
        lane.get("data-lane"): (float(lane.get("data-top")), float(lane.get("data-height")))
        for lane in by_role(root, "lane")
    }


@pytest.fixture
def workshop(db):
    return WorkshopFactory(base_year=2026, target_year=2050)


@pytest.fixture
def sectors(workshop):
    return {
        sector: StakeholderFactory(workshop=workshop, sector=sector, name=f"{sector} org")
        for sector in ("government", "academia", "industry", "citizen")
    }


def owned(workshop, *owners, **fields):
    action = ActionFactory(workshop=workshop, **fields)
    action.owners.add(*owners)
    return action


def test_a_bar_per_action_in_its_lane_at_its_years(workshop, sectors):
    gov = owned(workshop, sectors["government"], title="Care plan", start_year=2030, end_year=2034)
    aca = owned(workshop, sectors["academia"], title="Study", start_year=2026, end_year=2026)
    joint = owned(workshop, sectors["industry"], sectors["citizen"], title="Joint pilot", start_year=2040,
                  end_year=2050)
    nobody = ActionFactory(workshop=workshop, title="Orphan", start_year=2045, end_year=2046)

    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    found = {int(bar.get("data-action-id")): bar for bar in bars(root)}
    assert set(found) == {gov.pk, aca.pk, joint.pk, nobody.pk}

    lane_boxes = lanes(root)
    expected = {gov.pk: "government", aca.pk: "academia", joint.pk: "joint", nobody.pk: "unassigned"}
    for pk, lane in expected.items():
        bar = found[pk]
        assert bar.get("data-lane") == lane
        rect = bar_rect(bar)
        top, height = lane_boxes[lane]
        bar_top = float(rect.get("y"))
        assert top <= bar_top and bar_top + float(rect.get("height")) <= top + height

    for action in (gov, aca, joint, nobody):
        rect = bar_rect(found[action.pk])
        assert float(rect.get("x")) == pytest.approx(x_of(action.start_year), abs=0.06)
        years = action.end_year - action.start_year + 1
        assert float(rect.get("width")) == pytest.approx(years * YEAR_WIDTH, abs=0.11)


def test_every_bar_has_a_title_naming_the_action_its_years_status_and_owners(workshop, sectors):
    owned(workshop, sectors["government"], title="Care plan", start_year=2030, end_year=2034,
          status="in_progress", progress=40)
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    (bar,) = bars(root)
    title = bar.find(f"{SVG}title").text
    assert "Care plan" in title and "2030–2034" in title and "In progress" in title
    assert "40%" in title and "government org" in title


def test_progress_is_drawn_inside_the_bar(workshop, sectors):
    owned(workshop, sectors["government"], start_year=2030, end_year=2039, status="in_progress", progress=30)
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    (bar,) = bars(root)
    rect = bar_rect(bar)
    fill = next(el for el in bar if el.get("data-role") == "progress")
    assert float(fill.get("x")) == float(rect.get("x"))
    assert float(fill.get("width")) == pytest.approx(0.3 * float(rect.get("width")), abs=0.1)
    assert float(rect.get("y")) < float(fill.get("y")) < float(rect.get("y")) + float(rect.get("height"))


def test_statuses_differ_by_more_than_colour(workshop, sectors):
    for status in ("planned", "in_progress", "done", "dropped"):
        owned(workshop, sectors["government"], title=status, status=status,
              progress=100 if status == "done" else 20)
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    look = {}
    for bar in bars(root):
        rect = bar_rect(bar)
        look[bar.get("data-status")] = (
            rect.get("stroke-dasharray"),
            rect.get("fill", "").startswith("url("),
            any(el.tag == f"{SVG}line" for el in bar),
            sum(1 for el in bar if el.get("data-role") == "progress"),
        )
    assert look["planned"][0]  # dashed outline
    assert look["dropped"][1] and look["dropped"][2]  # hatched and struck through
    assert len(set(look.values())) == 4
    legend = by_role(root, "legend")[0]
    legend_text = " ".join(t.text for t in legend.iter(f"{SVG}text"))
    for label in ("Planned", "In progress", "Done", "Dropped", "Milestone", "Today"):
        assert label in legend_text


def test_dependencies_are_arrows_from_prerequisite_end_to_action_start(workshop, sectors):
    first = owned(workshop, sectors["government"], title="First", start_year=2027, end_year=2029)
    then = owned(workshop, sectors["academia"], title="Then", start_year=2030, end_year=2032)
    too_early = owned(workshop, sectors["industry"], title="Too early", start_year=2028, end_year=2031)
    then.depends_on.add(first)
    too_early.depends_on.add(first)

    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    arrows = {(int(a.get("data-from")), int(a.get("data-to"))): a for a in by_role(root, "dependency")}
    assert set(arrows) == {(first.pk, then.pk), (first.pk, too_early.pk)}
    assert arrows[(first.pk, then.pk)].get("data-violation") == "false"
    assert arrows[(first.pk, too_early.pk)].get("data-violation") == "true"

    path = arrows[(first.pk, then.pk)].find(f"{SVG}path").get("d")
    start_x = float(path[1:].split(",")[0])
    assert start_x == pytest.approx(x_of(2030), abs=0.06)  # the end of 2029
    head = arrows[(first.pk, then.pk)].find(f"{SVG}polygon").get("points").split()[0]
    assert float(head.split(",")[0]) == pytest.approx(x_of(2030), abs=0.06)  # the start of 2030


def test_accepted_milestones_are_markers_at_their_year(workshop):
    accepted = MilestoneFactory(workshop=workshop, year=2040, title="Robots everywhere")
    MilestoneFactory(workshop=workshop, year=2035, title="Only proposed", accepted=False)
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    (marker,) = by_role(root, "milestone")
    assert marker.get("data-milestone-id") == str(accepted.pk)
    line = marker.find(f"{SVG}line")
    assert float(line.get("x1")) == pytest.approx(x_of(2040) + YEAR_WIDTH / 2, abs=0.06)
    assert "Robots everywhere" in marker.find(f"{SVG}title").text


def test_today_line_sits_at_the_date(workshop):
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    (today,) = by_role(root, "today")
    assert today.get("data-date") == "2027-07-02"
    x = float(today.find(f"{SVG}line").get("x1"))
    assert x == pytest.approx(x_of(2027) + YEAR_WIDTH * 182 / 365, abs=0.06)


def test_no_today_line_when_today_is_off_the_axis(workshop):
    root = parse(timeline_svg(load_snapshot(workshop), today=datetime.date(2070, 1, 1)))
    assert by_role(root, "today") == []


def test_the_axis_stretches_to_show_out_of_range_actions_within_limits(workshop, sectors):
    early = owned(workshop, sectors["government"], start_year=2022, end_year=2027)
    owned(workshop, sectors["government"], start_year=2049, end_year=2300)
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    assert len(by_role(root, "outside-range")) == 2
    # From 2022 to target + 10 = 2060: 39 columns.
    width = (timeline.WIDTH - timeline.RIGHT_PAD - LEFT) / 39
    bar = next(b for b in bars(root) if b.get("data-action-id") == str(early.pk))
    assert float(bar_rect(bar).get("x")) == pytest.approx(LEFT, abs=0.06)
    assert float(bar_rect(bar).get("width")) == pytest.approx(6 * width, abs=0.11)
    clipped = next(b for b in bars(root) if b.get("data-action-id") != str(early.pk))
    right = float(bar_rect(clipped).get("x")) + float(bar_rect(clipped).get("width"))
    assert right == pytest.approx(timeline.WIDTH - timeline.RIGHT_PAD, abs=0.11)


def test_sector_lanes_always_show_and_the_ownerless_lane_only_when_needed(workshop, sectors):
    owned(workshop, sectors["citizen"])
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    assert list(lanes(root)) == ["government", "academia", "industry", "citizen", "joint"]


def test_titles_are_escaped(workshop):
    ActionFactory(workshop=workshop, title='Tom & Jerry <script>alert("x")</script>')
    svg = str(timeline_svg(load_snapshot(workshop), today=TODAY))
    root = parse(svg)
    assert "<script" not in svg
    assert 'Tom & Jerry <script>alert("x")</script>' in bars(root)[0].find(f"{SVG}title").text


def test_self_contained_for_the_pdf(workshop, sectors):
    build_roadmap(workshop, 20)
    svg = str(timeline_svg(load_snapshot(workshop), today=TODAY))
    root = parse(svg)
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert not tags & {"script", "style", "image", "foreignObject", "a", "use"}
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in svg
    assert not any(attr.startswith("on") for el in root.iter() for attr in el.attrib)
    fonts = {el.get("font-family") for el in root.iter(f"{SVG}text")}
    assert fonts == {"IPAexGothic, sans-serif"}


def test_links_open_the_action_for_editing_with_htmx(workshop, sectors):
    action = owned(workshop, sectors["academia"])
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY, links=True))
    (link,) = bars(root)
    assert link.tag == f"{SVG}a"
    url = f"/workshops/{workshop.pk}/roadmap/actions/{action.pk}/edit/"
    assert link.get("href") == url and link.get("hx-get") == url
    assert link.get("hx-target") == "#action-panel"
    assert link.find(f"{SVG}title") is not None


def test_bars_the_viewer_may_not_edit_link_to_the_table_row(workshop, sectors):
    mine = owned(workshop, sectors["academia"])
    theirs = owned(workshop, sectors["industry"])
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY, links=True, editable={mine.pk}))
    links = {int(link.get("data-action-id")): link for link in bars(root)}
    assert links[mine.pk].get("hx-get") == f"/workshops/{workshop.pk}/roadmap/actions/{mine.pk}/edit/"
    assert links[theirs.pk].get("href") == f"#action-{theirs.pk}"
    assert links[theirs.pk].get("hx-get") is None


def test_two_hundred_actions_pack_into_rows_without_overlapping_labels(workshop):
    build_roadmap(workshop, 200, seed=11)
    snapshot = load_snapshot(workshop)
    root = parse(timeline_svg(snapshot, today=TODAY))
    assert len(bars(root)) == 200
    lane_boxes = lanes(root)
    rows = defaultdict(list)
    for bar in bars(root):
        label = next(el for el in bar if el.tag == f"{SVG}text")
        rect = bar_rect(bar)
        width = timeline.text_width(label.text)
        x = float(label.get("x"))
        left = x - width if label.get("text-anchor") == "end" else x
        bar_left, bar_right = float(rect.get("x")), float(rect.get("x")) + float(rect.get("width"))
        row = (bar.get("data-lane"), float(label.get("y")))
        rows[row].append((min(left, bar_left), max(left + width, bar_right)))
        # Labels stay inside the picture.
        assert 0 <= left and left + width <= timeline.WIDTH
    for spans in rows.values():
        spans.sort()
        for (_, right), (left, _) in zip(spans, spans[1:]):
            assert right <= left, "two labels or bars in one row overlap"
    # Lanes grow to hold their rows.
    per_lane = defaultdict(set)
    for lane, y in rows:
        per_lane[lane].add(y)
    for lane, ys in per_lane.items():
        top, height = lane_boxes[lane]
        assert height >= len(ys) * timeline.ROW_HEIGHT
        assert all(top < y < top + height for y in ys)


def test_pack_rows_uses_as_few_rows_as_the_deepest_overlap():
    # Items need PACK_GAP between them to share a row.
    items = [("a", 0, 10), ("b", 5, 15), ("c", 25, 35), ("d", 50, 60), ("e", 0, 100)]
    rows = timeline.pack_rows(items)
    assert max(rows.values()) + 1 == 3
    assert rows["a"] == rows["c"] == rows["d"]
    assert len({rows["a"], rows["b"], rows["e"]}) == 3


def test_empty_roadmap_still_draws_axis_and_lanes(workshop):
    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    assert bars(root) == []
    assert len(lanes(root)) == 5
    assert Action.objects.count() == 0


def test_the_critical_chain_is_framed_and_actions_with_slack_or_done_are_not(workshop, sectors):
    # With a target year of 2050, an action that must run until 2050 has no slack.
    critical = owned(workshop, sectors["government"], title="Until the target", start_year=2040, end_year=2050)
    roomy = owned(workshop, sectors["academia"], title="Early study", start_year=2027, end_year=2030)
    done = owned(
        workshop, sectors["industry"], title="Done already", start_year=2026, end_year=2050, status="done"
    )

    root = parse(timeline_svg(load_snapshot(workshop), today=TODAY))
    framed = {int(frame.get("data-frames")) for frame in by_role(root, "critical")}
    assert framed == {critical.pk}
    assert roomy.pk not in framed and done.pk not in framed
    assert "No slack or already late" in ET.tostring(root, encoding="unicode")
