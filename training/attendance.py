"""Attendance of the sessions that are not the quarterly rotation (business training, drills,
exchange visits, mentoring pairs): recorded by an officer, each attendance credited once to the
points ledger (rewards.services.points_award, idempotent per attendance row)."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require_officer
from accounts.scoping import scope_for
from config.dates import parse_quarter
from config.exceptions import DomainError
from guards.models import Guard
from rewards.models import PointRule
from rewards.services import points_award, points_revoke
from training.models import SessionAttendance, TrainingSession


@transaction.atomic
def session_attendance_record(*, session: TrainingSession, attendance: dict[int, bool], by=None) -> int:
    """Record who attended (guard id → True/False) a session that has taken place. Attending earns
    the training points (once per guard and session, however often this runs); a correction to
    absent takes them back. Returns how many guards were recorded."""
    require_officer(by)
    if session.kind == TrainingSession.Kind.ROTATION:
        raise DomainError(_("Attendance of a rotation session is recorded on the company's roster."), conflict=True)
    if session.held_on > timezone.localdate():
        raise ValidationError({"attendance": [_("This session has not taken place yet.")]})
    wanted = {int(k): bool(v) for k, v in attendance.items()}
    guards = {g.pk: g for g in Guard.objects.filter(pk__in=wanted).exclude(status=Guard.Status.REMOVED)}
    if unknown := set(wanted) - set(guards):
        raise ValidationError({"attendance": [_("Unknown guard id(s): %(ids)s.") % {"ids": ", ".join(map(str, sorted(unknown)))}]})
    existing = {a.guard_id: a for a in SessionAttendance.objects.select_for_update().filter(session=session, guard_id__in=wanted)}
    for guard_id, attended in wanted.items():
        row = existing.get(guard_id) or SessionAttendance(session=session, guard_id=guard_id)
        row.attended, row.recorded_by = attended, by
        row._history_user = by
        row.save()
        if attended:
            points_award(guard_id=guard_id, kind=PointRule.Kind.TRAINING_ATTENDED, source=row, occurred_on=session.held_on,
                         reason=f"{session.get_kind_display()} {session}")
        else:
            points_revoke(guard_id=guard_id, kind=PointRule.Kind.TRAINING_ATTENDED, source=row)
    return len(wanted)


def session_attendance_list_visible_to(*, user, session: TrainingSession | None = None) -> QuerySet[SessionAttendance]:
    qs = SessionAttendance.objects.select_related("session", "guard", "guard__company")
    if session is not None:
        qs = qs.filter(session=session)
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def monthly_sessions_attended(*, guard_ids, quarter: str) -> dict[int, int]:
    """Sessions other than the rotation attended in `quarter`, per guard. One query."""
    label, first, last = parse_quarter(quarter)
    rows = (
        SessionAttendance.objects.filter(guard_id__in=guard_ids, attended=True, session__held_on__range=(first, last))
        .exclude(session__kind=TrainingSession.Kind.ROTATION)
        .values("guard_id").annotate(n=Count("id"))
    )
    return {r["guard_id"]: r["n"] for r in rows}


def sessions_with_attendance(*, kinds=None, since: datetime.date | None = None) -> QuerySet[TrainingSession]:
    """Non-rotation sessions with `attended_count`, newest first. One query."""
    qs = TrainingSession.objects.exclude(kind=TrainingSession.Kind.ROTATION)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if since:
        qs = qs.filter(held_on__gte=since)
    return qs.annotate(attended_count=Count("attendance", filter=Q(attendance__attended=True))).order_by("-held_on", "-id")
