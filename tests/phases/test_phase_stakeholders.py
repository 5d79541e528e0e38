"""Stakeholders phase: the organisations, who is in the room, the diversity panel."""

import pytest

from visions.live import record
from visions.live.access import Viewer
from visions.phases.stakeholders import PARTICIPANT_JOINED
from visions.models import Activity, Participant, Phase, Stakeholder
from visions.phases.stakeholders import RoomMix
from visions.documents.snapshot import load_snapshot

from tests.factories import ActionFactory, ParticipantFactory, StakeholderFactory
from tests.live.test_live_support import HTMX, make_room, url


@pytest.fixture
def room(db):
    return make_room(phase=Phase.STAKEHOLDERS)


def test_a_participant_adds_an_organisation_not_in_the_room(room):
    response = room.participant.post(
        url("stakeholder_add", room.workshop), {"name": "Harbour co-op", "sector": "citizen", "discipline": "fishing"}
    )
    assert response.status_code == 302
    organisation = Stakeholder.objects.get()
    assert (organisation.workshop, organisation.sector) == (room.workshop, "citizen")
    assert Activity.objects.filter(verb="created", subject_type="stakeholder").exists()
    page = room.other.get(url("phase_page", room.workshop, Phase.STAKEHOLDERS)).content.decode()
    assert "Harbour co-op" in page and "not in the room" in page


def test_the_same_organisation_twice_is_refused(room):
    StakeholderFactory(workshop=room.workshop, name="Harbour Co-op")
    response = room.participant.post(url("stakeholder_add", room.workshop), {"name": "harbour co-op", "sector": "citizen"}, headers=HTMX)
    assert response.status_code == 200
    assert b"already on the list" in response.content
    assert Stakeholder.objects.count() == 1


def test_the_diversity_panel_shows_the_blau_index_and_names_missing_sectors(room):
    # Aiko (academia), Ben (industry) and an observer are in the room.
    page = room.participant.get(url("phase_page", room.workshop, Phase.STAKEHOLDERS)).content.decode()
    assert '<strong class="big-number" data-testid="blau">0.50</strong>' in page
    missing = page.split('data-testid="missing-sectors"', 1)[1].split("</p>", 1)[0]
    assert "Government / public" in missing and "Citizens / civil society" in missing
    assert "Academia" not in missing


def test_the_room_mix_counts_exactly_as_the_snapshot_does(room):
    ParticipantFactory(workshop=room.workshop, sector="government", discipline="policy")
    ParticipantFactory(workshop=room.workshop, sector="", discipline="art")
    snapshot = load_snapshot(room.workshop)
    mix = RoomMix(list(Participant.objects.filter(workshop=room.workshop)))
    assert mix.sector_counts == snapshot.sector_counts
    assert mix.discipline_counts == snapshot.discipline_counts
    assert mix.sector_diversity == snapshot.sector_diversity
    assert mix.missing_sectors == snapshot.missing_sectors


def test_the_facilitator_removes_an_organisation(room):
    organisation = StakeholderFactory(workshop=room.workshop)
    room.facilitator.post(url("stakeholder_delete", room.workshop, organisation.pk))
    assert not Stakeholder.objects.exists()
    assert Activity.objects.get(verb="deleted").changes["before"]["name"] == organisation.name


def test_an_organisation_that_owns_actions_stays(room):
    organisation = StakeholderFactory(workshop=room.workshop)
    ActionFactory(workshop=room.workshop).owners.add(organisation)
    response = room.facilitator.post(url("stakeholder_delete", room.workshop, organisation.pk))
    assert response.status_code == 409
    assert Stakeholder.objects.filter(pk=organisation.pk).exists()


def test_someone_joining_appears_on_open_pages(room):
    from tests.live.test_live_support import oob_ids, poll, poll_url_of

    poll_url = poll_url_of(room.participant.get(url("phase_page", room.workshop, Phase.STAKEHOLDERS)))
    newcomer = ParticipantFactory(workshop=room.workshop, display_name="Chie", sector="government")
    record(Viewer.of_participant(newcomer), PARTICIPANT_JOINED, newcomer, summary="Chie")
    response = poll(room.participant, poll_url)
    swaps = oob_ids(response)
    assert (None, "beforeend:#people") in swaps and ("diversity", "true") in swaps
    assert b"Chie" in response.content
