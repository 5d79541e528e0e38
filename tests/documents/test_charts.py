import datetime
import xml.etree.ElementTree as ET

import pytest

from visions.documents.charts import format_value, nice_ticks, target_chart_description, target_chart_svg
from visions.documents.snapshot import load_snapshot

from tests.factories import AssessmentFactory, TargetFactory

SVG = "{http://www.w3.org/2000/svg}"


def chart_for(target, **kwargs):
    row = next(r for r in load_snapshot(target.workshop).targets if r.target.pk == target.pk)
    return ET.fromstring(str(target_chart_svg(row, **kwargs))), row


def assess(target, *pairs):
    for year, value in pairs:
        AssessmentFactory(target=target, value=value, as_of=datetime.date(year, 4, 1))


@pytest.mark.django_db
def test_chart_shows_each_assessment_the_target_and_the_trend():
    target = TargetFactory(indicator="健康寿命", unit="年", target_value=76, direction="increase")
    assess(target, (2019, 72.4), (2022, 72.9), (2025, 73.4))

    svg, row = chart_for(target, width=400, height=200)

    assert svg.get("width") == "400" and svg.get("height") == "200"
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "健康寿命"
    assert "76 年" in svg.find(f"{SVG}desc").text
    assert len(svg.findall(f".//{SVG}circle[@class='assessment']")) == 3
    assert svg.find(f".//{SVG}line[@class='target-line']") is not None
    trend = svg.find(f".//{SVG}line[@class='trend-line']")
    assert trend is not None
    # The trend ends at the target year, where the projected value is drawn.
    projected = svg.find(f".//{SVG}circle[@class='projected']")
    assert trend.get("x2") == projected.get("cx")


@pytest.mark.django_db
def test_trend_rises_when_assessments_rise():
    target = TargetFactory(target_value=90)
    assess(target, (2019, 50), (2025, 70))

    svg, _row = chart_for(target)
    trend = svg.find(f".//{SVG}line[@class='trend-line']")

    # SVG y grows downwards: a rising value ends higher up.
    assert float(trend.get("y2")) < float(trend.get("y1"))


@pytest.mark.django_db
def test_one_assessment_draws_no_trend_and_says_so():
    target = TargetFactory(target_value=90)
    assess(target, (2025, 70))

    svg, row = chart_for(target)

    assert svg.find(f".//{SVG}line[@class='trend-line']") is None
    assert len(svg.findall(f".//{SVG}circle[@class='assessment']")) == 1
    assert "Too few assessments" in target_chart_description(row)


@pytest.mark.django_db
def test_no_assessment_still_draws_the_target():
    target = TargetFactory(target_value=90)

    svg, row = chart_for(target)

    assert svg.find(f".//{SVG}path[@class='target-point']") is not None
    assert svg.findall(f".//{SVG}circle") == []
    assert "No assessment yet" in target_chart_description(row)


@pytest.mark.django_db
def test_user_text_is_escaped_and_nothing_external_is_referenced():
    target = TargetFactory(indicator='<script>alert(1)</script><image href="http://evil.example/x.png"/>', unit="&<")
    assess(target, (2020, 1), (2024, 2))

    _svg, row = chart_for(target)
    markup = str(target_chart_svg(row))

    svg = ET.fromstring(markup)  # still well-formed XML
    assert svg.find(f".//{SVG}script") is None
    assert svg.find(f".//{SVG}image") is None
    assert "<script>" not in markup
    # The markup is there as text for the reader, not as elements.
    assert svg.find(f"{SVG}title").text.startswith("<script>")
    assert "&<" in svg.find(f"{SVG}desc").text


@pytest.mark.django_db
def test_two_charts_of_one_target_have_distinct_ids():
    target = TargetFactory()
    first, row = chart_for(target)
    second = ET.fromstring(str(target_chart_svg(row)))

    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")


def test_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(0.3, 9.6) == [0, 2.5, 5, 7.5, 10]
    assert nice_ticks(1930, 2400)[0] <= 1930 and nice_ticks(1930, 2400)[-1] >= 2400


def test_numbers_are_grouped_and_trimmed():
    assert format_value(2400.0) == "2,400"
    assert format_value(72.40) == "72.4"
    assert format_value(-0.001) == "0"
    assert format_value(None) == "–"


def test_values_near_the_float_limit_give_a_chart_that_says_so_instead_of_failing(db):
    import datetime

    from visions.documents.snapshot import TargetRow
    from visions.documents.derived import target_gap
    from visions.documents.charts import target_chart_svg
    from visions.models import Assessment

    from tests.factories import TargetFactory

    # Beyond what the database now holds (±10^15), as rows written before that bound were.
    target = TargetFactory.build(target_value=1.7e308, target_year=2050)
    rows = [
        Assessment(target=target, value=-1.7e308, as_of=datetime.date(2020, 1, 1)),
        Assessment(target=target, value=1.0e308, as_of=datetime.date(2024, 1, 1)),
    ]
    svg = str(target_chart_svg(TargetRow(target, rows, target_gap(target, rows))))
    assert "too large to draw" in svg
    assert target.indicator in svg


@pytest.mark.django_db
def test_the_chart_draws_the_planned_path_of_the_roadmaps_effects_towards_the_target():
    from visions.models import Effect

    from tests.factories import ActionFactory

    target = TargetFactory(indicator="CO2", unit="t", target_value=0, direction="decrease", target_year=2050)
    assess(target, (2020, 1000), (2025, 900))
    workshop = target.workshop
    early = ActionFactory(workshop=workshop, start_year=2026, end_year=2030)
    later = ActionFactory(workshop=workshop, start_year=2030, end_year=2040)
    dropped = ActionFactory(workshop=workshop, start_year=2026, end_year=2030, status="dropped")
    too_late = ActionFactory(workshop=workshop, start_year=2045, end_year=2055)
    Effect.objects.create(action=early, target=target, amount=300, confidence="high")  # in place 2030
    Effect.objects.create(action=later, target=target, amount=200, year=2035, confidence="low")
    Effect.objects.create(action=dropped, target=target, amount=400, confidence="low")
    Effect.objects.create(action=too_late, target=target, amount=100, confidence="low")  # 2055: late

    svg, row = chart_for(target, width=400, height=200)

    path = svg.find(f".//{SVG}polyline[@class='planned-path']")
    assert path is not None
    # From today's 900 down by 300 in 2030 and 200 in 2035, flat to 2050; dropped and late effects left off.
    assert row.effects and len(path.get("points").split()) == 4
    assert "planned effects reach 400 t by 2050" in svg.find(f"{SVG}desc").text


@pytest.mark.django_db
def test_a_target_without_effects_has_no_planned_path():
    target = TargetFactory(target_value=76, direction="increase")
    assess(target, (2019, 72.4), (2025, 73.4))
    svg, _row = chart_for(target)
    assert svg.find(f".//{SVG}polyline[@class='planned-path']") is None
