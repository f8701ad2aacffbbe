"""/api/v1/patrols, check-ins, checkpoints, patrol-plans and inspections: scoping, the lifecycle
actions, the guard's check-in and scan, bad input as 400 with field errors, flat query counts."""
import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from guards.models import Guard
from patrol.models import CheckIn, Checkpoint, Patrol, PatrolCheckpoint, PatrolMember, RecurringPlan, VenueInspection
from patrol.services import checkin_record, checkpoint_signed_code, patrol_finish, patrol_plan, patrol_start
from tests import factories as f
from tests.factories import local_dt

pytestmark = pytest.mark.django_db

START = local_dt(2026, 11, 17, 19, 0)  # Tuesday of ISO week 2026-W47
END = local_dt(2026, 11, 17, 22, 0)
SQUARE = {"type": "Polygon", "coordinates": [[[111.60, 32.27], [111.61, 32.27], [111.61, 32.28], [111.60, 32.28], [111.60, 32.27]]]}


def fresh(user):
    """The same account re-read, so no per-request cache from an earlier call skews a query count."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def leader(officer):
    return officer.officer_profile


@pytest.fixture
def mixed_patrol(point, leader, guard, other_guard):
    """A planned patrol with one guard of company A (the manager's) and one of company B."""
    return patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, guard_ids=[guard.pk, other_guard.pk])


@pytest.fixture
def during_patrol(time_machine):
    """The clock frozen half an hour into START–END, when patrols of that slot can be run and marked."""
    time_machine.move_to(START + datetime.timedelta(minutes=30), tick=False)


@pytest.fixture
def lonely_patrol(point, leader, other_guard):
    """A patrol with only company B's guard on it."""
    return patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, guard_ids=[other_guard.pk])


@pytest.fixture
def live_patrol(point, leader, guard, other_guard):
    """A patrol that started five minutes ago (real time), so the guard can check in now."""
    now = timezone.now()
    return patrol_plan(
        liaison_point=point, leader=leader, planned_start=now - datetime.timedelta(minutes=5),
        planned_end=now + datetime.timedelta(hours=2), guard_ids=[guard.pk, other_guard.pk],
    )


def patrol_payload(point, *guards, **overrides):
    data = {
        "liaison_point": point.pk,
        "planned_start": "2026-11-17T19:00:00+08:00",
        "planned_end": "2026-11-17T22:00:00+08:00",
        "kind": "foot",
        "guards": [g.pk for g in guards],
    }
    return {**data, **overrides}


def make_patrols(n, *, point, guards, start=START):
    for i in range(n):
        patrol = f.PatrolFactory(liaison_point=point, planned_start=start + datetime.timedelta(hours=i % 5))
        for g in guards:
            PatrolMember.objects.create(patrol=patrol, guard=g)
            CheckIn.objects.create(patrol=patrol, guard=g, at=patrol.planned_start, status="present", source="guard")


# --- planning ----------------------------------------------------------------------------------


def test_patrol_create_when_officer_defaults_leader_and_builds_team(api_for, officer, point, guard, other_guard):
    # given a checkpoint of the point
    cp = f.CheckpointFactory(liaison_point=point, name="North gate")

    # when
    response = api_for(officer).post(
        "/api/v1/patrols/",
        patrol_payload(point, guard, area=SQUARE, lead_guards=[other_guard.pk], checkpoints=[cp.pk], notes="Market night"),
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    patrol = Patrol.objects.get(pk=body["id"])
    assert patrol.leader == officer.officer_profile and patrol.created_by == officer
    assert body["status"] == "planned" and body["member_count"] == 2 and body["area"]["type"] == "Polygon"
    roles = {row["guard"]: row["role"] for row in body["team"]}
    assert roles == {guard.pk: "member", other_guard.pk: "lead"}
    assert [(c["name"], c["visited"], c["missed"]) for c in body["checkpoints"]] == [("North gate", False, False)]


def test_patrol_create_with_explicit_leader(api_for, officer, point):
    other = f.OfficerFactory()

    response = api_for(officer).post("/api/v1/patrols/", patrol_payload(point, leader=other.pk), format="json")

    assert response.status_code == 201
    assert response.json()["leader"] == other.pk


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"planned_end": "2026-11-17T18:00:00+08:00"}, "planned_end"),
        ({"guards": [999999]}, "guards"),
        ({"area": {"type": "Polygon", "coordinates": [[1, 2]]}}, "area"),
        ({"area": "not json"}, "area"),
        ({"area": {"type": "Point", "coordinates": [111.6, 32.2]}}, "area"),
        ({"planned_start": "yesterday evening"}, "planned_start"),
        ({"kind": "helicopter"}, "kind"),
        ({"liaison_point": 999999}, "liaison_point"),
        ({"guards": ["abc"]}, "guards"),
    ],
)
def test_patrol_create_bad_input_is_400_with_field_error_and_saves_nothing(api_for, officer, point, guard, overrides, field):
    response = api_for(officer).post("/api/v1/patrols/", patrol_payload(point, guard, **overrides), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Patrol.objects.exists()


def test_patrol_create_with_undeployable_guard_says_why(api_for, officer, point, company):
    suspended = f.GuardFactory(company=company, name="李强", status=Guard.Status.SUSPENDED)

    response = api_for(officer).post("/api/v1/patrols/", patrol_payload(point, suspended), format="json")

    assert response.status_code == 400
    message = response.json()["guards"][0]
    assert "李强" in message and "suspended" in message


def test_patrol_create_without_officer_profile_needs_leader(api_for, point):
    admin = f.UserFactory(username="admin", role="admin")

    response = api_for(admin).post("/api/v1/patrols/", patrol_payload(point), format="json")

    assert response.status_code == 400 and "leader" in response.json()


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_patrol_create_when_not_officer_is_403(api_for, request, point, who):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user

    response = api_for(user).post("/api/v1/patrols/", patrol_payload(point), format="json")

    assert response.status_code == 403
    assert not Patrol.objects.exists()


def test_patrol_put_and_delete_are_405(api_for, officer, mixed_patrol):
    api = api_for(officer)

    assert api.delete(f"/api/v1/patrols/{mixed_patrol.pk}/").status_code == 405
    assert api.put(f"/api/v1/patrols/{mixed_patrol.pk}/", {}, format="json").status_code == 405


# --- scoping -----------------------------------------------------------------------------------


def test_patrol_list_when_guard_shows_own_patrols_only(api_for, guard, mixed_patrol, lonely_patrol):
    response = api_for(guard.user).get("/api/v1/patrols/")

    assert [row["id"] for row in response.json()["results"]] == [mixed_patrol.pk]


def test_patrol_list_when_manager_shows_patrols_with_own_guards(api_for, manager, other_manager, mixed_patrol, lonely_patrol):
    mine = api_for(manager).get("/api/v1/patrols/").json()["results"]
    theirs = api_for(other_manager).get("/api/v1/patrols/").json()["results"]

    assert [row["id"] for row in mine] == [mixed_patrol.pk]
    assert {row["id"] for row in theirs} == {mixed_patrol.pk, lonely_patrol.pk}


def test_patrol_list_when_outsider_is_empty_and_officer_sees_all(api_for, outsider, officer, mixed_patrol, lonely_patrol):
    assert api_for(outsider).get("/api/v1/patrols/").json()["results"] == []
    assert api_for(officer).get("/api/v1/patrols/").json()["count"] == 2


def test_patrol_list_when_anonymous_is_401(api_for, mixed_patrol):
    assert api_for(None).get("/api/v1/patrols/").status_code == 401  # anonymous: 401 with WWW-Authenticate, not 403


def test_patrol_detail_when_manager_shows_own_company_roll_call_only(api_for, manager, mixed_patrol, guard, other_guard):
    # given both guards checked in
    checkin_record(patrol=mixed_patrol, guard=guard, at=START)
    checkin_record(patrol=mixed_patrol, guard=other_guard, at=START + datetime.timedelta(minutes=20))

    # when
    body = api_for(manager).get(f"/api/v1/patrols/{mixed_patrol.pk}/").json()

    # then the manager sees their own guard's row only; the counts are the patrol's
    assert [(row["guard"], row["check_in"]["status"]) for row in body["team"]] == [(guard.pk, "present")]
    assert body["member_count"] == 2


def test_patrol_detail_when_manager_without_own_guards_is_404(api_for, manager, lonely_patrol):
    assert api_for(manager).get(f"/api/v1/patrols/{lonely_patrol.pk}/").status_code == 404


def test_patrol_detail_when_guard_not_on_team_is_404(api_for, guard, lonely_patrol):
    assert api_for(guard.user).get(f"/api/v1/patrols/{lonely_patrol.pk}/").status_code == 404


def test_patrol_detail_when_officer_shows_whole_team_and_checkpoints(api_for, officer, point, leader, guard, other_guard):
    # given a patrol with two checkpoints, one visited by the guard, finished
    north, market = (f.CheckpointFactory(liaison_point=point, name=n) for n in ("A North gate", "B Market"))
    patrol = patrol_plan(
        liaison_point=point, leader=leader, planned_start=START, planned_end=END,
        guard_ids=[guard.pk, other_guard.pk], checkpoint_ids=[north.pk, market.pk],
    )
    patrol_start(patrol=patrol, at=START)
    PatrolCheckpoint.objects.filter(patrol=patrol, checkpoint=north).update(visited_at=START, visited_by=guard)
    patrol_finish(patrol=patrol, at=END, publicity_topics=["anti_fraud"], people_reached=30)

    # when
    body = api_for(officer).get(f"/api/v1/patrols/{patrol.pk}/").json()

    # then
    assert body["status"] == "done" and body["publicity_topics"] == ["anti_fraud"] and body["people_reached"] == 30
    assert {row["guard"]: row["check_in"]["status"] for row in body["team"]} == {guard.pk: "absent", other_guard.pk: "absent"}
    rows = {c["name"]: c for c in body["checkpoints"]}
    assert (rows["A North gate"]["visited"], rows["A North gate"]["visited_by"], rows["A North gate"]["missed"]) == (True, guard.pk, False)
    assert (rows["B Market"]["visited"], rows["B Market"]["missed"]) == (False, True)


def test_patrol_detail_hides_who_scanned_from_another_company(api_for, other_manager, point, leader, guard, other_guard):
    cp = f.CheckpointFactory(liaison_point=point)
    patrol = patrol_plan(
        liaison_point=point, leader=leader, planned_start=START, planned_end=END,
        guard_ids=[guard.pk, other_guard.pk], checkpoint_ids=[cp.pk],
    )
    PatrolCheckpoint.objects.filter(patrol=patrol).update(visited_at=START, visited_by=guard)

    row = api_for(other_manager).get(f"/api/v1/patrols/{patrol.pk}/").json()["checkpoints"][0]

    assert row["visited"] is True and row["visited_by"] is None and row["visited_by_name"] is None


# --- filters -----------------------------------------------------------------------------------


def test_patrol_list_filters(api_for, officer, point, township):
    # given patrols at two points of two townships, in two weeks, of two statuses and kinds
    elsewhere = f.LiaisonPointFactory(township=f.TownshipFactory())
    tue = f.PatrolFactory(liaison_point=point, planned_start=START)
    sun_late = f.PatrolFactory(liaison_point=point, planned_start=local_dt(2026, 11, 22, 23, 30), status=Patrol.Status.DONE)
    next_mon = f.PatrolFactory(liaison_point=elsewhere, planned_start=local_dt(2026, 11, 23, 0, 30), kind="vehicle")
    api = api_for(officer)

    def ids(**params):
        response = api.get("/api/v1/patrols/", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    # then
    assert ids(liaison_point=point.pk) == {tue.pk, sun_late.pk}
    assert ids(township=township.pk) == {tue.pk, sun_late.pk}
    assert ids(status="done") == {sun_late.pk}
    assert ids(kind="vehicle") == {next_mon.pk}
    assert ids(week="2026-W47") == {tue.pk, sun_late.pk}  # Sunday 23:30 local time is still W47
    assert ids(week="2026-W48") == {next_mon.pk}
    assert ids(date_after="2026-11-22") == {sun_late.pk, next_mon.pk}
    assert ids(date_before="2026-11-22") == {tue.pk, sun_late.pk}
    assert ids(date_after="2026-11-18", date_before="2026-11-22") == {sun_late.pk}


@pytest.mark.parametrize("params, field", [({"week": "2026-47"}, "week"), ({"week": "2026-W60"}, "week"),
                                           ({"date_after": "17/11/2026"}, "date_after"), ({"status": "asleep"}, "status")])
def test_patrol_list_bad_filter_is_400(api_for, officer, params, field):
    response = api_for(officer).get("/api/v1/patrols/", params)

    assert response.status_code == 400
    assert field in response.json()


# --- lifecycle ---------------------------------------------------------------------------------


def test_patrol_lifecycle_start_finish(api_for, officer, mixed_patrol, guard, during_patrol):
    api = api_for(officer)
    checkin_record(patrol=mixed_patrol, guard=guard, at=START)

    started = api.post(f"/api/v1/patrols/{mixed_patrol.pk}/start/")
    finished = api.post(
        f"/api/v1/patrols/{mixed_patrol.pk}/finish/",
        {"publicity_topics": ["anti_fraud", "drowning"], "people_reached": 55, "notes": "Quiet night"}, format="json",
    )

    assert started.status_code == 200 and started.json()["status"] == "under_way" and started.json()["actual_start"]
    assert finished.status_code == 200, finished.json()
    body = finished.json()
    assert (body["status"], body["people_reached"], body["present_count"]) == ("done", 55, 1)
    mixed_patrol.refresh_from_db()
    assert mixed_patrol.notes == "Quiet night" and mixed_patrol.publicity_topics == ["anti_fraud", "drowning"]


def test_patrol_finish_bad_publicity_is_400_and_state_unchanged(api_for, officer, mixed_patrol, during_patrol):
    api = api_for(officer)
    api.post(f"/api/v1/patrols/{mixed_patrol.pk}/start/")

    response = api.post(f"/api/v1/patrols/{mixed_patrol.pk}/finish/", {"publicity_topics": ["juggling"], "people_reached": -3}, format="json")

    assert response.status_code == 400
    assert {"publicity_topics", "people_reached"} <= set(response.json())
    mixed_patrol.refresh_from_db()
    assert mixed_patrol.status == Patrol.Status.UNDER_WAY


def test_patrol_cancel_needs_reason_then_cancels(api_for, officer, mixed_patrol):
    api = api_for(officer)

    refused = api.post(f"/api/v1/patrols/{mixed_patrol.pk}/cancel/", {"reason": " "}, format="json")
    cancelled = api.post(f"/api/v1/patrols/{mixed_patrol.pk}/cancel/", {"reason": "Typhoon warning"}, format="json")

    assert refused.status_code == 400 and "reason" in refused.json()
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == ("cancelled", "Typhoon warning")


@pytest.mark.parametrize(
    "before, path, payload",
    [
        ([], "finish", {}),
        (["start"], "start", {}),
        (["cancel"], "start", {}),
        (["cancel"], "cancel", {"reason": "again"}),
        (["start"], "team", {"guards": []}),
    ],
)
def test_patrol_illegal_transition_is_409(api_for, officer, mixed_patrol, before, path, payload, during_patrol):
    api = api_for(officer)
    for step in before:
        api.post(f"/api/v1/patrols/{mixed_patrol.pk}/{step}/", {"reason": "rain"}, format="json")
    status_before = Patrol.objects.get(pk=mixed_patrol.pk).status

    response = api.post(f"/api/v1/patrols/{mixed_patrol.pk}/{path}/", payload, format="json")

    assert response.status_code == 409
    assert "detail" in response.json()
    assert Patrol.objects.get(pk=mixed_patrol.pk).status == status_before


@pytest.mark.parametrize("path", ["start", "finish", "cancel", "team", "mark", "explain-miss"])
@pytest.mark.parametrize("who", ["manager", "guard"])
def test_patrol_officer_actions_when_not_officer_are_403(api_for, request, mixed_patrol, path, who):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user

    response = api_for(user).post(f"/api/v1/patrols/{mixed_patrol.pk}/{path}/", {"reason": "x"}, format="json")

    assert response.status_code == 403
    assert Patrol.objects.get(pk=mixed_patrol.pk).status == Patrol.Status.PLANNED


def test_patrol_team_replaces_team(api_for, officer, mixed_patrol, guard, company, point):
    newcomer = f.GuardFactory(company=company, liaison_point=point)

    response = api_for(officer).post(
        f"/api/v1/patrols/{mixed_patrol.pk}/team/", {"guards": [guard.pk], "lead_guards": [newcomer.pk]}, format="json"
    )

    assert response.status_code == 200
    assert {row["guard"]: row["role"] for row in response.json()["team"]} == {guard.pk: "member", newcomer.pk: "lead"}


def test_patrol_team_with_unknown_guard_is_400(api_for, officer, mixed_patrol):
    response = api_for(officer).post(f"/api/v1/patrols/{mixed_patrol.pk}/team/", {"guards": [999999]}, format="json")

    assert response.status_code == 400 and "guards" in response.json()
    assert mixed_patrol.members.count() == 2


def test_patrol_mark_sets_roll_call(api_for, officer, mixed_patrol, guard, during_patrol):
    response = api_for(officer).post(f"/api/v1/patrols/{mixed_patrol.pk}/mark/", {"guard": guard.pk, "status": "late"}, format="json")

    assert response.status_code == 200
    row = next(r for r in response.json()["team"] if r["guard"] == guard.pk)
    assert (row["check_in"]["status"], row["check_in"]["source"]) == ("late", "officer")


@pytest.mark.parametrize("payload, field", [({"status": "asleep"}, "status"), ({"status": "present", "guard": 999999}, "guard"), ({"status": "present", "guard": "x"}, "guard")])
def test_patrol_mark_bad_input_is_400(api_for, officer, mixed_patrol, guard, payload, field, during_patrol):
    response = api_for(officer).post(f"/api/v1/patrols/{mixed_patrol.pk}/mark/", {"guard": guard.pk, **payload}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not CheckIn.objects.exists()


def test_patrol_explain_miss(api_for, officer, point, leader):
    cp = f.CheckpointFactory(liaison_point=point)
    patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, checkpoint_ids=[cp.pk])
    api = api_for(officer)

    empty = api.post(f"/api/v1/patrols/{patrol.pk}/explain-miss/", {"checkpoint": cp.pk}, format="json")
    unknown = api.post(f"/api/v1/patrols/{patrol.pk}/explain-miss/", {"checkpoint": 999999, "reason": "x"}, format="json")
    done = api.post(f"/api/v1/patrols/{patrol.pk}/explain-miss/", {"checkpoint": cp.pk, "reason": "Road flooded"}, format="json")

    assert empty.status_code == 400 and "reason" in empty.json()
    assert unknown.status_code == 400 and "checkpoint" in unknown.json()
    assert done.status_code == 200 and done.json()["checkpoints"][0]["missed_reason"] == "Road flooded"


# --- the guard's phone: check-in and scan ------------------------------------------------------


def test_checkin_when_guard_on_team_in_window_records_present_with_position(api_for, guard, live_patrol):
    response = api_for(guard.user).post(
        f"/api/v1/patrols/{live_patrol.pk}/check-in/", {"latitude": "32.2712345", "longitude": 111.6012}, format="json"
    )

    assert response.status_code == 200, response.json()
    check_in = CheckIn.objects.get(patrol=live_patrol, guard=guard)
    assert response.json()["status"] == "present" and check_in.source == "guard"
    assert str(check_in.latitude) == "32.271235"


def test_checkin_without_position_is_accepted(api_for, guard, live_patrol):
    response = api_for(guard.user).post(f"/api/v1/patrols/{live_patrol.pk}/check-in/", {}, format="json")

    assert response.status_code == 200
    assert CheckIn.objects.get(patrol=live_patrol, guard=guard).latitude is None


def test_checkin_outside_window_is_400_at(api_for, guard, point, leader):
    later = timezone.now() + datetime.timedelta(hours=3)
    patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=later, planned_end=later + datetime.timedelta(hours=2), guard_ids=[guard.pk])

    response = api_for(guard.user).post(f"/api/v1/patrols/{patrol.pk}/check-in/", {}, format="json")

    assert response.status_code == 400 and "at" in response.json()
    assert not CheckIn.objects.exists()


def test_checkin_at_frozen_time_after_window_is_400(api_for, guard, mixed_patrol):
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=END + datetime.timedelta(minutes=1)):
        response = api_for(guard.user).post(f"/api/v1/patrols/{mixed_patrol.pk}/check-in/", {}, format="json")

    assert response.status_code == 400 and "at" in response.json()


@pytest.mark.parametrize(
    "payload, field",
    [({"latitude": 95, "longitude": 111.6}, "latitude"), ({"latitude": "abc", "longitude": 111.6}, "latitude"),
     ({"latitude": 32.27}, "latitude"), ({"latitude": 32.27, "longitude": 200}, "longitude")],
)
def test_checkin_bad_position_is_400(api_for, guard, live_patrol, payload, field):
    response = api_for(guard.user).post(f"/api/v1/patrols/{live_patrol.pk}/check-in/", payload, format="json")

    assert response.status_code == 400 and field in response.json()
    assert not CheckIn.objects.exists()


def test_checkin_on_cancelled_patrol_is_409(api_for, officer, guard, live_patrol):
    api_for(officer).post(f"/api/v1/patrols/{live_patrol.pk}/cancel/", {"reason": "rain"}, format="json")

    response = api_for(guard.user).post(f"/api/v1/patrols/{live_patrol.pk}/check-in/", {}, format="json")

    assert response.status_code == 409


def test_checkin_by_guard_not_on_team_is_refused_without_revealing_the_patrol(api_for, point, leader, company, other_guard):
    # given a guard account whose guard is not on the patrol
    now = timezone.now()
    patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=now, planned_end=now + datetime.timedelta(hours=2), guard_ids=[other_guard.pk])
    stranger = f.GuardFactory(company=company, liaison_point=point, user=f.UserFactory(role="guard"))

    # when
    response = api_for(stranger.user).post(f"/api/v1/patrols/{patrol.pk}/check-in/", {}, format="json")

    # then outside the guard's scope it is a 404 (the service would say 400 "not on this patrol's team")
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_checkin_when_not_a_guard_is_403(api_for, request, live_patrol, who):
    response = api_for(request.getfixturevalue(who)).post(f"/api/v1/patrols/{live_patrol.pk}/check-in/", {}, format="json")

    assert response.status_code == 403


@pytest.fixture
def route(point, leader, guard, other_guard):
    """A patrol under way, started now, with one checkpoint."""
    cp = f.CheckpointFactory(liaison_point=point, name="Bridge")
    now = timezone.now()
    patrol = patrol_plan(
        liaison_point=point, leader=leader, planned_start=now, planned_end=now + datetime.timedelta(hours=2),
        guard_ids=[guard.pk], checkpoint_ids=[cp.pk],
    )
    patrol_start(patrol=patrol, at=now)
    return patrol, cp


def test_scan_when_guard_on_patrol_under_way_records_visit(api_for, guard, route):
    patrol, cp = route

    response = api_for(guard.user).post(
        "/api/v1/checkpoints/scan/", {"code": checkpoint_signed_code(cp), "latitude": 32.271, "longitude": 111.601}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["patrol"], response.json()["name"], response.json()["visited_by"]) == (patrol.pk, "Bridge", guard.pk)
    assert PatrolCheckpoint.objects.get(patrol=patrol, checkpoint=cp).visited_at is not None


@pytest.mark.parametrize("code", ["forged:abc", ""])
def test_scan_with_bad_code_is_400(api_for, guard, route, code):
    response = api_for(guard.user).post("/api/v1/checkpoints/scan/", {"code": code}, format="json")

    assert response.status_code == 400 and "code" in response.json()


def test_scan_bad_latitude_is_400(api_for, guard, route):
    _patrol, cp = route

    response = api_for(guard.user).post(
        "/api/v1/checkpoints/scan/", {"code": checkpoint_signed_code(cp), "latitude": 91, "longitude": 111.6}, format="json"
    )

    assert response.status_code == 400 and "latitude" in response.json()


def test_scan_by_guard_not_on_team_is_400(api_for, other_guard, route, company, point):
    _patrol, cp = route
    stranger = f.GuardFactory(company=company, liaison_point=point, user=f.UserFactory(role="guard"))

    response = api_for(stranger.user).post("/api/v1/checkpoints/scan/", {"code": checkpoint_signed_code(cp)}, format="json")

    assert response.status_code == 400 and "code" in response.json()


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_scan_when_not_a_guard_is_403(api_for, request, route, who):
    _patrol, cp = route

    response = api_for(request.getfixturevalue(who)).post("/api/v1/checkpoints/scan/", {"code": checkpoint_signed_code(cp)}, format="json")

    assert response.status_code == 403


# --- map, coverage, zone team ------------------------------------------------------------------


def test_patrol_geojson_for_week(api_for, officer, point, guard):
    # given one patrol with a drawn area and one without, in W47, and one in W48
    with_area = f.PatrolFactory(liaison_point=point, planned_start=START, area=SQUARE)
    f.PatrolMemberFactory(patrol=with_area, guard=guard)
    CheckIn.objects.create(patrol=with_area, guard=guard, at=START, status="late", source="guard")
    bare = f.PatrolFactory(liaison_point=point, planned_start=local_dt(2026, 11, 19, 19))
    f.PatrolFactory(liaison_point=point, planned_start=local_dt(2026, 11, 24, 19))

    # when
    response = api_for(officer).get("/api/v1/patrols/geojson/", {"week": "2026-W47"})

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    features = {feat["id"]: feat for feat in body["features"]}
    assert set(features) == {with_area.pk, bare.pk}
    assert features[with_area.pk]["geometry"]["type"] == "Polygon"
    assert features[bare.pk]["geometry"] == {"type": "Point", "coordinates": [111.6, 32.27]}
    props = features[with_area.pk]["properties"]
    assert (props["point_name"], props["status"], props["team_size"], props["present_count"]) == (point.name, "planned", 1, 1)
    assert props["url"].endswith(f"/patrols/{with_area.pk}/")


# "this week" read by the test and by the API is one week: frozen on a Monday just after midnight
# in the office, which is still Sunday (the week before) in UTC
@time_machine.travel(datetime.datetime(2027, 1, 4, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), tick=False)
def test_patrol_geojson_without_week_is_this_week_and_scoped(api_for, guard, point):
    now = timezone.now()
    this_week = f.PatrolFactory(liaison_point=point, planned_start=now, planned_end=now + datetime.timedelta(hours=1))
    f.PatrolMemberFactory(patrol=this_week, guard=guard)
    f.PatrolFactory(liaison_point=point, planned_start=now, planned_end=now + datetime.timedelta(hours=1))  # not the guard's
    f.PatrolMemberFactory(patrol=f.PatrolFactory(liaison_point=point, planned_start=now - datetime.timedelta(days=8)), guard=guard)

    features = api_for(guard.user).get("/api/v1/patrols/geojson/").json()["features"]

    assert [feat["id"] for feat in features] == [this_week.pk]


def test_patrol_geojson_bad_week_is_400(api_for, officer):
    response = api_for(officer).get("/api/v1/patrols/geojson/", {"week": "W47"})

    assert response.status_code == 400 and "week" in response.json()


def test_patrol_coverage_for_week(api_for, officer, township):
    busy, quiet = (f.LiaisonPointFactory(township=township, code=c) for c in ("A", "B"))
    for day in (16, 18, 20):
        f.PatrolFactory(liaison_point=busy, status=Patrol.Status.DONE, planned_start=local_dt(2026, 11, day, 19))
    f.PatrolFactory(liaison_point=quiet, status=Patrol.Status.DONE, planned_start=local_dt(2026, 11, 17, 19))
    f.PatrolFactory(liaison_point=quiet, status=Patrol.Status.PLANNED, planned_start=local_dt(2026, 11, 21, 19))

    response = api_for(officer).get("/api/v1/patrols/coverage/", {"week": "2026-W47"})

    assert response.status_code == 200
    body = response.json()
    assert (body["week"], body["monday"], body["minimum"]) == ("2026-W47", "2026-11-16", 3)
    assert {row["code"]: (row["done"], row["planned"], row["below_minimum"]) for row in body["points"]} == {
        "A": (3, 3, False), "B": (1, 2, True),
    }
    assert [row["code"] for row in body["below_minimum"]] == ["B"]


def test_patrol_coverage_bad_week_is_400(api_for, officer):
    response = api_for(officer).get("/api/v1/patrols/coverage/", {"week": "2026-W99"})

    assert response.status_code == 400 and "week" in response.json()


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_patrol_coverage_when_not_officer_is_403(api_for, request, who):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user

    assert api_for(user).get("/api/v1/patrols/coverage/").status_code == 403


def test_propose_zone_team(api_for, officer, township):
    # given a zone with a lead company of three guards and another company of two
    zone = f.ZoneFactory()
    zone_point = f.LiaisonPointFactory(township=township, zone=zone)
    lead_co, co_b = f.SecurityCompanyFactory(), f.SecurityCompanyFactory()
    lead = f.GuardFactory.create_batch(3, company=lead_co, liaison_point=zone_point)
    b = f.GuardFactory.create_batch(2, company=co_b, liaison_point=zone_point)

    # when
    response = api_for(officer).post(
        "/api/v1/patrols/propose-zone-team/", {"zone": zone.pk, "lead_company": lead_co.pk, "date": "2026-11-24", "lead_count": 2}, format="json"
    )

    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["lead"]) == 2 and {g["id"] for g in body["lead"]} <= {g.pk for g in lead}
    assert len(body["others"]) == 1 and body["others"][0]["id"] in {g.pk for g in b}
    assert body["guards"] == [*body["lead_guards"], body["others"][0]["id"]]
    assert body["companies_without_guard"] == []


def test_propose_zone_team_bad_input_and_wrong_role(api_for, officer, manager):
    bad = api_for(officer).post("/api/v1/patrols/propose-zone-team/", {"zone": 999999, "date": "soon"}, format="json")
    denied = api_for(manager).post("/api/v1/patrols/propose-zone-team/", {}, format="json")

    assert bad.status_code == 400 and {"zone", "lead_company", "date"} <= set(bad.json())
    assert denied.status_code == 403


# --- check-ins ---------------------------------------------------------------------------------


@pytest.fixture
def attended(mixed_patrol, lonely_patrol, guard, other_guard):
    checkin_record(patrol=mixed_patrol, guard=guard, at=START)
    checkin_record(patrol=mixed_patrol, guard=other_guard, at=START + datetime.timedelta(minutes=15))
    checkin_record(patrol=lonely_patrol, guard=other_guard, at=START)


def test_checkin_list_scoping(api_for, officer, manager, other_manager, guard, outsider, other_guard, attended):
    def guards_seen(user):
        response = api_for(user).get("/api/v1/check-ins/")
        assert response.status_code == 200
        return sorted(row["guard"] for row in response.json()["results"])

    assert guards_seen(officer) == sorted([guard.pk, other_guard.pk, other_guard.pk])
    assert guards_seen(manager) == [guard.pk]
    assert guards_seen(other_manager) == [other_guard.pk, other_guard.pk]
    assert guards_seen(guard.user) == [guard.pk]
    assert guards_seen(outsider) == []


def test_checkin_list_filters(api_for, officer, mixed_patrol, guard, other_guard, attended):
    api = api_for(officer)

    def ids(**params):
        response = api.get("/api/v1/check-ins/", params)
        assert response.status_code == 200, response.json()
        return sorted((row["patrol"], row["guard"], row["status"]) for row in response.json()["results"])

    assert ids(patrol=mixed_patrol.pk, status="late") == [(mixed_patrol.pk, other_guard.pk, "late")]
    assert ids(guard=guard.pk) == [(mixed_patrol.pk, guard.pk, "present")]
    assert len(ids(date_after="2026-11-17", date_before="2026-11-17")) == 3
    assert ids(date_after="2026-11-18") == []
    assert api.get("/api/v1/check-ins/", {"date_before": "tomorrow"}).status_code == 400


def test_checkin_list_is_read_only(api_for, officer, mixed_patrol, guard):
    response = api_for(officer).post("/api/v1/check-ins/", {"patrol": mixed_patrol.pk, "guard": guard.pk}, format="json")

    assert response.status_code == 405


# --- checkpoints -------------------------------------------------------------------------------


def test_checkpoint_create_gives_signed_qr_links(api_for, officer, point):
    response = api_for(officer).post(
        "/api/v1/checkpoints/", {"name": "Bus station", "liaison_point": point.pk, "latitude": "32.2711111", "longitude": "111.6011"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    cp = Checkpoint.objects.get(pk=body["id"])
    assert body["qr_url"].startswith("http://testserver/")
    assert body["qr_url"].endswith(f"/patrols/scan/{checkpoint_signed_code(cp)}/")
    assert cp.token not in body["qr_url"].replace(checkpoint_signed_code(cp), "")
    assert body["qr_svg_url"] == f"http://testserver/patrols/checkpoints/{cp.pk}/qr.svg"


@pytest.mark.parametrize(
    "overrides, field",
    [({"latitude": "95"}, "latitude"), ({"liaison_point": 999999}, "liaison_point"), ({"name": ""}, "name"),
     ({"name": "Dup"}, "non_field_errors")],
)
def test_checkpoint_bad_input_is_400(api_for, officer, point, overrides, field):
    f.CheckpointFactory(liaison_point=point, name="Dup")
    data = {"name": "Gate", "liaison_point": point.pk, "latitude": "32.27", "longitude": "111.6", **overrides}

    response = api_for(officer).post("/api/v1/checkpoints/", data, format="json")

    assert response.status_code == 400 and field in response.json()


def test_checkpoint_update_and_protected_delete(api_for, officer, point, leader):
    cp = f.CheckpointFactory(liaison_point=point)
    spare = f.CheckpointFactory(liaison_point=point)
    patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, checkpoint_ids=[cp.pk])
    api = api_for(officer)

    patched = api.patch(f"/api/v1/checkpoints/{cp.pk}/", {"active": False}, format="json")
    in_use = api.delete(f"/api/v1/checkpoints/{cp.pk}/")
    unused = api.delete(f"/api/v1/checkpoints/{spare.pk}/")

    assert patched.status_code == 200 and patched.json()["active"] is False
    assert in_use.status_code == 409 and Checkpoint.objects.filter(pk=cp.pk).exists()
    assert unused.status_code == 204


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_checkpoints_when_not_officer_are_403(api_for, request, point, who):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user
    cp = f.CheckpointFactory(liaison_point=point)
    api = api_for(user)

    assert api.get("/api/v1/checkpoints/").status_code == 403
    assert api.get(f"/api/v1/checkpoints/{cp.pk}/").status_code == 403
    assert api.post("/api/v1/checkpoints/", {}, format="json").status_code == 403


# --- recurring plans ---------------------------------------------------------------------------


def plan_payload(point, *guards, **overrides):
    data = {
        "liaison_point": point.pk, "weekdays": [1, 3, 5], "start_time": "19:00", "end_time": "22:00",
        "starts_on": "2026-11-24", "guards": [g.pk for g in guards],
    }
    return {**data, **overrides}


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), tick=False)
def test_plan_create_and_generate_twice(api_for, officer, point, guard, company, settings):
    settings.DUTY_POLICY_DEFAULTS = {**settings.DUTY_POLICY_DEFAULTS, "certificate": "block"}  # office policy: certificate blocks
    # given a plan with a guard whose certificate runs out on Thursday 26 November
    expiring = f.GuardFactory(company=company, liaison_point=point, certificate_expires_on=datetime.date(2026, 11, 26))
    api = api_for(officer)

    created = api.post("/api/v1/patrol-plans/", plan_payload(point, guard, expiring), format="json")
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    assert created.json()["member_count"] == 2 and created.json()["leader"] == officer.officer_profile.pk

    # when
    first = api.post(f"/api/v1/patrol-plans/{plan_id}/generate/", {"weeks": 1}, format="json")
    again = api.post(f"/api/v1/patrol-plans/{plan_id}/generate/", {"weeks": 1}, format="json")

    # then Tue 24, Thu 26, Sat 28 are created once; the expiring guard misses Saturday
    assert first.status_code == 200, first.json()
    assert first.json()["created"] == 3 and len(first.json()["patrols"]) == 3
    assert first.json()["skipped_guards"] == [{"day": "2026-11-28", "guard": expiring.name, "reason": "certificate expired on 2026-11-26"}]
    assert again.json()["created"] == 0
    assert Patrol.objects.filter(plan_id=plan_id).count() == 3


@pytest.mark.parametrize(
    "overrides, field",
    [({"weekdays": [7]}, "weekdays"), ({"end_time": "19:00"}, "end_time"), ({"ends_on": "2026-11-01"}, "ends_on"),
     ({"guards": [999999]}, "guards"), ({"area": {"type": "Polygon"}}, "area"), ({"start_time": "7pm"}, "start_time")],
)
def test_plan_create_bad_input_is_400(api_for, officer, point, overrides, field):
    response = api_for(officer).post("/api/v1/patrol-plans/", plan_payload(point, **overrides), format="json")

    assert response.status_code == 400 and field in response.json()
    assert not RecurringPlan.objects.exists()


def test_plan_generate_bad_weeks_is_400(api_for, officer, point):
    plan_id = api_for(officer).post("/api/v1/patrol-plans/", plan_payload(point), format="json").json()["id"]

    response = api_for(officer).post(f"/api/v1/patrol-plans/{plan_id}/generate/", {"weeks": 0}, format="json")

    assert response.status_code == 400 and "weeks" in response.json()


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_plans_when_not_officer_are_403(api_for, request, point, who):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user

    assert api_for(user).get("/api/v1/patrol-plans/").status_code == 403
    assert api_for(user).post("/api/v1/patrol-plans/", plan_payload(point), format="json").status_code == 403


# --- venue inspections -------------------------------------------------------------------------


def inspection_payload(township, **overrides):
    data = {"venue": "Sunrise Hotel", "trade": "hotel", "township": township.pk, "inspected_on": "2026-11-18"}
    return {**data, **overrides}


def test_inspection_create_with_violation_and_inspectors(api_for, officer, township):
    colleague = f.OfficerFactory(user__name="Wang Wei")

    response = api_for(officer).post(
        "/api/v1/inspections/",
        inspection_payload(township, violation_found=True, violation_kind="registration", rectification_due="2026-11-25",
                           inspectors=[officer.officer_profile.pk, colleague.pk]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {i["name"] for i in body["inspectors"]} == {str(officer), "Wang Wei"}
    assert (body["violation_found"], body["rectified"], body["township_name"]) == (True, False, township.name)
    assert VenueInspection.objects.get(pk=body["id"]).history.first().history_user == officer


def test_inspection_update_rectifies(api_for, officer, township):
    inspection = f.VenueInspectionFactory(township=township, violation_found=True, violation_kind="fire_safety")
    inspection.inspectors.add(officer.officer_profile)

    response = api_for(officer).patch(f"/api/v1/inspections/{inspection.pk}/", {"rectified_on": "2026-11-20"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["rectified"] is True
    assert [i["id"] for i in response.json()["inspectors"]] == [officer.officer_profile.pk]  # kept


@pytest.mark.parametrize(
    "overrides, field",
    [({"violation_found": True}, "violation_kind"), ({"rectified_on": "2026-11-20"}, "rectified_on"),
     ({"trade": "spaceport"}, "trade"), ({"venue": ""}, "venue"), ({"inspectors": [987654]}, "inspectors"),
     ({"inspectors": "Wang"}, "inspectors"), ({"inspected_on": "last week"}, "inspected_on")],
)
def test_inspection_bad_input_is_400(api_for, officer, township, overrides, field):
    response = api_for(officer).post("/api/v1/inspections/", inspection_payload(township, **overrides), format="json")

    assert response.status_code == 400 and field in response.json()
    assert not VenueInspection.objects.exists()


def test_inspection_filters(api_for, officer, township):
    other_township = f.TownshipFactory()
    clean = f.VenueInspectionFactory(township=township, trade="hotel", inspected_on=datetime.date(2026, 11, 10))
    open_violation = f.VenueInspectionFactory(township=township, trade="internet_cafe", violation_found=True, violation_kind="fire_safety")
    fixed = f.VenueInspectionFactory(
        township=other_township, trade="hotel", violation_found=True, violation_kind="unlicensed", rectified_on=datetime.date(2026, 11, 20)
    )
    api = api_for(officer)

    def ids(**params):
        response = api.get("/api/v1/inspections/", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(township=township.pk) == {clean.pk, open_violation.pk}
    assert ids(trade="hotel") == {clean.pk, fixed.pk}
    assert ids(violation_found="true") == {open_violation.pk, fixed.pk}
    assert ids(rectified="true") == {fixed.pk}
    assert ids(rectified="false", violation_found="true") == {open_violation.pk}
    assert ids(date_after="2026-11-15") == {open_violation.pk, fixed.pk}
    assert ids(date_before="2026-11-10") == {clean.pk}


def test_inspection_delete(api_for, officer, township):
    inspection = f.VenueInspectionFactory(township=township)

    assert api_for(officer).delete(f"/api/v1/inspections/{inspection.pk}/").status_code == 204
    assert not VenueInspection.objects.exists()


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_inspections_when_not_officer_are_403(api_for, request, township, who):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user
    inspection = f.VenueInspectionFactory(township=township)
    api = api_for(user)

    assert api.get("/api/v1/inspections/").status_code == 403
    assert api.get(f"/api/v1/inspections/{inspection.pk}/").status_code == 403
    assert api.post("/api/v1/inspections/", inspection_payload(township), format="json").status_code == 403
    assert api.delete(f"/api/v1/inspections/{inspection.pk}/").status_code == 403


# --- query counts: the same for few and many rows ----------------------------------------------


def test_patrol_list_query_count_is_flat(api_for, manager, company, point, guard, django_assert_num_queries):
    make_patrols(2, point=point, guards=[guard])
    # 1 manager's company (scope), 2 page count, 3 patrols joined to point, township, leader, user with counts
    api = api_for(fresh(manager))
    with django_assert_num_queries(3):
        assert api.get("/api/v1/patrols/").json()["count"] == 2
    make_patrols(12, point=point, guards=[guard, f.GuardFactory(company=company)])
    api = api_for(fresh(manager))
    with django_assert_num_queries(3):
        assert api.get("/api/v1/patrols/").json()["count"] == 14


def test_patrol_detail_query_count_is_flat(api_for, officer, point, leader, company, django_assert_num_queries):
    def make(n_guards, n_checkpoints):
        guards = f.GuardFactory.create_batch(n_guards, company=company, liaison_point=point)
        checkpoints = f.CheckpointFactory.create_batch(n_checkpoints, liaison_point=point)
        patrol = patrol_plan(
            liaison_point=point, leader=leader, planned_start=START, planned_end=END,
            guard_ids=[g.pk for g in guards], checkpoint_ids=[c.pk for c in checkpoints],
        )
        for g in guards:
            checkin_record(patrol=patrol, guard=g, at=START)
        return patrol

    small, big = make(1, 1), make(8, 5)
    # 1 patrol with counts, 2 team members with guards and companies, 3 their check-ins, 4 checkpoints,
    # 5 the roll-call log (marks and overrides, with guard and officer)
    api = api_for(fresh(officer))
    with django_assert_num_queries(5):
        assert len(api.get(f"/api/v1/patrols/{small.pk}/").json()["team"]) == 1
    api = api_for(fresh(officer))
    with django_assert_num_queries(5):
        assert len(api.get(f"/api/v1/patrols/{big.pk}/").json()["team"]) == 8


def test_patrol_geojson_query_count_is_flat(api_for, officer, point, guard, django_assert_num_queries):
    make_patrols(2, point=point, guards=[guard])
    # 1 the week's patrols joined to point, township, leader with counts
    api = api_for(fresh(officer))
    with django_assert_num_queries(1):
        assert len(api.get("/api/v1/patrols/geojson/", {"week": "2026-W47"}).json()["features"]) == 2
    make_patrols(10, point=point, guards=[guard])
    api = api_for(fresh(officer))
    with django_assert_num_queries(1):
        assert len(api.get("/api/v1/patrols/geojson/", {"week": "2026-W47"}).json()["features"]) == 12


def test_patrol_coverage_query_count_is_flat(api_for, officer, township, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            p = f.LiaisonPointFactory(township=township)
            f.PatrolFactory(liaison_point=p, status=Patrol.Status.DONE)

    make(2)
    # 1 the week's patrols grouped by point and zone, 2 the active points
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        api.get("/api/v1/patrols/coverage/", {"week": "2026-W47"})
    make(10)
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/patrols/coverage/", {"week": "2026-W47"}).json()["points"]) == 12


def test_checkin_list_query_count_is_flat(api_for, manager, company, point, guard, django_assert_num_queries):
    make_patrols(2, point=point, guards=[guard])
    # 1 manager's company (scope), 2 page count, 3 check-ins joined to guard, company, patrol, point,
    # 4 the audit line (the guards' positions were read)
    api = api_for(fresh(manager))
    with django_assert_num_queries(4):
        assert api.get("/api/v1/check-ins/").json()["count"] == 2
    make_patrols(10, point=point, guards=[guard, f.GuardFactory(company=company)])
    api = api_for(fresh(manager))
    with django_assert_num_queries(4):
        assert api.get("/api/v1/check-ins/").json()["count"] == 22


def test_reading_other_guards_positions_is_audited_a_guards_own_is_not(api_for, officer, point, guard):
    from accounts.models import AuditEvent

    make_patrols(2, point=point, guards=[guard])
    first = CheckIn.objects.order_by("id").first()
    assert api_for(officer).get("/api/v1/check-ins/").status_code == 200
    assert api_for(officer).get(f"/api/v1/check-ins/{first.pk}/").status_code == 200
    lines = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW_CONFIDENTIAL).order_by("id"))
    assert [(e.user, e.detail["field"]) for e in lines] == [(officer, "position"), (officer, "position")]
    assert sorted(lines[0].detail["ids"]) == sorted(CheckIn.objects.values_list("id", flat=True))
    assert lines[1].object_id == str(first.pk)
    # a guard reading their own check-ins writes nothing
    assert api_for(guard.user).get("/api/v1/check-ins/").status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW_CONFIDENTIAL).count() == 2


def test_checkpoint_list_query_count_is_flat(api_for, officer, point, django_assert_num_queries):
    f.CheckpointFactory.create_batch(2, liaison_point=point)
    # 1 page count, 2 checkpoints joined to their point
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        assert api.get("/api/v1/checkpoints/").json()["count"] == 2
    f.CheckpointFactory.create_batch(10, liaison_point=f.LiaisonPointFactory())
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        assert api.get("/api/v1/checkpoints/").json()["count"] == 12


def test_plan_list_query_count_is_flat(api_for, officer, point, guard, django_assert_num_queries):
    from patrol.services import plan_create

    def make(n):
        for _ in range(n):
            plan_create(
                liaison_point=point, leader=officer.officer_profile, weekdays=[1], start_time=datetime.time(19),
                end_time=datetime.time(21), starts_on=datetime.date(2026, 11, 24), guard_ids=[guard.pk],
            )

    make(2)
    # 1 page count, 2 plans joined to point and leader with member counts
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        assert api.get("/api/v1/patrol-plans/").json()["count"] == 2
    make(10)
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        assert api.get("/api/v1/patrol-plans/").json()["count"] == 12


def test_inspection_list_query_count_is_flat(api_for, officer, township, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            inspection = f.VenueInspectionFactory(township=township)
            inspection.inspectors.add(f.OfficerFactory())

    make(2)
    # 1 page count, 2 inspections joined to township and point, 3 inspectors, 4 their user accounts
    api = api_for(fresh(officer))
    with django_assert_num_queries(4):
        assert api.get("/api/v1/inspections/").json()["count"] == 2
    make(10)
    api = api_for(fresh(officer))
    with django_assert_num_queries(4):
        assert api.get("/api/v1/inspections/").json()["count"] == 12
