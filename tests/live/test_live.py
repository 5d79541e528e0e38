"""The live mechanism: the idle check, deltas of only the changed items, following the phase."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from visions.live import record
from visions.live.access import Viewer
from visions import live
from visions.live import access
from visions.phases.issues import ISSUE_ADDED, ISSUE_VOTED
from visions.live.pages import TOKEN_HEADER
from visions.models import Activity, Issue, IssueVote, Phase

from tests.factories import IssueFactory
from tests.live.test_live_support import HTMX, make_room, oob_ids, poll, poll_url_of, set_phase, url


def page(client, workshop, phase):
    response = client.get(url("phase_page", workshop, phase))
    assert response.status_code == 200
    return response


@pytest.fixture
def issues_room(db):
    room = make_room()
    set_phase(room.workshop, Phase.ISSUES)
    return room


def test_an_idle_check_is_one_query_and_answers_204(issues_room, django_assert_num_queries):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    # The participant's client carries a database session: one query means the check
    # never loads it (nor the user).
    with django_assert_num_queries(1):
        response = poll(issues_room.participant, poll_url)
    assert response.status_code == 204
    assert response.content == b""


def test_an_idle_check_is_one_query_even_when_the_browser_names_no_language(issues_room):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    with CaptureQueriesContext(connection) as queries:
        response = poll(issues_room.participant, poll_url, **{"Accept-Language": ""})
    assert response.status_code == 204
    assert len(queries.captured_queries) == 1


def test_the_idle_check_uses_the_workshop_and_id_index(issues_room):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    with CaptureQueriesContext(connection) as queries:
        poll(issues_room.participant, poll_url)
    sql = queries.captured_queries[0]["sql"]
    assert "visions_activity" in sql and "workshop_id" in sql and '"id" >' in sql.replace("visions_activity.", "")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        else:
            # A handful of test rows would make any table scan cheapest; ask what a big table gets.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "activity_workshop_id" in plan


def test_a_new_issue_reaches_another_open_page_as_one_appended_item(issues_room):
    other_issue = IssueFactory(workshop=issues_room.workshop, title="Older issue")
    poll_url = poll_url_of(page(issues_room.other, issues_room.workshop, Phase.ISSUES))
    issues_room.participant.post(url("issue_add", issues_room.workshop), {"title": "No night buses"})
    new_issue = Issue.objects.get(title="No night buses")

    response = poll(issues_room.other, poll_url)

    assert response.status_code == 200
    assert b"No night buses" in response.content
    assert other_issue.title.encode() not in response.content  # only what changed travels
    swaps = oob_ids(response)
    # No delete for an id the page may not have (htmx:oobErrorNoTarget); live.js drops a copy.
    assert (f"issue-{new_issue.pk}", "delete") not in swaps
    assert (None, "beforeend:#issue-list") in swaps
    assert ("live-poll", "true") in swaps


def test_a_vote_swaps_only_the_counts_of_that_issue(issues_room):
    issue = IssueFactory(workshop=issues_room.workshop, author=issues_room.them)
    poll_url = poll_url_of(page(issues_room.other, issues_room.workshop, Phase.ISSUES))
    issues_room.participant.post(url("issue_vote", issues_room.workshop, issue.pk), {"dots": 2})

    response = poll(issues_room.other, poll_url)

    assert oob_ids(response) == [(f"issue-{issue.pk}-counts", "true"), ("live-poll", "true")]
    assert b"<strong>2</strong> dots" in response.content
    assert b"<form" not in response.content  # forms are never swapped under someone's hands


def test_after_a_delta_the_next_check_is_idle_again(issues_room):
    issue = IssueFactory(workshop=issues_room.workshop)
    poll_url = poll_url_of(page(issues_room.other, issues_room.workshop, Phase.ISSUES))
    issues_room.participant.post(url("issue_vote", issues_room.workshop, issue.pk), {"dots": 1})
    delta = poll(issues_room.other, poll_url)
    assert poll(issues_room.other, poll_url_of(delta)).status_code == 204


def delta_queries(room, issue_count):
    for number in range(issue_count):
        IssueFactory(workshop=room.workshop, title=f"Issue {number}")
    issue = Issue.objects.filter(workshop=room.workshop).first()
    poll_url = poll_url_of(page(room.other, room.workshop, Phase.ISSUES))
    room.participant.post(url("issue_vote", room.workshop, issue.pk), {"dots": 1})
    with CaptureQueriesContext(connection) as queries:
        response = poll(room.other, poll_url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_a_delta_costs_the_same_queries_whatever_the_board_size():
    assert delta_queries(make_room(phase=Phase.ISSUES), 10) == delta_queries(make_room(phase=Phase.ISSUES), 300)


def test_hiding_removes_the_item_for_participants_and_marks_it_for_facilitators(issues_room):
    issue = IssueFactory(workshop=issues_room.workshop, author=issues_room.them, title="Spam")
    participant_poll = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    facilitator_poll = poll_url_of(page(issues_room.facilitator, issues_room.workshop, Phase.ISSUES))
    issues_room.facilitator.post(url("contribution_hide", issues_room.workshop, "issue", issue.pk), {"hidden": "on"})

    seen_by_participant = poll(issues_room.participant, participant_poll)
    seen_by_facilitator = poll(issues_room.facilitator, facilitator_poll)

    assert (f"issue-{issue.pk}", "delete") in oob_ids(seen_by_participant)
    assert b"Spam" not in seen_by_participant.content
    assert (f"issue-{issue.pk}-body", "true") in oob_ids(seen_by_facilitator)
    assert b"Hidden from participants" in seen_by_facilitator.content


def test_restoring_brings_the_item_back_for_participants(issues_room):
    issue = IssueFactory(workshop=issues_room.workshop, title="Back again", hidden=True)
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    assert b"Back again" not in issues_room.participant.get(url("phase_page", issues_room.workshop, Phase.ISSUES)).content
    issues_room.facilitator.post(url("contribution_hide", issues_room.workshop, "issue", issue.pk), {})
    response = poll(issues_room.participant, poll_url)
    assert (None, "beforeend:#issue-list") in oob_ids(response)
    assert b"Back again" in response.content


def test_a_phase_move_sends_following_pages_to_the_new_phase(issues_room):
    following = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    looking_back = poll_url_of(page(issues_room.other, issues_room.workshop, Phase.VISION))
    issues_room.facilitator.post(url("phase_move", issues_room.workshop), {"to": "roadmap", "confirmed": "on"})

    moved = poll(issues_room.participant, following).content.decode()
    stayed = poll(issues_room.other, looking_back).content.decode()

    assert f'data-follow-url="{url("phase_page", issues_room.workshop, "roadmap")}"' in moved
    assert "data-follow-url" not in stayed
    assert "Backcast roadmap" in stayed  # the banner says where the group is now


def test_the_projector_follows_to_its_own_address(issues_room):
    projector = issues_room.facilitator.get(url("projector", issues_room.workshop))
    issues_room.facilitator.post(url("phase_move", issues_room.workshop), {"to": "roadmap", "confirmed": "on"})
    moved = poll(issues_room.facilitator, poll_url_of(projector)).content.decode()
    assert f'data-follow-url="{url("projector", issues_room.workshop)}"' in moved


def test_locking_reaches_every_page_in_the_banner(issues_room):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    issues_room.facilitator.post(url("workshop_lock", issues_room.workshop), {"locked": "on"})
    response = poll(issues_room.participant, poll_url)
    assert 'data-locked="1"' in response.content.decode()
    assert ("phase-banner", "true") in oob_ids(response)


def test_the_timer_reaches_every_page_with_its_end_time(issues_room):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    issues_room.facilitator.post(url("workshop_timer", issues_room.workshop), {"action": "start", "minutes": 5})
    response = poll(issues_room.participant, poll_url).content.decode()
    issues_room.workshop.refresh_from_db()
    assert 'data-state="running"' in response
    assert f'data-ends="{int(issues_room.workshop.timer_ends_at.timestamp())}"' in response


def test_a_page_far_behind_is_told_to_reload(issues_room):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    Activity.objects.bulk_create(
        Activity(workshop=issues_room.workshop, verb="updated", subject_type="issue", subject_id=1)
        for _ in range(live.MAX_DELTA_ROWS + 1)
    )
    response = poll(issues_room.participant, poll_url)
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


@pytest.mark.parametrize("token", ["", "garbage", "eyJ3IjoxfQ:1abc:def"])
def test_a_page_without_a_valid_token_reloads_and_learns_nothing(issues_room, token):
    IssueFactory(workshop=issues_room.workshop, title="Secret")
    Activity.objects.create(workshop=issues_room.workshop, verb="created", subject_type="issue", subject_id=1)
    address = reverse("live_poll", args=[issues_room.workshop.pk]) + "?since=0&view=phase&phase=issues"
    response = poll(issues_room.anonymous, address, token=token)
    assert response.status_code == 403
    assert response["HX-Refresh"] == "true"
    assert b"Secret" not in response.content


def test_a_token_is_valid_for_its_own_workshop_only(issues_room):
    elsewhere = make_room(phase=Phase.ISSUES)
    IssueFactory(workshop=elsewhere.workshop, title="Their issue")
    Activity.objects.create(workshop=elsewhere.workshop, verb="created", subject_type="issue", subject_id=1)
    my_poll = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    foreign = my_poll.replace(f"/workshops/{issues_room.workshop.pk}/", f"/workshops/{elsewhere.workshop.pk}/")
    response = poll(issues_room.participant, foreign)
    assert response["HX-Refresh"] == "true"
    assert b"Their issue" not in response.content


def test_the_poll_answers_get_only(issues_room):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    assert issues_room.participant.post(poll_url, headers={TOKEN_HEADER: poll_url.token}).status_code == 405


def test_the_projector_delta_carries_no_controls(issues_room):
    projector = issues_room.facilitator.get(url("projector", issues_room.workshop))
    issues_room.participant.post(url("issue_add", issues_room.workshop), {"title": "Shown big"})
    response = poll(issues_room.facilitator, poll_url_of(projector))
    assert b"Shown big" in response.content
    assert b"<form" not in response.content


def test_a_theme_rename_updates_the_issues_in_it(issues_room):
    from visions.models import Theme

    theme = Theme.objects.create(workshop=issues_room.workshop, name="Care")
    inside = IssueFactory(workshop=issues_room.workshop, theme=theme)
    outside = IssueFactory(workshop=issues_room.workshop)
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    issues_room.facilitator.post(url("theme_rename", issues_room.workshop, theme.pk), {f"rename-{theme.pk}-name": "Care work"})
    swaps = oob_ids(poll(issues_room.participant, poll_url))
    assert (f"issue-{inside.pk}-body", "true") in swaps
    assert (f"issue-{outside.pk}-body", "true") not in swaps
    assert ("themes", "true") in swaps


# --- the parts, without requests ----------------------------------------------------------


def test_changes_collect_subjects_verbs_and_touched_items():
    rows = [
        (5, "created", "issue", 7, {}, "t5"),
        (6, "voted", "issue", 7, {"dots": [0, 1]}, "t6"),
        (7, "renamed", "theme", 3, {"touches": {"issue": [8, 9]}}, "t7"),
        (8, "updated", "workshop", None, {"phase": ["issues", "roadmap"]}, "t8"),
    ]
    changes = live.Changes.from_rows(rows)
    assert changes.last_id == 8
    assert changes.of(live.Subject.ISSUE, 7) == {ISSUE_ADDED, ISSUE_VOTED}
    assert changes.appeared("issue", 7)
    assert changes.all_ids("issue") == {7, 8, 9}
    assert changes.phase_moved


def test_a_restored_item_only_appears_anew_for_participants():
    changes = live.Changes.from_rows([(1, "restored", "issue", 4, {}, "t1")])
    participant = live.Viewer(workshop_id=1, participant_id=2, role="participant", is_facilitator=False)
    facilitator = live.Viewer(workshop_id=1, participant_id=None, role=None, is_facilitator=True)
    assert changes.appeared("issue", 4, participant)
    assert not changes.appeared("issue", 4, facilitator)


def test_the_timer_runs_pauses_resumes_and_resets(issues_room):
    workshop = issues_room.workshop
    start = timezone.now()
    live.start_timer(workshop, 300, now=start)
    assert live.timer_state(workshop, start + datetime.timedelta(seconds=60)).remaining == 240
    live.pause_timer(workshop, now=start + datetime.timedelta(seconds=100))
    paused = live.timer_state(workshop, start + datetime.timedelta(seconds=1000))
    assert (paused.state, paused.remaining) == ("paused", 200)
    live.start_timer(workshop, now=start + datetime.timedelta(seconds=2000))
    running = live.timer_state(workshop, start + datetime.timedelta(seconds=2050))
    assert (running.state, running.remaining) == ("running", 150)
    assert live.timer_state(workshop, start + datetime.timedelta(seconds=2210)).state == "over"
    # "Time is up" clears itself a minute after the end.
    assert live.timer_state(workshop, start + datetime.timedelta(seconds=2260)).state == "idle"
    live.reset_timer(workshop)
    assert live.timer_state(workshop).state == "idle"


def test_a_viewer_token_cannot_be_forged():
    mac = access.session_mac("the-session-key")
    viewer = live.Viewer(workshop_id=3, participant_id=4, role="participant", is_facilitator=False, session_mac=mac)
    token = viewer.token()
    assert live.viewer_from_token(token, 3, "the-session-key").participant_id == 4
    payload, rest = token.split(":", 1)
    facilitator = live.Viewer(workshop_id=3, participant_id=4, role="participant", is_facilitator=True, session_mac=mac)
    with pytest.raises(live.BadToken):
        live.viewer_from_token(f"{facilitator.token().split(':', 1)[0]}:{rest}", 3, "the-session-key")
    with pytest.raises(live.BadToken):
        live.viewer_from_token(token, 4, "the-session-key")
    with pytest.raises(live.BadToken):
        live.viewer_from_token(token, 3, "another-session-key")
    with pytest.raises(live.BadToken):  # a page rendered without a session is nobody's
        live.viewer_from_token(live.Viewer(workshop_id=3, participant_id=4, role="participant", is_facilitator=False).token(), 3, "")


def test_a_page_whose_access_check_is_older_than_a_workshop_day_reloads(issues_room, monkeypatch):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    IssueFactory(workshop=issues_room.workshop, title="news")
    now = access.time.time()
    monkeypatch.setattr(access.time, "time", lambda: now + access.TOKEN_MAX_AGE + 1)
    response = poll(issues_room.participant, poll_url)
    assert response.status_code == 403 and response["HX-Refresh"] == "true"


def test_deltas_carry_the_pages_access_check_time_on_without_renewing_it(issues_room):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    issues_room.participant.post(url("issue_add", issues_room.workshop), {"title": "news"})
    delta = poll(issues_room.participant, poll_url)

    def checked_at(address):
        session_key = issues_room.participant.session.session_key
        return live.viewer_from_token(address.token, issues_room.workshop.pk, session_key).checked_at

    assert checked_at(poll_url_of(delta)) == checked_at(poll_url)


def test_a_participant_removed_from_the_workshop_gets_no_more_news(issues_room):
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    issues_room.me.delete()
    IssueFactory(workshop=issues_room.workshop, title="Secret after removal")
    record(Viewer.of_participant(issues_room.them), ISSUE_ADDED, Issue.objects.get(title="Secret after removal"))
    response = poll(issues_room.participant, poll_url)
    assert response.status_code == 403 and response["HX-Refresh"] == "true"
    assert b"Secret after removal" not in response.content


def test_an_own_post_makes_the_page_poll_at_once(issues_room):
    issue = IssueFactory(workshop=issues_room.workshop)
    response = issues_room.participant.post(url("issue_vote", issues_room.workshop, issue.pk), {"dots": 1}, headers=HTMX)
    assert response["HX-Trigger"] == "live-refresh"
    assert IssueVote.objects.get().dots == 1


def test_a_change_is_rendered_once_and_shared_by_pages_of_the_same_kind(issues_room):
    live.DELTA_MEMO.clear()
    first_poll = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    second_poll = poll_url_of(page(issues_room.other, issues_room.workshop, Phase.ISSUES))
    issues_room.participant.post(url("issue_add", issues_room.workshop), {"title": "Shared once"})

    first = poll(issues_room.participant, first_poll)
    with CaptureQueriesContext(connection) as queries:
        second = poll(issues_room.other, second_poll)

    # The activity check, the session and the membership check; the rendering came from the memo.
    assert len(queries) == 3
    assert first.content.split(b'<div id="live-poll"')[0] == second.content.split(b'<div id="live-poll"')[0]
    assert poll_url_of(first).token != poll_url_of(second).token  # each page keeps its own viewer token
    assert b"csrfmiddlewaretoken" not in second.content  # nobody's token in shared HTML


def test_own_controls_are_shown_by_the_page_style_not_by_the_item(issues_room):
    IssueFactory(workshop=issues_room.workshop, author=issues_room.me, title="Mine")
    mine = page(issues_room.participant, issues_room.workshop, Phase.ISSUES).content.decode()
    theirs = page(issues_room.other, issues_room.workshop, Phase.ISSUES).content.decode()
    facilitator = page(issues_room.facilitator, issues_room.workshop, Phase.ISSUES).content.decode()
    assert f'[data-author="{issues_room.me.pk}"] .own-only {{ display: inline; }}' in mine
    assert f'[data-author="{issues_room.them.pk}"] .own-only' in theirs
    card = mine.split(f'data-author="{issues_room.me.pk}"', 1)[1].split("</article>", 1)[0]
    assert 'class="own-only contrib"' in card
    assert "own-only" not in facilitator.split("<main", 1)[1]  # facilitators may change everything


def test_a_budget_change_reaches_each_participant_with_their_own_dots(issues_room):
    live.DELTA_MEMO.clear()
    issue = IssueFactory(workshop=issues_room.workshop)
    IssueVote.objects.create(issue=issue, participant=issues_room.me, dots=2)
    my_poll = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    their_poll = poll_url_of(page(issues_room.other, issues_room.workshop, Phase.ISSUES))
    issues_room.facilitator.post(url("workshop_dot_budget", issues_room.workshop), {"dot_budget": 8})
    assert b'<strong data-testid="dots-left">6</strong> of 8' in poll(issues_room.participant, my_poll).content
    assert b'<strong data-testid="dots-left">8</strong> of 8' in poll(issues_room.other, their_poll).content


def test_a_participant_cannot_ask_for_the_consoles_delta(issues_room):
    issue = IssueFactory(workshop=issues_room.workshop, title="Hidden remark")
    my_poll = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    issues_room.facilitator.post(url("contribution_hide", issues_room.workshop, "issue", issue.pk), {"hidden": "on"})
    response = poll(issues_room.participant, my_poll.replace("view=phase", "view=console"))
    assert b"Hidden remark" not in response.content
    assert b'id="recent"' not in response.content


@pytest.mark.parametrize("since", [10**30, -(10**30), 2**63])
def test_a_poll_with_a_huge_since_answers_instead_of_failing(issues_room, since):
    # Finding 1: a number in the poll's address is bounded like every other.
    poll_url = poll_url_of(page(issues_room.participant, issues_room.workshop, Phase.ISSUES))
    huge = re.sub(r"since=-?\d+", f"since={since}", poll_url)
    assert huge != poll_url
    assert poll(issues_room.participant, huge, token=poll_url.token).status_code in (200, 204)
