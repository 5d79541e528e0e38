"""Similar issues as hints while typing one: in Japanese and English alike, never for unrelated
texts, only from the person's own workshop and never hidden ones."""

import pytest

from visions.models import Phase
from visions.phases.similar import similar_groups, similar_titles

from tests.factories import IssueFactory
from tests.live.test_live_support import make_room, url

EXISTING = [
    (1, "No night buses after 9 pm"),
    (2, "Empty shops on the high street"),
    (3, "夜9時以降のバスがない"),
    (4, "商店街の空き店舗が多い"),
    (5, "Too few doctors in the valley"),
]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("no night bus after 9pm", 1),  # spacing, case and a missing letter
        ("Empty shops, high street", 2),
        ("夜９時以降のバスが無い", 3),  # full-width digit, kanji for ない
        ("商店街に空き店舗が多い", 4),
    ],
)
def test_a_near_duplicate_is_hinted_first(typed, expected):
    assert similar_titles(typed, EXISTING)[0][0] == expected


@pytest.mark.parametrize("typed", ["Flooding of the river road", "高齢者の見守り", "Broadband in the hills", "No"])
def test_unrelated_or_too_short_texts_get_no_hint(typed):
    assert similar_titles(typed, EXISTING) == []


def test_at_most_three_hints():
    many = [(n, f"No night buses {n}") for n in range(10)]
    assert len(similar_titles("No night buses", many)) == 3


@pytest.fixture
def room(db):
    return make_room(phase=Phase.ISSUES)


def hints(client, workshop, title):
    return client.get(url("issue_similar", workshop), {"title": title})


def test_a_participant_sees_alike_issues_of_the_workshop_but_not_hidden_ones(room):
    IssueFactory(workshop=room.workshop, title="No night buses after 9 pm")
    IssueFactory(workshop=room.workshop, title="No night buses at weekends", hidden=True)
    IssueFactory(title="No night buses after 10 pm")  # another workshop's
    response = hints(room.participant, room.workshop, "night buses after 9")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No night buses after 9 pm" in page and "weekends" not in page and "10 pm" not in page
    assert "you can still add yours" in page


def test_the_form_asks_for_hints_as_the_title_is_typed(room):
    page = room.participant.get(url("phase_page", room.workshop, Phase.ISSUES)).content.decode()
    assert url("issue_similar", room.workshop) in page and 'data-testid="similar-hints"' in page


def test_a_stranger_gets_404_and_other_methods_405(room, client):
    assert hints(room.anonymous, room.workshop, "night buses").status_code == 404
    assert room.participant.post(url("issue_similar", room.workshop), {"title": "x"}).status_code == 405


def test_alike_issues_are_grouped_and_unrelated_ones_left_alone():
    groups = similar_groups(EXISTING + [(6, "No night buses after 10 pm"), (7, "商店街の空き店舗")])
    assert [sorted(pk for pk, _title in group) for group in groups] == [[1, 6], [4, 7]]


def test_the_themes_page_suggests_alike_issues_to_the_facilitator(room):
    IssueFactory(workshop=room.workshop, title="No night buses after 9 pm")
    IssueFactory(workshop=room.workshop, title="No night buses after 10 pm")
    IssueFactory(workshop=room.workshop, title="Too few doctors in the valley")
    page = room.facilitator.get(url("themes", room.workshop)).content.decode()
    suggestion = page.split('data-testid="similar-groups"', 1)[1].split("</section>", 1)[0]
    assert "after 9 pm" in suggestion and "after 10 pm" in suggestion and "doctors" not in suggestion
