"""Guard lifecycle pages: roles and scoping (403/404), bad input shown as field errors with nothing
saved, the roster hand-over through the pages (manager moves and submits, officer approves or
returns, attendance and lock), payouts and exports, assessments with their confirm step, the
equipment register, the guard page's duty panel, and flat query counts on every list page."""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from assessments.models import Assessment, Equipment, EquipmentRecall
from guards.models import DutyPolicy, Guard
from rewards.models import PayoutRun, PointEntry, PointRule
from training.models import CertificateExam, RosterEntry, TrainingRoster, TrainingSession
from assessments.services import equipment_issue
from rewards.services import payout_approve, payout_compute, points_award
from training.services import exam_record, roster_approve, roster_compile, roster_submit, training_session_save
from tests import factories as f

pytestmark = pytest.mark.django_db

Q = "2027Q1"
TODAY = datetime.date(2026, 12, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    """The whole clock frozen on TODAY (10:00 in the office's time zone), not only timezone.localdate():
    timestamps, date.today() and factory defaults agree with it on every date the suite runs."""
    time_machine.move_to(f.local_dt(TODAY.year, TODAY.month, TODAY.day, 10), tick=False)


def make_session(n, *, capacity=50, quarter=Q, day=None):
    return training_session_save(
        quarter=quarter, held_on=day or datetime.date(2027, 1, 10 + n), place=f"Hall {n}", subject_areas=["patrol", "rescue"],
        capacity=capacity, trainer="Trainer",
    )


@pytest.fixture
def sessions(db):
    return [make_session(i) for i in range(3)]


@pytest.fixture
def roster(company, sessions, guard, settings):
    settings.ROSTER_MAX_SHARE = 1.0
    f.GuardFactory.create_batch(4, company=company)
    return roster_compile(company=company, quarter=Q)


@pytest.fixture
def other_roster(other_company, sessions, other_guard):
    return roster_compile(company=other_company, quarter=Q)


@pytest.fixture
def run(company, guard):
    points_award(guard_id=guard.pk, kind="patrol", points=4, occurred_on=datetime.date(2026, 11, 5))
    return payout_compute(month=datetime.date(2026, 11, 1), yuan_per_point=Decimal("5"))


OFFICER_PAGES = [
    "/guards/certificates/", "/guards/training/", "/guards/training/sessions/new/", "/guards/rosters/",
    "/guards/points/", "/guards/payouts/", "/guards/assessments/", "/guards/assessments/apply/", "/guards/equipment/",
]


# Roles and scope -----------------------------------------------------------------------------

@pytest.mark.parametrize("url", OFFICER_PAGES)
def test_lifecycle_pages_render_for_officer(client_for, officer, url):
    assert client_for(officer).get(url).status_code == 200


def test_detail_pages_render_for_officer(client_for, officer, roster, run, sessions):
    client = client_for(officer)
    item = Equipment.objects.create(kind="baton", serial_number="B-1")
    for url in [f"/guards/rosters/{roster.pk}/", f"/guards/training/sessions/{sessions[0].pk}/edit/", f"/guards/payouts/{run.pk}/",
                f"/guards/equipment/{item.pk}/issue/"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("url", [
    "/guards/certificates/", "/guards/training/", "/guards/training/sessions/new/", "/guards/assessments/",
    "/guards/assessments/apply/", "/guards/equipment/",
])
def test_officer_pages_forbidden_for_manager(client_for, manager, url):
    assert client_for(manager).get(url).status_code == 403


@pytest.mark.parametrize("url", ["/guards/rosters/", "/guards/points/", "/guards/payouts/", "/guards/certificates/"])
def test_lifecycle_pages_forbidden_for_guard(client_for, guard, url):
    assert client_for(guard.user).get(url).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/guards/rosters/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_manager_lists_only_own_company_rosters(client_for, manager, roster, other_roster):
    response = client_for(manager).get("/guards/rosters/")
    assert response.status_code == 200
    assert [r.pk for r in response.context["page"].object_list] == [roster.pk]
    assert client_for(manager).get(f"/guards/rosters/{roster.pk}/").status_code == 200


@pytest.mark.parametrize("action", ["", "move/", "submit/"])
def test_other_company_roster_is_404_for_manager(client_for, manager, other_roster, sessions, action):
    client = client_for(manager)
    if action:
        entry = other_roster.entries.first()
        response = client.post(f"/guards/rosters/{other_roster.pk}/{action}", {"entry": entry.pk, "session": sessions[1].pk})
    else:
        response = client.get(f"/guards/rosters/{other_roster.pk}/")
    assert response.status_code == 404
    other_roster.refresh_from_db()
    assert other_roster.status == "draft"


@pytest.mark.parametrize("action", ["approve/", "return/", "lock/", "attendance/"])
def test_manager_cannot_decide_own_roster(client_for, manager, roster, action):
    roster_submit(roster=roster, by=manager)
    response = client_for(manager).post(f"/guards/rosters/{roster.pk}/{action}", {"reason": "x"})
    assert response.status_code == 403
    roster.refresh_from_db()
    assert roster.status == "submitted"


def test_manager_sees_only_own_points_read_only(client_for, manager, guard, other_guard):
    points_award(guard_id=guard.pk, kind="commendation", points=10, reason="Brave")
    points_award(guard_id=other_guard.pk, kind="commendation", points=10, reason="Other")
    response = client_for(manager).get("/guards/points/")
    assert response.status_code == 200
    assert {e.guard_id for e in response.context["page"].object_list} == {guard.pk}
    assert "rules_form" not in response.context and "award_form" not in response.context
    assert client_for(manager).post("/guards/points/award/", {}).status_code == 403
    assert client_for(manager).post("/guards/points/rules/", {}).status_code == 403


# Training sessions: bad input ----------------------------------------------------------------

def _session_data(**overrides):
    data = {"quarter": Q, "held_on": "2027-02-01", "place": "Hall", "subject_areas": ["patrol", "mediation"], "capacity": "40", "trainer": "Li"}
    data.update(overrides)
    return data


def test_session_create_through_the_page(client_for, officer):
    response = client_for(officer).post("/guards/training/sessions/new/", _session_data(quarter="2027-q1"))
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert session.quarter == Q and session.subject_areas == ["patrol", "mediation"] and session.capacity == 40


@pytest.mark.parametrize("field, overrides", [
    ("quarter", {"quarter": "2027Q5"}),
    ("capacity", {"capacity": "0"}),
    ("held_on", {"held_on": "2027-04-02"}),
    ("subject_areas", {"subject_areas": []}),
    ("subject_areas", {"subject_areas": ["cooking"]}),
])
def test_session_bad_input_shows_field_error_and_saves_nothing(client_for, officer, field, overrides):
    response = client_for(officer).post("/guards/training/sessions/new/", _session_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not TrainingSession.objects.exists()


def test_session_capacity_below_seated_is_refused(client_for, officer, roster, sessions):
    seated = sessions[0].entries.count()
    assert seated >= 2
    response = client_for(officer).post(f"/guards/training/sessions/{sessions[0].pk}/edit/", _session_data(capacity=str(seated - 1), held_on="2027-01-10"))
    assert response.status_code == 200
    assert "already seated" in str(response.context["form"].errors["capacity"])
    sessions[0].refresh_from_db()
    assert sessions[0].capacity == 50


def test_compile_rosters_button(client_for, officer, sessions, company, guard):
    response = client_for(officer).post("/guards/training/compile/", {"quarter": Q})
    assert response.status_code == 302
    assert TrainingRoster.objects.get(company=company, quarter=Q).entries.filter(guard=guard).exists()


# Roster hand-over through the pages ----------------------------------------------------------

def test_manager_moves_a_guard_and_submits(client_for, manager, roster, sessions):
    client = client_for(manager)
    entry = roster.entries.exclude(session=sessions[2]).first()

    response = client.post(f"/guards/rosters/{roster.pk}/move/", {"entry": entry.pk, "session": sessions[2].pk}, follow=True)
    assert response.status_code == 200
    assert RosterEntry.objects.get(pk=entry.pk).session_id == sessions[2].pk
    assert "moved to the session" in response.content.decode()

    response = client.post(f"/guards/rosters/{roster.pk}/submit/", follow=True)
    roster.refresh_from_db()
    assert roster.status == "submitted"
    assert "Submit for approval" not in response.content.decode()


def test_move_to_a_full_session_shows_the_reason(client_for, manager, roster, sessions):
    full = make_session(8, capacity=1)
    RosterEntry.objects.create(roster=TrainingRoster.objects.create(company=f.SecurityCompanyFactory(), quarter=Q), guard=f.GuardFactory(), session=full)
    entry = roster.entries.first()
    response = client_for(manager).post(f"/guards/rosters/{roster.pk}/move/", {"entry": entry.pk, "session": full.pk}, follow=True)
    assert "This session is full." in response.content.decode()
    assert RosterEntry.objects.get(pk=entry.pk).session_id == entry.session_id


def test_move_with_bad_ids_changes_nothing(client_for, manager, roster, other_roster):
    entry = other_roster.entries.first()
    response = client_for(manager).post(f"/guards/rosters/{roster.pk}/move/", {"entry": entry.pk, "session": "abc"}, follow=True)
    assert response.status_code == 200
    assert RosterEntry.objects.get(pk=entry.pk).session_id == entry.session_id


def test_submitting_twice_is_a_message_not_an_error(client_for, manager, roster):
    client = client_for(manager)
    client.post(f"/guards/rosters/{roster.pk}/submit/")
    response = client.post(f"/guards/rosters/{roster.pk}/submit/", follow=True)
    assert response.status_code == 200
    assert "cannot become" in response.content.decode()


def test_officer_approves_through_the_page(client_for, officer, manager, roster):
    roster_submit(roster=roster, by=manager)
    response = client_for(officer).post(f"/guards/rosters/{roster.pk}/approve/", follow=True)
    assert response.status_code == 200
    roster.refresh_from_db()
    assert roster.status == "approved" and roster.decided_by == officer


def test_officer_returns_with_reason_through_the_page(client_for, officer, manager, roster):
    roster_submit(roster=roster, by=manager)
    client_for(officer).post(f"/guards/rosters/{roster.pk}/return/", {"reason": "Two hospital guards in session 1"})
    roster.refresh_from_db()
    assert roster.status == "returned" and roster.return_reason == "Two hospital guards in session 1"
    page = client_for(manager).get(f"/guards/rosters/{roster.pk}/").content.decode()
    assert "Two hospital guards in session 1" in page and "Submit for approval" in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_without_reason_shows_field_error_and_changes_nothing(client_for, officer, manager, roster, reason):
    roster_submit(roster=roster, by=manager)
    response = client_for(officer).post(f"/guards/rosters/{roster.pk}/return/", {"reason": reason})
    assert response.status_code == 400
    assert "reason" in response.context["return_form"].errors
    roster.refresh_from_db()
    assert roster.status == "submitted" and roster.return_reason == ""


def test_officer_records_attendance_and_locks(client_for, officer, manager, roster, time_machine):
    roster_submit(roster=roster, by=manager)
    roster_approve(roster=roster, by=officer)
    time_machine.move_to(f.local_dt(2027, 1, 31, 10), tick=False)
    client = client_for(officer)
    page = client.get(f"/guards/rosters/{roster.pk}/")
    rows = page.context["attendance_rows"]
    assert len(rows) == roster.entries.count()
    absent = rows[0]
    data = {"entry": [e.pk for e in rows], "attended": [e.pk for e in rows[1:]]}

    client.post(f"/guards/rosters/{roster.pk}/attendance/", data)
    assert RosterEntry.objects.get(pk=absent.pk).attended is False
    assert Guard.objects.get(pk=absent.guard_id).training_missed_quarter == Q
    assert PointEntry.objects.filter(kind="training").count() == len(rows) - 1

    client.post(f"/guards/rosters/{roster.pk}/lock/")
    roster.refresh_from_db()
    assert roster.status == "locked"


def test_attendance_for_a_session_to_come_is_a_message(client_for, officer, manager, roster):
    roster_submit(roster=roster, by=manager)
    roster_approve(roster=roster, by=officer)
    entry = roster.entries.first()
    response = client_for(officer).post(f"/guards/rosters/{roster.pk}/attendance/", {"entry": [entry.pk], "attended": [entry.pk]}, follow=True)
    assert response.status_code == 200
    assert "has not taken place yet" in response.content.decode()
    assert RosterEntry.objects.get(pk=entry.pk).attended is None


def test_roster_page_lists_unplaced_guards(client_for, manager, company, settings):
    settings.ROSTER_MAX_SHARE = 1.0
    make_session(0, capacity=2)
    f.GuardFactory.create_batch(3, company=company)
    roster = roster_compile(company=company, quarter=Q)
    response = client_for(manager).get(f"/guards/rosters/{roster.pk}/")
    assert len(response.context["unplaced"]) == 1


# Certificates --------------------------------------------------------------------------------

def test_exam_recorded_through_the_page_issues_certificate(client_for, officer, company):
    g = f.GuardFactory(company=company, certificate_status="none", certificate_expires_on=None, certificate_number="")
    response = client_for(officer).post("/guards/certificates/", {"guard": g.phone, "taken_on": "2026-12-12", "score": "88"})
    assert response.status_code == 302
    g.refresh_from_db()
    assert g.certificate_status == "valid" and CertificateExam.objects.get().passed


@pytest.mark.parametrize("field, data", [
    ("score", {"score": "101"}),
    ("score", {"score": "-1"}),
    ("taken_on", {"taken_on": "2027-01-02"}),
    ("guard", {"guard": "no such guard"}),
])
def test_exam_bad_input_shows_field_error_and_saves_nothing(client_for, officer, guard, field, data):
    payload = {"guard": guard.national_id, "taken_on": "2026-12-12", "score": "70"} | data
    response = client_for(officer).post("/guards/certificates/", payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not CertificateExam.objects.exists()


def test_certificates_page_lists_rates_expiring_and_month_exams(client_for, officer, company):
    soon = f.GuardFactory(company=company, certificate_expires_on=TODAY + datetime.timedelta(days=10))
    f.GuardFactory(company=company, certificate_expires_on=TODAY + datetime.timedelta(days=200))
    f.GuardFactory(company=company, certificate_status="none", certificate_expires_on=None)
    exam_record(guard=soon, taken_on=datetime.date(2026, 12, 3), score=40)
    response = client_for(officer).get("/guards/certificates/")
    assert [g.pk for g in response.context["expiring"]] == [soon.pk]
    (row,) = response.context["companies"]
    assert (row.guard_count, row.certified_count, row.certificate_rate) == (3, 2, 67)
    assert response.context["summary"]["taken"] == 1


# Points --------------------------------------------------------------------------------------

def test_deduction_through_the_page(client_for, officer, guard):
    response = client_for(officer).post("/guards/points/award/", {
        "guard": guard.phone, "kind": "deduction", "points": "", "occurred_on": "2026-12-18", "reason": "Late twice",
    })
    assert response.status_code == 302
    entry = PointEntry.objects.get()
    assert (entry.points, entry.kind, entry.reason, entry.created_by) == (-5, "deduction", "Late twice", officer)


def test_award_without_reason_saves_nothing(client_for, officer, guard):
    response = client_for(officer).post("/guards/points/award/", {"guard": guard.phone, "kind": "commendation", "points": "5", "occurred_on": "2026-12-18", "reason": " "})
    assert response.status_code == 400
    assert "reason" in response.context["award_form"].errors
    assert not PointEntry.objects.exists()


def test_point_rules_edited_inline_with_sign_checked(client_for, officer):
    rules = {r.kind: r for r in PointRule.objects.all()}
    data = {f"points_{r.pk}": r.points for r in rules.values()} | {f"active_{r.pk}": "on" for r in rules.values()}
    bad = data | {f"points_{rules['deduction'].pk}": "5"}
    response = client_for(officer).post("/guards/points/rules/", bad)
    assert response.status_code == 400
    assert PointRule.objects.get(kind="deduction").points == -5
    good = data | {f"points_{rules['patrol'].pk}": "3"}
    good.pop(f"active_{rules['tip'].pk}")
    assert client_for(officer).post("/guards/points/rules/", good).status_code == 302
    assert PointRule.objects.get(kind="patrol").points == 3 and not PointRule.objects.get(kind="tip").active


def test_ledger_filters_and_weekly_totals(client_for, officer, guard, other_guard):
    points_award(guard_id=guard.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 12, 8))
    points_award(guard_id=guard.pk, kind="tip", points=5, occurred_on=datetime.date(2026, 12, 9))
    points_award(guard_id=other_guard.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 12, 1))
    client = client_for(officer)
    response = client.get("/guards/points/", {"kind": "tip"})
    assert [e.kind for e in response.context["page"].object_list] == ["tip"]
    response = client.get("/guards/points/", {"date_from": "2026-12-08", "date_to": "2026-12-31"})
    assert {e.guard_id for e in response.context["page"].object_list} == {guard.pk}
    response = client.get("/guards/points/", {"week": "2026-W50"})
    assert [(r["guard_id"], r["total"]) for r in response.context["weekly"]] == [(guard.pk, 7)]


# Payouts -------------------------------------------------------------------------------------

def test_payout_compute_and_approve_through_the_pages(client_for, officer, guard):
    points_award(guard_id=guard.pk, kind="patrol", points=6, occurred_on=datetime.date(2026, 11, 5))
    client = client_for(officer)
    response = client.post("/guards/payouts/compute/", {"month": "2026-11", "yuan_per_point": "2.50"})
    run = PayoutRun.objects.get()
    assert response["Location"] == f"/guards/payouts/{run.pk}/"
    assert run.total_amount == Decimal("15.00")
    client.post(f"/guards/payouts/{run.pk}/approve/")
    run.refresh_from_db()
    assert run.status == "approved"
    response = client.post(f"/guards/payouts/{run.pk}/approve/", follow=True)
    assert "already approved" in response.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "next month", "2027-02"])
def test_payout_bad_month_saves_nothing(client_for, officer, month):
    response = client_for(officer).post("/guards/payouts/compute/", {"month": month})
    assert response.status_code == 400
    assert "month" in response.context["form"].errors
    assert not PayoutRun.objects.exists()


def test_payout_export_csv_and_xlsx_per_company(client_for, officer, run, company, other_guard):
    client = client_for(officer)
    response = client.get(f"/guards/payouts/{run.pk}/export.csv", {"company": company.pk})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][4:] == ["4", "20.00"]
    response = client.get(f"/guards/payouts/{run.pk}/export.xlsx", {"company": company.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][4:] == [4, 20.0]


def test_manager_downloads_own_lines_of_approved_runs_only(client_for, manager, officer, run, other_guard):
    points_award(guard_id=other_guard.pk, kind="patrol", points=8, occurred_on=datetime.date(2026, 11, 6))
    run = payout_compute(month=run.month)
    client = client_for(manager)
    assert client.get(f"/guards/payouts/{run.pk}/export.csv").status_code == 404  # not approved yet
    assert client.get(f"/guards/payouts/{run.pk}/").status_code == 403
    payout_approve(run=run, by=officer)
    response = client.get(f"/guards/payouts/{run.pk}/export.csv", {"company": other_guard.company_id})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Company A"]  # the company parameter is ignored for managers
    listing = client.get("/guards/payouts/")
    (row,) = listing.context["page"].object_list
    assert (row.own_guards, row.own_points) == (1, 4)


# Assessments ---------------------------------------------------------------------------------

def test_assessment_run_then_apply_with_confirm(client_for, officer, company):
    stays = f.GuardFactory(company=company)
    for i in range(8):
        points_award(guard_id=stays.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 10, 1 + i))
    goes = f.GuardFactory(company=company, certificate_status="none", certificate_expires_on=None)
    equipment_issue(equipment=Equipment.objects.create(kind="radio", serial_number="R-9"), guard=goes)
    client = client_for(officer)

    client.post("/guards/assessments/run/", {"quarter": "2026Q4"})
    page = client.get("/guards/assessments/", {"quarter": "2026Q4", "outcome": "remove"})
    assert [a.guard_id for a in page.context["page"].object_list] == [goes.pk]

    confirm = client.get("/guards/assessments/apply/", {"quarter": "2026Q4"})
    assert confirm.context["removals"] == 1 and confirm.context["recalls"] == 1
    assert "1 guard will be removed" in confirm.content.decode()

    client.post("/guards/assessments/apply/", {"quarter": "2026Q4"})  # not confirmed
    assert Guard.objects.get(pk=goes.pk).status == "active"
    client.post("/guards/assessments/apply/", {"quarter": "2026Q4", "confirm": "yes"})
    assert Guard.objects.get(pk=goes.pk).status == "removed"
    assert EquipmentRecall.objects.filter(guard=goes, returned_on__isnull=True).count() == 1
    assert not Assessment.objects.filter(quarter="2026Q4", applied_at__isnull=True).exists()


# Equipment -----------------------------------------------------------------------------------

def test_equipment_add_issue_and_return(client_for, officer, guard, point):
    client = client_for(officer)
    response = client.post("/guards/equipment/add/", {"kind": "fork", "serial_number": " gc-fork-7 "})
    item = Equipment.objects.get(serial_number="GC-FORK-7")
    assert response["Location"] == f"/guards/equipment/{item.pk}/issue/"
    response = client.post(f"/guards/equipment/{item.pk}/issue/", {"point": point.pk, "guard": guard.phone, "issued_on": "2026-12-01"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    client.post(f"/guards/equipment/{item.pk}/issue/", {"guard": guard.phone, "issued_on": "2026-12-01"})
    item.refresh_from_db()
    assert item.status == "issued" and item.issued_to_guard == guard
    response = client.post(f"/guards/equipment/{item.pk}/issue/", {"point": point.pk, "issued_on": "2026-12-01"}, follow=True)
    assert "not in store" in response.content.decode()
    client.post(f"/guards/equipment/{item.pk}/return/")
    item.refresh_from_db()
    assert item.status == "in_store" and item.issued_to_guard is None


def test_equipment_duplicate_serial_is_a_field_error(client_for, officer):
    Equipment.objects.create(kind="baton", serial_number="B-1")
    response = client_for(officer).post("/guards/equipment/add/", {"kind": "baton", "serial_number": "b-1"})
    assert response.status_code == 400
    assert "serial_number" in response.context["add_form"].errors
    assert Equipment.objects.count() == 1


def test_equipment_filters_and_open_recalls(client_for, officer, guard, point):
    from guards.services import guard_remove

    baton = Equipment.objects.create(kind="baton", serial_number="B-1")
    Equipment.objects.create(kind="radio", serial_number="R-1")
    equipment_issue(equipment=baton, guard=guard)
    guard_remove(guard=guard, reason="Left")
    response = client_for(officer).get("/guards/equipment/", {"kind": "radio"})
    assert [i.serial_number for i in response.context["page"].object_list] == ["R-1"]
    assert [r.equipment_id for r in response.context["recalls"]] == [baton.pk]


# Guard page: duty panel ----------------------------------------------------------------------

def test_guard_page_shows_duty_panel(client_for, officer, manager, roster, guard):
    points_award(guard_id=guard.pk, kind="commendation", points=10, occurred_on=datetime.date(2026, 12, 2))
    Assessment.objects.create(guard=guard, quarter="2026Q3", score=Decimal("72.5"), outcome="pass")
    Guard.objects.filter(pk=guard.pk).update(training_missed_quarter="2026Q3")
    response = client_for(manager).get(f"/guards/{guard.pk}/")
    duty = response.context["duty"]
    # Default office policy: a missed training warns, it does not block.
    assert duty["deployable"] and "2026Q3" in duty["warning"]
    assert duty["points"] == 10 and duty["assessment"]["score"] == Decimal("72.5")
    assert duty["session"] is None  # the roster is for 2027Q1; this quarter is 2026Q4
    assert "Deployable with warnings" in response.content.decode()
    DutyPolicy.objects.create(training=DutyPolicy.Mode.BLOCK)
    response = client_for(manager).get(f"/guards/{guard.pk}/")
    assert not response.context["duty"]["deployable"] and "Not deployable" in response.content.decode()


def test_guard_sees_own_duty_panel(client_for, guard):
    response = client_for(guard.user).get(f"/guards/{guard.pk}/")
    assert response.context["duty"]["deployable"]


# Query counts --------------------------------------------------------------------------------

def _grow_rosters(n, sessions):
    for _ in range(n):
        company = f.SecurityCompanyFactory()
        f.GuardFactory.create_batch(2, company=company)
        roster_compile(company=company, quarter=Q)


def _flat(client, url, expected, django_assert_num_queries, grow, **params):
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200
    grow()
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200


def test_certificates_query_count_is_flat(client_for, officer, company, django_assert_num_queries):
    def grow(n=2):
        for g in f.GuardFactory.create_batch(n, company=f.SecurityCompanyFactory(), certificate_expires_on=TODAY + datetime.timedelta(days=5)):
            exam_record(guard=g, taken_on=datetime.date(2026, 12, 1), score=70)

    grow(1)
    # 1 session, 2 user, 3 companies with counts, 4 expiring guards, 5 exam summary, 6 exams count, 7 exams page
    _flat(client_for(officer), "/guards/certificates/", 7, django_assert_num_queries, lambda: grow(6))


def test_training_query_count_is_flat(client_for, officer, sessions, django_assert_num_queries):
    _grow_rosters(1, sessions)
    # 1 session, 2 user, 3 sessions with seats, 4 rosters with counts
    _flat(client_for(officer), "/guards/training/", 4, django_assert_num_queries, lambda: (_grow_rosters(4, sessions), make_session(9)), quarter=Q)


def test_roster_list_query_count_is_flat(client_for, officer, manager, company, sessions, django_assert_num_queries):
    f.GuardFactory.create_batch(2, company=company)
    roster_compile(company=company, quarter=Q)
    _grow_rosters(1, sessions)

    def grow():
        _grow_rosters(4, sessions)
        for quarter, day in [("2027Q2", datetime.date(2027, 4, 10)), ("2027Q3", datetime.date(2027, 7, 10))]:
            make_session(0, quarter=quarter, day=day)
            roster_compile(company=company, quarter=quarter)

    # officer: 1 session, 2 user, 3 count, 4 rosters with counts; a manager adds 3 scope
    officer_client, manager_client = client_for(officer), client_for(manager)
    for _size in ("few", "many"):
        with django_assert_num_queries(4):
            officer_client.get("/guards/rosters/")
        with django_assert_num_queries(5):
            manager_client.get("/guards/rosters/")
        grow()


def test_roster_detail_query_count_is_flat(client_for, manager, company, sessions, settings, django_assert_num_queries):
    settings.ROSTER_MAX_SHARE = 1.0
    f.GuardFactory.create_batch(2, company=company)
    roster = roster_compile(company=company, quarter=Q)

    def grow():
        f.GuardFactory.create_batch(12, company=company)
        make_session(7)
        roster_compile(company=company, quarter=Q)

    # 1 session, 2 user, 3 scope, 4 roster, 5 entries with guards and sessions, 6 sessions with seats
    _flat(client_for(manager), f"/guards/rosters/{roster.pk}/", 6, django_assert_num_queries, grow)


def test_points_query_count_is_flat(client_for, officer, manager, company, django_assert_num_queries):
    def grow(n):
        for g in f.GuardFactory.create_batch(n, company=company):
            points_award(guard_id=g.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 12, 8))
            points_award(guard_id=g.pk, kind="commendation", points=5, occurred_on=datetime.date(2026, 12, 9), by=officer)

    grow(1)
    # officer: 1 session, 2 user, 3 count, 4 ledger page, 5 weekly totals, 6 rules, 7 companies select
    _flat(client_for(officer), "/guards/points/", 7, django_assert_num_queries, lambda: grow(8))
    # manager: 1 session, 2 user, 3 scope, 4 count, 5 ledger page, 6 weekly totals
    _flat(client_for(manager), "/guards/points/", 6, django_assert_num_queries, lambda: grow(3), week="2026-W50")


def test_payout_pages_query_count_is_flat(client_for, officer, manager, company, django_assert_num_queries):
    def grow(n):
        for g in f.GuardFactory.create_batch(n, company=company) + f.GuardFactory.create_batch(n):
            points_award(guard_id=g.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 11, 8))
        return payout_compute(month=datetime.date(2026, 11, 1))

    run = grow(1)
    payout_approve(run=run, by=officer)
    # officer list: 1 session, 2 user, 3 count, 4 runs with line counts;
    # manager list: 1 session, 2 user, 3 scope, 4 count, 5 approved runs with own totals
    officer_client, manager_client = client_for(officer), client_for(manager)
    for _size in ("few", "many"):
        with django_assert_num_queries(4):
            officer_client.get("/guards/payouts/")
        with django_assert_num_queries(5):
            manager_client.get("/guards/payouts/")
        if _size == "few":
            for m in (8, 9, 10):
                payout_approve(run=payout_compute(month=datetime.date(2026, m, 1)), by=officer)
    # detail: 1 session, 2 user, 3 run, 4 per-company totals, 5 lines count, 6 lines page
    PayoutRun.objects.filter(pk=run.pk).update(status="draft")
    client = client_for(officer)
    with django_assert_num_queries(6):
        client.get(f"/guards/payouts/{run.pk}/")
    run = grow(6)
    with django_assert_num_queries(6):
        client.get(f"/guards/payouts/{run.pk}/")


def test_assessments_query_count_is_flat(client_for, officer, company, django_assert_num_queries):
    from assessments.services import assessments_run

    f.GuardFactory.create_batch(2, company=company)
    assessments_run(quarter="2026Q3")

    def grow():
        f.GuardFactory.create_batch(10, company=company)
        assessments_run(quarter="2026Q3")

    # 1 session, 2 user, 3 outcome counts, 4 count, 5 page with guards and companies
    _flat(client_for(officer), "/guards/assessments/", 5, django_assert_num_queries, grow, quarter="2026Q3")


def test_equipment_query_count_is_flat(client_for, officer, company, point, django_assert_num_queries):
    from guards.services import guard_remove

    def grow(n):
        for i in range(n):
            g = f.GuardFactory(company=company)
            for kind in ("baton", "radio"):
                item = Equipment.objects.create(kind=kind, serial_number=f"{kind}-{g.pk}-{i}")
                equipment_issue(equipment=item, guard=g)
            equipment_issue(equipment=Equipment.objects.create(kind="shield", serial_number=f"S-{g.pk}"), point=point)
            guard_remove(guard=g, reason="Left")

    grow(1)
    # 1 session, 2 user, 3 count, 4 items page with holders, 5 open recalls, 6 status counts
    _flat(client_for(officer), "/guards/equipment/", 6, django_assert_num_queries, lambda: grow(5))
