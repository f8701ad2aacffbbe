"""Patrol records that can be trusted (issue 12) and proof of presence for scans (issue 10 item 10):
time windows, auto-closing, positions, night patrols and the roll-call audit — each rule allowed
and refused through the service, the API and the page, with the clock frozen."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from config.exceptions import DomainError
from patrol.models import CheckIn, Patrol, PatrolCheckpoint, RollCallEvent
from patrol.services import (
    checkin_mark,
    checkin_record,
    checkpoint_replace_code,
    checkpoint_signed_code,
    checkpoint_visit,
    patrol_finish,
    patrol_plan,
    patrol_start,
)
from patrol.tasks import patrols_close_overdue_task
from rewards.models import PointEntry
from tests import factories as f
from tests.factories import local_dt

START = local_dt(2026, 11, 17, 19, 0)  # window: check-in 18:30–22:00, marks until 22:30 (grace 30)
END = local_dt(2026, 11, 17, 22, 0)
NEAR = {"latitude": "32.270500", "longitude": "111.600500"}  # ~70 m from the point (32.27, 111.60)
FAR = {"latitude": "32.290000", "longitude": "111.600000"}  # ~2.2 km north of the point


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.PATROL_CHECKIN_EARLY_MINUTES = 30
    settings.PATROL_ROLLCALL_GRACE_MINUTES = 30
    settings.PATROL_FAR_METRES = 500
    settings.PATROL_ACCURACY_MAX_METRES = 100
    settings.PATROL_CHECKPOINT_RADIUS_METRES = 100
    settings.PATROL_AUTO_CLOSE = "finish"
    settings.PATROL_NIGHT_START = datetime.time(18)
    settings.PATROL_NIGHT_END = datetime.time(6)


@pytest.fixture
def at(time_machine):
    """at(moment): freeze the clock there."""
    return lambda moment: time_machine.move_to(moment, tick=False)


@pytest.fixture
def leader(officer):
    return officer.officer_profile


@pytest.fixture
def checkpoint(point):
    return f.CheckpointFactory(liaison_point=point, name="North gate", latitude="32.271000", longitude="111.601000")


@pytest.fixture
def patrol(point, leader, guard, other_guard, checkpoint):
    return patrol_plan(
        liaison_point=point, leader=leader, planned_start=START, planned_end=END,
        guard_ids=[guard.pk, other_guard.pk], checkpoint_ids=[checkpoint.pk],
    )


# --- roll-call marks: window and grace ---------------------------------------------------------


def test_mark_before_the_window_is_refused_with_the_window(patrol, guard):
    with pytest.raises(DomainError) as exc:
        checkin_mark(patrol=patrol, guard_id=guard.pk, status="present", at=START - datetime.timedelta(days=1))
    assert exc.value.conflict and "opens at 11-17 18:30" in exc.value.message and "11-17 18:30–22:30" in exc.value.message
    assert not CheckIn.objects.exists() and not RollCallEvent.objects.exists()


def test_mark_from_the_opening_until_the_grace_is_allowed_and_logged(patrol, guard, officer):
    checkin_mark(patrol=patrol, guard_id=guard.pk, status="present", at=START - datetime.timedelta(minutes=30), by=officer)
    checkin_mark(patrol=patrol, guard_id=guard.pk, status="late", at=END + datetime.timedelta(minutes=30), by=officer, reason="Arrived 20:10")
    events = list(RollCallEvent.objects.order_by("at"))
    assert [(e.kind, e.from_status, e.to_status, e.reason, e.by) for e in events] == [
        ("mark", "", "present", "", officer), ("override", "present", "late", "Arrived 20:10", officer),
    ]
    assert events[1].at == END + datetime.timedelta(minutes=30)


def test_mark_after_the_grace_is_refused(patrol, guard):
    with pytest.raises(DomainError) as exc:
        checkin_mark(patrol=patrol, guard_id=guard.pk, status="present", at=END + datetime.timedelta(minutes=31))
    assert "closed at 11-17 22:30" in exc.value.message and "30 minutes after its end" in exc.value.message


def test_override_of_a_phone_check_in_needs_a_reason(patrol, guard):
    checkin_record(patrol=patrol, guard=guard, at=START, **FAR)
    with pytest.raises(ValidationError) as exc:
        checkin_mark(patrol=patrol, guard_id=guard.pk, status="present", at=START)
    assert "reason" in exc.value.message_dict
    checkin_mark(patrol=patrol, guard_id=guard.pk, status="present", at=START, reason="Seen at the gate")
    check_in = CheckIn.objects.get(guard=guard)
    assert (check_in.source, check_in.position_state, check_in.flagged) == ("officer", "far", False)


def test_start_is_refused_after_the_planned_end(patrol):
    with pytest.raises(DomainError) as exc:
        patrol_start(patrol=patrol, at=END + datetime.timedelta(minutes=1))
    assert "recorded as missed" in exc.value.message


# --- positions ---------------------------------------------------------------------------------


def test_far_check_in_is_recorded_but_flagged_with_its_distance(patrol, guard):
    check_in = checkin_record(patrol=patrol, guard=guard, at=START, accuracy=20, **FAR)
    assert (check_in.status, check_in.position_state, check_in.flagged) == ("present", "far", True)
    assert 2100 < check_in.distance < 2300 and check_in.accuracy == 20


def test_check_in_without_position_is_its_own_state(patrol, guard):
    check_in = checkin_record(patrol=patrol, guard=guard, at=START)
    assert (check_in.position_state, check_in.distance, check_in.flagged) == ("none", None, False)


def test_inaccurate_and_near_check_ins(patrol, guard, other_guard):
    assert checkin_record(patrol=patrol, guard=guard, at=START, accuracy=400, **NEAR).position_state == "inaccurate"
    assert checkin_record(patrol=patrol, guard=other_guard, at=START, accuracy=15, **NEAR).position_state == "ok"


def test_distance_is_from_the_drawn_area_when_there_is_one(point, leader, guard):
    route = {"type": "LineString", "coordinates": [[111.60, 32.29], [111.61, 32.29]]}  # along the far position
    patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, area=route, guard_ids=[guard.pk])
    check_in = checkin_record(patrol=patrol, guard=guard, at=START, **FAR)
    assert check_in.position_state == "ok" and check_in.distance == 0


def test_flagged_check_in_earns_no_points_until_confirmed(patrol, guard):
    checkin_record(patrol=patrol, guard=guard, at=START, **FAR)
    patrol_start(patrol=patrol, at=START)
    patrol_finish(patrol=patrol, at=END)
    assert not PointEntry.objects.filter(guard=guard).exists()
    checkin_mark(patrol=patrol, guard_id=guard.pk, status="present", at=END, reason="Seen at the gate")
    assert PointEntry.objects.filter(guard=guard, kind="patrol").count() == 1


# --- scans: proof of presence ------------------------------------------------------------------


def test_scan_near_the_checkpoint_counts_and_names_patrol_and_checkpoint(api_for, patrol, guard, checkpoint, at):
    patrol_start(patrol=patrol, at=START)
    at(START + datetime.timedelta(minutes=40))
    response = api_for(guard.user).post(
        "/api/v1/checkpoints/scan/", {"code": checkpoint_signed_code(checkpoint), "latitude": 32.2711, "longitude": 111.6011, "accuracy": 10,
                                      "patrol": patrol.pk}, format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["counts"] and body["position_state"] == "ok" and body["distance"] < 20
    assert "North gate" in body["message"] and patrol.liaison_point.name in body["message"] and "19:00–22:00" in body["message"]


def test_scan_from_far_away_is_flagged_not_counted_then_replaced_by_a_good_one(patrol, guard, checkpoint):
    patrol_start(patrol=patrol, at=START)
    code = checkpoint_signed_code(checkpoint)
    far = checkpoint_visit(code=code, guard=guard, at=START, latitude="41.0", longitude="111.6")  # ~1,000 km
    assert far.position_state == "far" and far.distance > 900_000 and not far.counts
    none = checkpoint_visit(code=code, guard=guard, at=START, latitude=None, longitude=None)
    assert none.position_state == "none" and not none.counts
    good = checkpoint_visit(code=code, guard=guard, at=START, latitude="32.271", longitude="111.601")
    assert good.counts and PatrolCheckpoint.objects.get(pk=good.pk).position_state == "ok"


def test_scan_for_another_patrol_or_with_a_replaced_code_is_refused(patrol, guard, checkpoint):
    patrol_start(patrol=patrol, at=START)
    with pytest.raises(DomainError) as exc:
        checkpoint_visit(code=checkpoint_signed_code(checkpoint), guard=guard, at=START, patrol_id=patrol.pk + 1000, **NEAR)
    assert "opened for another patrol" in exc.value.message
    old = checkpoint_signed_code(checkpoint)
    checkpoint_replace_code(checkpoint=checkpoint)
    with pytest.raises(DomainError) as exc:
        checkpoint_visit(code=old, guard=guard, at=START, **NEAR)
    assert "no longer in use" in exc.value.message


def test_scan_on_a_finished_patrol_is_refused_in_service_api_and_page(api_for, client_for, patrol, guard, checkpoint, at):
    patrol_start(patrol=patrol, at=START)
    patrol_finish(patrol=patrol, at=END - datetime.timedelta(minutes=10))
    code = checkpoint_signed_code(checkpoint)
    at(END - datetime.timedelta(minutes=5))
    with pytest.raises(DomainError) as exc:
        checkpoint_visit(code=code, guard=guard, **NEAR)
    assert "is Done" in exc.value.message and "11-17 19:00–22:00" in exc.value.message
    response = api_for(guard.user).post("/api/v1/checkpoints/scan/", {"code": code, **NEAR}, format="json")
    assert response.status_code == 409 and "Done" in response.json()["detail"]
    page = client_for(guard.user).post(f"/patrols/scan/{code}/", NEAR, follow=True)
    assert "scans count only while a patrol is under way" in page.content.decode()
    assert not PatrolCheckpoint.objects.filter(visited_at__isnull=False).exists()


def test_scan_under_way_after_the_window_is_refused_with_the_window(patrol, guard, checkpoint):
    patrol_start(patrol=patrol, at=START)
    with pytest.raises(DomainError) as exc:
        checkpoint_visit(code=checkpoint_signed_code(checkpoint), guard=guard, at=END + datetime.timedelta(minutes=50), **NEAR)
    assert "accepted 11-17 18:30–22:00; it is now 11-17 22:50" in exc.value.message


# --- auto-closing ------------------------------------------------------------------------------


def test_auto_finish_task_run_twice_marks_absent_and_credits_points_once(point, leader, patrol, guard, other_guard, at):
    checkin_record(patrol=patrol, guard=guard, at=START, **NEAR)
    patrol_start(patrol=patrol, at=START)
    never_started = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, guard_ids=[guard.pk])
    at(END + datetime.timedelta(minutes=29))
    assert patrols_close_overdue_task() == {"finished": 0, "flagged": 0, "missed": 0}  # still within the grace
    at(END + datetime.timedelta(minutes=31))

    first, second = patrols_close_overdue_task(), patrols_close_overdue_task()

    assert first == {"finished": 1, "flagged": 0, "missed": 1} and second == {"finished": 0, "flagged": 0, "missed": 0}
    patrol.refresh_from_db(); never_started.refresh_from_db()
    assert (patrol.status, patrol.actual_end) == ("done", END) and never_started.status == "missed"
    assert dict(CheckIn.objects.filter(patrol=patrol).values_list("guard_id", "status")) == {guard.pk: "present", other_guard.pk: "absent"}
    assert PointEntry.objects.filter(guard=guard, kind="patrol").count() == 1
    assert not CheckIn.objects.filter(patrol=never_started).exists()


def test_auto_close_flag_mode_leaves_the_patrol_to_its_leader(settings, patrol, at):
    settings.PATROL_AUTO_CLOSE = "flag"
    patrol_start(patrol=patrol, at=START)
    at(END + datetime.timedelta(hours=1))
    assert patrols_close_overdue_task()["flagged"] == 1 and patrols_close_overdue_task()["flagged"] == 0
    patrol.refresh_from_db()
    assert patrol.status == "under_way" and patrol.overdue_flagged_at == END + datetime.timedelta(hours=1)


# --- night patrols, coverage and the bulletin: known figures -----------------------------------


@pytest.fixture
def week(point, guard, other_guard, company):
    """Week 2026-W47 at `point`: two night patrols done, one day patrol done, one missed, one cancelled;
    on the night patrol, guard checked in far, other_guard without position, a third present, a fourth absent."""
    third, fourth = f.GuardFactory.create_batch(2, company=company, liaison_point=point)
    night = f.PatrolFactory(liaison_point=point, status="done", planned_start=START, actual_start=START, actual_end=END)
    f.PatrolFactory(liaison_point=point, status="done", planned_start=local_dt(2026, 11, 19, 5, 30), actual_start=local_dt(2026, 11, 19, 5, 30))
    f.PatrolFactory(liaison_point=point, status="done", planned_start=local_dt(2026, 11, 18, 9), actual_start=local_dt(2026, 11, 18, 9))
    f.PatrolFactory(liaison_point=point, status="missed", planned_start=local_dt(2026, 11, 20, 19))
    f.PatrolFactory(liaison_point=point, status="cancelled", planned_start=local_dt(2026, 11, 21, 19))
    for g, status, source, state in [(guard, "present", "guard", "far"), (other_guard, "present", "guard", "none"),
                                     (third, "late", "guard", "ok"), (fourth, "absent", "auto", "")]:
        f.PatrolMemberFactory(patrol=night, guard=g)
        CheckIn.objects.create(patrol=night, guard=g, at=START, status=status, source=source, position_state=state)
    return night


def test_coverage_counts_night_patrols_toward_the_minimum_and_day_ones_apart(api_for, officer, point, week):
    from patrol.selectors import patrol_week_coverage

    row = next(r for r in patrol_week_coverage(monday=datetime.date(2026, 11, 16)) if r.point_id == point.pk)
    assert (row.done, row.day_done, row.missed, row.planned, row.below(3)) == (2, 1, 1, 4, True)
    body = api_for(officer).get("/api/v1/patrols/coverage/", {"week": "2026-W47"}).json()
    assert {k: body["points"][0][k] for k in ("done", "day_done", "missed")} == {"done": 2, "day_done": 1, "missed": 1}


def test_bulletin_counts_only_what_the_rules_allow(point, week):
    from bulletins.figures import bulletin_figures

    figures = bulletin_figures(monday=datetime.date(2026, 11, 16))
    assert (figures["patrols"]["done"], figures["patrols"]["day_done"], figures["patrols"]["missed"]) == (2, 1, 1)
    assert figures["patrols"]["below_minimum"][0]["point_id"] == point.pk
    rc = figures["roll_call"]
    assert {k: rc[k] for k in ("scheduled", "present", "late", "far", "no_position", "absent")} == {
        "scheduled": 4, "present": 0, "late": 1, "far": 1, "no_position": 1, "absent": 1,
    }
    assert rc["attendance_rate"] == 50.0  # late + no position of 4; far is never counted as present
    assert figures["headline"]["roll_call_far"]["now"] == 1


# --- the API -----------------------------------------------------------------------------------


def test_api_mark_before_the_window_and_after_the_grace_is_409(api_for, officer, patrol, guard, at):
    api = api_for(officer)
    for moment in (START - datetime.timedelta(days=1), END + datetime.timedelta(hours=1)):
        at(moment)
        response = api.post(f"/api/v1/patrols/{patrol.pk}/mark/", {"guard": guard.pk, "status": "present"}, format="json")
        assert response.status_code == 409 and "18:30–22:30" in response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_api_override_needs_reason_and_is_in_the_log(api_for, officer, patrol, guard, at):
    at(START)
    checkin_record(patrol=patrol, guard=guard, **FAR)
    api = api_for(officer)
    refused = api.post(f"/api/v1/patrols/{patrol.pk}/mark/", {"guard": guard.pk, "status": "absent"}, format="json")
    done = api.post(f"/api/v1/patrols/{patrol.pk}/mark/", {"guard": guard.pk, "status": "absent", "reason": "Was at home"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert done.status_code == 200
    (entry,) = done.json()["roll_call_log"]
    assert (entry["kind"], entry["from_status"], entry["to_status"], entry["reason"], entry["by"]) == ("override", "present", "absent", "Was at home", officer.pk)


def test_api_check_in_far_and_without_position(api_for, patrol, guard, other_guard, at):
    at(START)
    far = api_for(guard.user).post(f"/api/v1/patrols/{patrol.pk}/check-in/", {**FAR, "accuracy": 25}, format="json")
    assert far.status_code == 200
    assert (far.json()["position_state"], far.json()["flagged"]) == ("far", True) and far.json()["distance"] > 2000
    assert "far: 2.2 km away" in far.json()["message"] and "19:00–22:00" in far.json()["message"]
    other_guard.user = f.UserFactory(role="guard")
    other_guard.save()
    none = api_for(other_guard.user).post(f"/api/v1/patrols/{patrol.pk}/check-in/", {}, format="json")
    assert none.json()["position_state"] == "none" and "No position was sent" in none.json()["message"]


def test_api_check_in_before_the_window_says_when_it_opens(api_for, patrol, guard, at):
    at(START - datetime.timedelta(hours=5))
    response = api_for(guard.user).post(f"/api/v1/patrols/{patrol.pk}/check-in/", {}, format="json")
    assert response.status_code == 400 and "Check-in opens at 11-17 18:30" in response.json()["at"][0]


# --- the pages ---------------------------------------------------------------------------------


def test_page_mark_before_the_window_and_after_the_grace_shows_why(client_for, officer, patrol, guard, at):
    client = client_for(officer)
    at(START - datetime.timedelta(days=1))
    assert "opens at 11-17 18:30" in client.post(f"/patrols/{patrol.pk}/roll-call/", {"guard": guard.pk, "status": "present"}, follow=True).content.decode()
    at(END + datetime.timedelta(hours=1))
    assert "closed at 11-17 22:30" in client.post(f"/patrols/{patrol.pk}/roll-call/", {"guard": guard.pk, "status": "present"}, follow=True).content.decode()
    assert not CheckIn.objects.exists()


def test_detail_page_shows_the_far_distance_no_position_and_the_log(client_for, officer, patrol, guard, other_guard, at):
    at(START)
    checkin_record(patrol=patrol, guard=guard, **FAR)
    checkin_record(patrol=patrol, guard=other_guard)
    client = client_for(officer)
    client.post(f"/patrols/{patrol.pk}/roll-call/", {"guard": other_guard.pk, "status": "late", "reason": "Came at 19:40"})
    body = client.get(f"/patrols/{patrol.pk}/").content.decode()
    assert "far: 2.2 km away" in body and "Came at 19:40" in body and "Roll-call marks and overrides" in body


def test_phone_page_button_follows_the_window_and_lists_upcoming_and_past(client_for, point, leader, patrol, guard, at):
    patrol_plan(liaison_point=point, leader=leader, planned_start=START + datetime.timedelta(days=2),
                planned_end=END + datetime.timedelta(days=2), guard_ids=[guard.pk])
    yesterday = f.PatrolFactory(liaison_point=point, status="missed", planned_start=START - datetime.timedelta(days=1))
    f.PatrolMemberFactory(patrol=yesterday, guard=guard)
    client = client_for(guard.user)
    at(local_dt(2026, 11, 17, 17, 0))
    early = client.get("/patrols/my/")
    assert early.context["rows"][0]["too_early"] and "Check-in opens at 11-17 18:30" in early.content.decode()
    assert " disabled" in early.content.decode()
    assert [line["patrol"].pk for line in early.context["past"]] == [yesterday.pk] and len(early.context["upcoming"]) == 1
    at(START)
    assert client.get("/patrols/my/").context["rows"][0]["open_now"]
    at(END + datetime.timedelta(minutes=1))
    late = client.get("/patrols/my/")
    assert late.context["rows"][0]["over"] and "Check-in closed at 11-17 22:00" in late.content.decode()
    assert f"/patrols/my/{patrol.pk}/check-in/" not in late.content.decode()


def test_phone_check_in_far_says_so_and_names_the_patrol(client_for, patrol, guard, at):
    at(START)
    body = client_for(guard.user).post(f"/patrols/my/{patrol.pk}/check-in/", {**FAR, "accuracy": "12"}, follow=True).content.decode()
    assert "Recorded but flagged for the leading officer: far: 2.2 km away" in body and patrol.liaison_point.name in body
