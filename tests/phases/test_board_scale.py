"""Large workshops: a fixed number of queries at any size, and cards shared across viewers that never
show one person's controls or numbers to another (visions/phases/issue_cards.py)."""

import datetime
import gzip
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from visions.live.activity import DELTA_MEMO
from visions.models import (
    Action,
    ActionIssue,
    ActionOwner,
    Assessment,
    Issue,
    IssueScore,
    IssueVote,
    Milestone,
    Phase,
    Stakeholder,
    Theme,
)
from visions.phases.issues import SHOWN_FIRST
from tests.factories import TargetFactory, VisionFactory
from tests.live.test_live_support import make_room, poll, poll_url_of, url


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
    return issues


def fill_roadmap(room, count):
    issues = fill_issues(room, 20)
    owner = Stakeholder.objects.create(workshop=room.workshop, name="City hall", sector="government")
    milestone = Milestone.objects.create(workshop=room.workshop, year=2040, title="Half way")
    actions = Action.objects.bulk_create(
        Action(workshop=room.workshop, title=f"Action {n}", start_year=2027 + n % 5, end_year=2035 + n % 9,
               milestone=milestone, progress=n % 100)
        for n in range(count)
    )
    ActionOwner.objects.bulk_create(ActionOwner(action=action, stakeholder=owner) for action in actions)
    ActionIssue.objects.bulk_create(
        ActionIssue(action=action, issue=issues[n % len(issues)]) for n, action in enumerate(actions)
    )


def clear_shared():
    caches["fragments"].clear()
    DELTA_MEMO.clear()


def queries_of(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries), response


def page_costs(who, size, fill, page, phase=Phase.ISSUES, loads=2):
    """The queries of the first load and of a second one (shared rows and cards kept) of a page."""
    room = make_room(phase=phase)
    fill(room, size)
    clear_shared()
    client = getattr(room, who)
    address = page(room)
    return [queries_of(client, address)[0] for _ in range(loads)]


ISSUES = lambda room: url("phase_page", room.workshop, Phase.ISSUES)  # noqa: E731


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["participant", "facilitator", "observer"])
@pytest.mark.parametrize("show", ["", "?show=all"])
def test_the_issues_board_costs_the_same_queries_at_10_and_500_issues(who, show):
    def board(room):
        return ISSUES(room) + show

    assert page_costs(who, 10, fill_issues, board) == page_costs(who, 500, fill_issues, board)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, who, fill, small, large, phase",
    [
        ("roadmap", "facilitator", fill_roadmap, 10, 200, Phase.ROADMAP),
        ("roadmap", "participant", fill_roadmap, 10, 200, Phase.ROADMAP),
        ("workshop_detail", "facilitator", fill_issues, 10, 500, Phase.ISSUES),
        ("console", "facilitator", fill_issues, 10, 500, Phase.ISSUES),
        ("projector", "facilitator", fill_issues, 10, 500, Phase.ISSUES),
    ],
)
def test_the_other_heavy_pages_cost_the_same_queries_small_or_large(name, who, fill, small, large, phase):
    def page(room):
        return url(name, room.workshop)

    assert page_costs(who, small, fill, page, phase) == page_costs(who, large, fill, page, phase)


@pytest.mark.django_db
def test_a_long_board_shows_its_first_part_and_a_link_to_all_that_works_without_javascript():
    room = make_room(phase=Phase.ISSUES)
    issues = fill_issues(room, 150)
    content = room.participant.get(ISSUES(room)).content.decode()
    assert content.count('class="item issue') == SHOWN_FIRST + 3
    link = re.search(r'<a href="([^"]+)" data-testid="show-all">Show all 150 issues</a>', content)
    assert link and link.group(1) == f"?show=all#issue-{issues[SHOWN_FIRST].pk}"
    assert "(70 not shown)" in content
    everything = room.participant.get(ISSUES(room) + "?show=all").content.decode()
    assert everything.count('class="item issue') == 150 + 3
    assert 'data-testid="show-all"' not in everything
    # Every scored issue is on the matrix, shown as a card or not.
    assert content.count('<circle id="mx-') == 150


@pytest.mark.django_db
def test_the_board_at_500_issues_is_under_300_kb_for_every_role_and_gzipped_when_asked():
    room = make_room(phase=Phase.ISSUES)
    fill_issues(room, 500)
    for who in ("facilitator", "participant", "observer"):
        response = getattr(room, who).get(ISSUES(room))
        assert len(response.content) <= 300_000, who
        zipped = getattr(room, who).get(ISSUES(room), headers={"accept-encoding": "gzip"})
        assert zipped["Content-Encoding"] == "gzip"
        assert b"Issue 499" not in zipped.content and b"Issue 79" in gzip.decompress(zipped.content)


@pytest.mark.django_db
def test_one_form_carries_a_cards_dot_and_score_buttons_each_with_its_value_and_the_pages_token():
    room = make_room(phase=Phase.ISSUES)
    issue = fill_issues(room, 3)[0]
    content = room.participant.get(ISSUES(room)).content.decode()
    card = re.search(rf'<article id="issue-{issue.pk}".*?</article>', content, re.S).group(0)
    assert card.count("<form") == 1
    assert f'formaction="{url("issue_vote", room.workshop, issue.pk)}" name="dots" value="1"' in card
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1)
    assert "csrf-token-of-this-page" not in content
    # The form posts without JavaScript with the page's token (the client enforces CSRF checks).
    room.participant.handler.enforce_csrf_checks = True
    response = room.participant.post(
        url("issue_vote", room.workshop, issue.pk), {"csrfmiddlewaretoken": token, "dots": 1}
    )
    assert response.status_code == 302
    assert IssueVote.objects.get(issue=issue, participant=room.me).dots == 1


def card_of(content, issue):
    return re.search(rf'<article id="issue-{issue.pk}".*?</article>', content, re.S).group(0)


@pytest.mark.django_db
def test_a_shared_card_never_shows_one_persons_controls_or_numbers_to_another():
    room = make_room(phase=Phase.ISSUES)
    theirs = fill_issues(room, 5)[1]
    mine = Issue.objects.create(workshop=room.workshop, title="Night buses stop at six", author=room.me)
    # Aiko (room.participant) puts two dots on Ben's issue, scores it and owns an issue herself.
    for dots in (1, 2):
        room.participant.post(url("issue_vote", room.workshop, theirs.pk), {"dots": dots})
    room.participant.post(url("issue_score", room.workshop, theirs.pk), {"impact": 5, "feasibility": 4})
    clear_shared()
    hers = room.participant.get(ISSUES(room)).content.decode()  # she views first: her cards are kept
    assert '<span class="my-dots" data-testid="my-dots">2</span>' in card_of(hers, theirs)
    assert '<option value="5" selected>' in card_of(hers, theirs)
    assert url("issue_edit", room.workshop, mine.pk) in card_of(hers, mine)

    ben = room.other.get(ISSUES(room)).content.decode()
    observer = room.observer.get(ISSUES(room)).content.decode()
    # Ben wrote that issue, put one dot on it and scored it 2 / 4 (the filler): his own, not hers.
    assert '<span class="my-dots" data-testid="my-dots">1</span>' in card_of(ben, theirs)
    assert '<option value="2" selected>' in card_of(ben, theirs)
    assert url("issue_edit", room.workshop, mine.pk) not in card_of(ben, mine)
    assert url("issue_delete", room.workshop, mine.pk) not in card_of(ben, mine)
    assert '<option value="5" selected>' not in card_of(ben, theirs)
    assert 'data-testid="my-dots">2<' not in ben
    assert "<form" not in card_of(observer, theirs) and "my-dots" not in observer
    # Everyone sees the same shared numbers: her two dots count on every page.
    for page in (hers, ben, observer):
        assert "<strong>3</strong> dots" in card_of(page, theirs)  # Ben's own dot from the filler, and hers
    # And she, loading again after the others, still gets hers.
    again = room.participant.get(ISSUES(room)).content.decode()
    assert '<span class="my-dots" data-testid="my-dots">2</span>' in card_of(again, theirs)


@pytest.mark.django_db
def test_a_change_shows_on_the_next_load_though_cards_and_rows_are_kept():
    room = make_room(phase=Phase.ISSUES)
    issue = fill_issues(room, 5)[2]
    room.participant.post(url("issue_vote", room.workshop, issue.pk), {"dots": 1})
    first = room.other.get(ISSUES(room)).content.decode()
    assert "Buses at night" not in first
    room.facilitator.post(url("issue_edit", room.workshop, issue.pk),
                          {"title": "Buses at night", "description": "", "version": issue.version})
    assert "Buses at night" in card_of(room.other.get(ISSUES(room)).content.decode(), issue)


@pytest.mark.django_db
def test_a_partial_pages_delta_leaves_out_the_cards_it_does_not_show_and_redraws_its_link():
    room = make_room(phase=Phase.ISSUES)
    issues = fill_issues(room, SHOWN_FIRST + 5)
    page = room.other.get(ISSUES(room))
    poll_url = poll_url_of(page)
    room.participant.post(url("issue_vote", room.workshop, issues[-1].pk), {"dots": 1})  # not on the page
    room.participant.post(url("issue_add", room.workshop), {"title": "Empty shops", "description": ""})
    delta = poll(room.other, poll_url).content.decode()
    assert f'id="issue-{issues[-1].pk}-counts"' not in delta
    assert "beforeend:#issue-list" not in delta and "Empty shops" not in delta  # beyond the first part
    assert 'id="issues-more"' in delta and f"Show all {SHOWN_FIRST + 6} issues" in delta


@pytest.mark.django_db
def test_the_builders_shared_action_rows_carry_each_pages_own_token_and_only_its_controls():
    room = make_room(phase=Phase.ROADMAP)
    fill_roadmap(room, 5)
    room.facilitator.post(url("workshop_lock", room.workshop), {"locked": ""})  # a recorded change: rows are shared
    clear_shared()
    facilitator = room.facilitator.get(url("roadmap", room.workshop)).content.decode()
    participant = room.participant.get(url("roadmap", room.workshop)).content.decode()
    assert "csrf-token-of-this-page" not in facilitator + participant
    assert facilitator.count('class="progress-form"') == 5
    assert 'class="progress-form"' not in participant  # nobody's actions are hers
    token = re.search(r'class="progress-form">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
                      facilitator).group(1)
    room.facilitator.handler.enforce_csrf_checks = True
    action = Action.objects.filter(workshop=room.workshop).first()
    response = room.facilitator.post(url("roadmap_action_progress", room.workshop, action.pk),
                                     {"csrfmiddlewaretoken": token, "status": "in_progress", "progress": 40})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.progress == 40
