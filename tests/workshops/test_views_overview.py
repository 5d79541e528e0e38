import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from visions.models import ActionDependency, Endorsement, IssueScore, IssueVote, Phase, Theme, VisionGoal

from tests.conftest import join_as
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    IssueFactory,
    MilestoneFactory,
    ParticipantFactory,
    StakeholderFactory,
    TargetFactory,
    UserFactory,
    VisionFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def row_of(body, text):
    """The HTML table row that contains `text`."""
    start = body.index(text)
    return body[body.rindex("<tr", 0, start) : body.index("</tr>", start)]


def cells(row):
    """The text of each cell of an HTML table row, whitespace collapsed."""
    texts = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in texts]


def populate(workshop, size):
    """Every section of a workshop, `size` of each."""
    stakeholders = [StakeholderFactory(workshop=workshop, sector="industry") for _ in range(size)]
    people = [
        ParticipantFactory(workshop=workshop, stakeholder=stakeholders[i % size], sector="government")
        for i in range(size)
    ]
    theme = Theme.objects.create(workshop=workshop, name=f"Theme of {workshop.pk}")
    visions = [VisionFactory(workshop=workshop, author=people[i]) for i in range(size)]
    visions[0].adopt()
    for vision in visions:
        VisionGoal.objects.create(vision=vision, goal=3)
        for person in people:
            Endorsement.objects.create(vision=vision, participant=person)
    for i in range(size):
        target = TargetFactory(workshop=workshop, vision=visions[0])
        AssessmentFactory(target=target, value=40, as_of=datetime.date(2020, 1, 1), author=people[0])
        AssessmentFactory(target=target, value=50 + i, as_of=datetime.date(2025, 1, 1))
    issues = [IssueFactory(workshop=workshop, theme=theme, author=people[i]) for i in range(size)]
    for issue in issues:
        for person in people:
            IssueVote.objects.create(issue=issue, participant=person, dots=1)
            IssueScore.objects.create(issue=issue, participant=person, impact=4, feasibility=2)
    milestones = [MilestoneFactory(workshop=workshop, year=2030 + i) for i in range(size)]
    actions = []
    for i in range(size):
        action = ActionFactory(workshop=workshop, milestone=milestones[i])
        action.owners.add(stakeholders[i])
        action.addresses.add(issues[i])
        if actions:
            ActionDependency.objects.create(action=action, prerequisite=actions[-1])
        actions.append(action)


def test_overview_runs_the_same_queries_for_a_small_and_a_big_workshop(client, django_assert_num_queries):
    facilitator = UserFactory(username="counting")
    small = WorkshopFactory(facilitators=[facilitator])
    big = WorkshopFactory(facilitators=[facilitator])
    populate(small, 1)
    populate(big, 12)
    client.force_login(facilitator)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(reverse("workshop_detail", args=[small.pk])).status_code == 200
    with django_assert_num_queries(len(small_queries)):
        response = client.get(reverse("workshop_detail", args=[big.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("<article") == 12


def test_facilitator_sees_join_code_rotate_edit_and_download(facilitator_client, workshop):
    body = facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    assert workshop.display_join_code in body
    assert reverse("workshop_rotate_code", args=[workshop.pk]) in body
    assert reverse("workshop_edit", args=[workshop.pk]) in body
    assert reverse("workshop_export_json", args=[workshop.pk]) in body


def test_participant_sees_the_overview_without_the_facilitators_tools(client, participant, workshop):
    join_as(client, participant)
    response = client.get(reverse("workshop_detail", args=[workshop.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert workshop.title in body
    assert participant.display_name in body
    assert workshop.display_join_code not in body
    assert reverse("workshop_rotate_code", args=[workshop.pk]) not in body
    assert reverse("workshop_edit", args=[workshop.pk]) not in body
    assert reverse("console", args=[workshop.pk]) not in body


def test_everyone_in_the_workshop_finds_the_live_pages_and_the_downloads(client, participant, workshop):
    join_as(client, participant)
    body = client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    for name in (
        "live_workshop",
        "roadmap",
        "workshop_export_pdf",
        "workshop_export_issues_csv",
        "workshop_export_actions_csv",
    ):
        assert reverse(name, args=[workshop.pk]) in body, name


def test_facilitator_also_finds_the_console_the_projector_and_the_workshop_file(facilitator_client, workshop):
    body = facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    assert reverse("workshop_export_json", args=[workshop.pk]) in body
    assert reverse("console", args=[workshop.pk]) in body
    assert reverse("projector", args=[workshop.pk]) in body


def test_participant_of_another_workshop_gets_404(client, workshop):
    join_as(client, ParticipantFactory())
    response = client.get(reverse("workshop_detail", args=[workshop.pk]))
    assert response.status_code == 404
    assert workshop.title not in response.content.decode()


def test_another_facilitator_gets_404(client, workshop):
    client.force_login(UserFactory(username="stranger"))
    assert client.get(reverse("workshop_detail", args=[workshop.pk])).status_code == 404


def test_anonymous_visitor_gets_404(client, workshop):
    assert client.get(reverse("workshop_detail", args=[workshop.pk])).status_code == 404


def test_overview_is_get_only(facilitator_client, workshop):
    assert facilitator_client.post(reverse("workshop_detail", args=[workshop.pk])).status_code == 405


def test_room_mix_diversity_and_missing_sectors(facilitator_client, workshop):
    ParticipantFactory(workshop=workshop, sector="academia", discipline="gerontology")
    ParticipantFactory(workshop=workshop, sector="government", discipline="public policy")
    ParticipantFactory(workshop=workshop, sector="industry", role="observer")  # watchers are not counted
    body = facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    assert 'data-testid="blau">0.50<' in body
    missing = body[body.index('data-testid="missing-sectors"') :]
    missing = missing[: missing.index("</p>")]
    assert "Industry" in missing and "Citizens / civil society" in missing
    assert "Academia" not in missing
    assert "gerontology" in body


def test_visions_show_sdgs_endorsements_and_the_adopted_one(facilitator_client, workshop):
    people = [ParticipantFactory(workshop=workshop) for _ in range(2)]
    adopted = VisionFactory(workshop=workshop, statement="Everyone ages at home")
    adopted.set_sdgs([3, 11])
    adopted.adopt()
    for person in people:
        Endorsement.objects.create(vision=adopted, participant=person)
    VisionFactory(workshop=workshop, statement="A proposed one")
    body = facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    card = body[body.rindex("<article", 0, body.index("Everyone ages at home")) :]
    card = card[: card.index("</article>")]
    assert "Adopted" in card
    assert "SDG 3" in card and "SDG 11" in card
    assert "2 endorsements" in card
    other = body[body.rindex("<article", 0, body.index("A proposed one")) :]
    assert "Adopted" not in other[: other.index("</article>")]


def test_targets_show_the_derived_numbers_and_an_on_track_badge_in_words(facilitator_client, workshop):
    vision = VisionFactory(workshop=workshop)
    on_track = TargetFactory(
        workshop=workshop, vision=vision, indicator="Home care coverage", target_value=90
    )
    AssessmentFactory(target=on_track, value=40, as_of=datetime.date(2020, 4, 1))
    AssessmentFactory(target=on_track, value=50, as_of=datetime.date(2025, 4, 1))
    off_track = TargetFactory(workshop=workshop, vision=vision, indicator="Bus routes kept", target_value=90)
    AssessmentFactory(target=off_track, value=40, as_of=datetime.date(2020, 4, 1))
    AssessmentFactory(target=off_track, value=41, as_of=datetime.date(2025, 4, 1))
    TargetFactory(workshop=workshop, vision=vision, indicator="Unmeasured yet")
    body = facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()

    # baseline 40, current 50, gap 40, progress 20 %, pace 40 / 25 years, trend 2 a year, projected 100
    assert cells(row_of(body, "Home care coverage"))[1:] == [
        "90 by 2050", "40", "50 (2025)", "40", "20%", "1.6", "2", "100", "✓ On track"
    ]
    assert "Off track" in row_of(body, "Bus routes kept")
    assert "No assessment yet" in row_of(body, "Unmeasured yet")


def test_issues_show_theme_dots_and_mean_scores(facilitator_client, workshop):
    people = [ParticipantFactory(workshop=workshop) for _ in range(2)]
    theme = Theme.objects.create(workshop=workshop, name="Mobility")
    issue = IssueFactory(workshop=workshop, title="Rural buses are disappearing", theme=theme)
    IssueVote.objects.create(issue=issue, participant=people[0], dots=3)
    IssueVote.objects.create(issue=issue, participant=people[1], dots=2)
    IssueScore.objects.create(issue=issue, participant=people[0], impact=5, feasibility=2)
    IssueScore.objects.create(issue=issue, participant=people[1], impact=4, feasibility=3)
    body = facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    row = row_of(body, "Rural buses")
    assert cells(row)[1:] == ["Mobility", "5", "4.5", "2.5", "not yet"]


def test_actions_milestones_and_coverage_findings(facilitator_client, workshop):
    city = StakeholderFactory(workshop=workshop, name="City hall", sector="government")
    milestone = MilestoneFactory(workshop=workshop, year=2040, title="Every village has a care hub")
    issue = IssueFactory(workshop=workshop, title="No care staff")
    IssueFactory(workshop=workshop, title="Nobody addresses this")
    first = ActionFactory(workshop=workshop, title="Train carers", start_year=2027, end_year=2032)
    second = ActionFactory(
        workshop=workshop, title="Open hubs", start_year=2030, end_year=2040, milestone=milestone, progress=25
    )
    ActionFactory(workshop=workshop, title="Late plan", start_year=2049, end_year=2055)
    second.owners.add(city)
    second.addresses.add(issue)
    ActionDependency.objects.create(action=second, prerequisite=first)
    body = facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()

    row = row_of(body, "Open hubs")
    assert cells(row) == [
        "Open hubs",
        "City hall (Government / public)",
        "2030–2040",
        "2040: Every village has a care hub",
        "No care staff",
        "Train carers",
        "Planned",
        "25%",
    ]
    assert "Every village has a care hub" in body[body.index('id="milestones-heading"') :]
    findings = body[body.index('id="coverage-heading"') :]
    assert "Nobody addresses this" in findings
    assert "“Open hubs” starts in 2030, but “Train carers” ends in 2032." in re.sub(r"<[^>]+>", "", findings)
    assert "Late plan (2049–2055)" in findings


def test_an_empty_workshop_has_no_findings(facilitator_client, workshop):
    body = facilitator_client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    assert "No findings" in body


def test_hidden_contributions_are_shown_to_facilitators_only(
    client, facilitator_client, workshop, participant
):
    VisionFactory(workshop=workshop, statement="Rude statement", hidden=True)
    IssueFactory(workshop=workshop, title="Spam issue", hidden=True)
    url = reverse("workshop_detail", args=[workshop.pk])
    facilitator_page = facilitator_client.get(url).content.decode()
    assert "Rude statement" in facilitator_page and "Spam issue" in facilitator_page
    assert "hidden from participants" in facilitator_page
    client.logout()
    join_as(client, participant)
    participant_page = client.get(url).content.decode()
    assert "Rude statement" not in participant_page
    assert "Spam issue" not in participant_page


def test_an_issue_the_facilitator_hid_is_not_listed_under_the_actions_that_address_it(client, participant, workshop):
    from visions.models import ActionIssue

    from tests.factories import ActionFactory, IssueFactory

    action = ActionFactory(workshop=workshop, title="Night buses")
    ActionIssue.objects.create(action=action, issue=IssueFactory(workshop=workshop, title="Moderated away", hidden=True))
    join_as(client, participant)
    for page in ("workshop_detail", "roadmap"):
        body = client.get(reverse(page, args=[workshop.pk])).content.decode()
        assert "Night buses" in body
        assert "Moderated away" not in body, page


@pytest.mark.django_db
def test_the_overview_follows_the_workshop_live():
    from tests.live.test_live_support import make_room, oob_ids, poll, poll_url_of, set_phase, url

    room = make_room()
    set_phase(room.workshop, Phase.ISSUES)
    poll_url = poll_url_of(room.participant.get(url("workshop_detail", room.workshop)))
    assert poll(room.participant, poll_url).status_code == 204
    room.other.post(url("issue_add", room.workshop), {"title": "Buses stop at six", "description": ""})
    response = poll(room.participant, poll_url)
    assert ("overview-summary", "true") in oob_ids(response)
    assert "Buses stop at six" in response.content.decode()


@pytest.mark.django_db
def test_the_overviews_drift_follows_the_roadmap_live():
    from visions.documents.commitments import record_commitment
    from tests.live.test_live_support import make_room, oob_ids, poll, poll_url_of, set_phase, url

    room = make_room()
    set_phase(room.workshop, Phase.EXPORT)
    record_commitment(room.workshop, "Council 2027")
    poll_url = poll_url_of(room.participant.get(url("workshop_detail", room.workshop)))
    assert poll(room.participant, poll_url).status_code == 204
    data = {"title": "Night buses", "description": "", "start_year": 2027, "end_year": 2030}
    data.update(status="planned", progress=0)
    assert room.facilitator.post(url("roadmap_action_create", room.workshop), data).status_code == 302
    response = poll(room.participant, poll_url)
    assert ("overview-summary", "true") in oob_ids(response)
    body = response.content.decode()
    assert 'data-testid="drift"' in body and "Night buses" in body
