"""Joint assessment (issue 13): a unit's quarterly score from its guards' results and its own record,
with its responsible leader; a warning opens an interview that is recorded and followed up once."""
import datetime
from decimal import Decimal

import pytest

from assessments.joint import (
    interview_follow_up,
    interview_record,
    unit_assessments_run,
)
from assessments.models import Assessment, Interview, UnitAssessment
from config.exceptions import DomainError
from guards.services import guard_remove
from tests import factories as f
from training.models import TrainingRoster


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(f.local_dt(2026, 10, 20, 10, 0), tick=False)


@pytest.fixture
def quarter_data(company, other_company, guard, other_guard):
    company.responsible_leader = "王经理"
    company.save()
    Assessment.objects.create(guard=guard, quarter="2026Q3", score=Decimal("50"), outcome="warning")
    Assessment.objects.create(guard=other_guard, quarter="2026Q3", score=Decimal("90"), outcome="pass")
    TrainingRoster.objects.create(company=other_company, quarter="2026Q3", status="submitted",
                                  submitted_at=f.local_dt(2026, 7, 5, 9, 0))
    return company, other_company


def test_a_joint_assessment_with_an_interview_record(officer, quarter_data, guard):
    company, other = quarter_data
    counts = unit_assessments_run(quarter="2026Q3", by=officer)
    weak = UnitAssessment.objects.get(company=company)
    # guard average 50, roster not submitted: 50 - 10 = 40 → warning, with the leader named
    assert (weak.score, weak.outcome, weak.responsible_leader) == (Decimal("40.0"), "warning", "王经理")
    assert UnitAssessment.objects.get(company=other).outcome == "pass"  # 90, roster on time
    assert counts == {"pass": 1, "warning": 1, "interviews": 2}  # the unit and its warned guard
    unit_assessments_run(quarter="2026Q3", by=officer)
    assert Interview.objects.count() == 2  # not opened twice
    interview = Interview.objects.get(unit_assessment=weak)
    with pytest.raises(DomainError):
        interview_follow_up(interview=interview, note="done", by=officer)  # record it first
    interview_record(interview=interview, held_on=datetime.date(2026, 10, 15), attendees="王经理、李警官",
                     agreed="十月底前补交培训名单", follow_up_due=datetime.date(2026, 10, 31), by=officer)
    done = interview_follow_up(interview=interview, note="已补交并通过审核", by=officer)
    assert done.followed_up_on == datetime.date(2026, 10, 20) and done.followed_up_by == officer
    with pytest.raises(DomainError) as exc:
        interview_follow_up(interview=interview, note="again", by=officer)
    assert exc.value.conflict


def test_removals_in_the_quarter_lower_the_unit_score(officer, company, guard, time_machine):
    time_machine.move_to(f.local_dt(2026, 8, 1, 10, 0), tick=False)
    guard_remove(guard=guard, reason="left", by=officer)
    time_machine.move_to(f.local_dt(2026, 10, 20, 10, 0), tick=False)
    unit_assessments_run(quarter="2026Q3", by=officer)
    row = UnitAssessment.objects.get(company=company)
    assert row.components["facts"]["guards_removed"] == 1 and row.score == Decimal("85.0")  # 100 - 5 - 10


def test_scoping_per_role_pages_and_api(officer, manager, other_manager, guard, quarter_data, client_for, api_for):
    company, other = quarter_data
    unit_assessments_run(quarter="2026Q3", by=officer)
    mine = api_for(manager).get("/api/v1/unit-assessments/").json()["results"]
    assert [r["company"] for r in mine] == [company.pk]
    assert {r["company"] for r in api_for(manager).get("/api/v1/interviews/").json()["results"]} == {company.pk}
    assert api_for(other_manager).get("/api/v1/interviews/").json()["count"] == 0
    interview = Interview.objects.filter(company=company).first()
    assert client_for(other_manager).get(f"/guards/interviews/{interview.pk}/").status_code == 404
    assert client_for(manager).get(f"/guards/interviews/{interview.pk}/").status_code == 200
    assert api_for(guard.user).get("/api/v1/interviews/").status_code == 403
    assert api_for(manager).post(f"/api/v1/interviews/{interview.pk}/record/", {}, format="json").status_code == 403
    page = client_for(officer).get("/guards/unit-assessments/", {"quarter": "2026Q3"})
    assert len(page.context["rows"]) == 2 and "王经理" in page.content.decode()


def test_interview_through_the_api_and_the_page(officer, quarter_data, api_for, client_for):
    unit_assessments_run(quarter="2026Q3", by=officer)
    interview = Interview.objects.filter(guard__isnull=False).get()
    api = api_for(officer)
    bad = api.post(f"/api/v1/interviews/{interview.pk}/record/", {"held_on": "2026-10-15", "attendees": " ", "agreed": "x"}, format="json")
    assert bad.status_code == 400
    ok = api.post(f"/api/v1/interviews/{interview.pk}/record/",
                  {"held_on": "2026-10-15", "attendees": "本人、公司经理", "agreed": "按时参加巡逻"}, format="json")
    assert ok.status_code == 200 and ok.json()["is_open"]
    client_for(officer).post(f"/guards/interviews/{interview.pk}/", {"note": "十月巡逻全勤"})
    assert api.get("/api/v1/interviews/", {"open": "true"}).json()["count"] == 1  # the unit's remains open
    assert api.post(f"/api/v1/interviews/{interview.pk}/follow-up/", {"note": "again"}, format="json").status_code == 409


def test_interview_list_query_count_is_flat(officer, company, client_for, api_for, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            g = f.GuardFactory(company=company)
            Interview.objects.create(company=company, guard=g, quarter="2026Q3", reason="warning")

    grow(2)
    client, api = client_for(officer), api_for(officer)
    with django_assert_num_queries(4):  # session, user, count, interviews with unit, guard, officer
        client.get("/guards/interviews/")
    with django_assert_num_queries(2):  # count, interviews
        api.get("/api/v1/interviews/")
    grow(8)
    with django_assert_num_queries(4):
        client.get("/guards/interviews/")
    with django_assert_num_queries(2):
        api.get("/api/v1/interviews/")
