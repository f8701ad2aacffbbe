"""Guard lifecycle: certificate exams, quarterly training rosters, monthly payouts, quarterly
assessments, removal and equipment recall."""
import datetime
import logging
import math
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.scoping import scope_for
from config.dates import month_bounds, parse_quarter, previous_quarter
from config.exceptions import DomainError
from guards.models import (
    Assessment,
    CertificateExam,
    Equipment,
    EquipmentRecall,
    Guard,
    PayoutLine,
    PayoutRun,
    PointEntry,
    PointRule,
    RosterEntry,
    SecurityCompany,
    TrainingRoster,
    TrainingSession,
)
from guards.services.core import points_award, points_revoke
from guards.signals import guard_removed
from liaison_points.models import LiaisonPoint

log = logging.getLogger(__name__)
_CENT = Decimal("0.01")


def _officer_only(by) -> None:
    if by is not None and not scope_for(by).is_officer:
        raise PermissionDenied(_("Only officers may do this."))


def _officer_or_manager_of(company_id: int, by) -> None:
    if by is None:
        return
    scope = scope_for(by)
    if not (scope.is_officer or (scope.is_manager and scope.company_id == company_id)):
        raise PermissionDenied(_("Only an officer or this company's manager may do this."))


# Certificates ----------------------------------------------------------------------------------

@transaction.atomic
def exam_record(*, guard: Guard, taken_on: datetime.date, score: int, by=None) -> CertificateExam:
    """Record a monthly exam result. A pass (score ≥ CERT_EXAM_PASS_MARK) issues or renews the
    guard certificate for CERT_VALID_YEARS from the exam date."""
    errors = {}
    try:
        score = int(score)
        if not 0 <= score <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["score"] = [_("The score is a whole number from 0 to 100.")]
    if taken_on and taken_on > timezone.localdate():
        errors["taken_on"] = [_("An exam cannot be recorded before it is taken.")]
    if errors:
        raise ValidationError(errors)
    passed = score >= settings.CERT_EXAM_PASS_MARK
    exam = CertificateExam.objects.create(guard=guard, taken_on=taken_on, score=score, passed=passed)
    if passed:
        expires = taken_on.replace(year=taken_on.year + settings.CERT_VALID_YEARS) - datetime.timedelta(days=1)
        if not guard.certificate_expires_on or guard.certificate_expires_on < expires or guard.certificate_status != Guard.CertificateStatus.VALID:
            guard.certificate_status = Guard.CertificateStatus.VALID
            guard.certificate_issued_on = taken_on
            guard.certificate_expires_on = expires
            guard.certificate_number = guard.certificate_number or f"BA{taken_on:%Y}{guard.pk:07d}"
            guard._history_user = by
            guard.save(update_fields=["certificate_status", "certificate_issued_on", "certificate_expires_on", "certificate_number", "updated_at"])
    return exam


# Training sessions and rosters -----------------------------------------------------------------

@transaction.atomic
def training_session_save(*, session: TrainingSession | None = None, **fields) -> TrainingSession:
    session = session or TrainingSession()
    for name, value in fields.items():
        setattr(session, name, value)
    if session.quarter:
        try:
            session.quarter = parse_quarter(session.quarter)[0]
        except ValueError:
            pass  # full_clean reports it
    session.full_clean()
    if session.pk:
        seated = session.entries.count()
        if session.capacity < seated:
            raise ValidationError({"capacity": [_("%(n)d guards are already seated in this session.") % {"n": seated}]})
    session.save()
    return session


def _seat_counts(session_ids) -> dict[int, int]:
    rows = RosterEntry.objects.filter(session_id__in=session_ids).values("session_id").annotate(n=Count("id"))
    return {r["session_id"]: r["n"] for r in rows}


@transaction.atomic
def roster_compile(*, company: SecurityCompany, quarter: str, today: datetime.date | None = None) -> TrainingRoster:
    """Place every active guard of `company` in one of the quarter's sessions that is still to come.

    Respects each session's capacity across companies, puts at most ROSTER_MAX_SHARE of the
    company's guards in any one session, and spreads guards of the same post over different sessions
    so no post is left empty by one session. Re-running adds only guards not yet placed and drops
    guards no longer active; a submitted, approved or locked roster is never changed."""
    label, _first, _last = parse_quarter(quarter)
    today = today or timezone.localdate()
    roster, created = TrainingRoster.objects.select_for_update().get_or_create(company=company, quarter=label)
    if not roster.editable:
        return roster
    sessions = list(TrainingSession.objects.filter(quarter=label, held_on__gte=today).order_by("held_on", "id"))
    guards = list(Guard.objects.filter(company=company, status=Guard.Status.ACTIVE).order_by("post", "id"))
    active_ids = {g.pk for g in guards}
    roster.entries.exclude(guard_id__in=active_ids).filter(attended__isnull=True).delete()
    existing = list(roster.entries.select_related("guard", "session"))
    placed = {e.guard_id for e in existing}
    seats = _seat_counts([s.pk for s in sessions])
    company_in = defaultdict(int)
    post_in = defaultdict(int)
    for e in existing:
        company_in[e.session_id] += 1
        post_in[(e.guard.post, e.session_id)] += 1
    cap = max(1, math.ceil(settings.ROSTER_MAX_SHARE * len(guards)))
    missed_before = set(
        RosterEntry.objects.filter(roster__company=company, roster__quarter=previous_quarter(label), attended=False)
        .values_list("guard_id", flat=True)
    )
    new, unplaced = [], []
    for guard in guards:
        if guard.pk in placed:
            continue
        options = [s for s in sessions if seats.get(s.pk, 0) < s.capacity and company_in[s.pk] < cap]
        if not options:
            unplaced.append(guard.pk)
            continue
        best = min(options, key=lambda s: (post_in[(guard.post, s.pk)], company_in[s.pk], seats.get(s.pk, 0) / s.capacity, s.held_on, s.pk))
        seats[best.pk] = seats.get(best.pk, 0) + 1
        company_in[best.pk] += 1
        post_in[(guard.post, best.pk)] += 1
        new.append(RosterEntry(roster=roster, guard=guard, session=best, carried_over=guard.pk in missed_before))
    bulk_create_with_history(new, RosterEntry, default_change_reason="compiled")
    roster.unplaced = unplaced
    roster.save(update_fields=["unplaced"])
    if created or new:
        _notify_managers(roster)
    return roster


def rosters_compile(*, quarter: str, today: datetime.date | None = None) -> list[TrainingRoster]:
    """Compile the quarter's roster of every active company (each in its own transaction)."""
    return [
        roster_compile(company=c, quarter=quarter, today=today)
        for c in SecurityCompany.objects.filter(active=True, guards__status=Guard.Status.ACTIVE).distinct().order_by("name")
    ]


def _notify_managers(roster: TrainingRoster) -> None:
    """Tell the company's managers that a roster awaits them, once per time it becomes theirs
    (compiled, or returned). The task claims manager_notified_at before sending."""
    TrainingRoster.objects.filter(pk=roster.pk).update(manager_notified_at=None)
    from guards.tasks import roster_notify_managers_task

    roster_id = roster.pk
    transaction.on_commit(lambda: _enqueue(roster_notify_managers_task, roster_id=roster_id))


def _enqueue(task, **kwargs) -> None:
    try:
        task.delay(**kwargs)
    except Exception:  # the broker is down: the marker stays unset and the periodic sweep retries
        log.warning("Could not enqueue %s%r; the periodic sweep will retry.", task.name, kwargs, exc_info=True)


def roster_notify_managers(*, roster_id: int) -> int:
    """Email the managers of a roster's company. At most once per hand-over: the marker column is
    claimed with a conditional update before sending. Returns the number of messages sent."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    claimed = TrainingRoster.objects.filter(pk=roster_id, manager_notified_at__isnull=True, status__in=["draft", "returned"]).update(
        manager_notified_at=timezone.now()
    )
    if not claimed:
        return 0
    roster = TrainingRoster.objects.select_related("company").get(pk=roster_id)
    recipients = [m.user.email for m in roster.company.managers.select_related("user") if m.user.email]
    if not recipients:
        return 0
    context = {"roster": roster, "entry_count": roster.entries.count(), "site_url": settings.SITE_URL}
    send_mail(
        render_to_string("emails/roster_awaiting_subject.txt", context).strip(),
        render_to_string("emails/roster_awaiting_body.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return len(recipients)


def _roster_transition(roster: TrainingRoster, *, allowed_from, to, **changes) -> TrainingRoster:
    locked = TrainingRoster.objects.select_for_update().get(pk=roster.pk)
    if locked.status not in allowed_from:
        raise DomainError(
            _("This roster is %(status)s; it cannot become %(target)s.")
            % {"status": locked.get_status_display(), "target": dict(TrainingRoster.Status.choices)[to]},
            conflict=True,
        )
    locked.status = to
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save()
    roster.refresh_from_db()
    return roster


@transaction.atomic
def roster_move_entry(*, entry: RosterEntry, session: TrainingSession, by=None) -> RosterEntry:
    """The manager (or an officer) moves a guard to another session of the quarter with a free seat."""
    roster = TrainingRoster.objects.select_for_update().get(pk=entry.roster_id)
    _officer_or_manager_of(roster.company_id, by)
    if not roster.editable:
        raise DomainError(_("Only a draft or returned roster can be changed."), conflict=True)
    if session.quarter != roster.quarter:
        raise ValidationError({"session": [_("Choose a session of quarter %(q)s.") % {"q": roster.quarter}]})
    if session.held_on < timezone.localdate():
        raise ValidationError({"session": [_("This session has already taken place.")]})
    if session.pk == entry.session_id:
        return entry
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if locked.entries.count() >= locked.capacity:
        raise ValidationError({"session": [_("This session is full.")]})
    company_total = roster.entries.count()
    cap = max(1, math.ceil(settings.ROSTER_MAX_SHARE * company_total))
    if roster.entries.filter(session=session).count() >= cap:
        raise ValidationError({"session": [_("At most %(cap)d of the company's guards may attend one session, so posts stay covered.") % {"cap": cap}]})
    entry.session = session
    entry._history_user = by
    entry.save(update_fields=["session"])
    return entry


@transaction.atomic
def roster_submit(*, roster: TrainingRoster, by=None) -> TrainingRoster:
    _officer_or_manager_of(roster.company_id, by)
    return _roster_transition(roster, allowed_from=("draft", "returned"), to="submitted", submitted_at=timezone.now(), return_reason="")


@transaction.atomic
def roster_approve(*, roster: TrainingRoster, by=None) -> TrainingRoster:
    _officer_only(by)
    return _roster_transition(roster, allowed_from=("submitted",), to="approved", decided_at=timezone.now(), decided_by=by)


@transaction.atomic
def roster_return(*, roster: TrainingRoster, reason: str, by=None) -> TrainingRoster:
    _officer_only(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the roster is returned.")]})
    roster = _roster_transition(roster, allowed_from=("submitted",), to="returned", decided_at=timezone.now(), decided_by=by, return_reason=reason[:300])
    _notify_managers(roster)
    return roster


@transaction.atomic
def roster_record_attendance(*, roster: TrainingRoster, attendance: dict[int, bool], by=None) -> int:
    """Record who attended (entry id → True/False) for sessions that have taken place. Attending
    earns training points and clears a missed quarter; missing it marks the guard as owing training
    (not deployable until a later session is attended)."""
    _officer_only(by)
    if roster.status != TrainingRoster.Status.APPROVED:
        raise DomainError(_("Attendance is recorded on an approved roster that is not yet locked."), conflict=True)
    entries = {e.pk: e for e in roster.entries.select_related("session", "guard").filter(pk__in=attendance)}
    if unknown := set(map(int, attendance)) - set(entries):
        raise ValidationError({"attendance": [_("Unknown roster entries: %(ids)s.") % {"ids": ", ".join(map(str, sorted(unknown)))}]})
    today = timezone.localdate()
    for entry_id, attended in attendance.items():
        entry = entries[int(entry_id)]
        if entry.session.held_on > today:
            raise ValidationError({"attendance": [_("%(name)s's session has not taken place yet.") % {"name": entry.guard.name}]})
        entry.attended = bool(attended)
        entry._history_user = by
        entry.save(update_fields=["attended"])
        guard = entry.guard
        if entry.attended:
            points_award(guard_id=guard.pk, kind=PointRule.Kind.TRAINING_ATTENDED, source=entry, occurred_on=entry.session.held_on, reason=str(entry.session))
            if guard.training_missed_quarter:
                Guard.objects.filter(pk=guard.pk).update(training_missed_quarter="")
        else:
            points_revoke(guard_id=guard.pk, kind=PointRule.Kind.TRAINING_ATTENDED, source=entry)
            Guard.objects.filter(pk=guard.pk).update(training_missed_quarter=roster.quarter)
    return len(entries)


@transaction.atomic
def roster_lock(*, roster: TrainingRoster, by=None) -> TrainingRoster:
    """Close the quarter's roster once every entry's attendance is known."""
    _officer_only(by)
    if roster.entries.filter(attended__isnull=True).exists():
        raise DomainError(_("Record attendance for every guard before locking the roster."), conflict=True)
    return _roster_transition(roster, allowed_from=("approved",), to="locked")


# Point rules ----------------------------------------------------------------------------------

@transaction.atomic
def point_rule_update(*, rule: PointRule, points: int | None = None, active: bool | None = None, by=None) -> PointRule:
    """Change what an activity earns. Deductions and absences take points (zero or less), every
    other kind earns them (zero or more). Returns the rule; unchanged rules are not written."""
    _officer_only(by)
    rule = PointRule.objects.select_for_update().get(pk=rule.pk)
    new_points = rule.points if points is None else points
    new_active = rule.active if active is None else active
    if (new_points, new_active) == (rule.points, rule.active):
        return rule
    rule.points, rule.active = new_points, new_active
    rule.full_clean()
    rule._history_user = by
    rule.save()
    return rule


@transaction.atomic
def equipment_create(*, kind: str, serial_number: str, by=None) -> Equipment:
    """Register a new item, in store."""
    item = Equipment(kind=kind, serial_number=(serial_number or "").strip().upper(), status=Equipment.Status.IN_STORE)
    item.full_clean()
    item._history_user = by
    item.save()
    return item


# Payouts --------------------------------------------------------------------------------------

@transaction.atomic
def payout_compute(*, month: datetime.date, yuan_per_point: Decimal | None = None) -> PayoutRun:
    """Turn the month's points into amounts at the office's rate, for officer approval.

    Every guard with ledger entries that month is paid for them, including a guard removed during
    the month; a negative balance pays nothing (it is not carried as a debt). An approved payout is
    never recomputed. Aggregated in the database: one query for the totals, one bulk insert."""
    first, last = month_bounds(month)
    rate = Decimal(str(yuan_per_point if yuan_per_point is not None else settings.PAYOUT_YUAN_PER_POINT))
    if rate < 0:
        raise ValidationError({"yuan_per_point": [_("The rate cannot be negative.")]})
    run, _created = PayoutRun.objects.select_for_update().get_or_create(month=first, defaults={"yuan_per_point": rate})
    if run.status == PayoutRun.Status.APPROVED:
        raise DomainError(_("The payout for %(m)s is approved and cannot be recomputed.") % {"m": f"{first:%Y-%m}"}, conflict=True)
    run.yuan_per_point = rate
    run.lines.all().delete()
    totals = (
        PointEntry.objects.filter(occurred_on__range=(first, last))
        .values("guard_id", "guard__company_id")
        .annotate(points=Sum("points"))
        .order_by("guard_id")
    )
    lines = [
        PayoutLine(
            run=run, guard_id=row["guard_id"], company_id=row["guard__company_id"], points=row["points"],
            amount=(max(row["points"], 0) * rate).quantize(_CENT, rounding=ROUND_HALF_UP),
        )
        for row in totals
    ]
    PayoutLine.objects.bulk_create(lines, batch_size=2000)
    run.total_points = sum(max(line.points, 0) for line in lines)
    run.total_amount = sum((line.amount for line in lines), Decimal("0"))
    run.save()
    return run


@transaction.atomic
def payout_approve(*, run: PayoutRun, by=None) -> PayoutRun:
    _officer_only(by)
    changed = PayoutRun.objects.filter(pk=run.pk, status=PayoutRun.Status.DRAFT).update(
        status=PayoutRun.Status.APPROVED, approved_at=timezone.now(), approved_by=by
    )
    if not changed:
        raise DomainError(_("This payout is already approved."), conflict=True)
    run.refresh_from_db()
    return run


# Assessments ----------------------------------------------------------------------------------

def _assessment_components(guard_ids, first: datetime.date, last: datetime.date, quarter: str) -> dict[int, dict]:
    """Inputs of the score per guard, from the guards app only: three aggregate queries."""
    ledger = defaultdict(lambda: defaultdict(int))
    for row in (
        PointEntry.objects.filter(guard_id__in=guard_ids, occurred_on__range=(first, last))
        .values("guard_id", "kind")
        .annotate(n=Count("id"), points=Sum("points"))
    ):
        ledger[row["guard_id"]][row["kind"]] = row["n"]
        if row["kind"] == PointRule.Kind.DEDUCTION:
            ledger[row["guard_id"]]["deduction_points"] = row["points"]
    exams = dict(
        CertificateExam.objects.filter(guard_id__in=guard_ids, taken_on__range=(first, last))
        .values("guard_id").annotate(best=Max("score")).values_list("guard_id", "best")
    )
    trained = set(
        RosterEntry.objects.filter(guard_id__in=guard_ids, roster__quarter=quarter, attended=True).values_list("guard_id", flat=True)
    )
    return {gid: {"ledger": ledger[gid], "exam": exams.get(gid), "trained": gid in trained} for gid in guard_ids}


def assessment_score(*, ledger: dict, exam: int | None, trained: bool, certificate_valid: bool) -> tuple[Decimal, dict]:
    """Score out of 100 with its parts: patrol attendance 40 (share of scheduled patrols attended), patrols done 20, exam or valid certificate 20, training 10, tips and
    disputes 10, plus deductions (negative)."""
    attended, absent = ledger.get("patrol", 0), ledger.get("absent", 0)
    scheduled = attended + absent
    parts = {
        # Reliability: a guard the office never scheduled has missed nothing (the patrols part
        # below still reflects that they did not patrol).
        "attendance": round(40 * attended / scheduled, 1) if scheduled else 40.0,
        "patrols": round(20 * min(attended / settings.ASSESSMENT_PATROL_TARGET, 1), 1),
        "exam": round(20 * exam / 100, 1) if exam is not None else (20.0 if certificate_valid else 0.0),
        "training": 10.0 if trained else 0.0,
        "tips_and_disputes": round(10 * min((ledger.get("tip", 0) + ledger.get("dispute", 0)) / 2, 1), 1),
        "deductions": float(ledger.get("deduction_points", 0)),
    }
    total = max(0.0, min(100.0, sum(parts.values())))
    facts = {"patrols_attended": attended, "patrols_absent": absent, "exam_score": exam, "trained": trained}
    return Decimal(str(round(total, 1))), {"parts": parts, "facts": facts}


def assessment_outcome(score: Decimal) -> str:
    if score >= settings.ASSESSMENT_PASS_SCORE:
        return Assessment.Outcome.PASS
    if score >= settings.ASSESSMENT_WARNING_SCORE:
        return Assessment.Outcome.WARNING
    return Assessment.Outcome.REMOVE


@transaction.atomic
def assessments_run(*, quarter: str, apply: bool = False, by=None) -> dict[str, int]:
    """Assess every guard still in the scheme for `quarter`. Scores are recomputed until applied;
    with apply=True the outcomes take effect: guards scoring below the warning threshold are
    removed (their equipment recalled) and every guard's last outcome is stored for deployability."""
    label, first, last = parse_quarter(quarter)
    guards = list(Guard.objects.exclude(status=Guard.Status.REMOVED).order_by("id"))
    inputs = _assessment_components([g.pk for g in guards], first, last, label)
    existing = {a.guard_id: a for a in Assessment.objects.filter(quarter=label)}
    new, changed = [], []
    counts = defaultdict(int)
    for g in guards:
        current = existing.get(g.pk)
        if current and current.applied_at:
            counts[current.outcome] += 1
            continue
        score, components = assessment_score(**inputs[g.pk], certificate_valid=g.certificate_valid_on(last))
        outcome = assessment_outcome(score)
        counts[outcome] += 1
        if current:
            current.score, current.components, current.outcome = score, components, outcome
            changed.append(current)
        else:
            new.append(Assessment(guard=g, quarter=label, score=score, components=components, outcome=outcome))
    bulk_create_with_history(new, Assessment, batch_size=2000, default_user=by)
    if changed:
        Assessment.objects.bulk_update(changed, ["score", "components", "outcome"], batch_size=2000)
    if apply:
        now = timezone.now()
        to_apply = Assessment.objects.filter(quarter=label, applied_at__isnull=True).select_related("guard")
        for a in to_apply:
            if a.outcome == Assessment.Outcome.REMOVE and a.guard.status != Guard.Status.REMOVED:
                guard_remove(guard=a.guard, reason=_("Failed the %(q)s assessment (score %(s)s).") % {"q": label, "s": a.score}, by=by)
        for outcome in Assessment.Outcome.values:
            Guard.objects.filter(assessments__quarter=label, assessments__outcome=outcome, assessments__applied_at__isnull=True).update(
                last_assessment_outcome=outcome
            )
        to_apply.update(applied_at=now)
    return dict(counts)


# Removal and equipment ------------------------------------------------------------------------

@transaction.atomic
def guard_remove(*, guard: Guard, reason: str, by=None) -> Guard:
    """Remove a guard from the scheme: status removed, detached from the liaison point, every item
    of equipment issued to them put on recall; other apps drop the guard from future duty through
    the guard_removed signal (sent explicitly here)."""
    guard = Guard.objects.select_for_update().get(pk=guard.pk)
    if guard.status == Guard.Status.REMOVED:
        return guard
    guard.status = Guard.Status.REMOVED
    guard.liaison_point = None
    guard.point_pinned = False
    guard._history_user = by
    guard._change_reason = reason[:100]
    guard.save()
    today = timezone.localdate()
    items = list(Equipment.objects.select_for_update().filter(issued_to_guard=guard).exclude(status=Equipment.Status.LOST))
    EquipmentRecall.objects.bulk_create(EquipmentRecall(equipment=e, guard=guard, opened_on=today, note=reason[:200]) for e in items)
    Equipment.objects.filter(pk__in=[e.pk for e in items]).update(status=Equipment.Status.RECALL)
    guard_removed.send(sender=Guard, guard_id=guard.pk)
    return guard


@transaction.atomic
def equipment_issue(*, equipment: Equipment, point: LiaisonPoint | None = None, guard: Guard | None = None,
                    on: datetime.date | None = None, by=None) -> Equipment:
    if (point is None) == (guard is None):
        raise ValidationError({"issued_to": [_("Issue the item to a liaison point or to a guard.")]})
    if guard is not None and guard.status == Guard.Status.REMOVED:
        raise ValidationError({"issued_to_guard": [_("This guard has been removed.")]})
    locked = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if locked.status != Equipment.Status.IN_STORE:
        raise DomainError(_("This item is not in store (%(s)s).") % {"s": locked.get_status_display()}, conflict=True)
    locked.status = Equipment.Status.ISSUED
    locked.issued_to_point, locked.issued_to_guard = point, guard
    locked.issued_on = on or timezone.localdate()
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def equipment_return(*, equipment: Equipment, on: datetime.date | None = None, by=None) -> Equipment:
    """The item is back in store; an open recall for it is closed."""
    locked = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if locked.status == Equipment.Status.IN_STORE:
        raise DomainError(_("This item is already in store."), conflict=True)
    on = on or timezone.localdate()
    EquipmentRecall.objects.filter(equipment=locked, returned_on__isnull=True).update(returned_on=on)
    locked.status = Equipment.Status.IN_STORE
    locked.issued_to_point = locked.issued_to_guard = None
    locked.issued_on = None
    locked._history_user = by
    locked.save()
    return locked
