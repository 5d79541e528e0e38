"""The phase pages, the console and the projector: who sees them, and what they cost."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from visions.models import (
    Assessment,
    Endorsement,
    Issue,
    IssueScore,
    IssueVote,
    Participant,
    Phase,
    Target,
    Theme,
    Vision,
)

from visions.phases.issues import SHOWN_FIRST
from tests.factories import IssueFactory, StakeholderFactory, TargetFactory, VisionFactory
from tests.live.test_live_support import make_room, set_phase, url

PHASES = Phase.values


@pytest.mark.django_db
@pytest.mark.parametrize("phase", PHASES)
def test_the_facilitator_sees_every_phase(phase):
    room = make_room()
    response = room.facilitator.get(url("phase_page", room.workshop, phase))
    assert response.status_code == 200
    assert b'id="live-poll"' in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("phase", PHASES)
def test_participants_see_the_current_and_earlier_phases_and_are_sent_back_from_later_ones(phase):
    room = make_room(phase=Phase.ISSUES)
    response = room.participant.get(url("phase_page", room.workshop, phase))
    if PHASES.index(phase) <= PHASES.index(Phase.ISSUES):
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"] == url("phase_page", room.workshop, Phase.ISSUES)


@pytest.mark.django_db
def test_an_earlier_phase_is_read_only_for_participants():
    room = make_room(phase=Phase.ISSUES)
    VisionFactory(workshop=room.workshop, author=room.me)
    response = room.participant.get(url("phase_page", room.workshop, Phase.VISION)).content.decode()
    assert "looking back at an earlier phase" in response
    assert 'id="vision-form"' not in response
    assert "/endorse/" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("phase", PHASES)
def test_observers_read_without_any_contribution_form(phase):
    room = make_room(phase=phase)
    response = room.observer.get(url("phase_page", room.workshop, phase))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="card contrib"' not in content
    assert "observer" in content


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "stranger", "anonymous"])
@pytest.mark.parametrize("name", ["phase_page", "live_workshop", "console", "projector", "themes"])
def test_people_outside_the_workshop_get_404(name, who):
    room = make_room()
    args = ["stakeholders"] if name == "phase_page" else []
    assert room.as_(who).get(url(name, room.workshop, *args)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["participant", "observer"])
@pytest.mark.parametrize("name", ["console", "projector", "themes"])
def test_facilitator_pages_are_refused_to_participants_with_a_message(name, who):
    """Inside the workshop a refusal is the same everywhere: 403 and a message, on a styled page."""
    room = make_room()
    response = room.as_(who).get(url(name, room.workshop))
    assert response.status_code == 403
    assert "Only the facilitator can do this." in response.content.decode()
    assert 'id="messages"' in response.content.decode() or "site-header" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["phase_page", "live_workshop", "console", "projector", "themes"])
def test_pages_answer_get_only(name):
    room = make_room()
    args = ["stakeholders"] if name == "phase_page" else []
    assert room.facilitator.post(url(name, room.workshop, *args)).status_code == 405


@pytest.mark.django_db
def test_an_unknown_phase_is_404():
    room = make_room()
    assert room.facilitator.get(url("phase_page", room.workshop, "dreaming")).status_code == 404


@pytest.mark.django_db
def test_the_live_link_goes_to_the_phase_the_group_is_in():
    room = make_room(phase=Phase.CURRENT_STATE)
    response = room.participant.get(url("live_workshop", room.workshop))
    assert response["Location"] == url("phase_page", room.workshop, Phase.CURRENT_STATE)


@pytest.mark.django_db
def test_the_projector_shows_the_current_phase_in_large_type_without_controls():
    room = make_room(phase=Phase.ISSUES)
    IssueFactory(workshop=room.workshop, title="Buses stop at six")
    content = room.facilitator.get(url("projector", room.workshop)).content.decode()
    assert "Buses stop at six" in content
    assert "projector" in content.split("<body", 1)[1].split(">", 1)[0]
    assert "<form" not in content.split('<main id="main"', 1)[1]


@pytest.mark.django_db
def test_the_console_shows_who_has_joined_by_sector_and_discipline():
    room = make_room()
    Participant.objects.filter(pk=room.me.pk).update(discipline="gerontology")
    content = room.facilitator.get(url("console", room.workshop)).content.decode()
    assert "Who has joined" in content
    assert "Aiko" in content and "gerontology" in content
    assert "Citizens / civil society" in content and "Nobody yet" in content


# --- a fixed number of queries whatever the workshop's size ---------------------------------


def fill_issues(room, count):
    theme = Theme.objects.create(workshop=room.workshop, name="Care")
    issues = Issue.objects.bulk_create(
        Issue(workshop=room.workshop, title=f"Issue {n}", author=room.them, theme=theme if n % 2 else None)
        for n in range(count)
    )
    IssueVote.objects.bulk_create(IssueVote(issue=issue, participant=room.them, dots=1) for issue in issues[:5])
    IssueScore.objects.bulk_create(
        IssueScore(issue=issue, participant=room.them, impact=1 + n % 5, feasibility=5 - n % 5)
        for n, issue in enumerate(issues)
    )
    vision = VisionFactory(workshop=room.workshop, status="adopted")
    for n in range(3):
        target = TargetFactory(workshop=room.workshop, vision=vision)
        Assessment.objects.create(target=target, value=10 + n, as_of=datetime.date(2024, 1, 1))
        Assessment.objects.create(target=target, value=20 + n, as_of=datetime.date(2025, 1, 1))


def fill_visions(room, count):
    visions = Vision.objects.bulk_create(
        Vision(workshop=room.workshop, statement=f"Vision {n}", target_year=2050, author=room.them) for n in range(count)
    )
    Endorsement.objects.bulk_create(Endorsement(vision=vision, participant=room.me) for vision in visions)
    for vision in visions[:3]:
        vision.set_sdgs([3, 11])
    visions[0].adopt()
    for n in range(3):
        TargetFactory(workshop=room.workshop, vision=visions[0])


def fill_targets(room, count):
    vision = VisionFactory(workshop=room.workshop, status="adopted")
    for n in range(count):
        target = Target.objects.create(
            workshop=room.workshop, vision=vision, indicator=f"Indicator {n}", unit="%", direction="increase",
            target_value=90, target_year=2050,
        )
        for year in (2022, 2023, 2024):
            Assessment.objects.create(target=target, value=year - 2000 + n, as_of=datetime.date(year, 4, 1), author=room.them)


def fill_people(room, count):
    organisations = [StakeholderFactory(workshop=room.workshop, sector="citizen") for _ in range(5)]
    Participant.objects.bulk_create(
        Participant(
            workshop=room.workshop, display_name=f"Person {n}", sector="government", discipline=f"field {n % 7}",
            stakeholder=organisations[n % 5],
        )
        for n in range(count)
    )


FILLERS = {
    Phase.STAKEHOLDERS: (fill_people, 10, 200),
    Phase.VISION: (fill_visions, 10, 200),
    Phase.CURRENT_STATE: (fill_targets, 3, 30),
    Phase.ISSUES: (fill_issues, 10, 500),
    Phase.ROADMAP: (lambda room, count: None, 0, 0),
    Phase.EXPORT: (fill_issues, 10, 200),
}


def page_queries(phase, who, size):
    room = make_room(phase=phase)
    fill, _small, _large = FILLERS[phase]
    fill(room, size)
    client = room.as_(who)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("phase_page", room.workshop, phase))
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["participant", "facilitator", "observer"])
@pytest.mark.parametrize("phase", PHASES)
def test_a_board_costs_the_same_queries_small_or_large(phase, who):
    _fill, small, large = FILLERS[phase]
    few, _ = page_queries(phase, who, small)
    many, response = page_queries(phase, who, large)
    assert few == many
    if phase == Phase.ISSUES:
        # The first part of the participants' issues and the three gap issues; "Show all" the rest.
        assert response.content.count(b'class="item issue') == SHOWN_FIRST + 3
        assert f"Show all {large} issues".encode() in response.content


@pytest.mark.django_db
def test_the_console_costs_the_same_queries_small_or_large():
    counts = []
    for size in (10, 200):
        room = make_room()
        fill_people(room, size)
        with CaptureQueriesContext(connection) as queries:
            assert room.facilitator.get(url("console", room.workshop)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["facilitator", "participant"])
def test_every_address_on_the_boards_leads_to_its_action(who):
    """Items build their action addresses from prefixes (see Viewer.links): they must resolve."""
    import re

    from django.urls import resolve

    room = make_room(phase=Phase.ISSUES)
    fill_issues(room, 3)
    IssueFactory(workshop=room.workshop, author=room.me)
    VisionFactory(workshop=room.workshop, author=room.me)
    StakeholderFactory(workshop=room.workshop)
    seen = set()
    for phase in (Phase.STAKEHOLDERS, Phase.VISION, Phase.CURRENT_STATE, Phase.ISSUES):
        set_phase(room.workshop, phase)  # participants act only in the phase the group is in
        content = room.as_(who).get(url("phase_page", room.workshop, phase)).content.decode()
        for address in re.findall(r'(?:href|action|hx-post|hx-get)="(/workshops/[^"?#]*)', content):
            seen.add(resolve(address).url_name)
    expected = {"issue_edit", "issue_delete", "vision_edit", "vision_history", "assessment_add"}
    if who == "facilitator":
        expected |= {"contribution_hide", "vision_adopt", "target_delete", "stakeholder_delete"}
    else:
        expected |= {"vision_endorse", "issue_vote", "issue_score"}
    assert expected <= seen
