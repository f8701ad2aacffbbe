"""Training writes: certificate exams, sessions, quarterly rosters (compile, move, submit, approve,
return, attendance, lock) and the managers' notices."""
import datetime
import logging
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.permissions import require_officer, require_officer_or_manager_of
from config.dates import parse_quarter
from config.exceptions import DomainError
from config.leases import Lease
from config.queue import enqueue_on_commit
from guards.models import Guard, SecurityCompany
from rewards.models import PointRule
from rewards.services import points_award, points_revoke
from training.compilation import rosters_plan
from training.models import (
    CertificateExam,
    RosterEntry,
    TrainingRoster,
    TrainingSession,
)

log = logging.getLogger(__name__)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


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
        expires = add_years(taken_on, settings.CERT_VALID_YEARS) - datetime.timedelta(days=1)
        if not guard.certificate_expires_on or guard.certificate_expires_on < expires or guard.certificate_status != Guard.CertificateStatus.VALID:
            guard.certificate_status = Guard.CertificateStatus.VALID
            guard.certificate_issued_on = taken_on
            guard.certificate_expires_on = expires
            guard.certificate_number = guard.certificate_number or f"BA{taken_on:%Y}{guard.pk:07d}"
            guard._history_user = by
            guard.save(update_fields=["certificate_status", "certificate_issued_on", "certificate_expires_on", "certificate_number", "updated_at"])
    return exam


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
    if session.pk and session.kind != TrainingSession.Kind.ROTATION and session.entries.exists():
        raise ValidationError({"kind": [_("Guards are seated in this session by rosters: it stays a rotation session.")]})
    if session.pk:
        seated = session.entries.count()
        if session.capacity < seated:
            raise ValidationError({"capacity": [_("%(n)d guards are already seated in this session.") % {"n": seated}]})
    session.save()
    return session


@transaction.atomic
def roster_compile(*, company: SecurityCompany, quarter: str, today: datetime.date | None = None) -> TrainingRoster:
    """Place every active guard of `company` in one of the quarter's sessions that is still to come.

    Respects each session's capacity across companies, puts at most ROSTER_MAX_SHARE of the
    company's guards in any one session, and spreads guards of the same post over different sessions
    so no post is left empty by one session. Re-running adds only guards not yet placed and drops
    guards no longer active; a submitted, approved or locked roster is never changed."""
    return _rosters_compile([company], quarter=quarter, today=today)[0]


@transaction.atomic
def rosters_compile(*, quarter: str, today: datetime.date | None = None) -> list[TrainingRoster]:
    """Compile the quarter's roster of every active company, as roster_compile does for one: in
    one transaction (all companies or none) and a fixed number of queries however many (issue 14)."""
    companies = SecurityCompany.objects.filter(active=True, guards__status=Guard.Status.ACTIVE).distinct().order_by("name")
    return _rosters_compile(list(companies), quarter=quarter, today=today)


def _rosters_compile(companies: list[SecurityCompany], *, quarter: str, today: datetime.date | None) -> list[TrainingRoster]:
    """Seat the companies in the order given (earlier ones take seats first); managers are notified
    of a roster that is new or gained guards."""
    label, _first, _last = parse_quarter(quarter)
    rosters, created = _rosters_lock(companies, label)
    editable = [r for r in rosters if r.editable]
    if not editable:
        return rosters
    plan = rosters_plan(rosters=editable, quarter=label, today=today or timezone.localdate())
    if plan.dropped:
        RosterEntry.objects.filter(pk__in=plan.dropped).delete()
    bulk_create_with_history(plan.new, RosterEntry, default_change_reason="compiled")
    for roster in editable:
        roster.unplaced = plan.unplaced[roster.pk]
    bulk_update_with_history(editable, TrainingRoster, ["unplaced"])
    grown = {e.roster_id for e in plan.new}
    _notify_managers(*(r for r in editable if r.pk in created or r.pk in grown))
    return rosters


def _rosters_lock(companies: list[SecurityCompany], label: str) -> tuple[list[TrainingRoster], set[int]]:
    """Each company's roster of the quarter, in the companies' order and locked for the compile, the
    missing ones created in one insert; with the ids of those created."""
    found = {
        r.company_id: r
        for r in TrainingRoster.objects.select_for_update().filter(quarter=label, company__in=companies).order_by("pk")
    }
    missing = [TrainingRoster(company=c, quarter=label) for c in companies if c.pk not in found]
    if missing:
        try:
            with transaction.atomic():
                bulk_create_with_history(missing, TrainingRoster)
        except IntegrityError:  # a concurrent compile created one first; committed now, so look again
            return _rosters_lock(companies, label)
        found.update((r.company_id, r) for r in missing)
    return [found[c.pk] for c in companies], {r.pk for r in missing}


MANAGER_NOTICE = Lease(sent="manager_notified_at", claimed="manager_notice_claimed_at",
                       attempts="manager_notice_attempts", next_attempt="manager_notice_next_attempt_at")
_AWAITING_MANAGER = ("draft", "returned")


def _notify_managers(*rosters: TrainingRoster) -> None:
    """Tell the companies' managers that a roster awaits them, once per time it becomes theirs
    (compiled, or returned): the notices are made pending again (one update) and each is enqueued
    after the commit."""
    if not rosters:
        return
    TrainingRoster.objects.filter(pk__in=[r.pk for r in rosters]).update(**MANAGER_NOTICE.reset())
    from training.tasks import roster_notify_managers_task

    for roster in rosters:
        enqueue_on_commit(roster_notify_managers_task, roster_id=roster.pk)


def roster_notify_managers(*, roster_id: int) -> int:
    """Email the managers of a roster's company that it awaits them. At least once, normally exactly
    once per hand-over: claimed under a lease, `manager_notified_at` set only after the send
    succeeded; a failed send is counted and retried with back-off by the sweep (never raised).
    Returns the number of messages sent."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    if not MANAGER_NOTICE.claim(TrainingRoster, roster_id, status__in=_AWAITING_MANAGER):
        return 0
    try:
        roster = TrainingRoster.objects.select_related("company").get(pk=roster_id)
        recipients = [m.user.email for m in roster.company.managers.select_related("user") if m.user.email]
        if recipients:
            context = {"roster": roster, "entry_count": roster.entries.count(), "site_url": settings.SITE_URL}
            send_mail(
                render_to_string("emails/roster_awaiting_subject.txt", context).strip(),
                render_to_string("emails/roster_awaiting_body.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
    except Exception as exc:  # noqa: BLE001 - SMTP down or refused: recorded and retried by the sweep
        due = MANAGER_NOTICE.fail(TrainingRoster, roster_id)
        log.warning("Roster %s: managers' notice not sent (%s: %s); next attempt at %s.", roster_id, type(exc).__name__, exc, due.isoformat())
        return 0
    MANAGER_NOTICE.succeed(TrainingRoster, roster_id)
    return len(recipients)


def roster_notices_pending() -> list[int]:
    """Rosters whose managers' notice is still due: never enqueued, failed and past its back-off,
    or claimed by a worker that died (lease expired)."""
    return list(
        TrainingRoster.objects.filter(MANAGER_NOTICE.pending_q(), status__in=_AWAITING_MANAGER)
        .order_by("pk").values_list("pk", flat=True)[:200]
    )


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
    require_officer_or_manager_of(roster.company_id, by)
    if not roster.editable:
        raise DomainError(_("Only a draft or returned roster can be changed."), conflict=True)
    if session.quarter != roster.quarter or session.kind != TrainingSession.Kind.ROTATION:
        raise ValidationError({"session": [_("Choose a rotation session of quarter %(q)s.") % {"q": roster.quarter}]})
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
def roster_move_entries(*, roster: TrainingRoster, entry_ids, session: TrainingSession, by=None) -> list[RosterEntry]:
    """Move several guards of one roster to `session` at once, by the rules of roster_move_entry. All
    or nothing: when the session has no seat or no share left for one of them, nothing moves and the
    refusal names that guard. Guards already in the session are left as they are. A fixed number of
    queries however many guards move."""
    roster = TrainingRoster.objects.select_for_update().get(pk=roster.pk)
    require_officer_or_manager_of(roster.company_id, by)
    if not roster.editable:
        raise DomainError(_("Only a draft or returned roster can be changed."), conflict=True)
    if session.quarter != roster.quarter or session.kind != TrainingSession.Kind.ROTATION:
        raise ValidationError({"session": [_("Choose a rotation session of quarter %(q)s.") % {"q": roster.quarter}]})
    if session.held_on < timezone.localdate():
        raise ValidationError({"session": [_("This session has already taken place.")]})
    wanted = list(dict.fromkeys(int(pk) for pk in entry_ids))
    entries = {e.pk: e for e in roster.entries.select_related("guard").filter(pk__in=wanted).order_by()}
    if unknown := [pk for pk in wanted if pk not in entries]:
        raise ValidationError({"entries": [_("Not on this roster: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}]})
    moving = [entries[pk] for pk in wanted if entries[pk].session_id != session.pk]
    if not moving:
        return []
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    seated = locked.entries.count()
    company_total = roster.entries.count()
    cap = max(1, math.ceil(settings.ROSTER_MAX_SHARE * company_total))
    ours = roster.entries.filter(session=session).count()
    if seated + len(moving) > locked.capacity:
        first = moving[max(0, locked.capacity - seated)]
        raise ValidationError({"session": [
            _("This session is full. No seat is left for %(name)s (%(free)d free, %(n)d chosen); nobody was moved.")
            % {"name": first.guard.name, "free": max(0, locked.capacity - seated), "n": len(moving)}
        ]})
    if ours + len(moving) > cap:
        first = moving[max(0, cap - ours)]
        raise ValidationError({"session": [
            _("At most %(cap)d of the company's guards may attend one session, so posts stay covered. No room is left for %(name)s; nobody was moved.")
            % {"cap": cap, "name": first.guard.name}
        ]})
    for entry in moving:
        entry.session = session
    bulk_update_with_history(moving, RosterEntry, ["session"], default_user=by if getattr(by, "pk", None) else None, default_change_reason="moved")
    return moving


@transaction.atomic
def roster_submit(*, roster: TrainingRoster, by=None) -> TrainingRoster:
    require_officer_or_manager_of(roster.company_id, by)
    return _roster_transition(roster, allowed_from=("draft", "returned"), to="submitted", submitted_at=timezone.now(), return_reason="")


@transaction.atomic
def roster_approve(*, roster: TrainingRoster, by=None) -> TrainingRoster:
    require_officer(by)
    return _roster_transition(roster, allowed_from=("submitted",), to="approved", decided_at=timezone.now(), decided_by=by)


@transaction.atomic
def roster_return(*, roster: TrainingRoster, reason: str, by=None) -> TrainingRoster:
    require_officer(by)
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
    require_officer(by)
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
    require_officer(by)
    if roster.entries.filter(attended__isnull=True).exists():
        raise DomainError(_("Record attendance for every guard before locking the roster."), conflict=True)
    return _roster_transition(roster, allowed_from=("approved",), to="locked")
