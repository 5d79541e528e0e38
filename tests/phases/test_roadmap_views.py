"""The roadmap page and its forms: who may do what, the rules each form keeps, the checks shown."""

import pytest

from tests.live.test_live_support import poll as send_poll, poll_url_of
from visions.live import record
from visions.live.access import Viewer
from visions.phases.roadmap import ACTION_EDITED, ACTION_PROGRESS
from visions.phases.vision import VISION_ENDORSED
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from visions.models import Action, Activity, IssueVote, Milestone

from tests.conftest import join_as
from tests.factories import (
    ActionFactory,
    IssueFactory,
    MilestoneFactory,
    ParticipantFactory,
    StakeholderFactory,
    TargetFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.roadmap_data import build_roadmap

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client, settings):
    """These tests read the English interface, whatever the workshop's language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(name, workshop, *args):
    return reverse(name, args=[workshop.pk, *args])


@pytest.fixture
def org(workshop):
    return StakeholderFactory(workshop=workshop, name="Prefecture", sector="government")


@pytest.fixture
def other_org(workshop):
    return StakeholderFactory(workshop=workshop, name="University", sector="academia")


@pytest.fixture
def action(workshop, org):
    action = ActionFactory(workshop=workshop, title="Care hubs", start_year=2027, end_year=2030)
    action.owners.add(org)
    return action


@pytest.fixture
def representative(client, workshop, org):
    """A participant who speaks for the action's owner."""
    return join_as(client, ParticipantFactory(workshop=workshop, stakeholder=org, display_name="Rep"))


@pytest.fixture
def outsider(client, workshop, other_org):
    return join_as(client, ParticipantFactory(workshop=workshop, stakeholder=other_org))


@pytest.fixture
def observer(client, workshop, org):
    return join_as(client, ParticipantFactory(workshop=workshop, stakeholder=org, role="observer"))


@pytest.fixture
def stranger(client, db):
    client.force_login(UserFactory(username="elsewhere"))
    WorkshopFactory(facilitators=[])
    return client


def action_data(**overrides):
    data = {
        "title": "Community care hubs",
        "description": "",
        "start_year": 2027,
        "end_year": 2031,
        "status": "planned",
        "progress": 0,
    }
    data.update(overrides)
    return data


# --- the page ---


def test_facilitator_sees_the_roadmap_with_timeline_checks_and_table(facilitator_client, workshop, action):
    response = facilitator_client.get(url("roadmap", workshop))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-role="timeline"' in page
    assert 'id="check-coverage"' in page and 'id="check-order"' in page and 'id="check-range"' in page
    assert f'id="action-{action.pk}"' in page
    assert url("roadmap_action_edit", workshop, action.pk) in page


def test_participants_see_the_roadmap(representative, workshop, action):
    page = representative.get(url("roadmap", workshop))
    assert page.status_code == 200
    assert "Propose an action" in page.content.decode()


def test_observers_see_the_roadmap_without_forms(observer, workshop, action):
    page = observer.get(url("roadmap", workshop))
    assert page.status_code == 200
    assert "Propose an action" not in page.content.decode()
    assert url("roadmap_action_progress", workshop, action.pk) not in page.content.decode()


def test_stranger_and_anonymous_get_404(stranger, workshop, client):
    assert stranger.get(url("roadmap", workshop)).status_code == 404
    stranger.logout()
    assert client.get(url("roadmap", workshop)).status_code == 404


def test_roadmap_page_answers_405_to_post(facilitator_client, workshop):
    assert facilitator_client.post(url("roadmap", workshop)).status_code == 405


@pytest.mark.parametrize(
    "name,needs_action",
    [
        ("roadmap_priority", False),
        ("roadmap_action_progress", True),
        ("roadmap_action_delete", True),
    ],
)
def test_post_only_views_answer_405_to_get(facilitator_client, workshop, action, name, needs_action):
    args = [action.pk] if needs_action else []
    assert facilitator_client.get(url(name, workshop, *args)).status_code == 405


def test_milestone_post_only_views_answer_405_to_get(facilitator_client, workshop):
    milestone = MilestoneFactory(workshop=workshop)
    for name in ("roadmap_milestone_accept", "roadmap_milestone_delete"):
        assert facilitator_client.get(url(name, workshop, milestone.pk)).status_code == 405


def test_form_views_answer_405_to_put(facilitator_client, workshop, action):
    assert facilitator_client.put(url("roadmap_action_edit", workshop, action.pk)).status_code == 405
    assert facilitator_client.put(url("roadmap_action_create", workshop)).status_code == 405


def test_page_query_count_does_not_grow_with_the_roadmap(facilitator_client, facilitator):
    counts = []
    for size in (10, 200):
        workshop = WorkshopFactory(facilitators=[facilitator])
        build_roadmap(workshop, size, seed=size)
        facilitator_client.get(url("roadmap", workshop))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = facilitator_client.get(url("roadmap", workshop))
        assert response.status_code == 200
        assert response.content.decode().count("data-action-id=") == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_page_query_count_is_fixed(facilitator_client, workshop, django_assert_num_queries):
    build_roadmap(workshop, 30)
    for n in range(3):
        MilestoneFactory(workshop=workshop, accepted=False, proposed_by=ParticipantFactory(workshop=workshop))
    facilitator_client.get(url("roadmap", workshop))
    # Session, user, workshop, facilitator check, the snapshot's 14, the latest activity, and the
    # revision that keys the shared snapshot (nothing is recorded here, so it is loaded again).
    with django_assert_num_queries(22):  # 20, the actions' expected effects, the latest commitment
        facilitator_client.get(url("roadmap", workshop))


# --- actions ---


def test_facilitator_adds_an_action_with_owners_issues_and_milestone(
    facilitator_client, workshop, org, other_org
):
    issue = IssueFactory(workshop=workshop)
    milestone = MilestoneFactory(workshop=workshop, year=2035)
    response = facilitator_client.post(
        url("roadmap_action_create", workshop),
        action_data(owners=[org.pk, other_org.pk], addresses=[issue.pk], milestone=milestone.pk),
    )
    assert response.status_code == 302
    action = Action.objects.get(workshop=workshop)
    assert set(action.owners.all()) == {org, other_org}
    assert list(action.addresses.all()) == [issue]
    assert action.milestone == milestone
    activity = Activity.objects.get(workshop=workshop, subject_type="action")
    assert activity.verb == "created" and activity.subject_id == action.pk and activity.actor_user is not None


def test_participant_proposes_an_action(outsider, workshop, other_org):
    response = outsider.post(
        url("roadmap_action_create", workshop), action_data(owners=[other_org.pk]), **HTMX
    )
    assert response.status_code == 200
    action = Action.objects.get(workshop=workshop)
    assert "Community care hubs" in response.content.decode()
    assert response["HX-Push-Url"] == url("roadmap", workshop)
    activity = Activity.objects.get(workshop=workshop, subject_type="action")
    assert activity.verb == "proposed" and activity.actor_participant is not None
    assert activity.subject_id == action.pk


def test_observer_cannot_propose(observer, workshop):
    assert observer.get(url("roadmap_action_create", workshop)).status_code == 403
    assert observer.post(url("roadmap_action_create", workshop), action_data()).status_code == 403
    assert not Action.objects.exists()


def test_locked_workshop_refuses_participant_proposals(outsider, workshop):
    workshop.locked = True
    workshop.save()
    response = outsider.post(url("roadmap_action_create", workshop), action_data())
    assert response.status_code == 423
    assert "locked contributions" in response.content.decode()
    assert not Action.objects.exists()


def test_locked_workshop_holds_owners_representatives_too(representative, workshop, action):
    workshop.locked = True
    workshop.save()
    progress = representative.post(
        url("roadmap_action_progress", workshop, action.pk), {"status": "in_progress", "progress": 40}, **HTMX
    )
    assert progress.status_code == 423
    assert progress["HX-Retarget"] == "#messages"
    assert "locked contributions" in progress.content.decode()
    edit = representative.post(url("roadmap_action_edit", workshop, action.pk), action_data(title="Changed"))
    assert edit.status_code == 423
    action.refresh_from_db()
    assert (action.status, action.progress, action.title) != ("in_progress", 40, "Changed")


def test_stranger_and_anonymous_cannot_add_actions(stranger, client, workshop):
    assert stranger.post(url("roadmap_action_create", workshop), action_data()).status_code == 404
    stranger.logout()
    assert client.post(url("roadmap_action_create", workshop), action_data()).status_code == 404
    assert not Action.objects.exists()


def test_new_action_form_is_prefilled_from_a_finding_or_milestone(facilitator_client, workshop):
    issue = IssueFactory(workshop=workshop)
    milestone = MilestoneFactory(workshop=workshop, year=2040)
    page = facilitator_client.get(url("roadmap_action_create", workshop) + f"?issue={issue.pk}", **HTMX)
    body = page.content.decode()
    assert "<html" not in body  # only the panel
    assert f'value="{issue.pk}" id="id_addresses_0" checked' in body
    new_url = url("roadmap_action_create", workshop)
    page = facilitator_client.get(f"{new_url}?milestone={milestone.pk}").content.decode()
    assert "<html" in page  # without htmx, the whole page with the panel open
    assert f'<option value="{milestone.pk}" selected>' in page
    assert 'name="end_year" value="2040"' in page


def test_end_before_start_is_refused(facilitator_client, workshop):
    data = action_data(start_year=2035, end_year=2030)
    response = facilitator_client.post(url("roadmap_action_create", workshop), data)
    assert response.status_code == 200
    assert "The end year cannot be before the start year." in response.content.decode()
    assert not Action.objects.exists()


def test_owners_from_another_workshop_are_refused(facilitator_client, workshop):
    foreign = StakeholderFactory()
    data = action_data(owners=[foreign.pk])
    response = facilitator_client.post(url("roadmap_action_create", workshop), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Action.objects.exists()


def test_a_dependency_that_makes_a_cycle_is_refused_naming_it(facilitator_client, workshop, action):
    second = ActionFactory(workshop=workshop, title="Robots", start_year=2031, end_year=2033)
    third = ActionFactory(workshop=workshop, title="Training", start_year=2034, end_year=2035)
    second.depends_on.add(action)
    third.depends_on.add(second)
    response = facilitator_client.post(
        url("roadmap_action_edit", workshop, action.pk),
        action_data(title="Care hubs", start_year=2027, end_year=2030, depends_on=[third.pk]),
        **HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Care hubs → Training → Robots → Care hubs" in page
    assert list(action.depends_on.all()) == []
    assert not Activity.objects.filter(verb="updated").exists()


def test_a_dependency_without_a_cycle_is_saved(facilitator_client, workshop, action):
    later = ActionFactory(workshop=workshop, title="Later", start_year=2031, end_year=2033)
    response = facilitator_client.post(
        url("roadmap_action_edit", workshop, later.pk),
        action_data(title="Later", start_year=2031, end_year=2033, depends_on=[action.pk], version=1),
    )
    assert response.status_code == 302
    assert list(later.depends_on.all()) == [action]
    later.refresh_from_db()
    assert later.version == 2


def test_an_action_cannot_depend_on_itself(facilitator_client, workshop, action):
    response = facilitator_client.post(
        url("roadmap_action_edit", workshop, action.pk),
        action_data(title="Care hubs", depends_on=[action.pk]),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_facilitator_and_owners_representative_edit(facilitator_client, workshop, action, org):
    assert facilitator_client.get(url("roadmap_action_edit", workshop, action.pk)).status_code == 200
    facilitator_client.logout()
    join_as(facilitator_client, ParticipantFactory(workshop=workshop, stakeholder=org))
    response = facilitator_client.post(
        url("roadmap_action_edit", workshop, action.pk),
        action_data(title="Care hubs, bigger", owners=[org.pk], start_year=2027, end_year=2032, version=1),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.end_year) == ("Care hubs, bigger", 2032)
    activity = Activity.objects.get(verb="updated", subject_type="action")
    assert "title" in activity.changes["fields"] and activity.actor_participant.stakeholder == org


def test_other_participants_are_refused_the_edit_with_403(outsider, workshop, action):
    edit = url("roadmap_action_edit", workshop, action.pk)
    assert outsider.get(edit).status_code == 403
    assert outsider.post(edit, action_data(title="Hijacked")).status_code == 403
    action.refresh_from_db()
    assert action.title == "Care hubs"


def test_observer_speaking_for_the_owner_still_cannot_edit(observer, workshop, action):
    assert observer.get(url("roadmap_action_edit", workshop, action.pk)).status_code == 403


def test_stranger_and_anonymous_get_404_for_edit(stranger, client, workshop, action):
    assert stranger.get(url("roadmap_action_edit", workshop, action.pk)).status_code == 404
    stranger.logout()
    assert client.get(url("roadmap_action_edit", workshop, action.pk)).status_code == 404


def test_an_action_of_another_workshop_is_404(facilitator_client, workshop):
    foreign = ActionFactory()
    assert facilitator_client.get(url("roadmap_action_edit", workshop, foreign.pk)).status_code == 404


def test_edit_panel_for_htmx_is_the_panel_only(facilitator_client, workshop, action):
    response = facilitator_client.get(url("roadmap_action_edit", workshop, action.pk), **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="action-panel"')
    assert 'value="Care hubs"' in body


def test_only_the_facilitator_deletes(representative, facilitator, workshop, action):
    assert representative.post(url("roadmap_action_delete", workshop, action.pk)).status_code == 403
    assert Action.objects.filter(pk=action.pk).exists()
    representative.force_login(facilitator)
    assert representative.post(url("roadmap_action_delete", workshop, action.pk)).status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()
    assert Activity.objects.filter(verb="deleted", subject_type="action", subject_id=action.pk).exists()


# --- progress after the workshop ---


def test_owners_representative_updates_status_and_progress(representative, workshop, action):
    response = representative.post(
        url("roadmap_action_progress", workshop, action.pk), {"status": "in_progress", "progress": 40}, **HTMX
    )
    assert response.status_code == 200
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)
    activity = Activity.objects.get(verb="progress")
    assert activity.changes == {"status": ["planned", "in_progress"], "progress": [0, 40]}
    # The page shows the new weighted progress: one government action at 40 %.
    assert 'data-lane="government"' in response.content.decode()
    assert "40 %" in response.content.decode()


def test_progress_out_of_range_is_refused(representative, workshop, action):
    data = {"status": "done", "progress": 150}
    response = representative.post(url("roadmap_action_progress", workshop, action.pk), data)
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.progress) == ("planned", 0)


def test_other_participants_cannot_update_progress(outsider, workshop, action):
    data = {"status": "done", "progress": 100}
    response = outsider.post(url("roadmap_action_progress", workshop, action.pk), data)
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "planned"


def test_progress_forms_and_edit_links_only_on_actions_the_viewer_may_edit(
    representative, workshop, action, other_org
):
    theirs = ActionFactory(workshop=workshop, title="Not mine")
    theirs.owners.add(other_org)
    page = representative.get(url("roadmap", workshop)).content.decode()
    assert url("roadmap_action_progress", workshop, action.pk) in page
    assert url("roadmap_action_edit", workshop, action.pk) in page
    assert url("roadmap_action_progress", workshop, theirs.pk) not in page
    assert url("roadmap_action_edit", workshop, theirs.pk) not in page


# --- milestones ---


def test_suggested_series_goes_back_from_the_target_year(facilitator_client, workshop):
    MilestoneFactory(workshop=workshop, year=2040)
    page = facilitator_client.get(url("roadmap_milestone_suggest", workshop)).content.decode()
    for year in (2050, 2030, 2027):
        assert f'value="{year}"' in page
    assert 'name="series-1-year" value="2030"' in page  # 2040 is taken and left out
    suggest = url("roadmap_milestone_suggest", workshop)
    five = facilitator_client.get(f"{suggest}?step=5", **HTMX).content.decode()
    assert 'value="2045"' in five and 'value="2035"' in five


def test_saving_the_series_creates_the_ticked_milestones(facilitator_client, workshop):
    data = {
        "series-TOTAL_FORMS": 3,
        "series-INITIAL_FORMS": 3,
        "series-0-include": "on",
        "series-0-year": 2050,
        "series-0-title": "Everyone lives well at home",
        "series-1-include": "on",
        "series-1-year": 2041,  # edited before saving
        "series-1-title": "Care robots everywhere",
        "series-2-year": 2030,  # unticked
        "series-2-title": "",
    }
    response = facilitator_client.post(url("roadmap_milestone_suggest", workshop), data)
    assert response.status_code == 302
    assert list(Milestone.objects.filter(workshop=workshop).values_list("year", "title", "accepted")) == [
        (2041, "Care robots everywhere", True),
        (2050, "Everyone lives well at home", True),
    ]
    assert Activity.objects.filter(verb="created", subject_type="milestone").count() == 2


def test_a_ticked_year_needs_a_statement(facilitator_client, workshop):
    data = {
        "series-TOTAL_FORMS": 1,
        "series-INITIAL_FORMS": 1,
        "series-0-include": "on",
        "series-0-year": 2050,
        "series-0-title": "  ",
    }
    response = facilitator_client.post(url("roadmap_milestone_suggest", workshop), data, **HTMX)
    assert response.status_code == 200
    assert "Say what must be true by then" in response.content.decode()
    assert not Milestone.objects.exists()


def test_participants_cannot_use_the_series(outsider, workshop):
    assert outsider.get(url("roadmap_milestone_suggest", workshop)).status_code == 403


def test_facilitator_adds_edits_and_deletes_a_milestone(facilitator_client, workshop):
    facilitator_client.post(url("roadmap_milestone_create", workshop), {"year": 2040, "title": "Robots"})
    milestone = Milestone.objects.get(workshop=workshop)
    assert milestone.accepted and milestone.proposed_by is None
    edit = url("roadmap_milestone_edit", workshop, milestone.pk)
    facilitator_client.post(edit, {"year": 2041, "title": "Robots!", "version": 1})
    milestone.refresh_from_db()
    assert (milestone.year, milestone.title, milestone.version) == (2041, "Robots!", 2)
    facilitator_client.post(url("roadmap_milestone_delete", workshop, milestone.pk))
    assert not Milestone.objects.exists()
    assert [a.verb for a in Activity.objects.filter(subject_type="milestone").order_by("id")] == [
        "created",
        "updated",
        "deleted",
    ]


def test_participant_proposes_and_the_facilitator_accepts(client, facilitator, workshop):
    proposer = ParticipantFactory(workshop=workshop, display_name="Aiko")
    join_as(client, proposer)
    client.post(url("roadmap_milestone_create", workshop), {"year": 2035, "title": "Every town has a salon"})
    milestone = Milestone.objects.get(workshop=workshop)
    assert not milestone.accepted and milestone.proposed_by == proposer
    page = client.get(url("roadmap", workshop)).content.decode()
    assert "waiting for the facilitator" in page
    assert 'data-role="milestone"' not in page  # not on the timeline yet
    assert client.post(url("roadmap_milestone_accept", workshop, milestone.pk)).status_code == 403

    client.force_login(facilitator)
    client.post(url("roadmap_milestone_accept", workshop, milestone.pk))
    milestone.refresh_from_db()
    assert milestone.accepted
    assert 'data-role="milestone"' in client.get(url("roadmap", workshop)).content.decode()
    verbs = Activity.objects.filter(subject_type="milestone").order_by("id").values_list("verb", flat=True)
    assert list(verbs) == [
        "proposed",
        "accepted",
    ]


def test_participants_cannot_edit_or_delete_milestones(outsider, workshop):
    milestone = MilestoneFactory(workshop=workshop)
    assert outsider.get(url("roadmap_milestone_edit", workshop, milestone.pk)).status_code == 403
    assert outsider.post(url("roadmap_milestone_delete", workshop, milestone.pk)).status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_observer_cannot_propose_milestones(observer, workshop):
    response = observer.post(url("roadmap_milestone_create", workshop), {"year": 2035, "title": "x"})
    assert response.status_code == 403


def test_milestone_without_statement_is_refused(facilitator_client, workshop):
    data = {"year": 2040, "title": " "}
    response = facilitator_client.post(url("roadmap_milestone_create", workshop), data)
    assert response.status_code == 200
    assert not Milestone.objects.exists()


# --- checks ---


def vote(issue, dots):
    IssueVote.objects.create(issue=issue, participant=ParticipantFactory(workshop=issue.workshop), dots=dots)


def test_coverage_lists_unaddressed_issues_highest_voted_first_with_a_fix_link(
    facilitator_client, workshop, action
):
    low = IssueFactory(workshop=workshop, title="Low issue")
    high = IssueFactory(workshop=workshop, title="High issue")
    done = IssueFactory(workshop=workshop, title="Handled issue")
    vote(low, 1)
    vote(high, 3)
    action.addresses.add(done)
    page = facilitator_client.get(url("roadmap", workshop)).content.decode()
    coverage = page[page.index('id="check-coverage"'): page.index('id="check-order"')]
    assert coverage.index("High issue") < coverage.index("Low issue")
    assert "Handled issue" not in coverage
    assert f"{url('roadmap_action_create', workshop)}?issue={high.pk}" in coverage


def test_prioritised_filter_shows_only_the_top_n(facilitator_client, workshop):
    for n, dots in enumerate([5, 4, 3, 2, 1]):
        vote(IssueFactory(workshop=workshop, title=f"Issue ranked {n + 1}"), dots)
    facilitator_client.post(url("roadmap_priority", workshop), {"priority_count": 2})
    workshop.refresh_from_db()
    assert workshop.priority_count == 2
    page = facilitator_client.get(url("roadmap", workshop) + "?issues=prioritised").content.decode()
    coverage = page[page.index('id="check-coverage"'): page.index('id="check-order"')]
    assert "Issue ranked 1" in coverage and "Issue ranked 2" in coverage
    assert "Issue ranked 3" not in coverage
    live = facilitator_client.get(url("roadmap", workshop) + "?issues=prioritised&part=live", **HTMX)
    assert live.content.decode().lstrip().startswith('<div id="roadmap-live"')
    assert "Issue ranked 3" not in live.content.decode()


def test_only_the_facilitator_sets_the_priority_count(outsider, workshop):
    assert outsider.post(url("roadmap_priority", workshop), {"priority_count": 1}).status_code == 403
    workshop.refresh_from_db()
    assert workshop.priority_count == 5


def test_order_violation_links_to_the_action_to_fix(facilitator_client, workshop, action):
    early = ActionFactory(workshop=workshop, title="Too early", start_year=2028, end_year=2029)
    early.depends_on.add(action)  # action ends 2030
    page = facilitator_client.get(url("roadmap", workshop)).content.decode()
    order = page[page.index('id="check-order"'): page.index('id="check-range"')]
    assert "“<bdi>Too early</bdi>” starts in 2028" in order and "ends in 2030" in order
    assert url("roadmap_action_edit", workshop, early.pk) in order


def test_out_of_range_targets_milestones_and_actions_link_to_their_fix(facilitator_client, workshop):
    target = TargetFactory(workshop=workshop, indicator="Late target", target_year=2055)
    milestone = MilestoneFactory(workshop=workshop, year=2060, title="Far milestone")
    action = ActionFactory(workshop=workshop, title="Started long ago", start_year=2020, end_year=2027)
    ActionFactory(workshop=workshop, title="Inside", start_year=2027, end_year=2030)
    page = facilitator_client.get(url("roadmap", workshop)).content.decode()
    checks = page[page.index('id="check-range"'): page.index('id="milestones-heading"')]
    assert "Late target" in checks and target.indicator in checks
    assert f"{url('workshop_detail', workshop)[:-1]}" in checks
    assert url("roadmap_milestone_edit", workshop, milestone.pk) in checks
    assert url("roadmap_action_edit", workshop, action.pk) in checks
    assert "Inside" not in checks


def test_participants_see_findings_linking_to_the_rows(outsider, workshop, action):
    ActionFactory(workshop=workshop, title="Old", start_year=2000, end_year=2027)
    page = outsider.get(url("roadmap", workshop)).content.decode()
    checks = page[page.index('id="check-range"'): page.index('id="milestones-heading"')]
    assert 'href="#action-' in checks
    assert "/edit/" not in checks


# --- live updates ---


def test_live_poll_answers_204_until_something_changes(facilitator_client, workshop, action):
    """The builder follows the workshop through the same poll as every live page."""
    poll = poll_url_of(facilitator_client.get(url("roadmap", workshop)))
    assert send_poll(facilitator_client, poll).status_code == 204
    record(Viewer.of_participant(ParticipantFactory(workshop=workshop)), ACTION_EDITED, action, summary="someone else")
    response = send_poll(facilitator_client, poll)
    assert response.status_code == 200
    assert '<div id="roadmap-live" hx-swap-oob="true"' in response.content.decode()


def test_live_poll_ignores_changes_the_roadmap_does_not_show(facilitator_client, workshop, action):
    from tests.factories import VisionFactory

    poll = poll_url_of(facilitator_client.get(url("roadmap", workshop)))
    someone = Viewer.of_participant(ParticipantFactory(workshop=workshop))
    record(someone, VISION_ENDORSED, VisionFactory(workshop=workshop), summary="a vision")
    assert send_poll(facilitator_client, poll).status_code == 204
    record(someone, ACTION_PROGRESS, action, summary="moved on")
    assert send_poll(facilitator_client, poll).status_code == 200


def test_a_representatives_live_redraw_keeps_their_progress_form(representative, workshop, action):
    """The builder's region is redrawn for its viewer: an owner's representative keeps their controls."""
    progress_url = url("roadmap_action_progress", workshop, action.pk)
    poll = poll_url_of(representative.get(url("roadmap", workshop)))
    someone = Viewer.of_participant(ParticipantFactory(workshop=workshop))
    record(someone, ACTION_EDITED, action, summary="someone else")
    response = send_poll(representative, poll)
    assert response.status_code == 200
    assert f'action="{progress_url}"' in response.content.decode()


# --- finding 4: a stale save of an action or a milestone answers 409 ---


def conflict_texts(page):
    """The current text and yours, as the conflict block shows them."""
    block = page.split('data-testid="conflict"', 1)[1]
    texts = [part.split("</pre>", 1)[0] for part in block.split('<pre class="text" dir="auto">')[1:3]]
    return texts[0], texts[1]


def test_a_stale_action_save_answers_409_with_the_current_values_and_overwrites_nothing(
    facilitator_client, workshop, action, org
):
    edit = url("roadmap_action_edit", workshop, action.pk)
    loaded = action.version
    first = facilitator_client.post(edit, action_data(title="Care hubs in every town", version=loaded))
    assert first.status_code == 302

    stale = facilitator_client.post(edit, action_data(title="Mobile care vans", version=loaded), **HTMX)

    assert stale.status_code == 409
    page = stale.content.decode()
    current, yours = conflict_texts(page)
    assert "Care hubs in every town" in current and "Mobile care vans" in yours
    # The form comes back with what was typed and the current version: saving again is a knowing overwrite.
    assert f'name="version" value="{loaded + 1}"' in page and 'value="Mobile care vans"' in page
    action.refresh_from_db()
    assert (action.title, action.version) == ("Care hubs in every town", loaded + 1)
    assert Activity.objects.filter(verb="updated", subject_type="action").count() == 1
    again = facilitator_client.post(edit, action_data(title="Mobile care vans", version=loaded + 1))
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.title == "Mobile care vans"


def test_a_stale_milestone_save_answers_409_with_the_current_values_and_overwrites_nothing(
    facilitator_client, workshop
):
    milestone = MilestoneFactory(workshop=workshop, year=2040, title="Robots in every care home")
    edit = url("roadmap_milestone_edit", workshop, milestone.pk)
    assert 'name="version"' in facilitator_client.get(edit).content.decode()
    facilitator_client.post(edit, {"year": 2040, "title": "Robots in half the care homes", "version": 1})

    stale = facilitator_client.post(edit, {"year": 2045, "title": "Robots everywhere", "version": 1})

    assert stale.status_code == 409
    current, yours = conflict_texts(stale.content.decode())
    assert "2040: Robots in half the care homes" in current and "2045: Robots everywhere" in yours
    milestone.refresh_from_db()
    assert (milestone.year, milestone.title, milestone.version) == (2040, "Robots in half the care homes", 2)


def test_a_201_character_action_or_milestone_title_is_a_field_error(facilitator_client, workshop):
    # Finding 5: a field error, never a silent cut.
    response = facilitator_client.post(url("roadmap_action_create", workshop), action_data(title="a" * 201))
    assert response.status_code == 200 and "at most 200 characters (it has 201)" in response.content.decode()
    response = facilitator_client.post(
        url("roadmap_milestone_create", workshop), {"year": 2040, "title": "m" * 201, "description": "d" * 5001}
    )
    page = response.content.decode()
    assert "at most 200 characters (it has 201)" in page and "at most 5000 characters (it has 5001)" in page
    assert not Action.objects.exists() and not Milestone.objects.exists()
