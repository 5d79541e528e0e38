import csv
import io
import unicodedata
import urllib.parse

import pytest
from django.urls import reverse

from visions.documents import pdf
from visions.models import Action, ActionIssue, ActionOwner, IssueScore, IssueVote

from tests.conftest import join_as
from tests.pdf_jobs_support import download_pdf
from tests.factories import (
    IssueFactory,
    MilestoneFactory,
    ParticipantFactory,
    StakeholderFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

EXPORTS = ["workshop_export_pdf", "workshop_export_issues_csv", "workshop_export_actions_csv"]
CSV_EXPORTS = ["workshop_export_issues_csv", "workshop_export_actions_csv"]


def url(name, workshop):
    return reverse(name, args=[workshop.pk])


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def roadmap(workshop):
    """Two issues (one voted and scored) and one action that addresses the voted one."""
    workshop.language = "en"  # column headers in English; Japanese text in the cells
    workshop.save()
    voter, other = ParticipantFactory(workshop=workshop), ParticipantFactory(workshop=workshop)
    voted = IssueFactory(workshop=workshop, title="介護職員の離職率が高い", description="夜勤の負担")
    IssueFactory(workshop=workshop, title="=HYPERLINK(\"http://evil.example\")")
    IssueVote.objects.create(issue=voted, participant=voter, dots=3)
    IssueVote.objects.create(issue=voted, participant=other, dots=2)
    IssueScore.objects.create(issue=voted, participant=voter, impact=5, feasibility=2)
    IssueScore.objects.create(issue=voted, participant=other, impact=4, feasibility=3)
    owner = StakeholderFactory(workshop=workshop, name="みらい県庁", sector="government")
    milestone = MilestoneFactory(workshop=workshop, year=2035, title="介護ロボットが全施設に")
    first = Action.objects.create(workshop=workshop, title="推進協議会の設立", start_year=2026, end_year=2027)
    second = Action.objects.create(
        workshop=workshop,
        title="介護ロボットの共同購入",
        start_year=2027,
        end_year=2030,
        milestone=milestone,
        status="in_progress",
        progress=40,
    )
    ActionOwner.objects.create(action=second, stakeholder=owner)
    ActionIssue.objects.create(action=second, issue=voted)
    second.depends_on.add(first)
    return workshop


@pytest.mark.parametrize("name", CSV_EXPORTS)
def test_facilitator_downloads_csv_without_caching(facilitator_client, roadmap, name):
    response = facilitator_client.get(url(name, roadmap))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", CSV_EXPORTS)
def test_participant_downloads_csv(client, participant, roadmap, name):
    join_as(client, participant)

    assert client.get(url(name, roadmap)).status_code == 200


@pytest.mark.parametrize("name", EXPORTS)
def test_another_facilitator_gets_404(client, roadmap, name):
    client.force_login(UserFactory(username="stranger"))

    assert client.get(url(name, roadmap)).status_code == 404


@pytest.mark.parametrize("name", EXPORTS)
def test_participant_of_another_workshop_gets_404(client, roadmap, name):
    join_as(client, ParticipantFactory(workshop=WorkshopFactory()))

    assert client.get(url(name, roadmap)).status_code == 404


@pytest.mark.parametrize("name", EXPORTS)
def test_anonymous_gets_404(client, roadmap, name):
    assert client.get(url(name, roadmap)).status_code == 404


@pytest.mark.parametrize("name", EXPORTS)
def test_post_is_not_allowed(facilitator_client, roadmap, name):
    assert facilitator_client.post(url(name, roadmap)).status_code == 405


def test_issues_csv_has_votes_and_mean_scores_highest_voted_first(facilitator_client, roadmap):
    rows = read_csv(facilitator_client.get(url("workshop_export_issues_csv", roadmap)))

    header, first, second = rows[0], rows[1], rows[2]
    record = dict(zip(header, first))
    assert record["Issue"] == "介護職員の離職率が高い"
    assert record["Description"] == "夜勤の負担"
    assert record["Dots"] == "5"
    assert record["Voters"] == "2"
    assert record["Mean impact"] == "4.5"
    assert record["Mean feasibility"] == "2.5"
    assert record["Addressed by actions"] == "介護ロボットの共同購入"
    # Text a spreadsheet would run as a formula is kept as text.
    assert dict(zip(header, second))["Issue"] == "'=HYPERLINK(\"http://evil.example\")"


def test_actions_csv_has_owners_years_status_progress_milestone_issues_and_prerequisites(
    facilitator_client, roadmap
):
    rows = read_csv(facilitator_client.get(url("workshop_export_actions_csv", roadmap)))

    header = rows[0]
    records = [dict(zip(header, row)) for row in rows[1:]]
    assert [r["Action"] for r in records] == ["推進協議会の設立", "介護ロボットの共同購入"]
    robots = records[1]
    assert robots["Owners"] == "みらい県庁"
    assert robots["Owner sectors"] == "Government / public"
    assert (robots["Start year"], robots["End year"]) == ("2027", "2030")
    assert robots["Status"] == "In progress"
    assert robots["Progress (%)"] == "40"
    assert (robots["Milestone year"], robots["Milestone"]) == ("2035", "介護ロボットが全施設に")
    assert robots["Issues addressed"] == "介護職員の離職率が高い"
    assert robots["Prerequisites"] == "推進協議会の設立"
    assert robots["Findings"] == ""


def test_csv_headers_follow_the_workshops_language(facilitator_client, facilitator):
    english = WorkshopFactory(language="en", facilitators=[facilitator])

    rows = read_csv(facilitator_client.get(url("workshop_export_actions_csv", english)))

    assert rows == [rows[0]]  # a header and no actions
    assert rows[0][0] == "Action"


def test_facilitator_downloads_the_pdf(facilitator_client, roadmap):
    response = download_pdf(facilitator_client, url("workshop_export_pdf", roadmap))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


def test_participant_downloads_the_pdf(client, participant, roadmap):
    join_as(client, participant)

    response = download_pdf(client, url("workshop_export_pdf", roadmap))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_japanese_title_is_kept_in_the_file_name(facilitator_client, facilitator):
    workshop = WorkshopFactory(title="みらい県/2050", facilitators=[facilitator])

    response = facilitator_client.get(url("workshop_export_issues_csv", workshop))

    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" in disposition
    assert "%E3%81%BF" in disposition  # み
    assert "/" not in disposition.split("''", 1)[1].replace("%2F", "")


def test_too_large_workshop_gets_a_clear_page_not_a_pdf(facilitator_client, roadmap, monkeypatch):
    monkeypatch.setitem(pdf.PDF_LIMITS, "actions", (1, "actions"))

    response = download_pdf(facilitator_client, url("workshop_export_pdf", roadmap))

    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    assert "at most 1" in response.content.decode()
    assert url("workshop_export_actions_csv", roadmap) in response.content.decode()


def test_a_render_that_takes_too_long_gets_a_clear_page(facilitator_client, roadmap, settings):
    settings.PDF_RENDER_TIMEOUT_SECONDS = 0.001

    response = download_pdf(facilitator_client, url("workshop_export_pdf", roadmap))

    assert response.status_code == 503
    assert "took too long" in response.content.decode()


def test_contributions_a_facilitator_hid_stay_out_of_the_documents(facilitator_client, roadmap):
    from tests.documents.test_pdf import pdf_text

    hidden = IssueFactory(workshop=roadmap, title="Spam issue nobody should print", hidden=True)
    ActionIssue.objects.create(action=Action.objects.get(title="推進協議会の設立"), issue=hidden)

    issues = read_csv(facilitator_client.get(url("workshop_export_issues_csv", roadmap)))
    actions = read_csv(facilitator_client.get(url("workshop_export_actions_csv", roadmap)))
    document = pdf_text(download_pdf(facilitator_client, url("workshop_export_pdf", roadmap)).content)

    assert "介護職員の離職率が高い" in str(issues) and "介護職員の離職率が高い" in document
    for output in (str(issues), str(actions), document):
        assert "Spam issue" not in output


def test_a_bidi_override_in_the_title_does_not_disguise_the_download_name(facilitator_client, facilitator):
    # Finding 8: "Plan\u202efdp.exe" would read as "Planexe.pdf" in a download list.
    workshop = WorkshopFactory(title="Plan\u202efdp.exe\u200b\u2066x\u2069\x07", facilitators=[facilitator])

    for name in ("workshop_export_issues_csv", "workshop_export_actions_csv", "join_sheet"):
        disposition = facilitator_client.get(url(name, workshop))["Content-Disposition"]
        sent = urllib.parse.unquote(disposition.split("''", 1)[1]) if "''" in disposition else disposition
        assert not any(unicodedata.category(ch)[0] == "C" for ch in sent)
        assert "Planfdp.exex" in sent
    # The workshop file's name carries no title at all.
    disposition = facilitator_client.get(url("workshop_export_json", workshop))["Content-Disposition"]
    assert disposition == f'attachment; filename="workshop-{workshop.pk}.json"'


@pytest.mark.parametrize("formula", ["＝1+1", "＋1", "－1", "＠SUM(A1)", "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_full_width_formula_characters_are_neutralised_in_csv_cells(facilitator_client, workshop, formula):
    workshop.language = "en"
    workshop.save()
    IssueFactory(workshop=workshop, title=formula, description=formula)

    rows = read_csv(facilitator_client.get(url("workshop_export_issues_csv", workshop)))

    record = dict(zip(rows[0], rows[1]))
    assert record["Issue"] == "'" + formula and record["Description"] == "'" + formula
