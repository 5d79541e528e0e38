"""Gaps and issues: adding, editing, dot voting within a budget, scores, themes."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client

from visions.live.access import remember_participant
from visions.models import Activity, Assessment, Issue, IssueScore, IssueVote, Phase, Theme

from tests.factories import IssueFactory, ParticipantFactory, TargetFactory, VisionFactory
from tests.live.test_live_support import HTMX, make_room, url


@pytest.fixture
def room(db):
    return make_room(phase=Phase.ISSUES)


def vote(client, room, issue, dots, **headers):
    return client.post(url("issue_vote", room.workshop, issue.pk), {"dots": dots}, headers=headers or None)


def dots_of(participant):
    return sum(IssueVote.objects.filter(participant=participant).values_list("dots", flat=True))


def test_a_participant_adds_an_issue(room):
    response = room.participant.post(url("issue_add", room.workshop), {"title": "No night buses", "description": "After 9 pm"})
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert (issue.author, issue.origin, issue.description) == (room.me, "participant", "After 9 pm")
    assert Activity.objects.filter(verb="created", subject_type="issue", subject_id=issue.pk).exists()


def test_a_double_submission_creates_one_issue(room):
    page = room.participant.get(url("phase_page", room.workshop, Phase.ISSUES)).content.decode()
    key = page.split('name="form_key" value="', 1)[1].split('"', 1)[0]
    for _ in range(3):
        room.participant.post(url("issue_add", room.workshop), {"title": "Same click", "form_key": key}, headers=HTMX)
    assert Issue.objects.filter(title="Same click").count() == 1


def test_an_issue_without_a_title_is_refused_with_the_form_kept(room):
    response = room.participant.post(url("issue_add", room.workshop), {"title": "", "description": "kept text"}, headers=HTMX)
    assert response.status_code == 200
    assert b"errorlist" in response.content and b"kept text" in response.content
    assert "HX-Trigger" not in response
    assert not Issue.objects.exists()


def test_editing_an_issue_conflicts_when_someone_saved_first(room):
    issue = IssueFactory(workshop=room.workshop, author=room.me, title="Draft")
    room.participant.post(url("issue_edit", room.workshop, issue.pk), {"title": "Mine", "version": 1})
    response = room.facilitator.post(url("issue_edit", room.workshop, issue.pk), {"title": "Facilitator's", "version": 1})
    assert response.status_code == 409
    assert b"Mine" in response.content
    assert Issue.objects.get().title == "Mine"


def test_a_gap_issue_cannot_be_deleted_but_can_be_hidden(room):
    target = TargetFactory(workshop=room.workshop, vision=VisionFactory(workshop=room.workshop, status="adopted"))
    Assessment.objects.create(target=target, value=50, as_of=datetime.date(2025, 1, 1))
    gap = Issue.objects.get(target=target)
    assert room.facilitator.post(url("issue_delete", room.workshop, gap.pk)).status_code == 409
    room.facilitator.post(url("contribution_hide", room.workshop, "issue", gap.pk), {"hidden": "on"})
    assert Issue.objects.get(pk=gap.pk).hidden


def test_the_author_deletes_their_issue(room):
    issue = IssueFactory(workshop=room.workshop, author=room.me, title="Oops")
    room.participant.post(url("issue_delete", room.workshop, issue.pk))
    assert not Issue.objects.exists()
    assert Activity.objects.get(verb="deleted").changes["title"] == ["Oops", None]


# --- dots -----------------------------------------------------------------------------------


def test_dots_are_set_not_added_so_a_repeated_click_changes_nothing(room):
    issue = IssueFactory(workshop=room.workshop)
    vote(room.participant, room, issue, 2)
    vote(room.participant, room, issue, 2)
    assert dots_of(room.me) == 2
    assert Activity.objects.filter(verb="voted").count() == 1


def test_several_dots_on_one_issue_and_taking_them_back(room):
    issue = IssueFactory(workshop=room.workshop)
    vote(room.participant, room, issue, 3)
    assert IssueVote.objects.get().dots == 3
    vote(room.participant, room, issue, 0)
    assert not IssueVote.objects.exists()


def test_the_budget_cannot_be_overspent(room):
    first, second = IssueFactory(workshop=room.workshop), IssueFactory(workshop=room.workshop)
    vote(room.participant, room, first, 4)
    response = vote(room.participant, room, second, 2)
    assert response.status_code == 409
    assert b"no dots left" in response.content
    assert dots_of(room.me) == 4
    assert vote(room.participant, room, second, 1).status_code == 302
    assert dots_of(room.me) == 5


def test_lowering_the_budget_keeps_existing_dots_but_stops_new_ones(room):
    first, second = IssueFactory(workshop=room.workshop), IssueFactory(workshop=room.workshop)
    vote(room.participant, room, first, 4)
    room.facilitator.post(url("workshop_dot_budget", room.workshop), {"dot_budget": 2})
    assert vote(room.participant, room, second, 1).status_code == 409
    assert vote(room.participant, room, first, 3).status_code == 302  # taking dots off is always fine
    assert dots_of(room.me) == 3


def test_an_htmx_vote_answers_with_my_dots_and_my_budget(room):
    issue = IssueFactory(workshop=room.workshop)
    response = vote(room.participant, room, issue, 1, **HTMX)
    content = response.content.decode()
    assert f'id="issue-{issue.pk}-mine"' in content
    assert 'id="my-budget" class="budget" data-left="4" hx-swap-oob="true"' in content
    assert '<strong data-testid="dots-left">4</strong>' in content


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers (BEGIN IMMEDIATE); its in-memory test database cannot take threads",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_never_overspend_the_budget():
    room = make_room(phase=Phase.ISSUES, dot_budget=3)
    issues = [IssueFactory(workshop=room.workshop) for _ in range(8)]
    barrier = threading.Barrier(len(issues))
    statuses = []

    def spend(issue):
        client = Client(headers={"Accept-Language": "en"})
        session = client.session
        remember_participant(session, room.me)
        session.save()
        barrier.wait()
        try:
            statuses.append(client.post(url("issue_vote", room.workshop, issue.pk), {"dots": 1}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=spend, args=(issue,)) for issue in issues]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert dots_of(room.me) == 3
    assert sorted(statuses) == [302] * 3 + [409] * 5


# --- scores, ranking, matrix ----------------------------------------------------------------


def test_scores_are_one_per_participant_and_shown_as_means(room):
    issue = IssueFactory(workshop=room.workshop, title="Care workers quit")
    room.participant.post(url("issue_score", room.workshop, issue.pk), {"impact": 5, "feasibility": 2})
    room.participant.post(url("issue_score", room.workshop, issue.pk), {"impact": 4, "feasibility": 2})
    room.other.post(url("issue_score", room.workshop, issue.pk), {"impact": 2, "feasibility": 4})
    assert IssueScore.objects.count() == 2
    page = room.facilitator.get(url("phase_page", room.workshop, Phase.ISSUES)).content.decode()
    assert "Impact 3.0 · Feasibility 3.0" in page
    assert f'id="mx-{issue.pk}"' in page  # its dot in the matrix
    ranking = page.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    assert "Care workers quit" in ranking


def test_a_score_out_of_range_is_refused(room):
    issue = IssueFactory(workshop=room.workshop)
    assert room.participant.post(url("issue_score", room.workshop, issue.pk), {"impact": 6, "feasibility": 2}).status_code == 409
    assert not IssueScore.objects.exists()


def test_the_ranking_orders_by_mean_impact_then_feasibility(room):
    low, high, tie = (IssueFactory(workshop=room.workshop, title=t) for t in ("Low", "High", "Tie"))
    for issue, (impact, feasibility) in ((low, (2, 5)), (high, (5, 1)), (tie, (5, 3))):
        IssueScore.objects.create(issue=issue, participant=room.them, impact=impact, feasibility=feasibility)
    ranking = room.participant.get(url("phase_page", room.workshop, Phase.ISSUES)).content.decode().split('id="ranking"', 1)[1]
    assert ranking.index("Tie") < ranking.index("High") < ranking.index("Low")


# --- themes ---------------------------------------------------------------------------------


def test_merging_themes_keeps_every_issue_and_its_votes(room):
    care = Theme.objects.create(workshop=room.workshop, name="Care")
    nursing = Theme.objects.create(workshop=room.workshop, name="Nursing")
    issue = IssueFactory(workshop=room.workshop, theme=nursing)
    IssueVote.objects.create(issue=issue, participant=room.me, dots=2)
    response = room.facilitator.post(url("theme_merge", room.workshop), {"source": nursing.pk, "into": care.pk})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.theme == care
    assert IssueVote.objects.get(issue=issue).dots == 2
    assert not Theme.objects.filter(pk=nursing.pk).exists()


def test_splitting_a_theme_moves_the_chosen_issues_to_a_new_one(room):
    care = Theme.objects.create(workshop=room.workshop, name="Care")
    staying, moving = IssueFactory(workshop=room.workshop, theme=care), IssueFactory(workshop=room.workshop, theme=care)
    IssueVote.objects.create(issue=moving, participant=room.me, dots=1)
    room.facilitator.post(
        url("theme_split", room.workshop, care.pk),
        {f"split-{care.pk}-name": "Care workforce", f"split-{care.pk}-issues": [moving.pk]},
    )
    staying.refresh_from_db()
    moving.refresh_from_db()
    assert staying.theme == care
    assert moving.theme.name == "Care workforce"
    assert IssueVote.objects.get().issue == moving


def test_renaming_assigning_and_deleting_themes(room):
    theme = Theme.objects.create(workshop=room.workshop, name="Mobilty")
    issue = IssueFactory(workshop=room.workshop)
    room.facilitator.post(url("theme_rename", room.workshop, theme.pk), {f"rename-{theme.pk}-name": "Mobility"})
    room.facilitator.post(url("theme_assign", room.workshop), {"issues": [issue.pk], "theme": theme.pk})
    issue.refresh_from_db()
    assert (issue.theme.name, Theme.objects.get().name) == ("Mobility", "Mobility")
    room.facilitator.post(url("theme_delete", room.workshop, theme.pk))
    issue.refresh_from_db()
    assert issue.theme is None


def test_a_theme_name_is_unique_in_its_workshop(room):
    Theme.objects.create(workshop=room.workshop, name="Care")
    response = room.facilitator.post(url("theme_add", room.workshop), {"name": "Care"})
    assert response.status_code == 200
    assert b"already a theme" in response.content
    assert Theme.objects.count() == 1


def test_themes_are_managed_on_their_own_page(room):
    Theme.objects.create(workshop=room.workshop, name="Care")
    page = room.facilitator.get(url("themes", room.workshop)).content.decode()
    assert "Merge two themes" not in page  # needs two
    assert "Put issues into a theme" in page and "Care" in page


def test_issues_of_another_workshop_cannot_be_put_into_a_theme(room):
    theme = Theme.objects.create(workshop=room.workshop, name="Care")
    foreign = IssueFactory(workshop=ParticipantFactory().workshop)
    response = room.facilitator.post(url("theme_assign", room.workshop), {"issues": [foreign.pk], "theme": theme.pk})
    assert response.status_code == 200
    foreign.refresh_from_db()
    assert foreign.theme is None


# --- finding 5: no text without a size limit ---


def test_an_11_mb_description_is_a_field_error_and_the_page_stays_small(room):
    before = len(room.other.get(url("phase_page", room.workshop, Phase.ISSUES)).content)
    response = room.participant.post(url("issue_add", room.workshop), {"title": "Huge", "description": "x" * 11_000_000})
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    assert not Issue.objects.exists()
    assert len(room.other.get(url("phase_page", room.workshop, Phase.ISSUES)).content) < before + 1000


def test_a_201_character_title_is_a_field_error_not_a_silent_cut(room):
    response = room.participant.post(url("issue_add", room.workshop), {"title": "t" * 201, "description": ""})
    assert response.status_code == 200
    assert "at most 200 characters (it has 201)" in response.content.decode()
    assert not Issue.objects.exists()
    room.participant.post(url("issue_add", room.workshop), {"title": "t" * 200, "description": "d" * 5000})
    assert Issue.objects.get().title == "t" * 200


def test_a_spent_budget_renders_every_plus_disabled_with_the_reason(room):
    first, second = IssueFactory(workshop=room.workshop), IssueFactory(workshop=room.workshop)
    vote(room.participant, room, first, 5)
    page = room.participant.get(url("phase_page", room.workshop, Phase.ISSUES)).content.decode()
    assert 'data-testid="dots-spent"' in page
    plus = [chunk for chunk in page.split("<button")[1:] if 'data-testid="add-dot"' in chunk.split(">", 1)[0]]
    assert len(plus) == 2 and all(" disabled" in chunk.split(">", 1)[0] for chunk in plus)
    vote(room.participant, room, first, 4)
    page = room.participant.get(url("phase_page", room.workshop, Phase.ISSUES)).content.decode()
    assert 'data-testid="dots-spent"' not in page


def test_the_matrix_numbers_its_points_as_the_ranking(room):
    low = IssueFactory(workshop=room.workshop, title="Empty shops")
    high = IssueFactory(workshop=room.workshop, title="No night buses")
    IssueScore.objects.create(issue=low, participant=room.me, impact=2, feasibility=2)
    IssueScore.objects.create(issue=high, participant=room.me, impact=5, feasibility=3)
    page = room.participant.get(url("phase_page", room.workshop, Phase.ISSUES)).content.decode()
    ranks = page.split('id="matrix-ranks"', 1)[1].split("</g></g>", 1)[0]
    assert ranks.index('aria-label="1. No night buses"') < ranks.index('aria-label="2. Empty shops"')
    # A new score moves the numbers on every open page with the ranking.
    before = room.facilitator.get(url("phase_page", room.workshop, Phase.ISSUES))
    assert before.status_code == 200
    room.participant.post(url("issue_score", room.workshop, low.pk), {"impact": 5, "feasibility": 5})
    page = room.participant.get(url("phase_page", room.workshop, Phase.ISSUES)).content.decode()
    ranks = page.split('id="matrix-ranks"', 1)[1]
    assert ranks.index('aria-label="1. Empty shops"') < ranks.index('aria-label="2. No night buses"')
