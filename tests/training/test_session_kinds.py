"""Monthly training and quarterly drills (issue 13): sessions of other kinds than the quarterly
rotation take attendance directly; attending earns points once and counts toward the quarter's
training in assessments (rotation attended OR the office's minimum of other sessions)."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from assessments.services import _assessment_components
from config.exceptions import DomainError
from guards.models import DutyPolicy
from rewards.models import PointEntry
from tests import factories as f
from training.attendance import session_attendance_record
from training.models import SessionAttendance, TrainingSession
from training.services import roster_compile, training_session_save


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(f.local_dt(2026, 11, 20, 10, 0), tick=False)


def session(kind, day, **kw):
    return training_session_save(kind=kind, quarter="2026Q4", held_on=day, place="派出所会议室", subject_areas=["patrol"], capacity=50, **kw)


def test_a_monthly_training_and_a_drill_feed_points_once(officer, guard, other_guard):
    business = session(TrainingSession.Kind.BUSINESS, datetime.date(2026, 10, 15))
    drill = session(TrainingSession.Kind.DRILL, datetime.date(2026, 11, 10))
    session_attendance_record(session=business, attendance={guard.pk: True, other_guard.pk: False}, by=officer)
    session_attendance_record(session=drill, attendance={guard.pk: True}, by=officer)
    session_attendance_record(session=drill, attendance={guard.pk: True}, by=officer)  # again: no second credit
    entries = PointEntry.objects.filter(guard=guard, kind="training")
    assert entries.count() == 2 and {e.occurred_on for e in entries} == {datetime.date(2026, 10, 15), datetime.date(2026, 11, 10)}
    assert not PointEntry.objects.filter(guard=other_guard).exists()
    session_attendance_record(session=drill, attendance={guard.pk: False}, by=officer)  # corrected: points taken back
    assert PointEntry.objects.filter(guard=guard, kind="training").count() == 1


def test_attendance_refusals(officer, manager, guard):
    rotation = session(TrainingSession.Kind.ROTATION, datetime.date(2026, 11, 10))
    with pytest.raises(DomainError):
        session_attendance_record(session=rotation, attendance={guard.pk: True}, by=officer)
    future = session(TrainingSession.Kind.DRILL, datetime.date(2026, 12, 10))
    with pytest.raises(ValidationError):
        session_attendance_record(session=future, attendance={guard.pk: True}, by=officer)
    past = session(TrainingSession.Kind.DRILL, datetime.date(2026, 11, 1))
    with pytest.raises(ValidationError):
        session_attendance_record(session=past, attendance={999999: True}, by=officer)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        session_attendance_record(session=past, attendance={guard.pk: True}, by=manager)


def test_rosters_seat_guards_only_in_rotation_sessions(company, guard):
    session(TrainingSession.Kind.DRILL, datetime.date(2026, 12, 1))
    rotation = session(TrainingSession.Kind.ROTATION, datetime.date(2026, 12, 2))
    roster = roster_compile(company=company, quarter="2026Q4")
    assert {e.session_id for e in roster.entries.all()} == {rotation.pk}


def test_the_assessment_counts_the_office_minimum_of_monthly_sessions_as_trained(officer, guard, other_guard):
    DutyPolicy.objects.create(monthly_training_minimum=2)
    s1 = session(TrainingSession.Kind.BUSINESS, datetime.date(2026, 10, 15))
    s2 = session(TrainingSession.Kind.MENTORING, datetime.date(2026, 11, 5))
    session_attendance_record(session=s1, attendance={guard.pk: True, other_guard.pk: True}, by=officer)
    session_attendance_record(session=s2, attendance={guard.pk: True}, by=officer)
    inputs = _assessment_components([guard.pk, other_guard.pk], datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), "2026Q4")
    assert inputs[guard.pk]["trained"] and not inputs[other_guard.pk]["trained"]


def test_attendance_page_and_api(officer, manager, guard, company, client_for, api_for):
    drill = session(TrainingSession.Kind.DRILL, datetime.date(2026, 11, 10))
    client = client_for(officer)
    page = client.get(f"/guards/training/sessions/{drill.pk}/attendance/", {"company": company.pk})
    assert [r["guard"].pk for r in page.context["rows"]] == [guard.pk]
    client.post(f"/guards/training/sessions/{drill.pk}/attendance/", {"company": company.pk, "guard_ids": [guard.pk], "attended": [guard.pk]})
    assert SessionAttendance.objects.get(session=drill, guard=guard).attended
    assert client_for(manager).get(f"/guards/training/sessions/{drill.pk}/attendance/").status_code == 403
    api = api_for(officer)
    response = api.post("/api/v1/session-attendance/record/", {"session": drill.pk, "attendance": [{"guard": guard.pk, "attended": False}]}, format="json")
    assert response.status_code == 200 and response.json()[0]["attended"] is False
    assert api_for(manager).post("/api/v1/session-attendance/record/", {}, format="json").status_code == 403
    assert api_for(manager).get("/api/v1/session-attendance/").json()["count"] == 1  # their guard's row
    bad = api.post("/api/v1/session-attendance/record/", {"session": drill.pk, "attendance": []}, format="json")
    assert bad.status_code == 400


def test_attendance_api_query_count_is_flat(officer, company, api_for, django_assert_num_queries):
    drill = session(TrainingSession.Kind.DRILL, datetime.date(2026, 11, 10))
    api = api_for(officer)

    def grow(n):
        guards = f.GuardFactory.create_batch(n, company=company)
        session_attendance_record(session=drill, attendance={g.pk: True for g in guards}, by=officer)

    grow(2)
    with django_assert_num_queries(2):  # count, rows joined to session, guard and unit
        api.get("/api/v1/session-attendance/")
    grow(8)
    with django_assert_num_queries(2):
        assert api.get("/api/v1/session-attendance/").json()["count"] == 10
