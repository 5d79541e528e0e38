"""Start the next round: a new workshop that continues the last one; what carries over and what does not."""

import json

import pytest
from django.urls import reverse

from visions.demo.loader import build_demo_workshop
from visions.documents.commitments import drift_for, record_commitment
from visions.documents.workshop_file import WorkshopFileError, dumps, export_document, import_document, load_bytes
from visions.models import (
    Action,
    Activity,
    Commitment,
    Effect,
    IssueScore,
    IssueVote,
    Participant,
    Target,
    Vision,
    Workshop,
)
from tests.conftest import join_as
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(facilitator):
    workshop = build_demo_workshop(facilitator)
    record_commitment(workshop, "Council 2026-03", facilitator)
    record_commitment(workshop, "Council 2027-03", facilitator)
    return workshop


def start(client, workshop, title="Round two"):
    return client.post(reverse("next_round", args=[workshop.pk]), {"title": title})


def new_round(workshop):
    return Workshop.objects.get(previous_round=workshop)


def test_the_facilitator_confirms_on_a_page_that_says_what_carries_over(facilitator_client, demo):
    response = facilitator_client.get(reverse("next_round", args=[demo.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Carried over" in body and "Not carried over" in body and 'method="post"' in body
    assert f"{demo.title} (" in body  # the suggested title names the round's year
    assert not Workshop.objects.filter(previous_round=demo).exists()  # opening the page changes nothing


def test_starting_makes_a_linked_workshop_with_a_new_join_code_and_lands_on_it(facilitator_client, facilitator, demo):
    response = start(facilitator_client, demo)
    following = new_round(demo)
    assert response.status_code == 302 and response["Location"] == following.get_absolute_url()
    assert following.title == "Round two" and following.previous_round == demo
    assert list(following.facilitators.all()) == [facilitator]
    assert following.phase == "stakeholders" and not following.locked
    assert following.join_code != demo.join_code
    page = facilitator_client.get(response["Location"])
    assert page.status_code == 200 and "Series of rounds" in page.content.decode()


def test_the_vision_targets_roadmap_and_last_commitment_carry_over(facilitator_client, demo):
    start(facilitator_client, demo)
    following = new_round(demo)
    adopted = Vision.objects.get(workshop=demo, status="adopted")
    carried = Vision.objects.get(workshop=following, status="adopted")
    assert carried.statement == adopted.statement and carried.sdg_numbers == adopted.sdg_numbers
    assert Vision.objects.filter(workshop=following, status="archived").count() == Vision.objects.filter(
        workshop=demo, status="archived"
    ).count()
    assert not Vision.objects.filter(workshop=following, status="proposed").exists()
    before = {t.indicator: t for t in Target.objects.filter(workshop=demo)}
    for target in Target.objects.filter(workshop=following):
        assert target.carried_from == before[target.indicator]
        assert [(a.as_of, a.value) for a in target.assessments.all()] == [
            (a.as_of, a.value) for a in before[target.indicator].assessments.all()
        ]
        assert not target.assessments.filter(author__isnull=False).exists()
    assert sorted(following.stakeholders.values_list("name", flat=True)) == sorted(
        demo.stakeholders.values_list("name", flat=True)
    )
    assert following.milestones.count() == demo.milestones.filter(accepted=True).count()
    for action in Action.objects.filter(workshop=following):
        old = action.carried_from
        assert (action.title, action.start_year, action.end_year, action.status, action.progress) == (
            old.title, old.start_year, old.end_year, old.status, old.progress
        )
        assert sorted(o.name for o in action.owners.all()) == sorted(o.name for o in old.owners.all())
        assert sorted((e.target.indicator, e.amount) for e in action.effects.all()) == sorted(
            (e.target.indicator, e.amount) for e in old.effects.all()
        )
    assert Effect.objects.filter(action__workshop=following).count() == Effect.objects.filter(action__workshop=demo).count()
    assert list(Commitment.objects.filter(workshop=following).values_list("name", flat=True)) == ["Council 2027-03"]
    drift = drift_for(following)  # drift since the carried commitment: nothing moved yet
    assert drift is not None and not (drift.added or drift.removed or drift.moved)


def test_people_and_what_they_did_do_not_carry_over(facilitator_client, demo):
    start(facilitator_client, demo)
    following = new_round(demo)
    assert Participant.objects.filter(workshop=demo).exists()
    assert not Participant.objects.filter(workshop=following).exists()
    assert not IssueVote.objects.filter(issue__workshop=following).exists()
    assert not IssueScore.objects.filter(issue__workshop=following).exists()
    assert not Vision.objects.filter(workshop=following, endorsements__isnull=False).exists()
    assert not following.milestones.filter(proposed_by__isnull=False).exists()
    # Issues: the gap issues and those an action addresses, no others.
    for issue in following.issues.all():
        assert issue.origin == "derived" or issue.actions.exists()
    names = set(Participant.objects.filter(workshop=demo).values_list("display_name", flat=True))
    carried = json.dumps(export_document(following), ensure_ascii=False)
    carried = carried.split('"commitments"')[0]  # the commitment is carried as it was recorded
    assert not [name for name in names if f'"{name}"' in carried]


def test_the_vision_keeps_its_history_and_both_rounds_record_the_round(facilitator_client, demo):
    start(facilitator_client, demo)
    following = new_round(demo)
    adopted = Vision.objects.get(workshop=demo, status="adopted")
    carried = Vision.objects.get(workshop=following, status="adopted")
    history_then = Activity.objects.filter(workshop=demo, subject_type="vision", subject_id=adopted.pk)
    history_now = Activity.objects.filter(workshop=following, subject_type="vision", subject_id=carried.pk)
    assert history_then.exists()
    assert sorted(history_now.values_list("verb", "summary")) == sorted(history_then.values_list("verb", "summary"))
    assert all(row.actor_participant_id is None for row in history_now)
    page = facilitator_client.get(reverse("vision_history", args=[following.pk, carried.pk]))
    assert page.status_code == 200
    assert Activity.objects.filter(workshop=demo, verb="next_round", subject_id=following.pk, summary="Round two").exists()
    assert Activity.objects.filter(workshop=following, verb="continued", subject_type="workshop").exists()


def test_the_title_is_required_and_bounded(facilitator_client, demo):
    assert start(facilitator_client, demo, "").status_code == 422
    response = start(facilitator_client, demo, "x" * 201)
    assert response.status_code == 422 and b"error-summary" in response.content
    assert not Workshop.objects.filter(previous_round=demo).exists()


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_participants_and_observers_cannot_start_it(client, demo, role):
    join_as(client, ParticipantFactory(workshop=demo, role=role))
    assert client.get(reverse("next_round", args=[demo.pk])).status_code == 403
    assert start(client, demo).status_code == 403
    assert not Workshop.objects.filter(previous_round=demo).exists()


def test_strangers_and_anonymous_get_404(client, demo):
    assert start(client, demo).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("next_round", args=[demo.pk])).status_code == 404
    assert start(client, demo).status_code == 404


def test_wrong_method_and_locked_workshop(facilitator_client, demo):
    assert facilitator_client.put(reverse("next_round", args=[demo.pk])).status_code == 405
    demo.locked = True
    demo.save()
    assert start(facilitator_client, demo).status_code == 302  # the lock holds participants, not the facilitator
    assert not new_round(demo).locked


def test_the_workshop_file_names_the_previous_round(facilitator_client, demo):
    start(facilitator_client, demo)
    document = export_document(new_round(demo))
    assert document["workshop"]["previous_round"] == {
        "title": demo.title, "base_year": demo.base_year, "target_year": demo.target_year,
        "started_on": demo.created_at.date().isoformat(),
    }
    assert "previous_round" not in export_document(demo)["workshop"]
    imported = import_document(load_bytes(dumps(document).encode()))
    assert imported.previous_round is None  # informational: ids differ from one install to another
    document["workshop"]["previous_round"] = "last year"
    with pytest.raises(WorkshopFileError) as error:
        import_document(document)
    assert error.value.place == "workshop.previous_round"


def test_a_workshop_whose_file_breaks_a_rule_says_so_and_makes_nothing(facilitator_client, demo, monkeypatch):
    def broken(document, title):
        return dict(document, version=2)

    monkeypatch.setattr("visions.documents.rounds.next_round_document", broken)
    response = start(facilitator_client, demo)
    assert response.status_code == 422 and "The next round could not be made: version" in response.content.decode()
    assert Workshop.objects.count() == 1
