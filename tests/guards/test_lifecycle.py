import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from config.exceptions import DomainError
from assessments.models import Assessment, Equipment, EquipmentRecall
from guards.models import DutyPolicy, Guard
from rewards.models import PayoutLine, PointEntry
from training.models import RosterEntry, TrainingRoster
from guards.selectors import guard_deployability
from assessments.services import assessments_run, equipment_issue, equipment_return
from guards.services import guard_remove
from rewards.services import payout_approve, payout_compute, points_award
from training.services import exam_record, roster_approve, roster_compile, roster_lock, roster_move_entry, roster_record_attendance, roster_return, roster_submit, training_session_save
from assessments.services import assessment_outcome, assessment_score
from training.services import roster_notify_managers
from patrol.models import PatrolMember
from tests import factories as f

Q = "2027Q1"
TODAY = datetime.date(2026, 12, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    """The whole clock frozen on TODAY (10:00 in the office's time zone), not only timezone.localdate():
    timestamps, date.today() and factory defaults agree with it on every date the suite runs."""
    time_machine.move_to(f.local_dt(TODAY.year, TODAY.month, TODAY.day, 10), tick=False)


def session(n, capacity=10, day=None):
    return training_session_save(
        quarter=Q, held_on=day or datetime.date(2027, 1, 10 + n), place=f"Hall {n}", subject_areas=["patrol", "rescue"], capacity=capacity,
    )


@pytest.fixture
def sessions(db):
    return [session(i) for i in range(3)]


def staff(company, n, posts=("Hospital", "School", "Market")):
    return [f.GuardFactory(company=company, post=posts[i % len(posts)]) for i in range(n)]


# compilation -------------------------------------------------------------------------------

def test_compile_places_every_active_guard_once_respecting_share_and_posts(company, sessions, settings):
    settings.ROSTER_MAX_SHARE = 0.4
    guards = staff(company, 9)
    f.GuardFactory(company=company, status=Guard.Status.SUSPENDED)

    roster = roster_compile(company=company, quarter=Q)

    entries = list(roster.entries.select_related("guard"))
    assert sorted(e.guard_id for e in entries) == sorted(g.pk for g in guards)
    per_session = {s.pk: sum(1 for e in entries if e.session_id == s.pk) for s in sessions}
    assert max(per_session.values()) <= 4  # ceil(0.4 * 9)
    for post in ("Hospital", "School", "Market"):  # 3 guards per post: one in each session
        assert len({e.session_id for e in entries if e.guard.post == post}) == 3
    assert roster.unplaced == []


def test_compile_respects_capacity_across_companies_and_reports_unplaced(company, other_company, settings):
    settings.ROSTER_MAX_SHARE = 1.0
    only = session(0, capacity=5)
    staff(other_company, 3)
    roster_compile(company=other_company, quarter=Q)
    staff(company, 4)
    roster = roster_compile(company=company, quarter=Q)
    assert only.entries.count() == 5
    assert len(roster.unplaced) == 2


def test_compile_is_idempotent_and_adds_only_new_guards(company, sessions):
    staff(company, 6)
    roster = roster_compile(company=company, quarter=Q)
    before = dict(roster.entries.values_list("guard_id", "session_id"))
    roster_compile(company=company, quarter=Q)
    assert dict(roster.entries.values_list("guard_id", "session_id")) == before
    newcomer = f.GuardFactory(company=company)
    roster_compile(company=company, quarter=Q)
    after = dict(roster.entries.values_list("guard_id", "session_id"))
    assert {k: v for k, v in after.items() if k != newcomer.pk} == before and newcomer.pk in after


def test_compile_leaves_an_approved_roster_alone(company, sessions, officer, manager):
    staff(company, 4)
    roster = roster_compile(company=company, quarter=Q)
    roster_submit(roster=roster, by=manager)
    roster_approve(roster=roster, by=officer)
    f.GuardFactory(company=company)
    roster_compile(company=company, quarter=Q)
    assert roster.entries.count() == 4


def test_compile_marks_last_quarters_absentees_as_carried_over(company, officer, settings):
    settings.ROSTER_MAX_SHARE = 1.0
    old = training_session_save(quarter="2026Q4", held_on=datetime.date(2026, 12, 1), place="Old hall", subject_areas=["patrol"], capacity=10)
    a, b = staff(company, 2)
    prev = TrainingRoster.objects.create(company=company, quarter="2026Q4", status="approved")
    RosterEntry.objects.create(roster=prev, guard=a, session=old, attended=False)
    RosterEntry.objects.create(roster=prev, guard=b, session=old, attended=True)
    session(0)
    roster = roster_compile(company=company, quarter=Q)
    assert dict(roster.entries.values_list("guard_id", "carried_over")) == {a.pk: True, b.pk: False}


# transitions and roles ---------------------------------------------------------------------

@pytest.fixture
def roster(company, sessions):
    staff(company, 6)
    return roster_compile(company=company, quarter=Q)


def test_manager_moves_submits_officer_approves_then_locked(roster, manager, officer, sessions):
    entry = roster.entries.exclude(session=sessions[2]).first()
    roster_move_entry(entry=entry, session=sessions[2], by=manager)
    assert RosterEntry.objects.get(pk=entry.pk).session == sessions[2]
    roster_submit(roster=roster, by=manager)
    roster_approve(roster=roster, by=officer)
    assert roster.status == "approved" and roster.decided_by == officer
    with pytest.raises(DomainError):
        roster_move_entry(entry=entry, session=sessions[0], by=manager)


def test_officer_returns_with_reason_and_manager_resubmits(roster, manager, officer):
    roster_submit(roster=roster, by=manager)
    with pytest.raises(ValidationError):
        roster_return(roster=roster, reason="", by=officer)
    roster_return(roster=roster, reason="Hospital post has two guards in session 1", by=officer)
    assert roster.status == "returned"
    roster_submit(roster=roster, by=manager)
    assert roster.status == "submitted" and roster.return_reason == ""


@pytest.mark.parametrize("who", ["other_manager", "guard", "outsider"])
def test_wrong_roles_cannot_move_or_submit(roster, who, request, sessions):
    user = request.getfixturevalue(who)
    user = user.user if hasattr(user, "user") and not hasattr(user, "role") else user
    with pytest.raises(PermissionDenied):
        roster_submit(roster=roster, by=user)
    with pytest.raises(PermissionDenied):
        roster_move_entry(entry=roster.entries.first(), session=sessions[1], by=user)


def test_manager_cannot_approve_or_return(roster, manager):
    roster_submit(roster=roster, by=manager)
    with pytest.raises(PermissionDenied):
        roster_approve(roster=roster, by=manager)
    with pytest.raises(PermissionDenied):
        roster_return(roster=roster, reason="no", by=manager)


@pytest.mark.parametrize("step", ["approve_draft", "return_draft", "submit_twice"])
def test_refused_roster_transitions_are_conflicts(roster, manager, officer, step):
    with pytest.raises(DomainError) as exc:
        if step == "approve_draft":
            roster_approve(roster=roster, by=officer)
        elif step == "return_draft":
            roster_return(roster=roster, reason="x", by=officer)
        else:
            roster_submit(roster=roster, by=manager)
            roster_submit(roster=roster, by=manager)
    assert exc.value.conflict


def test_move_to_full_session_or_other_quarter_is_refused(roster, manager, company, sessions, settings):
    settings.ROSTER_MAX_SHARE = 1.0
    full = session(5, capacity=1)
    other = f.GuardFactory(company=f.SecurityCompanyFactory())
    RosterEntry.objects.create(roster=TrainingRoster.objects.create(company=other.company, quarter=Q), guard=other, session=full)
    with pytest.raises(ValidationError) as exc:
        roster_move_entry(entry=roster.entries.first(), session=full, by=manager)
    assert "full" in exc.value.message_dict["session"][0]
    later = training_session_save(quarter="2027Q2", held_on=datetime.date(2027, 4, 10), place="Q2", subject_areas=["patrol"], capacity=50)
    with pytest.raises(ValidationError):
        roster_move_entry(entry=roster.entries.first(), session=later, by=manager)


def test_move_beyond_share_cap_is_refused(company, manager, settings):
    settings.ROSTER_MAX_SHARE = 0.5
    s1, s2 = session(0), session(1)
    staff(company, 4)
    roster = roster_compile(company=company, quarter=Q)
    entry = roster.entries.filter(session=s1).first()
    with pytest.raises(ValidationError) as exc:
        roster_move_entry(entry=entry, session=s2, by=manager)
    assert "At most 2" in exc.value.message_dict["session"][0]


def test_managers_are_emailed_once_when_a_roster_awaits_them(company, sessions, manager, django_capture_on_commit_callbacks):
    manager.email = "boss@example.com"
    manager.save()
    staff(company, 3)
    with django_capture_on_commit_callbacks(execute=True):
        roster = roster_compile(company=company, quarter=Q)
    assert len(mail.outbox) == 1 and "2027Q1" in mail.outbox[0].subject
    assert roster_notify_managers(roster_id=roster.pk) == 0  # retried task: nothing more
    assert len(mail.outbox) == 1


# attendance, deployability -----------------------------------------------------------------

def test_attendance_credits_points_and_a_miss_blocks_deployment_until_made_up(roster, manager, officer, time_machine):
    roster_submit(roster=roster, by=manager)
    roster_approve(roster=roster, by=officer)
    time_machine.move_to(f.local_dt(2027, 1, 20, 10), tick=False)
    came, missed = list(roster.entries.select_related("guard"))[:2]
    roster_record_attendance(roster=roster, attendance={came.pk: True, missed.pk: False}, by=officer)
    assert PointEntry.objects.filter(guard=came.guard, kind="training").count() == 1
    missed.guard.refresh_from_db()
    verdict = guard_deployability(guard=missed.guard, on=datetime.date(2027, 1, 20))
    assert verdict.status == "with warnings" and "2027Q1" in verdict.warning_text  # default policy: training warns
    blocking = DutyPolicy(training=DutyPolicy.Mode.BLOCK)
    verdict = guard_deployability(guard=missed.guard, on=datetime.date(2027, 1, 20), policy=blocking)
    assert not verdict.ok and "2027Q1" in verdict.reason
    with pytest.raises(DomainError):
        roster_lock(roster=roster, by=officer)  # others not recorded yet
    roster_record_attendance(roster=roster, attendance={e.pk: True for e in roster.entries.all()}, by=officer)
    missed.guard.refresh_from_db()
    assert missed.guard.training_missed_quarter == ""
    assert roster_lock(roster=roster, by=officer).status == "locked"


def test_attendance_for_future_session_is_refused(roster, manager, officer):
    roster_submit(roster=roster, by=manager)
    roster_approve(roster=roster, by=officer)
    with pytest.raises(ValidationError):
        roster_record_attendance(roster=roster, attendance={roster.entries.first().pk: True}, by=officer)


def test_training_session_bad_input(db):
    with pytest.raises(ValidationError) as exc:
        training_session_save(quarter="2027Q5", held_on=datetime.date(2027, 1, 3), place="X", subject_areas=["cooking"], capacity=0)
    assert {"quarter", "subject_areas", "capacity"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        training_session_save(quarter="2027Q2", held_on=datetime.date(2027, 1, 3), place="X", subject_areas=["patrol"], capacity=5)
    assert "held_on" in exc.value.message_dict


# exams -------------------------------------------------------------------------------------

def test_passing_exam_issues_certificate_and_failing_does_not(company):
    g = f.GuardFactory(company=company, certificate_status="none", certificate_expires_on=None, certificate_number="")
    exam_record(guard=g, taken_on=datetime.date(2026, 12, 5), score=55)
    g.refresh_from_db()
    assert g.certificate_status == "none"
    exam_record(guard=g, taken_on=datetime.date(2026, 12, 12), score=82)
    g.refresh_from_db()
    assert g.certificate_status == "valid" and g.certificate_expires_on == datetime.date(2029, 12, 11) and g.certificate_number


@pytest.mark.parametrize("score, taken_on", [(101, datetime.date(2026, 12, 1)), ("abc", datetime.date(2026, 12, 1)), (70, datetime.date(2027, 1, 1))])
def test_exam_bad_input(company, score, taken_on):
    with pytest.raises(ValidationError):
        exam_record(guard=f.GuardFactory(company=company), taken_on=taken_on, score=score)


# payouts -----------------------------------------------------------------------------------

def test_payout_arithmetic_with_deductions_and_a_guard_removed_mid_month(company, other_company, officer):
    nov = datetime.date(2026, 11, 1)
    a, b = f.GuardFactory(company=company), f.GuardFactory(company=company)
    c = f.GuardFactory(company=other_company)
    for day, kind, pts in [(3, "patrol", 2), (10, "patrol", 2), (12, "tip", 5), (20, "deduction", -5), (25, "commendation", 10)]:
        points_award(guard_id=a.pk, kind=kind, points=pts, occurred_on=nov.replace(day=day))  # 14
    points_award(guard_id=b.pk, kind="patrol", points=2, occurred_on=nov.replace(day=4))
    guard_remove(guard=b, reason="left the company")  # removed mid-month: still paid for the 4th
    points_award(guard_id=c.pk, kind="deduction", points=-5, occurred_on=nov.replace(day=8))  # negative: pays 0
    points_award(guard_id=c.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 10, 31))  # other month

    run = payout_compute(month=nov, yuan_per_point=Decimal("12.50"))

    lines = {line.guard_id: (line.points, line.amount) for line in PayoutLine.objects.filter(run=run)}
    assert lines == {a.pk: (14, Decimal("175.00")), b.pk: (2, Decimal("25.00")), c.pk: (-5, Decimal("0.00"))}
    assert run.total_amount == Decimal("200.00") and run.total_points == 16
    payout_approve(run=run, by=officer)
    with pytest.raises(DomainError):
        payout_compute(month=nov)
    with pytest.raises(DomainError):
        payout_approve(run=run, by=officer)


def test_payout_recompute_of_draft_replaces_lines(company):
    g = f.GuardFactory(company=company)
    points_award(guard_id=g.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 11, 2))
    payout_compute(month=datetime.date(2026, 11, 1))
    points_award(guard_id=g.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 11, 3))
    run = payout_compute(month=datetime.date(2026, 11, 1))
    assert list(run.lines.values_list("points", flat=True)) == [4]


# assessments, removal, equipment -----------------------------------------------------------

@pytest.mark.parametrize(
    "ledger, exam, trained, cert, outcome",
    [
        ({"patrol": 8}, 90, True, True, "pass"),  # 40 + 20 + 18 + 10 = 88
        ({"patrol": 4, "absent": 4}, None, False, True, "warning"),  # 20 + 10 + 20 = 50
        ({"patrol": 1, "absent": 7}, None, False, False, "remove"),  # 5 + 2.5 = 7.5
        ({"patrol": 8, "deduction": 4, "deduction_points": -40}, None, True, True, "warning"),  # 90 - 40 = 50
        ({"patrol": 8, "deduction": 5, "deduction_points": -50}, None, True, True, "remove"),  # 90 - 50 = 40
        ({}, None, True, True, "pass"),  # never scheduled: nothing missed (40) + certificate 20 + training 10 = 70
        ({}, None, False, False, "remove"),  # never scheduled, no certificate, no training: 40
    ],
)
def test_assessment_thresholds(ledger, exam, trained, cert, outcome):
    score, parts = assessment_score(ledger=ledger, exam=exam, trained=trained, certificate_valid=cert)
    assert assessment_outcome(score) == outcome
    assert set(parts["parts"]) == {"attendance", "patrols", "exam", "training", "tips_and_disputes", "deductions"}


def test_thresholds_at_the_boundaries(settings):
    assert assessment_outcome(Decimal(settings.ASSESSMENT_PASS_SCORE)) == "pass"
    assert assessment_outcome(Decimal(settings.ASSESSMENT_PASS_SCORE) - Decimal("0.1")) == "warning"
    assert assessment_outcome(Decimal(settings.ASSESSMENT_WARNING_SCORE)) == "warning"
    assert assessment_outcome(Decimal(settings.ASSESSMENT_WARNING_SCORE) - Decimal("0.1")) == "remove"


def test_applying_assessments_removes_failing_guard_recalls_equipment_and_drops_duty(company, point, officer):
    q4 = "2026Q4"
    good = f.GuardFactory(company=company, liaison_point=point)
    bad = f.GuardFactory(company=company, liaison_point=point, certificate_status="none", certificate_expires_on=None)
    for i in range(8):
        points_award(guard_id=good.pk, kind="patrol", points=2, occurred_on=datetime.date(2026, 10, 1 + i))
    points_award(guard_id=bad.pk, kind="absent", points=-2, occurred_on=datetime.date(2026, 10, 3))
    baton = Equipment.objects.create(kind="baton", serial_number="B-001")
    radio = Equipment.objects.create(kind="radio", serial_number="R-001")
    equipment_issue(equipment=baton, guard=bad)
    equipment_issue(equipment=radio, guard=bad)
    future = f.PatrolFactory(liaison_point=point)
    f.PatrolMemberFactory(patrol=future, guard=bad)

    counts = assessments_run(quarter=q4)
    assert counts == {"pass": 1, "remove": 1}
    bad.refresh_from_db()
    assert bad.status == "active"  # not applied yet: scores can still change

    assessments_run(quarter=q4, apply=True, by=officer)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == "removed" and bad.liaison_point is None and bad.last_assessment_outcome == "remove"
    assert good.last_assessment_outcome == "pass"
    assert set(EquipmentRecall.objects.filter(guard=bad, returned_on__isnull=True).values_list("equipment__serial_number", flat=True)) == {"B-001", "R-001"}
    assert Equipment.objects.get(pk=baton.pk).status == "recall"
    assert not PatrolMember.objects.filter(guard=bad).exists()
    assert Assessment.objects.filter(quarter=q4, applied_at__isnull=False).count() == 2
    # an applied assessment is not recomputed
    points_award(guard_id=bad.pk, kind="commendation", points=100, occurred_on=datetime.date(2026, 11, 1))
    assessments_run(quarter=q4, apply=True)
    assert Assessment.objects.get(guard=bad, quarter=q4).outcome == "remove"

    equipment_return(equipment=baton)
    assert EquipmentRecall.objects.get(equipment=baton).returned_on == TODAY
    assert Equipment.objects.get(pk=baton.pk).status == "in_store"


def test_equipment_issue_rules(company, point):
    item = Equipment.objects.create(kind="shield", serial_number="S-1")
    with pytest.raises(ValidationError):
        equipment_issue(equipment=item)
    with pytest.raises(ValidationError):
        equipment_issue(equipment=item, point=point, guard=f.GuardFactory(company=company))
    equipment_issue(equipment=item, point=point)
    with pytest.raises(DomainError):
        equipment_issue(equipment=item, point=point)


def test_assessment_run_query_count_is_flat(company, django_assert_num_queries):
    f.GuardFactory.create_batch(3, company=company)
    assessments_run(quarter="2026Q4")  # warm: creates
    # 9 with the monthly sessions attended (training counts the rotation OR the office minimum of them)
    with django_assert_num_queries(9):
        assessments_run(quarter="2026Q4")
    f.GuardFactory.create_batch(10, company=company)
    Assessment.objects.all().delete()
    assessments_run(quarter="2026Q4")
    with django_assert_num_queries(9):
        assessments_run(quarter="2026Q4")
