"""The demo shows the roadmap check at work: a closed gap, a short one, a late effect, a shared and contested issue."""

import pytest
from django.urls import reverse

from visions.documents.csv_exports import actions_csv
from visions.documents.snapshot import load_snapshot
from visions.demo.loader import DEMO_PASSWORD, DEMO_USERNAME

from tests.demo.test_demo import load_demo


@pytest.mark.django_db
def test_the_demo_has_a_closed_a_short_and_a_late_gap_and_a_shared_and_a_contested_issue():
    workshop, _match = load_demo()
    snapshot = load_snapshot(workshop)
    by_indicator = {row.target.indicator: row for row in snapshot.adequacy}
    transit = by_indicator["自宅から500m以内に公共交通の乗降場所がある高齢者の割合"]
    care = by_indicator["高齢者1,000人あたりの介護職員数"]
    co2 = by_indicator["運輸部門のCO2排出量"]
    assert transit.closes and (transit.planned, transit.remaining) == (26, 0)
    assert not care.closes and care.planned == 6 and round(care.remaining, 6) == 2.6
    assert (co2.planned, co2.late, co2.remaining) == (50, 20, 56)
    agreement = snapshot.agreement
    assert any(issue.title.startswith("路線バス") for issue in agreement.shared)
    assert agreement.contested


@pytest.mark.django_db
def test_the_builder_shows_the_bars_and_the_gaps_phase_the_agreement_to_the_facilitator(client):
    workshop, _match = load_demo()
    client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    page = client.get(reverse("roadmap", args=[workshop.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="adequacy"' in page and 'id="decisions-due"' in page
    assert "still unplanned" in page or "未計画" in page
    gaps = client.get(reverse("phase_page", args=[workshop.pk, "issues"])).content.decode()
    assert 'id="agreement"' in gaps and 'id="adequacy"' in gaps
    csv_text = actions_csv(load_snapshot(workshop)).decode("utf-8-sig")
    header = csv_text.splitlines()[0]
    assert "最遅開始年" in header or "Latest start" in header
    assert "公共交通" in csv_text


@pytest.mark.django_db
def test_unclosed_targets_and_late_actions_are_findings_that_link_to_the_bars():
    from django.utils import translation

    from visions.documents.findings import coverage_findings

    workshop, _match = load_demo()
    with translation.override("en"):
        findings = [f for f in coverage_findings(load_snapshot(workshop)) if f.kind in ("late", "unclosed")]
    unclosed = [f for f in findings if f.kind == "unclosed"]
    assert any("70 % of the gap" in f.text and "2.6" in f.text for f in unclosed)  # care workers: 6 of 8.6
    assert all(f.link_key.startswith("adequacy-") for f in unclosed)
    assert [f.kind for f in findings].count("late") == 2
