"""Who may do what on the live workshop's write endpoints, and what everyone else gets.

One table, every endpoint: the facilitator, a participant on their own and on someone
else's item, an observer, a participant of another workshop, a facilitator of another
workshop, an anonymous visitor, the wrong method, and a locked workshop. What each
write actually does is tested per area (test_phase_<area>.py).
"""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from visions.models import Activity, Endorsement, IssueVote, Phase, Theme, Vision

from tests.factories import AssessmentFactory, IssueFactory, StakeholderFactory, TargetFactory, VisionFactory
from tests.live.test_live_support import make_room, set_phase

OK, FORBIDDEN, GONE, LOCKED = 302, 403, 404, 423


@dataclass
class Endpoint:
    name: str
    phase: str
    make: object  # room -> (url args, POST data) for an item owned by `owner`
    owner: str = "me"  # whose item: "me" (the participant), "them" (someone else), None
    facilitator: int = OK
    own: int = OK
    others: int = FORBIDDEN
    observer: int = FORBIDDEN
    locked: int = LOCKED  # a participant's write while contributions are locked
    extra: dict = field(default_factory=dict)


def adopted_target(room):
    vision = VisionFactory(workshop=room.workshop, status="adopted")
    return TargetFactory(workshop=room.workshop, vision=vision)


def with_adopted_vision(room):
    VisionFactory(workshop=room.workshop, status="adopted")
    return []


def endorse_args(room, author):
    vision = VisionFactory(workshop=room.workshop, author=author)
    return [vision.pk], {"endorse": "on"}


ENDPOINTS = [
    Endpoint("stakeholder_add", Phase.STAKEHOLDERS, lambda r, a: ([], {"name": "Harbour co-op", "sector": "citizen"}), owner=None),
    Endpoint(
        "stakeholder_delete",
        Phase.STAKEHOLDERS,
        lambda r, a: ([StakeholderFactory(workshop=r.workshop).pk], {}),
        owner=None,
        own=FORBIDDEN,
        locked=FORBIDDEN,
    ),
    Endpoint(
        "vision_add",
        Phase.VISION,
        lambda r, a: ([], {"statement": "Everyone can walk to a bus stop.", "target_year": 2050, "sdgs": [11]}),
        owner=None,
    ),
    Endpoint(
        "vision_edit",
        Phase.VISION,
        lambda r, a: (
            [VisionFactory(workshop=r.workshop, author=a).pk],
            {"statement": "Changed", "target_year": 2050, "version": 1},
        ),
    ),
    Endpoint("vision_delete", Phase.VISION, lambda r, a: ([VisionFactory(workshop=r.workshop, author=a).pk], {})),
    # Endorsing is for other people's visions, and only participants endorse.
    Endpoint("vision_endorse", Phase.VISION, endorse_args, facilitator=FORBIDDEN, own=FORBIDDEN, others=OK),
    Endpoint(
        "vision_adopt",
        Phase.VISION,
        lambda r, a: ([VisionFactory(workshop=r.workshop, author=a).pk], {}),
        own=FORBIDDEN,
        locked=FORBIDDEN,
    ),
    Endpoint(
        "target_add",
        Phase.VISION,
        lambda r, a: (
            with_adopted_vision(r),
            {"indicator": "Bus stops", "unit": "%", "direction": "increase", "target_value": 90, "target_year": 2050},
        ),
        owner=None,
        own=FORBIDDEN,
        locked=FORBIDDEN,
    ),
    Endpoint(
        "target_delete", Phase.VISION, lambda r, a: ([adopted_target(r).pk], {}), owner=None, own=FORBIDDEN, locked=FORBIDDEN
    ),
    Endpoint(
        "assessment_add",
        Phase.CURRENT_STATE,
        lambda r, a: ([adopted_target(r).pk], {"value": 42, "as_of": "2025-04-01", "source": "survey"}),
        owner=None,
    ),
    Endpoint(
        "assessment_delete",
        Phase.CURRENT_STATE,
        lambda r, a: ([AssessmentFactory(target=adopted_target(r), author=a).pk], {}),
    ),
    Endpoint("issue_add", Phase.ISSUES, lambda r, a: ([], {"title": "No night buses"}), owner=None),
    Endpoint(
        "issue_edit",
        Phase.ISSUES,
        lambda r, a: ([IssueFactory(workshop=r.workshop, author=a).pk], {"title": "Edited", "version": 1}),
    ),
    Endpoint("issue_delete", Phase.ISSUES, lambda r, a: ([IssueFactory(workshop=r.workshop, author=a).pk], {})),
    # Anyone's issue can get dots and scores, but only from participants.
    Endpoint(
        "issue_vote",
        Phase.ISSUES,
        lambda r, a: ([IssueFactory(workshop=r.workshop, author=a).pk], {"dots": 1}),
        facilitator=FORBIDDEN,
        others=OK,
    ),
    Endpoint(
        "issue_score",
        Phase.ISSUES,
        lambda r, a: ([IssueFactory(workshop=r.workshop, author=a).pk], {"impact": 4, "feasibility": 2}),
        facilitator=FORBIDDEN,
        others=OK,
    ),
    Endpoint(
        "contribution_hide",
        Phase.ISSUES,
        lambda r, a: (["issue", IssueFactory(workshop=r.workshop, author=a).pk], {"hidden": "on"}),
        own=FORBIDDEN,
        locked=FORBIDDEN,
    ),
    Endpoint("theme_add", Phase.ISSUES, lambda r, a: ([], {"name": "Mobility"}), owner=None, own=FORBIDDEN, locked=FORBIDDEN),
    Endpoint(
        "theme_rename",
        Phase.ISSUES,
        lambda r, a: (
            [(theme := Theme.objects.create(workshop=r.workshop, name="Care")).pk],
            {f"rename-{theme.pk}-name": "Renamed"},
        ),
        owner=None,
        own=FORBIDDEN,
        locked=FORBIDDEN,
    ),
    Endpoint(
        "theme_delete", Phase.ISSUES, lambda r, a: ([Theme.objects.create(workshop=r.workshop, name="Care").pk], {}), owner=None, own=FORBIDDEN, locked=FORBIDDEN
    ),
    Endpoint("phase_move", Phase.ISSUES, lambda r, a: ([], {"to": "roadmap", "confirmed": "on"}), owner=None, own=FORBIDDEN, locked=FORBIDDEN),
    Endpoint("workshop_lock", Phase.ISSUES, lambda r, a: ([], {"locked": "on"}), owner=None, own=FORBIDDEN, locked=FORBIDDEN),
    Endpoint("workshop_timer", Phase.ISSUES, lambda r, a: ([], {"action": "start", "minutes": 5}), owner=None, own=FORBIDDEN, locked=FORBIDDEN),
    Endpoint("workshop_dot_budget", Phase.ISSUES, lambda r, a: ([], {"dot_budget": 7}), owner=None, own=FORBIDDEN, locked=FORBIDDEN),
]

IDS = [endpoint.name for endpoint in ENDPOINTS]


def prepare(endpoint, owner_of_item, **workshop_fields):
    room = make_room()
    set_phase(room.workshop, endpoint.phase, **workshop_fields)
    author = {"me": room.me, "them": room.them, None: None}[owner_of_item]
    args, data = endpoint.make(room, author)
    return room, reverse(endpoint.name, args=[room.workshop.pk, *args]), data


def activity_count(room):
    return Activity.objects.filter(workshop=room.workshop).count()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_facilitator(endpoint):
    room, target, data = prepare(endpoint, endpoint.owner and "them")
    response = room.facilitator.post(target, data)
    assert response.status_code == endpoint.facilitator, response.content[:300]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_participant_on_own_item(endpoint):
    room, target, data = prepare(endpoint, endpoint.owner and "me")
    before = activity_count(room)
    response = room.participant.post(target, data)
    assert response.status_code == endpoint.own, response.content[:300]
    if endpoint.own == FORBIDDEN:
        assert activity_count(room) == before


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.owner], ids=[e.name for e in ENDPOINTS if e.owner])
def test_participant_on_someone_elses_item(endpoint):
    room, target, data = prepare(endpoint, "them")
    before = activity_count(room)
    response = room.participant.post(target, data)
    assert response.status_code == endpoint.others
    if endpoint.others == FORBIDDEN:
        assert activity_count(room) == before
        assert b'data-testid="refused"' in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_observer_only_reads(endpoint):
    room, target, data = prepare(endpoint, endpoint.owner and "them")
    before = activity_count(room)
    response = room.observer.post(target, data)
    assert response.status_code == endpoint.observer
    assert activity_count(room) == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "stranger", "anonymous"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_people_outside_the_workshop_get_404(endpoint, who):
    room, target, data = prepare(endpoint, endpoint.owner and "me")
    before = activity_count(room)
    response = room.as_(who).post(target, data)
    assert response.status_code == GONE
    assert activity_count(room) == before


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.name not in ("vision_edit", "issue_edit")], ids=[e.name for e in ENDPOINTS if e.name not in ("vision_edit", "issue_edit")])
def test_get_is_not_allowed(endpoint):
    room, target, data = prepare(endpoint, endpoint.owner and "me")
    assert room.facilitator.get(target).status_code == 405
    assert room.participant.get(target).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_locked_workshop_refuses_participants_with_a_message(endpoint):
    room, target, data = prepare(endpoint, endpoint.owner and ("them" if endpoint.others == OK else "me"), locked=True)
    before = activity_count(room)
    response = room.participant.post(target, data)
    assert response.status_code == endpoint.locked
    assert activity_count(room) == before
    if endpoint.locked == LOCKED:
        assert b"locked" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.facilitator == OK], ids=[e.name for e in ENDPOINTS if e.facilitator == OK])
def test_locked_workshop_still_lets_the_facilitator_work(endpoint):
    room, target, data = prepare(endpoint, endpoint.owner and "them", locked=True)
    assert room.facilitator.post(target, data).status_code == OK


@pytest.mark.django_db
def test_locked_refusal_over_htmx_lands_in_the_message_area():
    room, target, data = prepare(ENDPOINTS[IDS.index("issue_add")], None, locked=True)
    response = room.participant.post(target, data, headers={"HX-Request": "true"})
    assert response.status_code == LOCKED
    assert response["HX-Retarget"] == "#messages"
    assert b"locked" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["issue_add", "issue_vote", "vision_add", "assessment_add", "stakeholder_add"]
)
def test_participants_cannot_write_in_a_phase_the_group_has_left(name):
    endpoint = ENDPOINTS[IDS.index(name)]
    room, target, data = prepare(endpoint, endpoint.owner and "them")
    later = Phase.values[Phase.values.index(endpoint.phase) + 1]
    set_phase(room.workshop, later)
    before = activity_count(room)
    response = room.participant.post(target, data)
    assert response.status_code == FORBIDDEN
    assert "moved on".encode() in response.content
    assert activity_count(room) == before


@pytest.mark.django_db
def test_nothing_is_written_by_a_refused_vote():
    room, target, data = prepare(ENDPOINTS[IDS.index("issue_vote")], "them", locked=True)
    room.participant.post(target, data)
    assert not IssueVote.objects.exists()


@pytest.mark.django_db
def test_endorsing_twice_keeps_one_endorsement():
    room, target, data = prepare(ENDPOINTS[IDS.index("vision_endorse")], "them")
    room.participant.post(target, data)
    room.participant.post(target, data)
    assert Endorsement.objects.count() == 1
    assert Vision.objects.get().endorsements.count() == 1
