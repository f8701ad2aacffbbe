"""Issue 13: a unit's joint assessment counts the venue inspections it failed in the quarter (a
violation found at a venue the unit answers for), ASSESSMENT_FAILED_INSPECTION_POINTS each, at most
ASSESSMENT_FAILED_INSPECTION_MAX. Patrol owns the inspections and registers their count with
assessments (imports run one way)."""
import datetime
from decimal import Decimal

import pytest

from assessments import joint
from assessments.joint import FAILED_INSPECTIONS, unit_assessments_run, unit_score
from assessments.models import Assessment, UnitAssessment
from tests import factories as f
from training.models import TrainingRoster

Q3_FIRST, Q3_LAST = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(f.local_dt(2026, 10, 20, 10, 0), tick=False)


@pytest.fixture
def on_time(company, other_company):
    """Both units submitted their Q3 roster on time and have one guard assessed at 90."""
    for unit in (company, other_company):
        TrainingRoster.objects.create(company=unit, quarter="2026Q3", status="submitted", submitted_at=f.local_dt(2026, 7, 3, 9, 0))
        Assessment.objects.create(guard=f.GuardFactory(company=unit), quarter="2026Q3", score=Decimal("90"), outcome="pass")
    return company, other_company


def failed(unit, on, **extra):
    return f.VenueInspectionFactory(unit=unit, inspected_on=on, violation_found=True, violation_kind="fire_safety", **extra)


def assessed(unit) -> UnitAssessment:
    return UnitAssessment.objects.get(company=unit, quarter="2026Q3")


def test_each_failed_inspection_takes_five_points(officer, on_time):
    # given two failed inspections of the unit in the quarter, one of them rectified since
    company, _other = on_time
    failed(company, datetime.date(2026, 8, 3))
    failed(company, datetime.date(2026, 8, 20), rectified_on=datetime.date(2026, 8, 25))
    # when
    unit_assessments_run(quarter="2026Q3", by=officer)
    # then 90 - 2 × 5 = 80, and the count is on the record beside removals and the roster
    row = assessed(company)
    assert row.score == Decimal("80.0") and row.outcome == "pass"
    assert row.components["parts"]["inspections"] == -10
    assert row.components["facts"]["inspections_failed"] == 2


def test_failed_inspections_are_capped_and_can_make_the_warning(officer, on_time):
    company, _other = on_time
    for day in range(1, 8):  # seven failed: 35 points, capped at 20
        failed(company, datetime.date(2026, 9, day))
    unit_assessments_run(quarter="2026Q3", by=officer)
    row = assessed(company)
    assert row.score == Decimal("70.0") and row.components["parts"]["inspections"] == -20
    # with a late roster too (-10) the unit falls below the pass score of 60 and is interviewed
    TrainingRoster.objects.filter(company=company).update(submitted_at=f.local_dt(2026, 7, 20, 9, 0))
    unit_assessments_run(quarter="2026Q3", by=officer)
    row = assessed(company)
    assert (row.score, row.outcome) == (Decimal("60.0"), "pass")  # exactly the pass score still passes
    failed(company, datetime.date(2026, 9, 9))  # the cap holds: one more changes nothing
    Assessment.objects.filter(guard__company=company).update(score=Decimal("89"))
    unit_assessments_run(quarter="2026Q3", by=officer)
    row = assessed(company)
    assert (row.score, row.outcome) == (Decimal("59.0"), "warning") and hasattr(row, "interview")


def test_only_the_quarter_counts_first_and_last_day_included(officer, on_time):
    company, _other = on_time
    failed(company, Q3_FIRST)
    failed(company, Q3_LAST)
    failed(company, Q3_FIRST - datetime.timedelta(days=1))  # 2026Q2
    failed(company, Q3_LAST + datetime.timedelta(days=1))  # 2026Q4
    unit_assessments_run(quarter="2026Q3", by=officer)
    assert assessed(company).components["facts"]["inspections_failed"] == 2
    unit_assessments_run(quarter="2026Q4", by=officer)
    assert UnitAssessment.objects.get(company=company, quarter="2026Q4").components["facts"]["inspections_failed"] == 1


def test_other_units_passed_and_unit_less_inspections_do_not_count(officer, on_time):
    company, other = on_time
    failed(other, datetime.date(2026, 8, 3))
    failed(None, datetime.date(2026, 8, 3))  # a venue without a security unit
    f.VenueInspectionFactory(unit=company, inspected_on=datetime.date(2026, 8, 3))  # passed
    unit_assessments_run(quarter="2026Q3", by=officer)
    assert assessed(company).components["facts"]["inspections_failed"] == 0 and assessed(company).score == Decimal("90.0")
    assert assessed(other).components["facts"]["inspections_failed"] == 1 and assessed(other).score == Decimal("85.0")


def test_the_points_and_cap_come_from_settings(officer, on_time, settings):
    settings.ASSESSMENT_FAILED_INSPECTION_POINTS, settings.ASSESSMENT_FAILED_INSPECTION_MAX = 3, 7
    company, _other = on_time
    for day in (1, 2, 3):
        failed(company, datetime.date(2026, 8, day))
    unit_assessments_run(quarter="2026Q3", by=officer)
    assert assessed(company).score == Decimal("83.0")  # 3 × 3 = 9, capped at 7


def test_unit_score_arithmetic():
    score, parts = unit_score(guard_average=75.5, guards_assessed=3, removed=1, roster_on_time=False, inspections_failed=3)
    assert score == Decimal("45.5")  # 75.5 - 5 - 10 - 15
    assert parts == {"guard_average": 75.5, "removals": -5, "roster": -10, "inspections": -15}
    assert unit_score(guard_average=0, guards_assessed=0, removed=0, roster_on_time=True, inspections_failed=0)[0] == Decimal("100.0")


def test_patrol_registers_the_count_and_without_it_none_count(officer, on_time, monkeypatch):
    # patrol registers its counter from PatrolConfig.ready(); assessments never imports patrol
    assert FAILED_INSPECTIONS in joint._unit_record_counters
    company, _other = on_time
    failed(company, datetime.date(2026, 8, 3))
    monkeypatch.setattr(joint, "_unit_record_counters", {})
    unit_assessments_run(quarter="2026Q3", by=officer)
    assert assessed(company).components["facts"]["inspections_failed"] == 0


def test_page_and_api_show_the_failed_inspections(officer, manager, on_time, client_for, api_for):
    company, other = on_time
    failed(company, datetime.date(2026, 8, 3))
    failed(company, datetime.date(2026, 8, 4))
    unit_assessments_run(quarter="2026Q3", by=officer)
    page = client_for(officer).get("/guards/unit-assessments/", {"quarter": "2026Q3"})
    html = page.content.decode()
    assert page.status_code == 200 and "Failed inspections" in html and "minus 5 per venue inspection" in html
    assert [r.components["facts"]["inspections_failed"] for r in page.context["rows"]] == [2, 0]  # lowest score first
    # a manager sees their own unit's count, not the other's
    mine = api_for(manager).get("/api/v1/unit-assessments/", {"quarter": "2026Q3"}).json()["results"]
    assert [(r["company"], r["components"]["facts"]["inspections_failed"], r["components"]["parts"]["inspections"]) for r in mine] == [(company.pk, 2, -10)]
    assert "Failed inspections" in client_for(manager).get("/guards/unit-assessments/", {"quarter": "2026Q3"}).content.decode()


def test_unit_assessment_list_query_count_is_flat(officer, client_for, api_for, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            unit = f.SecurityCompanyFactory()
            failed(unit, datetime.date(2026, 8, 3))
        unit_assessments_run(quarter="2026Q3", by=officer)

    grow(2)
    client, api = client_for(officer), api_for(officer)
    with django_assert_num_queries(3):  # session, user, assessments joined to unit and interview
        client.get("/guards/unit-assessments/", {"quarter": "2026Q3"})
    with django_assert_num_queries(2):  # count, assessments
        api.get("/api/v1/unit-assessments/", {"quarter": "2026Q3"})
    grow(8)
    with django_assert_num_queries(3):
        client.get("/guards/unit-assessments/", {"quarter": "2026Q3"})
    with django_assert_num_queries(2):
        api.get("/api/v1/unit-assessments/", {"quarter": "2026Q3"})
