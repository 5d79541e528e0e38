"""The projector's pages, the join link and its QR code, the join sheet and the console's counts."""

import re

import pytest
from django.urls import reverse

from visions.live.pages import BOARDS
from visions.models import Phase
from visions.workshops.joining import join_link, join_pass, qr_svg

from tests.factories import AssessmentFactory, IssueFactory, TargetFactory, VisionFactory
from tests.live.test_live_support import make_room, url
from tests.phases.qr_support import encodes, modules_of_svg

pytestmark = pytest.mark.django_db


def qr_of(content):
    return re.search(r'<svg role="img" aria-label="[^"]*"[^>]*class="qr-code".*?</svg>', content, re.S).group(0)


@pytest.mark.parametrize("phase", Phase.values)
def test_every_phase_has_its_own_projector_screen_with_the_join_corner(phase):
    room = make_room(phase=phase)
    response = room.facilitator.get(url("projector", room.workshop))
    content = response.content.decode()
    assert response.status_code == 200
    assert f"projector/{phase}.html" in [t.name for t in response.templates]
    assert room.workshop.display_join_code in content
    assert 'aria-label="QR code for joining the workshop"' in content
    assert "<form" not in content.split('<main id="main"', 1)[1]


def test_the_qr_code_opens_the_join_page_with_the_code_filled_in():
    room = make_room(phase=Phase.VISION)
    content = room.facilitator.get(url("projector", room.workshop)).content.decode()
    expected = f"http://testserver/join/?code={room.workshop.join_code}&pass={join_pass(room.workshop)}"
    assert encodes(qr_of(content), expected)
    assert not encodes(qr_of(content), f"http://testserver/join/?code={'0' * 10}")
    # The link it encodes joins: the join page shows the workshop with its code filled in.
    joining = room.anonymous.get(expected.removeprefix("http://testserver")).content.decode()
    assert room.workshop.title in joining
    assert f'value="{room.workshop.display_join_code}"' in joining


def test_one_function_builds_the_join_link(rf, settings):
    settings.ALLOWED_HOSTS = ["fc.example.org"]
    room = make_room()
    request = rf.get("/", HTTP_HOST="fc.example.org")
    assert join_link(request, room.workshop) == (
        f"http://fc.example.org/join/?code={room.workshop.join_code}&pass={join_pass(room.workshop)}"
    )
    assert modules_of_svg(qr_svg(join_link(request, room.workshop)))


def test_the_console_shows_the_same_qr_code_and_the_join_sheet():
    room = make_room()
    content = room.facilitator.get(url("console", room.workshop)).content.decode()
    link = f"http://testserver/join/?code={room.workshop.join_code}&pass={join_pass(room.workshop)}"
    assert encodes(qr_of(content), link)
    assert url("join_sheet", room.workshop) in content


def test_the_ranking_numbers_label_the_matrix_points():
    room = make_room(phase=Phase.ISSUES)
    first = IssueFactory(workshop=room.workshop, title="Buses stop at six")
    second = IssueFactory(workshop=room.workshop, title="Too few carers")
    room.participant.post(url("issue_score", room.workshop, first.pk), {"impact": 5, "feasibility": 4})
    room.participant.post(url("issue_score", room.workshop, second.pk), {"impact": 3, "feasibility": 2})
    content = room.facilitator.get(url("projector", room.workshop)).content.decode()
    assert 'aria-label="1. Buses stop at six"' in content
    assert 'aria-label="2. Too few carers"' in content
    assert re.search(r'room-rank">1</span></td><td[^>]*><span[^>]*>Buses stop at six', content)


def test_the_projector_shows_the_top_items_and_how_many_more():
    room = make_room(phase=Phase.CURRENT_STATE)
    vision = VisionFactory(workshop=room.workshop, status="adopted")
    for n in range(6):
        target = TargetFactory(workshop=room.workshop, vision=vision, indicator=f"Indicator {n}")
        AssessmentFactory(target=target)
    content = room.facilitator.get(url("projector", room.workshop)).content.decode()
    assert content.count('class="room-target"') == 4
    assert "and 2 more targets" in content


def test_a_projector_board_per_phase_redraws_what_its_phase_page_shows():
    for phase in Phase.values:
        board = BOARDS[("projector", phase)]
        assert BOARDS[phase].shows <= board.shows or phase == Phase.ROADMAP


# --- the join sheet ---------------------------------------------------------------------


def test_the_join_sheet_is_a_pdf_for_the_facilitator(monkeypatch):
    room = make_room()
    rendered = {}

    def fake_render(html):
        rendered["html"] = html
        return b"%PDF-1.7 join sheet", 1

    monkeypatch.setattr("visions.phases.export.render_html_to_pdf", fake_render)
    response = room.facilitator.get(url("join_sheet", room.workshop))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert room.workshop.display_join_code in rendered["html"]
    link = f"http://testserver/join/?code={room.workshop.join_code}&pass={join_pass(room.workshop)}"
    assert encodes(qr_of(rendered["html"]), link)


@pytest.mark.parametrize("who", ["stranger", "outsider", "anonymous"])
def test_the_join_sheet_is_not_found_outside_the_workshop(who):
    room = make_room()
    assert room.as_(who).get(url("join_sheet", room.workshop)).status_code == 404


@pytest.mark.parametrize("who", ["participant", "observer"])
def test_the_join_sheet_is_refused_to_participants(who):
    room = make_room()
    assert room.as_(who).get(url("join_sheet", room.workshop)).status_code == 403


def test_the_join_sheet_answers_get_only():
    room = make_room()
    assert room.facilitator.post(url("join_sheet", room.workshop)).status_code == 405


# --- the console's counts -----------------------------------------------------------------


def test_the_console_counts_participants_and_observers_apart():
    room = make_room()  # Aiko (academia), Ben (industry), Oda (observer)
    content = room.facilitator.get(url("console", room.workshop)).content.decode()
    assert "2 participants" in content and "1 observer" in content
    missing = re.search(r"Missing:(.*?)</span>", content, re.S).group(1)
    assert "Academia" not in missing and "Government / public" in missing


def test_an_observer_is_not_counted_in_their_sector():
    room = make_room()
    from tests.factories import ParticipantFactory

    ParticipantFactory(workshop=room.workshop, display_name="Watcher", role="observer", sector="government")
    content = room.facilitator.get(url("console", room.workshop)).content.decode()
    assert "Government / public</h3>" not in content or "Government / public <span class=\"muted\">(0)" in content
    missing = re.search(r"Missing:(.*?)</span>", content, re.S).group(1)
    assert "Government / public" in missing


def test_the_room_timeline_draws_every_action_and_milestone_in_large_type():
    from visions.documents.snapshot import load_snapshot
    from visions.phases.projector_timeline import FONT, WIDTH, room_timeline_svg

    from tests.factories import ActionFactory, MilestoneFactory

    room = make_room(phase=Phase.ROADMAP)
    for n in range(3):
        ActionFactory(workshop=room.workshop, title=f"Action {n}", start_year=2030, end_year=2032 + n)
    MilestoneFactory(workshop=room.workshop, year=2040, title="Care robots in every home")
    svg = room_timeline_svg(load_snapshot(room.workshop))
    assert svg.count("<rect x=") - svg.count('fill="#f6f7f9"') - svg.count('width="8"') == 3
    assert "2040 Care robots in every home" in svg
    assert {int(size) for size in re.findall(r'font-size="(\d+)"', svg)} == {FONT}
    assert f'viewBox="0 0 {WIDTH} ' in svg


@pytest.mark.parametrize("phase", Phase.values)
def test_the_projector_costs_the_same_queries_whatever_the_size(phase):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(room):
        with CaptureQueriesContext(connection) as captured:
            assert room.facilitator.get(url("projector", room.workshop)).status_code == 200
        return len(captured)

    small, large = make_room(phase=phase), make_room(phase=phase)
    IssueFactory(workshop=small.workshop)
    for n in range(20):
        IssueFactory(workshop=large.workshop, title=f"Issue {n}")
    assert queries(small) == queries(large)


def test_a_change_redraws_the_projectors_stage():
    from tests.live.test_live_support import oob_ids, poll, poll_url_of

    room = make_room(phase=Phase.VISION)
    projector = room.facilitator.get(url("projector", room.workshop))
    data = {"statement": "Everyone reaches a doctor in 30 minutes", "target_year": 2050, "sdgs": [3], "form_key": "p1"}
    assert room.participant.post(url("vision_add", room.workshop), data).status_code == 302
    response = poll(room.facilitator, poll_url_of(projector))
    assert ("projector-stage", "true") in oob_ids(response)
    assert b"Everyone reaches a doctor in 30 minutes" in response.content


def test_a_crowded_room_timeline_keeps_its_height_so_its_type_stays_large():
    """Twelve milestones and forty overlapping actions: the milestones take two rows and the
    bars get thinner, so the projector never has to shrink the drawing (and its 24-unit type)."""
    from visions.documents.snapshot import load_snapshot
    from visions.phases.projector_timeline import MAX_HEIGHT, room_timeline_svg

    from tests.factories import ActionFactory, MilestoneFactory

    room = make_room(phase=Phase.ROADMAP)
    for n in range(40):
        ActionFactory(workshop=room.workshop, title=f"Action {n}", start_year=2030, end_year=2040)
    for n in range(12):
        MilestoneFactory(workshop=room.workshop, year=2028 + 2 * (n % 8), title=f"Milestone number {n} with a long title")
    svg = room_timeline_svg(load_snapshot(room.workshop))
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))
    assert height <= MAX_HEIGHT
    milestone_rows = {y for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*font-weight="600"', svg)}
    assert len(milestone_rows) == 2
    assert svg.count("<title>Milestone number") == 12
