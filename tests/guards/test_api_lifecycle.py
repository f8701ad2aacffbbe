"""/api/v1/ for the guard lifecycle: training sessions, rosters, points, payouts, assessments,
equipment, exams. Scoping (outside = 404), roles (403), states (409), bad input (400), query counts."""
import csv
import datetime
import io
from decimal import Decimal

import pytest

from accounts.models import User
from assessments.models import Assessment, Equipment, EquipmentRecall
from guards.models import Guard
from rewards.models import PayoutRun, PointEntry, PointRule
from training.models import CertificateExam, RosterEntry, TrainingRoster, TrainingSession
from assessments.services import equipment_issue
from guards.services import guard_remove
from rewards.services import payout_compute, points_award
from training.services import exam_record, roster_approve, roster_compile, roster_submit, training_session_save
from tests import factories as f

pytestmark = pytest.mark.django_db

Q = "2027Q1"
TODAY = datetime.date(2026, 12, 20)
AFTER_SESSIONS = datetime.date(2027, 1, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    """The whole clock frozen on TODAY (10:00 in the office's time zone), not only timezone.localdate():
    timestamps, date.today() and factory defaults agree with it on every date the suite runs."""
    time_machine.move_to(f.local_dt(TODAY.year, TODAY.month, TODAY.day, 10), tick=False)


def set_today(time_machine, day):
    time_machine.move_to(f.local_dt(day.year, day.month, day.day, 10), tick=False)


def fresh(user):
    """The same account re-read, so no per-request cache from an earlier call skews a query count."""
    return User.objects.get(pk=user.pk)


def make_session(n, capacity=50, quarter=Q, day=None):
    return training_session_save(
        quarter=quarter, held_on=day or datetime.date(2027, 1, 10 + n), place=f"Hall {n}", subject_areas=["patrol"], capacity=capacity,
    )


def staff(company, n):
    return [f.GuardFactory(company=company, post=("Hospital", "School", "Market")[i % 3]) for i in range(n)]


@pytest.fixture
def sessions(db):
    return [make_session(i) for i in range(3)]


@pytest.fixture
def roster(company, sessions):
    staff(company, 6)
    return roster_compile(company=company, quarter=Q)


@pytest.fixture
def other_roster(other_company, sessions):
    staff(other_company, 3)
    return roster_compile(company=other_company, quarter=Q)


def submitted(roster, manager):
    roster_submit(roster=roster, by=manager)
    return roster


def approved(roster, manager, officer):
    roster_submit(roster=roster, by=manager)
    roster_approve(roster=roster, by=officer)
    return roster


def url(roster, action=""):
    return f"/api/v1/rosters/{roster.pk}/" + (f"{action}/" if action else "")


# --- training sessions --------------------------------------------------------------------------


def test_training_session_list_when_manager_reads_all_with_seats(api_for, manager, roster, sessions):
    response = api_for(manager).get("/api/v1/training-sessions/", {"quarter": "2027q1"})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [s.pk for s in sessions]
    assert sum(r["seated"] for r in rows) == 6


def test_training_session_list_when_guard_reads_too(api_for, guard, sessions):
    assert len(api_for(guard.user).get("/api/v1/training-sessions/").json()["results"]) == 3


def test_training_session_create_when_officer(api_for, officer):
    payload = {"quarter": "2027-q1", "held_on": "2027-02-03", "place": "County hall", "subject_areas": ["patrol", "video"], "capacity": 40}

    response = api_for(officer).post("/api/v1/training-sessions/", payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["quarter"] == "2027Q1" and response.json()["seated"] == 0
    assert TrainingSession.objects.get(pk=response.json()["id"]).subject_areas == ["patrol", "video"]


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_training_session_write_when_not_officer_is_403(api_for, who, request, sessions):
    user = request.getfixturevalue(who)
    api = api_for(user.user if who == "guard" else user)
    payload = {"quarter": Q, "held_on": "2027-02-03", "place": "X", "subject_areas": ["patrol"], "capacity": 4}

    assert api.post("/api/v1/training-sessions/", payload, format="json").status_code == 403
    assert api.patch(f"/api/v1/training-sessions/{sessions[0].pk}/", {"capacity": 1}, format="json").status_code == 403


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"quarter": "2027Q5"}, "quarter"),
        ({"subject_areas": ["cooking"]}, "subject_areas"),
        ({"subject_areas": []}, "subject_areas"),
        ({"capacity": 0}, "capacity"),
        ({"held_on": "2027-05-01"}, "held_on"),  # not in 2027Q1
        ({"held_on": "soon"}, "held_on"),
    ],
)
def test_training_session_create_when_input_is_bad_is_400(api_for, officer, overrides, field):
    payload = {"quarter": Q, "held_on": "2027-02-03", "place": "X", "subject_areas": ["patrol"], "capacity": 4, **overrides}

    response = api_for(officer).post("/api/v1/training-sessions/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not TrainingSession.objects.exists()


def test_training_session_update_below_seated_is_400(api_for, officer, roster, sessions):
    seated = sessions[0].entries.count()

    response = api_for(officer).patch(f"/api/v1/training-sessions/{sessions[0].pk}/", {"capacity": seated - 1}, format="json")

    assert response.status_code == 400 and "capacity" in response.json()
    assert api_for(officer).patch(f"/api/v1/training-sessions/{sessions[0].pk}/", {"place": "Annex"}, format="json").status_code == 200


def test_training_session_filter_bad_quarter_is_400(api_for, officer):
    response = api_for(officer).get("/api/v1/training-sessions/", {"quarter": "2027Q5"})

    assert response.status_code == 400 and list(response.json()) == ["quarter"]


# --- rosters: reading and scoping ---------------------------------------------------------------


def test_roster_list_when_officer_shows_all(api_for, officer, roster, other_roster):
    rows = api_for(officer).get("/api/v1/rosters/").json()["results"]

    assert {r["id"] for r in rows} == {roster.pk, other_roster.pk}
    mine = next(r for r in rows if r["id"] == roster.pk)
    assert (mine["company_name"], mine["quarter"], mine["status"], mine["entry_count"], mine["unplaced_count"]) == ("Company A", Q, "draft", 6, 0)


def test_roster_list_when_manager_shows_own_company_only(api_for, manager, roster, other_roster):
    api = api_for(manager)

    assert [r["id"] for r in api.get("/api/v1/rosters/").json()["results"]] == [roster.pk]
    assert api.get("/api/v1/rosters/", {"company": other_roster.company_id}).json()["results"] == []


def test_roster_list_when_guard_is_empty_and_detail_404(api_for, guard, roster):
    api = api_for(guard.user)

    assert api.get("/api/v1/rosters/").json()["results"] == []
    assert api.get(url(roster)).status_code == 404
    assert api.post(url(roster, "submit")).status_code == 404


def test_roster_list_filters(api_for, officer, manager, roster, other_roster):
    approved(roster, manager, officer)
    api = api_for(officer)

    def ids(**params):
        response = api.get("/api/v1/rosters/", params)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids(status="approved") == {roster.pk}
    assert ids(company=other_roster.company_id) == {other_roster.pk}
    assert ids(quarter="2027Q1") == {roster.pk, other_roster.pk}
    assert ids(quarter="2026Q4") == set()
    response = api.get("/api/v1/rosters/", {"quarter": "2027Q5", "status": "lost"})
    assert response.status_code == 400 and set(response.json()) == {"quarter", "status"}


def test_roster_detail_when_manager_shows_entries_unplaced_and_sessions(api_for, manager, roster, sessions, company):
    # given a guard compilation could not seat
    stray = f.GuardFactory(company=company, name="Stray", post="Gate")
    TrainingRoster.objects.filter(pk=roster.pk).update(unplaced=[stray.pk])

    body = api_for(manager).get(url(roster)).json()

    assert len(body["entries"]) == 6
    entry = body["entries"][0]
    assert set(entry) == {"id", "guard", "guard_name", "post", "session", "session_held_on", "session_place", "attended", "carried_over"}
    assert entry["post"] in ("Hospital", "School", "Market") and entry["attended"] is None and entry["carried_over"] is False
    assert body["unplaced_guards"] == [{"id": stray.pk, "name": "Stray", "post": "Gate"}]
    assert [s["id"] for s in body["sessions"]] == [s.pk for s in sessions]
    assert sum(s["company_seated"] for s in body["sessions"]) == 6


def test_roster_detail_when_manager_asks_for_other_company_is_404(api_for, manager, other_roster, sessions):
    api = api_for(manager)
    entry = other_roster.entries.first()

    assert api.get(url(other_roster)).status_code == 404
    assert api.post(url(other_roster, "submit")).status_code == 404
    assert api.post(url(other_roster, "move"), {"entry": entry.pk, "session": sessions[2].pk}, format="json").status_code == 404
    assert RosterEntry.objects.get(pk=entry.pk).session_id == entry.session_id


def test_roster_move_when_manager_names_another_companys_entry_is_400(api_for, manager, roster, other_roster, sessions):
    theirs = other_roster.entries.first()

    response = api_for(manager).post(url(roster, "move"), {"entry": theirs.pk, "session": sessions[2].pk}, format="json")

    assert response.status_code == 400 and list(response.json()) == ["entry"]
    assert RosterEntry.objects.get(pk=theirs.pk).session_id == theirs.session_id


# --- rosters: transitions -----------------------------------------------------------------------


def test_roster_happy_path_move_submit_return_resubmit_approve_attend_lock(api_for, manager, officer, roster, sessions, time_machine):
    as_manager, as_officer = api_for(manager), api_for(officer)
    entry = roster.entries.exclude(session=sessions[2]).first()

    # manager moves a guard and submits
    response = as_manager.post(url(roster, "move"), {"entry": entry.pk, "session": sessions[2].pk}, format="json")
    assert response.status_code == 200, response.json()
    assert next(e for e in response.json()["entries"] if e["id"] == entry.pk)["session"] == sessions[2].pk
    assert as_manager.post(url(roster, "submit")).json()["status"] == "submitted"

    # officer returns it with a reason; the manager resubmits; the officer approves
    body = as_officer.post(url(roster, "return"), {"reason": "Two hospital guards in one session"}, format="json").json()
    assert (body["status"], body["return_reason"]) == ("returned", "Two hospital guards in one session")
    assert as_manager.post(url(roster, "submit")).json()["status"] == "submitted"
    body = as_officer.post(url(roster, "approve")).json()
    assert body["status"] == "approved" and body["decided_by"] == officer.pk and body["decided_by_name"] == str(officer)

    # after the sessions, attendance is recorded (earning training points) and the roster locked
    PointRule.objects.update_or_create(kind="training", defaults={"points": 3, "active": True})
    set_today(time_machine, AFTER_SESSIONS)
    ids = list(roster.entries.values_list("pk", flat=True))
    response = as_officer.post(url(roster, "attendance"), {"attendance": {str(i): i != ids[0] for i in ids}}, format="json")
    assert response.status_code == 200, response.json()
    assert {e["id"]: e["attended"] for e in response.json()["entries"]} == {i: i != ids[0] for i in ids}
    assert list(PointEntry.objects.filter(kind="training").values_list("points", flat=True)) == [3] * 5
    assert as_officer.post(url(roster, "lock")).json()["status"] == "locked"


def test_roster_submit_when_officer(api_for, officer, roster):
    assert api_for(officer).post(url(roster, "submit")).json()["status"] == "submitted"


@pytest.mark.parametrize("step", ["approve", "return", "lock", "attendance"])
def test_roster_officer_steps_when_manager_is_403(api_for, manager, officer, roster, step):
    if step in ("approve", "return"):
        submitted(roster, manager)
    else:
        approved(roster, manager, officer)
    payload = {"reason": "x"} if step == "return" else {"attendance": {str(roster.entries.first().pk): True}} if step == "attendance" else {}

    response = api_for(manager).post(url(roster, step), payload, format="json")

    assert response.status_code == 403
    roster.refresh_from_db()
    assert roster.status == ("submitted" if step in ("approve", "return") else "approved")


@pytest.mark.parametrize(
    "state, step, who",
    [
        ("draft", "approve", "officer"),
        ("draft", "return", "officer"),
        ("draft", "lock", "officer"),
        ("draft", "attendance", "officer"),
        ("submitted", "submit", "manager"),
        ("submitted", "move", "manager"),
        ("approved", "submit", "manager"),
        ("approved", "approve", "officer"),
        ("approved", "return", "officer"),
        ("approved", "move", "officer"),
        ("approved", "lock", "officer"),  # attendance not recorded yet
    ],
)
def test_roster_step_in_wrong_state_is_409(api_for, request, manager, officer, roster, sessions, state, step, who):
    if state == "submitted":
        submitted(roster, manager)
    elif state == "approved":
        approved(roster, manager, officer)
    entry = roster.entries.exclude(session=sessions[2]).first()
    payload = {
        "return": {"reason": "x"},
        "move": {"entry": entry.pk, "session": sessions[2].pk},
        "attendance": {"attendance": {str(entry.pk): True}},
    }.get(step, {})

    response = api_for(request.getfixturevalue(who)).post(url(roster, step), payload, format="json")

    assert response.status_code == 409, response.json()
    roster.refresh_from_db()
    assert roster.status == state


def test_roster_return_without_reason_is_400(api_for, manager, officer, roster):
    submitted(roster, manager)
    api = api_for(officer)

    assert list(api.post(url(roster, "return"), {}, format="json").json()) == ["reason"]
    assert api.post(url(roster, "return"), {"reason": "  "}, format="json").status_code == 400
    roster.refresh_from_db()
    assert roster.status == "submitted"


def test_roster_move_to_a_full_session_is_400(api_for, manager, roster, other_company):
    full = make_session(7, capacity=1)
    RosterEntry.objects.create(
        roster=TrainingRoster.objects.create(company=other_company, quarter=Q), guard=f.GuardFactory(company=other_company), session=full,
    )
    entry = roster.entries.first()

    response = api_for(manager).post(url(roster, "move"), {"entry": entry.pk, "session": full.pk}, format="json")

    assert response.status_code == 400
    assert "full" in response.json()["session"][0]
    assert RosterEntry.objects.get(pk=entry.pk).session_id == entry.session_id


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"entry": 999999, "session": None}, "entry"),
        ({"entry": "abc", "session": None}, "entry"),
        ({"entry": None, "session": 999999}, "session"),
        ({"entry": None}, "session"),
    ],
)
def test_roster_move_when_input_is_bad_is_400(api_for, manager, roster, sessions, payload, field):
    entry = roster.entries.first()
    data = {k: v for k, v in payload.items()}
    data["entry"] = entry.pk if data.get("entry") is None else data["entry"]
    if "session" in data:
        data["session"] = sessions[2].pk if data["session"] is None else data["session"]

    response = api_for(manager).post(url(roster, "move"), data, format="json")

    assert response.status_code == 400 and field in response.json(), response.json()


def test_roster_move_to_a_session_of_another_quarter_is_400(api_for, manager, roster):
    later = make_session(0, quarter="2027Q2", day=datetime.date(2027, 4, 10))

    response = api_for(manager).post(url(roster, "move"), {"entry": roster.entries.first().pk, "session": later.pk}, format="json")

    assert response.status_code == 400 and list(response.json()) == ["session"]


@pytest.mark.parametrize(
    "attendance, message",
    [
        ({"999999": True}, "999999"),
        ({"abc": True}, "whole numbers"),
        ({}, ""),
    ],
)
def test_roster_attendance_when_input_is_bad_is_400(api_for, manager, officer, roster, time_machine, attendance, message):
    approved(roster, manager, officer)
    set_today(time_machine, AFTER_SESSIONS)

    response = api_for(officer).post(url(roster, "attendance"), {"attendance": attendance}, format="json")

    assert response.status_code == 400
    assert message in str(response.json()["attendance"])
    assert not roster.entries.filter(attended__isnull=False).exists()


def test_roster_attendance_for_a_session_to_come_is_400(api_for, manager, officer, roster):
    approved(roster, manager, officer)

    response = api_for(officer).post(url(roster, "attendance"), {"attendance": {str(roster.entries.first().pk): True}}, format="json")

    assert response.status_code == 400 and list(response.json()) == ["attendance"]


def test_roster_compile_when_officer_creates_each_companys_roster(api_for, officer, company, other_company, sessions):
    staff(company, 4)
    staff(other_company, 2)

    response = api_for(officer).post("/api/v1/rosters/compile/", {"quarter": "2027q1"}, format="json")

    assert response.status_code == 200, response.json()
    assert {(r["company_name"], r["entry_count"]) for r in response.json()} == {("Company A", 4), ("Company B", 2)}
    # compiling again duplicates nothing
    api_for(officer).post("/api/v1/rosters/compile/", {"quarter": Q}, format="json")
    assert RosterEntry.objects.count() == 6 and TrainingRoster.objects.count() == 2


def test_roster_compile_when_manager_is_403(api_for, manager, company, sessions):
    staff(company, 2)

    assert api_for(manager).post("/api/v1/rosters/compile/", {"quarter": Q}, format="json").status_code == 403
    assert not TrainingRoster.objects.exists()


@pytest.mark.parametrize("quarter", ["2027Q5", "2027", "", "Q1-2027"])
def test_roster_compile_with_bad_quarter_is_400(api_for, officer, quarter):
    response = api_for(officer).post("/api/v1/rosters/compile/", {"quarter": quarter}, format="json")

    assert response.status_code == 400 and list(response.json()) == ["quarter"]


def test_roster_delete_and_put_are_405(api_for, officer, roster):
    api = api_for(officer)

    assert api.delete(url(roster)).status_code == 405
    assert api.put(url(roster), {}, format="json").status_code == 405


# --- points -------------------------------------------------------------------------------------


@pytest.fixture
def ledger(guard, other_guard, company):
    colleague = f.GuardFactory(company=company, name="Colleague")
    rows = [
        (guard, "patrol", 2, datetime.date(2026, 11, 16)),  # 2026-W47 (Mon 16 Nov)
        (guard, "tip", 5, datetime.date(2026, 11, 18)),
        (guard, "deduction", -3, datetime.date(2026, 11, 22)),
        (guard, "patrol", 2, datetime.date(2026, 11, 23)),  # W48
        (colleague, "patrol", 2, datetime.date(2026, 11, 17)),
        (other_guard, "commendation", 10, datetime.date(2026, 11, 20)),
    ]
    for g, kind, pts, day in rows:
        points_award(guard_id=g.pk, kind=kind, points=pts, occurred_on=day)
    return colleague


def test_points_list_is_scoped_per_role(api_for, officer, manager, guard, other_guard, ledger):
    def guards_seen(user):
        return {r["guard"] for r in api_for(user).get("/api/v1/points/").json()["results"]}

    assert guards_seen(officer) == {guard.pk, other_guard.pk, ledger.pk}
    assert guards_seen(manager) == {guard.pk, ledger.pk}
    assert guards_seen(guard.user) == {guard.pk}
    other_entry = PointEntry.objects.filter(guard=other_guard).first()
    assert api_for(manager).get(f"/api/v1/points/{other_entry.pk}/").status_code == 404


def test_points_list_filters(api_for, officer, guard, other_guard, ledger):
    api = api_for(officer)

    def points(**params):
        response = api.get("/api/v1/points/", params)
        assert response.status_code == 200, response.json()
        return sorted(r["points"] for r in response.json()["results"])

    assert points(guard=guard.pk) == [-3, 2, 2, 5]
    assert points(kind="deduction") == [-3]
    assert points(date_from="2026-11-18", date_to="2026-11-20") == [5, 10]
    assert points(company=other_guard.company_id) == [10]
    response = api.get("/api/v1/points/", {"kind": "bribe", "date_from": "yesterday", "guard": "x"})
    assert response.status_code == 400 and set(response.json()) == {"kind", "date_from", "guard"}


@pytest.mark.parametrize("kind, points, stored", [("commendation", 10, 10), ("deduction", 5, -5)])
def test_points_create_when_officer(api_for, officer, guard, kind, points, stored):
    payload = {"guard": guard.pk, "kind": kind, "points": points, "reason": "Helped at the flood", "occurred_on": "2026-12-01"}

    response = api_for(officer).post("/api/v1/points/", payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["points"], body["kind"], body["created_by"], body["occurred_on"]) == (stored, kind, officer.pk, "2026-12-01")
    assert PointEntry.objects.get(pk=body["id"]).reason == "Helped at the flood"


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_points_create_when_not_officer_is_403(api_for, who, request, guard):
    user = request.getfixturevalue(who)
    payload = {"guard": guard.pk, "kind": "commendation", "points": 5, "reason": "x"}

    assert api_for(user.user if who == "guard" else user).post("/api/v1/points/", payload, format="json").status_code == 403
    assert not PointEntry.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"reason": ""}, "reason"),
        ({"reason": None}, "reason"),
        ({"kind": "patrol"}, "kind"),
        ({"points": 0}, "points"),
        ({"points": -5}, "points"),
        ({"points": "many"}, "points"),
        ({"guard": 999999}, "guard"),
        ({"occurred_on": "2027-01-05"}, "occurred_on"),  # in the future
    ],
)
def test_points_create_when_input_is_bad_is_400(api_for, officer, guard, overrides, field):
    payload = {"guard": guard.pk, "kind": "deduction", "points": 5, "reason": "Late", **overrides}
    payload = {k: v for k, v in payload.items() if v is not None}

    response = api_for(officer).post("/api/v1/points/", payload, format="json")

    assert response.status_code == 400 and field in response.json(), response.json()
    assert not PointEntry.objects.exists()


def test_points_weekly_totals_per_guard(api_for, officer, manager, guard, other_guard, ledger):
    response = api_for(officer).get("/api/v1/points/weekly/", {"week": "2026-W47"})

    assert response.status_code == 200, response.json()
    rows = {r["guard"]: r for r in response.json()["results"]}
    assert set(rows) == {guard.pk, other_guard.pk, ledger.pk}
    mine = rows[guard.pk]
    assert (mine["week"], mine["points"], mine["earned"], mine["deducted"], mine["entries"]) == ("2026-W47", 4, 7, -3, 3)
    assert (mine["company"], mine["company_name"]) == (guard.company_id, "Company A")
    assert rows[other_guard.pk]["points"] == 10
    # ordered by points, highest first
    assert [r["guard"] for r in response.json()["results"]] == [other_guard.pk, guard.pk, ledger.pk]
    # a manager sees their company's guards only; filters apply
    assert {r["guard"] for r in api_for(manager).get("/api/v1/points/weekly/", {"week": "2026-W47"}).json()["results"]} == {guard.pk, ledger.pk}
    filtered = api_for(officer).get("/api/v1/points/weekly/", {"week": "2026-W47", "company": other_guard.company_id}).json()["results"]
    assert [r["guard"] for r in filtered] == [other_guard.pk]


def test_points_weekly_defaults_to_this_week(api_for, officer, guard):
    points_award(guard_id=guard.pk, kind="patrol", points=2, occurred_on=TODAY)

    rows = api_for(officer).get("/api/v1/points/weekly/").json()["results"]

    assert [(r["week"], r["points"]) for r in rows] == [("2026-W51", 2)]


@pytest.mark.parametrize("week", ["2026-W54", "last week", "2026W00"])
def test_points_weekly_with_bad_week_is_400(api_for, officer, week):
    response = api_for(officer).get("/api/v1/points/weekly/", {"week": week})

    assert response.status_code == 400 and list(response.json()) == ["week"]


def test_point_rules_read_by_all_and_edited_by_officers(api_for, officer, manager):
    rule = PointRule.objects.update_or_create(kind="patrol", defaults={"points": 2})[0]

    rows = api_for(manager).get("/api/v1/point-rules/").json()
    assert {"kind": "patrol", "points": 2} in [{"kind": r["kind"], "points": r["points"]} for r in rows]
    assert api_for(manager).patch(f"/api/v1/point-rules/{rule.pk}/", {"points": 9}, format="json").status_code == 403

    response = api_for(officer).patch(f"/api/v1/point-rules/{rule.pk}/", {"points": 3, "active": False, "kind": "tip"}, format="json")
    assert response.status_code == 200
    rule.refresh_from_db()
    assert (rule.kind, rule.points, rule.active) == ("patrol", 3, False)
    assert api_for(officer).patch(f"/api/v1/point-rules/{rule.pk}/", {"points": "x"}, format="json").status_code == 400
    assert api_for(officer).delete(f"/api/v1/point-rules/{rule.pk}/").status_code == 405


# --- payouts ------------------------------------------------------------------------------------

NOV = datetime.date(2026, 11, 1)


@pytest.fixture
def november(company, other_company):
    """Company A: Li Lei 14 points (with a deduction), Han Meimei 2 (removed mid-month);
    Company B: Zhao -5 (pays nothing)."""
    a = f.GuardFactory(company=company, name="Li Lei", post="Hospital")
    b = f.GuardFactory(company=company, name="Han Meimei", post="School")
    c = f.GuardFactory(company=other_company, name="Zhao", post="Market")
    for day, kind, pts in [(3, "patrol", 2), (10, "patrol", 2), (12, "tip", 5), (20, "deduction", -5), (25, "commendation", 10)]:
        points_award(guard_id=a.pk, kind=kind, points=pts, occurred_on=NOV.replace(day=day))
    points_award(guard_id=b.pk, kind="patrol", points=2, occurred_on=NOV.replace(day=4))
    guard_remove(guard=b, reason="left the company")
    points_award(guard_id=c.pk, kind="deduction", points=-5, occurred_on=NOV.replace(day=8))
    return a, b, c


def test_payout_compute_when_officer(api_for, officer, november):
    a, b, c = november

    response = api_for(officer).post("/api/v1/payouts/compute/", {"month": "2026-11", "yuan_per_point": "12.50"}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["month"], body["status"], body["total_points"], body["total_amount"], body["guard_count"]) == ("2026-11", "draft", 16, "200.00", 3)
    assert {line["guard"]: (line["points"], line["amount"]) for line in body["lines"]} == {
        a.pk: (14, "175.00"), b.pk: (2, "25.00"), c.pk: (-5, "0.00"),
    }
    assert {c_["company_name"]: (c_["guards"], c_["points"], c_["amount"]) for c_ in body["companies"]} == {
        "Company A": (2, 16, "200.00"), "Company B": (1, 0, "0.00"),
    }


def test_payout_compute_and_approve_when_manager_is_403(api_for, manager, november):
    api = api_for(manager)

    assert api.post("/api/v1/payouts/compute/", {"month": "2026-11"}, format="json").status_code == 403
    run = payout_compute(month=NOV)
    assert api.post(f"/api/v1/payouts/{run.pk}/approve/").status_code == 403
    run.refresh_from_db()
    assert run.status == "draft"


@pytest.mark.parametrize(
    "payload, field",
    [({"month": "2026-13"}, "month"), ({"month": "November"}, "month"), ({}, "month"), ({"month": "2026-11", "yuan_per_point": "-1"}, "yuan_per_point")],
)
def test_payout_compute_when_input_is_bad_is_400(api_for, officer, payload, field):
    response = api_for(officer).post("/api/v1/payouts/compute/", payload, format="json")

    assert response.status_code == 400 and list(response.json()) == [field]
    assert not PayoutRun.objects.exists()


def test_payout_approve_then_approve_again_or_recompute_is_409(api_for, officer, november):
    run = payout_compute(month=NOV)
    api = api_for(officer)

    body = api.post(f"/api/v1/payouts/{run.pk}/approve/").json()
    assert (body["status"], body["approved_by"]) == ("approved", officer.pk)
    assert api.post(f"/api/v1/payouts/{run.pk}/approve/").status_code == 409
    assert api.post("/api/v1/payouts/compute/", {"month": "2026-11"}, format="json").status_code == 409


def test_payout_when_manager_sees_only_own_company(api_for, manager, november, other_company):
    a, b, c = november
    run = payout_compute(month=NOV, yuan_per_point=Decimal("12.50"))
    api = api_for(manager)

    [row] = api.get("/api/v1/payouts/").json()["results"]
    assert (row["total_points"], row["total_amount"], row["guard_count"]) == (16, "200.00", 2)
    body = api.get(f"/api/v1/payouts/{run.pk}/").json()
    assert {line["guard"] for line in body["lines"]} == {a.pk, b.pk}
    assert [c_["company"] for c_ in body["companies"]] == [a.company_id]
    assert api.get(f"/api/v1/payouts/{run.pk}/", {"company": other_company.pk}).json()["lines"] == []


def test_payout_when_guard_is_403(api_for, guard, november):
    run = payout_compute(month=NOV)

    assert api_for(guard.user).get("/api/v1/payouts/").status_code == 403
    assert api_for(guard.user).get(f"/api/v1/payouts/{run.pk}/export/").status_code == 403


def test_payout_export_csv_for_a_company(api_for, officer, november, company):
    run = payout_compute(month=NOV, yuan_per_point=Decimal("12.50"))

    response = api_for(officer).get(f"/api/v1/payouts/{run.pk}/export/", {"company": company.pk, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="payout-2026-11-{company.pk}.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [
        ["Month", "Company", "Guard", "Post", "Points", "Yuan per point", "Amount (yuan)"],
        ["2026-11", "Company A", "Li Lei", "Hospital", "14", "12.50", "175.00"],
        ["2026-11", "Company A", "Han Meimei", "School", "2", "12.50", "25.00"],
        ["Total", "", "", "", "16", "", "200.00"],
    ]


def test_payout_export_xlsx(api_for, officer, november, other_company):
    from openpyxl import load_workbook

    run = payout_compute(month=NOV, yuan_per_point=Decimal("12.50"))

    response = api_for(officer).get(f"/api/v1/payouts/{run.pk}/export/", {"company": other_company.pk, "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["2026-11", "Company B", "Zhao", "Market", -5, 12.5, 0]
    assert rows[-1][0] == "Total" and len(rows) == 3


def test_payout_export_when_manager_is_own_company_only(api_for, manager, november, company, other_company):
    run = payout_compute(month=NOV, yuan_per_point=Decimal("12.50"))
    api = api_for(manager)

    response = api.get(f"/api/v1/payouts/{run.pk}/export/")
    assert response.status_code == 200
    assert "Li Lei" in response.content.decode() and "Zhao" not in response.content.decode()
    assert api.get(f"/api/v1/payouts/{run.pk}/export/", {"company": other_company.pk}).status_code == 404


@pytest.mark.parametrize("params, status, field", [({"format": "pdf"}, 400, "format"), ({"company": "abc"}, 400, "company"), ({"company": 999999}, 404, None)])
def test_payout_export_when_input_is_bad(api_for, officer, november, params, status, field):
    run = payout_compute(month=NOV)

    response = api_for(officer).get(f"/api/v1/payouts/{run.pk}/export/", params)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    if field:
        assert list(response.json()) == [field]


# --- assessments --------------------------------------------------------------------------------


def test_assessments_run_when_officer_then_scoped_reads(api_for, officer, manager, guard, other_guard, company):
    for i in range(8):
        points_award(guard_id=guard.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 10, 1 + i))

    response = api_for(officer).post("/api/v1/assessments/run/", {"quarter": "2026q4"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["quarter"] == "2026Q4" and response.json()["applied"] is False
    assert sum(response.json()["counts"].values()) == 2
    assert {r["guard"] for r in api_for(officer).get("/api/v1/assessments/").json()["results"]} == {guard.pk, other_guard.pk}
    assert {r["guard"] for r in api_for(manager).get("/api/v1/assessments/").json()["results"]} == {guard.pk}
    assert {r["guard"] for r in api_for(guard.user).get("/api/v1/assessments/").json()["results"]} == {guard.pk}
    theirs = Assessment.objects.get(guard=other_guard)
    assert api_for(manager).get(f"/api/v1/assessments/{theirs.pk}/").status_code == 404
    mine = api_for(officer).get("/api/v1/assessments/", {"quarter": "2026Q4", "company": company.pk}).json()["results"]
    assert [r["guard"] for r in mine] == [guard.pk] and mine[0]["components"]["parts"]["patrols"] == 20.0


def test_assessments_run_apply_removes_failing_guards(api_for, officer, company):
    weak = f.GuardFactory(company=company, certificate_status="none", certificate_expires_on=None)

    body = api_for(officer).post("/api/v1/assessments/run/", {"quarter": "2026Q4", "apply": True}, format="json").json()

    assert body["applied"] is True and body["counts"] == {"remove": 1}
    weak.refresh_from_db()
    assert weak.status == "removed"
    assert api_for(officer).get("/api/v1/assessments/", {"outcome": "remove", "applied": "true"}).json()["count"] == 1


def test_assessments_run_when_manager_is_403_and_bad_quarter_400(api_for, manager, officer):
    assert api_for(manager).post("/api/v1/assessments/run/", {"quarter": "2026Q4"}, format="json").status_code == 403
    response = api_for(officer).post("/api/v1/assessments/run/", {"quarter": "2027Q5"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["quarter"]
    assert api_for(officer).get("/api/v1/assessments/", {"outcome": "fail"}).status_code == 400
    assert not Assessment.objects.exists()


# --- equipment ----------------------------------------------------------------------------------


def test_equipment_lifecycle_when_officer(api_for, officer, guard, point):
    api = api_for(officer)

    item = api.post("/api/v1/equipment/", {"kind": "baton", "serial_number": "B-001", "status": "issued"}, format="json").json()
    assert item["status"] == "in_store"  # state changes only through the actions

    body = api.post(f"/api/v1/equipment/{item['id']}/issue/", {"guard": guard.pk, "on": "2026-12-01"}, format="json").json()
    assert (body["status"], body["issued_to_guard"], body["issued_to_guard_name"], body["issued_on"]) == ("issued", guard.pk, guard.name, "2026-12-01")
    assert api.post(f"/api/v1/equipment/{item['id']}/issue/", {"point": point.pk}, format="json").status_code == 409
    assert api.delete(f"/api/v1/equipment/{item['id']}/").status_code == 409

    body = api.post(f"/api/v1/equipment/{item['id']}/return/", {}, format="json").json()
    assert (body["status"], body["issued_to_guard"]) == ("in_store", None)
    assert api.post(f"/api/v1/equipment/{item['id']}/return/", {}, format="json").status_code == 409
    assert api.delete(f"/api/v1/equipment/{item['id']}/").status_code == 204


@pytest.mark.parametrize("payload", [{}, {"guard": "GUARD", "point": "POINT"}, {"guard": 999999}])
def test_equipment_issue_when_input_is_bad_is_400(api_for, officer, guard, point, payload):
    item = Equipment.objects.create(kind="radio", serial_number="R-1")
    payload = {k: {"GUARD": guard.pk, "POINT": point.pk}.get(v, v) for k, v in payload.items()}

    response = api_for(officer).post(f"/api/v1/equipment/{item.pk}/issue/", payload, format="json")

    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == "in_store"


def test_equipment_when_manager_reads_own_guards_items_only(api_for, manager, guard, other_guard, point):
    mine = equipment_issue(equipment=Equipment.objects.create(kind="radio", serial_number="R-A"), guard=guard)
    theirs = equipment_issue(equipment=Equipment.objects.create(kind="radio", serial_number="R-B"), guard=other_guard)
    equipment_issue(equipment=Equipment.objects.create(kind="shield", serial_number="S-P"), point=point)
    api = api_for(manager)

    assert [r["id"] for r in api.get("/api/v1/equipment/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/equipment/{theirs.pk}/").status_code == 404
    assert api.post("/api/v1/equipment/", {"kind": "baton", "serial_number": "X"}, format="json").status_code == 403
    assert api.post(f"/api/v1/equipment/{mine.pk}/return/", {}, format="json").status_code == 403
    assert [r["id"] for r in api_for(guard.user).get("/api/v1/equipment/").json()["results"]] == [mine.pk]


def test_equipment_create_with_duplicate_serial_is_400(api_for, officer):
    Equipment.objects.create(kind="radio", serial_number="R-1")

    response = api_for(officer).post("/api/v1/equipment/", {"kind": "radio", "serial_number": "R-1"}, format="json")

    assert response.status_code == 400 and list(response.json()) == ["serial_number"]
    assert api_for(officer).post("/api/v1/equipment/", {"kind": "tank", "serial_number": "T"}, format="json").status_code == 400


def test_equipment_recalls_open_filter_and_scope(api_for, officer, manager, guard, other_guard):
    baton = equipment_issue(equipment=Equipment.objects.create(kind="baton", serial_number="B-1"), guard=guard)
    equipment_issue(equipment=Equipment.objects.create(kind="radio", serial_number="R-1"), guard=guard)
    equipment_issue(equipment=Equipment.objects.create(kind="radio", serial_number="R-2"), guard=other_guard)
    guard_remove(guard=guard, reason="failed assessment")
    guard_remove(guard=other_guard, reason="left")
    api = api_for(officer)
    api.post(f"/api/v1/equipment/{baton.pk}/return/", {}, format="json")

    def serials(user=officer, **params):
        response = api_for(user).get("/api/v1/equipment-recalls/", params)
        assert response.status_code == 200, response.json()
        return sorted(r["serial_number"] for r in response.json()["results"])

    assert serials() == ["B-1", "R-1", "R-2"]
    assert serials(open="true") == ["R-1", "R-2"]
    assert serials(open="false") == ["B-1"]
    assert serials(manager) == ["B-1", "R-1"]
    assert api.get("/api/v1/equipment/", {"status": "recall"}).json()["results"][0]["recall_open"] is True
    assert EquipmentRecall.objects.filter(returned_on=TODAY).count() == 1


# --- exams --------------------------------------------------------------------------------------


def test_exam_record_when_officer_issues_certificate(api_for, officer, company):
    g = f.GuardFactory(company=company, certificate_status="none", certificate_expires_on=None, certificate_number="")

    response = api_for(officer).post("/api/v1/exams/", {"guard": g.pk, "taken_on": "2026-12-12", "score": 82}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["passed"] is True and body["certificate_expires_on"] == "2029-12-11" and body["certificate_number"]


@pytest.mark.parametrize(
    "overrides, field",
    [({"score": 101}, "score"), ({"score": -1}, "score"), ({"score": "abc"}, "score"), ({"taken_on": "2027-01-01"}, "taken_on"), ({"guard": 999999}, "guard")],
)
def test_exam_record_when_input_is_bad_is_400(api_for, officer, guard, overrides, field):
    payload = {"guard": guard.pk, "taken_on": "2026-12-12", "score": 70, **overrides}

    response = api_for(officer).post("/api/v1/exams/", payload, format="json")

    assert response.status_code == 400 and list(response.json()) == [field]
    assert not CertificateExam.objects.exists()


def test_exams_when_manager_reads_own_company_and_cannot_record(api_for, manager, guard, other_guard):
    exam_record(guard=guard, taken_on=datetime.date(2026, 12, 1), score=90)
    theirs = exam_record(guard=other_guard, taken_on=datetime.date(2026, 12, 1), score=50)
    api = api_for(manager)

    assert [r["guard"] for r in api.get("/api/v1/exams/").json()["results"]] == [guard.pk]
    assert api.get(f"/api/v1/exams/{theirs.pk}/").status_code == 404
    assert api.post("/api/v1/exams/", {"guard": guard.pk, "taken_on": "2026-12-12", "score": 70}, format="json").status_code == 403
    assert api_for(manager).get("/api/v1/exams/", {"passed": "false"}).json()["results"] == []


# --- query counts -------------------------------------------------------------------------------


def _grow_sessions(n, ctx):
    for i in range(n):
        make_session(ctx["n"] + i, day=datetime.date(2027, 2, 1) + datetime.timedelta(days=(ctx["n"] + i) % 50))
    ctx["n"] += n


def _grow_rosters(n, ctx):
    for _ in range(n):
        c = f.SecurityCompanyFactory()
        f.GuardFactory.create_batch(2, company=c)
        r = roster_compile(company=c, quarter=Q)
        TrainingRoster.objects.filter(pk=r.pk).update(status="submitted", decided_by=ctx["officer"])


def _grow_points(n, ctx):
    for i in range(n):
        g = f.GuardFactory(company=ctx["company"])
        points_award(guard_id=g.pk, kind="commendation", points=3, occurred_on=datetime.date(2026, 11, 16 + i % 7), by=ctx["officer"])
        points_award(guard_id=g.pk, kind="deduction", points=-1, occurred_on=datetime.date(2026, 11, 16 + i % 7))


def _grow_payouts(n, ctx):
    g = f.GuardFactory(company=ctx["company"])
    for i in range(n):
        month = datetime.date(2020 + (ctx["n"] + i) // 12, (ctx["n"] + i) % 12 + 1, 1)
        points_award(guard_id=g.pk, kind="patrol", points=2, occurred_on=month)
        run = payout_compute(month=month)
        PayoutRun.objects.filter(pk=run.pk).update(approved_by=ctx["officer"])
    ctx["n"] += n


def _grow_payout_lines(n, ctx):
    for _ in range(n):
        g = f.GuardFactory(company=ctx["company"])
        points_award(guard_id=g.pk, kind="patrol", points=2, occurred_on=NOV)
    payout_compute(month=NOV)


def _grow_assessments(n, ctx):
    for g in f.GuardFactory.create_batch(n, company=ctx["company"]):
        Assessment.objects.create(guard=g, quarter="2026Q4", score=50, outcome="warning")


def _grow_equipment(n, ctx):
    for i in range(n):
        e = Equipment.objects.create(kind="radio", serial_number=f"R-{ctx['n'] + i}")
        if i % 2:
            equipment_issue(equipment=e, guard=f.GuardFactory(company=ctx["company"]))
        else:
            equipment_issue(equipment=e, point=ctx["point"])
    ctx["n"] += n


def _grow_recalls(n, ctx):
    for i in range(n):
        g = f.GuardFactory(company=ctx["company"])
        equipment_issue(equipment=Equipment.objects.create(kind="baton", serial_number=f"B-{ctx['n'] + i}"), guard=g)
        guard_remove(guard=g, reason="test")
    ctx["n"] += n


def _grow_exams(n, ctx):
    for g in f.GuardFactory.create_batch(n, company=ctx["company"]):
        exam_record(guard=g, taken_on=datetime.date(2026, 12, 1), score=75)


def _grow_rules(n, ctx):
    if not ctx["n"]:
        PointRule.objects.all().delete()  # the migration seeds every kind
        ctx["n"] = 1
    kinds = [k for k in PointRule.Kind.values if not PointRule.objects.filter(kind=k).exists()]
    for kind in kinds[:n]:
        PointRule.objects.create(kind=kind, points=1)


LISTS = [
    ("/api/v1/training-sessions/", _grow_sessions),
    ("/api/v1/rosters/", _grow_rosters),
    ("/api/v1/points/", _grow_points),
    ("/api/v1/points/weekly/?week=2026-W47", _grow_points),
    ("/api/v1/point-rules/", _grow_rules),
    ("/api/v1/payouts/", _grow_payouts),
    ("/api/v1/assessments/", _grow_assessments),
    ("/api/v1/equipment/", _grow_equipment),
    ("/api/v1/equipment-recalls/", _grow_recalls),
    ("/api/v1/exams/", _grow_exams),
]


@pytest.mark.parametrize("who", ["officer", "manager"])
@pytest.mark.parametrize("path, grow", LISTS, ids=[p for p, _ in LISTS])
def test_list_query_count_is_flat(api_for, request, who, company, point, officer, path, grow, django_assert_max_num_queries, django_assert_num_queries):
    user = request.getfixturevalue(who)
    ctx = {"company": company, "point": point, "officer": officer, "n": 0}
    grow(2, ctx)
    api = api_for(fresh(user))
    with django_assert_max_num_queries(3) as few:  # [manager profile], count, page (joined/annotated)
        assert api.get(path).status_code == 200
    grow(5, ctx)
    api = api_for(fresh(user))
    with django_assert_num_queries(len(few.captured_queries)):
        response = api.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_roster_detail_query_count_is_flat(api_for, request, who, company, sessions, django_assert_num_queries):
    user = request.getfixturevalue(who)
    staff(company, 2)
    roster = roster_compile(company=company, quarter=Q)
    strays = staff(company, 1)
    TrainingRoster.objects.filter(pk=roster.pk).update(unplaced=[g.pk for g in strays], decided_by=user)
    # [1 manager profile], 2 roster with company/decider and entry count, 3 entries with guard and
    # session, 4 unplaced guards, 5 the quarter's sessions with seats
    expected = 4 if who == "officer" else 5
    api = api_for(fresh(user))
    with django_assert_num_queries(expected):
        assert len(api.get(url(roster)).json()["entries"]) == 2
    staff(company, 10)
    roster_compile(company=company, quarter=Q)
    strays += staff(company, 5)
    TrainingRoster.objects.filter(pk=roster.pk).update(unplaced=[g.pk for g in strays])
    make_session(9)
    api = api_for(fresh(user))
    with django_assert_num_queries(expected):
        body = api.get(url(roster)).json()
    assert len(body["entries"]) == 13 and len(body["unplaced_guards"]) == 6 and len(body["sessions"]) == 4


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_payout_detail_and_export_query_count_is_flat(api_for, request, who, company, officer, django_assert_num_queries):
    user = request.getfixturevalue(who)
    ctx = {"company": company, "officer": officer, "n": 0}
    _grow_payout_lines(2, ctx)
    run = PayoutRun.objects.get()
    # [manager profile], run with totals, company totals, lines with guard and company
    expected = 3 if who == "officer" else 4
    export_expected = 3 if who == "officer" else 5  # + the audit log's INSERT (an export is audited)
    for lines in (2, 10):
        if lines == 10:
            _grow_payout_lines(8, ctx)
        api = api_for(fresh(user))
        with django_assert_num_queries(expected):
            assert len(api.get(f"/api/v1/payouts/{run.pk}/").json()["lines"]) == lines
        # [manager profile], run, [the company is visible], lines with guard and company, audit event
        api = api_for(fresh(user))
        with django_assert_num_queries(export_expected):
            assert api.get(f"/api/v1/payouts/{run.pk}/export/").content.decode().count("\n") == lines + 2


# --- the schema ---------------------------------------------------------------------------------


def test_schema_lists_the_lifecycle_paths(api_for, officer):
    paths = api_for(officer).get("/api/schema/", {"format": "json"}).json()["paths"]

    for path in [
        "/api/v1/training-sessions/", "/api/v1/rosters/", "/api/v1/rosters/{id}/", "/api/v1/rosters/{id}/submit/",
        "/api/v1/rosters/{id}/approve/", "/api/v1/rosters/{id}/return/", "/api/v1/rosters/{id}/move/",
        "/api/v1/rosters/{id}/attendance/", "/api/v1/rosters/{id}/lock/", "/api/v1/rosters/compile/",
        "/api/v1/points/", "/api/v1/points/weekly/", "/api/v1/point-rules/", "/api/v1/payouts/compute/",
        "/api/v1/payouts/{id}/approve/", "/api/v1/payouts/{id}/export/", "/api/v1/assessments/run/",
        "/api/v1/equipment/{id}/issue/", "/api/v1/equipment/{id}/return/", "/api/v1/equipment-recalls/", "/api/v1/exams/",
    ]:
        assert path in paths, path


# --- admin --------------------------------------------------------------------------------------


def test_admin_changelists_render_and_roster_actions_call_services(client_for, roster, manager, november):
    admin = f.UserFactory(username="root", is_staff=True, is_superuser=True, role="admin")
    client = client_for(admin)
    payout_compute(month=NOV)
    equipment_issue(equipment=Equipment.objects.create(kind="radio", serial_number="R-9"), guard=f.GuardFactory(company=roster.company))
    exam_record(guard=Guard.objects.filter(company=roster.company).first(), taken_on=datetime.date(2026, 12, 1), score=80)
    for app, model in [("training", "certificateexam"), ("training", "trainingsession"), ("training", "trainingroster"), ("training", "rosterentry"),
                       ("rewards", "payoutrun"), ("rewards", "payoutline"), ("assessments", "assessment"), ("assessments", "equipment"),
                       ("assessments", "equipmentrecall")]:
        response = client.get(f"/admin/{app}/{model}/")
        assert response.status_code == 200, model
    assert client.get(f"/admin/training/trainingroster/{roster.pk}/change/").status_code == 200

    # when the submit then approve actions run
    client.post("/admin/training/trainingroster/", {"action": "submit", "_selected_action": [roster.pk]})
    client.post("/admin/training/trainingroster/", {"action": "approve", "_selected_action": [roster.pk]})
    roster.refresh_from_db()
    assert roster.status == "approved" and roster.decided_by == admin
    # and a refused one is reported, not raised
    response = client.post("/admin/training/trainingroster/", {"action": "approve", "_selected_action": [roster.pk]}, follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("kind, points", [("deduction", 5), ("absent", 1), ("patrol", -2)])
def test_point_rule_with_the_wrong_sign_is_refused_in_the_api(api_for, officer, kind, points):
    from rewards.models import PointRule

    rule = PointRule.objects.get(kind=kind)
    response = api_for(officer).patch(f"/api/v1/point-rules/{rule.pk}/", {"points": points}, format="json")
    assert response.status_code == 400 and "points" in response.json()
    rule.refresh_from_db()
    assert rule.points != points
