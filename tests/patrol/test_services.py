import datetime

import pytest
from django.core.exceptions import ValidationError

from config.exceptions import DomainError
from guards.models import Guard
from rewards.models import PointEntry
from patrol.models import CheckIn, Patrol, PatrolCheckpoint
from patrol.services import (
    checkin_mark,
    checkin_record,
    checkpoint_explain_miss,
    checkpoint_signed_code,
    checkpoint_visit,
    patrol_cancel,
    patrol_finish,
    patrol_plan,
    patrol_set_team,
    patrol_start,
)
from tests import factories as f
from tests.factories import local_dt

START = local_dt(2026, 11, 17, 19, 0)
END = local_dt(2026, 11, 17, 22, 0)


@pytest.fixture
def leader(db):
    return f.OfficerFactory()


@pytest.fixture
def team(company, point):
    return f.GuardFactory.create_batch(3, company=company, liaison_point=point)


@pytest.fixture
def patrol(point, leader, team):
    return patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, guard_ids=[g.pk for g in team])


# planning ----------------------------------------------------------------------------------

def test_plan_creates_patrol_with_team(patrol, team):
    assert patrol.status == Patrol.Status.PLANNED
    assert set(patrol.members.values_list("guard_id", flat=True)) == {g.pk for g in team}


def test_plan_refuses_end_before_start_and_saves_nothing(point, leader):
    with pytest.raises(ValidationError) as exc:
        patrol_plan(liaison_point=point, leader=leader, planned_start=END, planned_end=START)
    assert "planned_end" in exc.value.message_dict
    assert not Patrol.objects.exists()


def test_plan_refuses_unknown_guard(point, leader):
    with pytest.raises(ValidationError) as exc:
        patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, guard_ids=[999999])
    assert "999999" in exc.value.message_dict["guards"][0]


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"status": Guard.Status.SUSPENDED}, "suspended"),
        ({"status": Guard.Status.REMOVED}, "removed"),
        ({"certificate_expires_on": datetime.date(2026, 11, 1)}, "certificate expired"),
    ],
)
def test_plan_refuses_guard_who_is_not_deployable_and_says_why(point, leader, company, changes, reason, settings):
    settings.DUTY_POLICY_DEFAULTS = {**settings.DUTY_POLICY_DEFAULTS, "certificate": "block"}  # office policy: certificate blocks
    g = f.GuardFactory(company=company, name="李强", **changes)
    with pytest.raises(ValidationError) as exc:
        patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, guard_ids=[g.pk])
    message = exc.value.message_dict["guards"][0]
    assert "李强" in message and reason in message


@pytest.mark.parametrize(
    "area",
    ["not json", {"type": "Polygon", "coordinates": [[1, 2]]}, {"type": "Point", "coordinates": [111.6, 32.2]},
     {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}],
)
def test_plan_refuses_malformed_geojson(point, leader, area):
    with pytest.raises(ValidationError) as exc:
        patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, area=area)
    assert "area" in exc.value.message_dict


def test_plan_accepts_route_linestring(point, leader):
    route = {"type": "LineString", "coordinates": [[111.60, 32.27], [111.61, 32.28]]}
    patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, area=route)
    assert patrol.area["type"] == "LineString"


def test_plan_refuses_closed_point(point, leader):
    point.active = False
    point.save()
    with pytest.raises(ValidationError) as exc:
        patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END)
    assert "liaison_point" in exc.value.message_dict


# transitions -------------------------------------------------------------------------------

def test_lifecycle_planned_under_way_done(patrol):
    patrol = patrol_start(patrol=patrol, at=START)
    assert patrol.status == Patrol.Status.UNDER_WAY and patrol.actual_start == START
    patrol = patrol_finish(patrol=patrol, at=END, publicity_topics=["anti_fraud"], people_reached=40)
    assert patrol.status == Patrol.Status.DONE and patrol.people_reached == 40
    assert patrol.history.count() == 3  # created, started, finished


def test_cancel_from_planned_and_from_under_way(point, leader):
    p1 = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END)
    assert patrol_cancel(patrol=p1, reason="Heavy rain").cancel_reason == "Heavy rain"
    p2 = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END)
    patrol_start(patrol=p2, at=START)
    assert patrol_cancel(patrol=p2, reason="Called to an incident").status == Patrol.Status.CANCELLED


def test_cancel_needs_a_reason(patrol):
    with pytest.raises(ValidationError) as exc:
        patrol_cancel(patrol=patrol, reason="  ")
    assert "reason" in exc.value.message_dict
    patrol.refresh_from_db()
    assert patrol.status == Patrol.Status.PLANNED


@pytest.mark.parametrize(
    "setup, action",
    [
        ([], lambda p: patrol_finish(patrol=p)),  # planned → done: must start first
        (["start"], lambda p: patrol_start(patrol=p)),  # started twice (double click)
        (["start", "finish"], lambda p: patrol_start(patrol=p)),
        (["start", "finish"], lambda p: patrol_cancel(patrol=p, reason="x")),
        (["cancel"], lambda p: patrol_start(patrol=p)),
        (["cancel"], lambda p: patrol_cancel(patrol=p, reason="again")),
    ],
)
def test_illegal_transitions_are_refused_with_conflict(patrol, setup, action):
    steps = {
        "start": lambda p: patrol_start(patrol=p, at=START),
        "finish": lambda p: patrol_finish(patrol=p, at=END),
        "cancel": lambda p: patrol_cancel(patrol=p, reason="rain"),
    }
    for step in setup:
        patrol = steps[step](patrol)
    before = Patrol.objects.get(pk=patrol.pk).status
    with pytest.raises(DomainError) as exc:
        action(patrol)
    assert exc.value.conflict
    assert Patrol.objects.get(pk=patrol.pk).status == before


def test_finish_validates_publicity(patrol):
    patrol_start(patrol=patrol, at=START)
    with pytest.raises(ValidationError) as exc:
        patrol_finish(patrol=patrol, at=END, publicity_topics=["juggling"], people_reached=-1)
    assert {"publicity_topics", "people_reached"} <= set(exc.value.message_dict)
    assert Patrol.objects.get(pk=patrol.pk).status == Patrol.Status.UNDER_WAY


def test_set_team_only_before_start(patrol, team):
    patrol_set_team(patrol=patrol, guard_ids=[team[0].pk], lead_guard_ids=[team[1].pk])
    assert patrol.members.count() == 2
    patrol_start(patrol=patrol, at=START)
    with pytest.raises(DomainError):
        patrol_set_team(patrol=patrol, guard_ids=[team[0].pk])


# roll-call ---------------------------------------------------------------------------------

def test_checkin_on_time_is_present_and_late_is_late(patrol, team):
    early = checkin_record(patrol=patrol, guard=team[0], at=START - datetime.timedelta(minutes=20), latitude="32.27", longitude="111.60")
    late = checkin_record(patrol=patrol, guard=team[1], at=START + datetime.timedelta(minutes=25))
    assert early.status == CheckIn.Status.PRESENT and early.latitude is not None
    assert late.status == CheckIn.Status.LATE


def test_checkin_twice_keeps_the_first(patrol, team):
    first = checkin_record(patrol=patrol, guard=team[0], at=START)
    again = checkin_record(patrol=patrol, guard=team[0], at=START + datetime.timedelta(minutes=30))
    assert again.pk == first.pk and again.status == CheckIn.Status.PRESENT


@pytest.mark.django_db(transaction=True)
def test_checkin_twice_in_autocommit_keeps_the_first(point, company):
    # as in a running server: no transaction around the request, the INSERT is sent alone
    from django.db import connection

    leader = f.OfficerFactory()
    guard = f.GuardFactory(company=company, liaison_point=point)
    patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, guard_ids=[guard.pk])
    assert not connection.in_atomic_block
    first = checkin_record(patrol=patrol, guard=guard, at=START)
    again = checkin_record(patrol=patrol, guard=guard, at=START + datetime.timedelta(minutes=30))
    assert again.pk == first.pk and CheckIn.objects.filter(patrol=patrol).count() == 1
    assert not connection.in_atomic_block and not connection.needs_rollback


@pytest.mark.parametrize("at", [START - datetime.timedelta(minutes=31), END + datetime.timedelta(minutes=1)])
def test_checkin_outside_window_is_refused(patrol, team, at):
    with pytest.raises(DomainError) as exc:
        checkin_record(patrol=patrol, guard=team[0], at=at)
    assert exc.value.field == "at"
    assert not CheckIn.objects.exists()


def test_checkin_by_guard_not_on_team_is_refused(patrol, company):
    stranger = f.GuardFactory(company=company)
    with pytest.raises(DomainError) as exc:
        checkin_record(patrol=patrol, guard=stranger, at=START)
    assert exc.value.field == "guard"


def test_checkin_on_cancelled_patrol_is_refused(patrol, team):
    patrol_cancel(patrol=patrol, reason="rain")
    with pytest.raises(DomainError):
        checkin_record(patrol=patrol, guard=team[0], at=START)


@pytest.mark.parametrize("lat, lng", [("95", "111"), ("abc", "111"), ("32", None)])
def test_checkin_with_bad_position_is_refused(patrol, team, lat, lng):
    with pytest.raises(ValidationError):
        checkin_record(patrol=patrol, guard=team[0], at=START, latitude=lat, longitude=lng)


def test_finish_marks_no_shows_absent_and_credits_points_once(patrol, team):
    checkin_record(patrol=patrol, guard=team[0], at=START)
    patrol_start(patrol=patrol, at=START)
    checkin_mark(patrol=patrol, guard_id=team[1].pk, status="late", at=START)
    patrol_finish(patrol=patrol, at=END)
    statuses = dict(CheckIn.objects.filter(patrol=patrol).values_list("guard_id", "status"))
    assert statuses == {team[0].pk: "present", team[1].pk: "late", team[2].pk: "absent"}
    assert set(PointEntry.objects.filter(kind="patrol").values_list("guard_id", flat=True)) == {team[0].pk, team[1].pk}
    # a correction after the patrol (within the grace, with a reason) moves the points with it
    checkin_mark(patrol=patrol, guard_id=team[2].pk, status="present", at=END, reason="Phone battery dead; seen on site")
    checkin_mark(patrol=patrol, guard_id=team[0].pk, status="absent", at=END, reason="Left before the start")
    assert set(PointEntry.objects.filter(kind="patrol").values_list("guard_id", flat=True)) == {team[1].pk, team[2].pk}


def test_mark_refuses_non_member_and_bad_status(patrol, company, team):
    with pytest.raises(DomainError):
        checkin_mark(patrol=patrol, guard_id=f.GuardFactory(company=company).pk, status="present", at=START)
    with pytest.raises(ValidationError):
        checkin_mark(patrol=patrol, guard_id=team[0].pk, status="asleep")


# checkpoints -------------------------------------------------------------------------------

@pytest.fixture
def checkpoints(point):
    return [f.CheckpointFactory(liaison_point=point, name=n) for n in ("North gate", "Market", "School")]


@pytest.fixture
def route_patrol(point, leader, team, checkpoints):
    return patrol_plan(
        liaison_point=point, leader=leader, planned_start=START, planned_end=END,
        guard_ids=[g.pk for g in team], checkpoint_ids=[c.pk for c in checkpoints],
    )


def test_scan_records_visit_for_team_member_under_way(route_patrol, team, checkpoints):
    patrol_start(patrol=route_patrol, at=START)
    visit = checkpoint_visit(code=checkpoint_signed_code(checkpoints[0]), guard=team[0], at=START, latitude=32.271, longitude=111.601)
    assert visit.visited_by == team[0] and visit.visited_at == START


def test_scan_before_start_or_by_stranger_or_forged_is_refused(route_patrol, team, checkpoints, company):
    code = checkpoint_signed_code(checkpoints[0])
    with pytest.raises(DomainError):
        checkpoint_visit(code=code, guard=team[0])  # not under way yet
    patrol_start(patrol=route_patrol, at=START)
    with pytest.raises(DomainError):
        checkpoint_visit(code=code, guard=f.GuardFactory(company=company))
    with pytest.raises(DomainError) as exc:
        checkpoint_visit(code=checkpoints[0].token + ":forged", guard=team[0])
    assert exc.value.field == "code"
    assert not PatrolCheckpoint.objects.filter(visited_at__isnull=False).exists()


def test_missed_checkpoint_needs_reason(route_patrol, checkpoints):
    with pytest.raises(ValidationError):
        checkpoint_explain_miss(patrol=route_patrol, checkpoint_id=checkpoints[1].pk, reason="")
    row = checkpoint_explain_miss(patrol=route_patrol, checkpoint_id=checkpoints[1].pk, reason="Road flooded")
    assert row.missed_reason == "Road flooded"


def test_checkpoint_of_another_point_cannot_be_planned(point, leader, township):
    elsewhere = f.CheckpointFactory(liaison_point=f.LiaisonPointFactory(township=township))
    with pytest.raises(ValidationError) as exc:
        patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, checkpoint_ids=[elsewhere.pk])
    assert "checkpoints" in exc.value.message_dict
