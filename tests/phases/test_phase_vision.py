"""Vision phase: proposals with SDGs, endorsements, adoption, history, conflicts, moderation."""

import pytest

from visions import sdgs
from visions.models import Activity, Endorsement, Phase, Target, Vision, VisionStatus

from tests.factories import TargetFactory, VisionFactory
from tests.live.test_live_support import HTMX, make_room, url


@pytest.fixture
def room(db):
    return make_room(phase=Phase.VISION)


def propose(client, room, statement="Every village has a bus stop within 500 m.", sdg_numbers=(3, 11), **extra):
    return client.post(
        url("vision_add", room.workshop),
        {"statement": statement, "target_year": 2050, "sdgs": list(sdg_numbers), **extra},
    )


def test_a_participant_proposes_a_vision_with_sdgs(room):
    response = propose(room.participant, room)
    assert response.status_code == 302
    vision = Vision.objects.get()
    assert vision.author == room.me
    assert vision.sdg_numbers == [3, 11]
    page = room.other.get(url("phase_page", room.workshop, Phase.VISION)).content.decode()
    assert "Every village has a bus stop" in page
    assert "11. Sustainable Cities and Communities" in page


def test_the_same_submission_twice_makes_one_vision(room):
    form_page = room.participant.get(url("phase_page", room.workshop, Phase.VISION)).content.decode()
    key = form_page.split('name="form_key" value="', 1)[1].split('"', 1)[0]
    propose(room.participant, room, form_key=key)
    propose(room.participant, room, form_key=key)
    assert Vision.objects.count() == 1


def test_a_proposal_without_text_changes_nothing_and_says_why(room):
    response = propose(room.participant, room, statement="   ")
    assert response.status_code == 200
    assert b'class="errorlist' in response.content
    assert not Vision.objects.exists()


def test_an_htmx_proposal_gets_a_fresh_form_and_polls_at_once(room):
    response = room.participant.post(
        url("vision_add", room.workshop), {"statement": "Clean rivers", "target_year": 2050}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "live-refresh"
    assert b'id="vision-form"' in response.content
    assert b"Clean rivers" not in response.content  # the form is empty again


def test_an_edit_is_recorded_with_before_and_after_and_shown_in_the_history(room):
    vision = VisionFactory(workshop=room.workshop, author=room.me, statement="Old words")
    room.participant.post(
        url("vision_edit", room.workshop, vision.pk),
        {"statement": "New words", "target_year": 2050, "sdgs": [13], "version": 1},
    )
    vision.refresh_from_db()
    assert (vision.statement, vision.version, vision.sdg_numbers) == ("New words", 2, [13])
    entry = Activity.objects.get(subject_type="vision", subject_id=vision.pk, verb="updated")
    assert entry.changes["statement"] == ["Old words", "New words"]
    assert entry.actor_participant == room.me
    history = room.other.get(url("vision_history", room.workshop, vision.pk)).content.decode()
    assert "Old words" in history and "New words" in history and "Aiko" in history


def test_the_history_survives_its_author_leaving(room):
    vision = VisionFactory(workshop=room.workshop, author=room.me, statement="Kept")
    room.participant.post(url("vision_edit", room.workshop, vision.pk), {"statement": "Kept, better", "target_year": 2050, "version": 1})
    room.me.delete()
    history = room.facilitator.get(url("vision_history", room.workshop, vision.pk)).content.decode()
    assert "Kept, better" in history


def test_a_second_save_of_the_same_version_gets_409_with_the_current_text(room):
    vision = VisionFactory(workshop=room.workshop, author=room.me, statement="First draft")
    # The facilitator and the author both opened version 1; the facilitator saves first.
    room.facilitator.post(url("vision_edit", room.workshop, vision.pk), {"statement": "Facilitator's text", "target_year": 2050, "version": 1})
    response = room.participant.post(
        url("vision_edit", room.workshop, vision.pk),
        {"statement": "Author's text", "target_year": 2050, "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Facilitator&#x27;s text" in content and "Author&#x27;s text" in content
    assert 'name="version" value="2"' in content  # saving again is a knowing overwrite
    assert Vision.objects.get().statement == "Facilitator's text"


def test_an_edit_form_opens_in_place_for_htmx_and_as_a_page_without(room):
    vision = VisionFactory(workshop=room.workshop, author=room.me)
    partial = room.participant.get(url("vision_edit", room.workshop, vision.pk), headers=HTMX).content.decode()
    assert partial.lstrip().startswith(f'<div id="vision-{vision.pk}-editor"')
    full = room.participant.get(url("vision_edit", room.workshop, vision.pk)).content.decode()
    assert "<html" in full
    assert room.other.get(url("vision_edit", room.workshop, vision.pk)).status_code == 403


def test_endorsing_and_withdrawing(room):
    vision = VisionFactory(workshop=room.workshop, author=room.them)
    room.participant.post(url("vision_endorse", room.workshop, vision.pk), {"endorse": "on"})
    assert Endorsement.objects.filter(vision=vision, participant=room.me).exists()
    response = room.participant.post(url("vision_endorse", room.workshop, vision.pk), {}, headers=HTMX)
    assert not Endorsement.objects.exists()
    assert b"Endorse" in response.content and response["HX-Trigger"] == "live-refresh"
    assert list(Activity.objects.filter(subject_id=vision.pk).values_list("verb", flat=True).order_by("id")) == [
        "endorsed",
        "withdrew",
    ]


def test_adopting_another_vision_archives_the_first(room):
    first = VisionFactory(workshop=room.workshop)
    second = VisionFactory(workshop=room.workshop)
    room.facilitator.post(url("vision_adopt", room.workshop, first.pk))
    room.facilitator.post(url("vision_adopt", room.workshop, second.pk))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (VisionStatus.ARCHIVED, VisionStatus.ADOPTED)
    adopted = Activity.objects.filter(verb="adopted").latest("id")
    assert adopted.changes["touches"] == {"vision": [first.pk]}


def test_the_adopted_vision_cannot_be_deleted(room):
    vision = VisionFactory(workshop=room.workshop, author=room.me, status="adopted")
    response = room.participant.post(url("vision_delete", room.workshop, vision.pk))
    assert response.status_code == 409
    assert Vision.objects.filter(pk=vision.pk).exists()


def test_hiding_is_recorded_hidden_from_participants_and_restorable(room):
    vision = VisionFactory(workshop=room.workshop, author=room.them, statement="Rude words")
    room.facilitator.post(url("contribution_hide", room.workshop, "vision", vision.pk), {"hidden": "on"})
    assert b"Rude words" not in room.participant.get(url("phase_page", room.workshop, Phase.VISION)).content
    assert b"Rude words" in room.facilitator.get(url("phase_page", room.workshop, Phase.VISION)).content
    assert room.participant.get(url("vision_history", room.workshop, vision.pk)).status_code == 404
    room.facilitator.post(url("contribution_hide", room.workshop, "vision", vision.pk), {})
    assert b"Rude words" in room.participant.get(url("phase_page", room.workshop, Phase.VISION)).content
    assert list(Activity.objects.filter(subject_id=vision.pk).values_list("verb", flat=True)) == ["restored", "hidden"]


def test_targets_are_added_to_the_adopted_vision(room):
    adopted = VisionFactory(workshop=room.workshop, status="adopted")
    response = room.facilitator.post(
        url("target_add", room.workshop),
        {"indicator": "Share of villages with a bus stop", "unit": "%", "direction": "increase", "target_value": 95, "target_year": 2050},
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.vision, target.target_value) == (adopted, 95)
    page = room.participant.get(url("phase_page", room.workshop, Phase.VISION)).content.decode()
    assert "Share of villages with a bus stop" in page


def test_targets_need_an_adopted_vision(room):
    response = room.facilitator.post(
        url("target_add", room.workshop),
        {"indicator": "x", "unit": "%", "direction": "increase", "target_value": 1, "target_year": 2050},
    )
    assert response.status_code == 409
    assert not Target.objects.exists()


def test_a_target_with_a_non_finite_value_is_refused(room):
    VisionFactory(workshop=room.workshop, status="adopted")
    response = room.facilitator.post(
        url("target_add", room.workshop),
        {"indicator": "x", "unit": "%", "direction": "increase", "target_value": "inf", "target_year": 2050},
    )
    assert response.status_code == 200
    assert not Target.objects.exists()


def test_deleting_a_target(room):
    target = TargetFactory(workshop=room.workshop, vision=VisionFactory(workshop=room.workshop, status="adopted"))
    room.facilitator.post(url("target_delete", room.workshop, target.pk))
    assert not Target.objects.exists()


def test_the_seventeen_goals_have_english_and_japanese_short_names():
    assert [goal.number for goal in sdgs.GOALS] == list(range(1, 18))
    assert sdgs.goal(13).en == "Climate Action" and sdgs.goal(13).ja == "気候変動に具体的な対策を"
    assert all(goal.en and goal.ja for goal in sdgs.GOALS)
