"""Roll-call: a guard's check-in from the phone (with its position judged), the officer's marks and
overrides (each logged with who, when and why), and the points that follow attendance on a done
patrol. The time windows are in `patrol.services.rules`."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from guards.models import Guard
from rewards.models import PointRule
from rewards.services import points_award, points_revoke
from patrol.models import CheckIn, Patrol, PatrolMember, RollCallEvent
from patrol.services.geo import clean_position
from patrol.services.rules import checkin_window, clean_accuracy, patrol_distance_m, position_check, rollcall_window, span, when

_ATTENDED = (CheckIn.Status.PRESENT, CheckIn.Status.LATE)


def checkin_record(
    *, patrol: Patrol, guard: Guard, at: datetime.datetime | None = None, latitude=None, longitude=None, accuracy=None,
    received_at: datetime.datetime | None = None, team_checked: bool = False,
) -> CheckIn:
    """A guard checks in from the phone. Only team members, only while the patrol is planned or under
    way and within its window. The position is judged against the patrol's area, route or point:
    far, inaccurate or missing, the check-in is recorded and flagged, never silently confirmed.
    Checking in twice keeps the first check-in. `at` is when the guard pressed the button (a phone
    that was offline sends it later: `received_at` is then its arrival), judged against the window.
    `team_checked`: the caller read the patrol through this guard's own scope, which already holds
    only the patrols they are on (the API's check-in): membership is not read a second time."""
    at = at or timezone.now()
    lat, lng = clean_position(latitude, longitude)
    if patrol.status not in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY):
        raise DomainError(_("This patrol is %(status)s; check-in is closed.") % {"status": patrol.get_status_display()}, conflict=True)
    if not team_checked and not PatrolMember.objects.filter(patrol=patrol, guard=guard).exists():
        raise DomainError(_("You are not on this patrol's team."), field="guard")
    opens, closes = checkin_window(patrol)
    if at < opens:
        raise DomainError(_("Check-in opens at %(opens)s (window %(window)s).") % {"opens": when(opens), "window": span(opens, closes)}, field="at")
    if at > closes:
        raise DomainError(_("Check-in closed at %(closes)s (window %(window)s).") % {"closes": when(closes), "window": span(opens, closes)}, field="at")
    check = position_check(
        latitude=lat, longitude=lng, accuracy=clean_accuracy(accuracy),
        distance_m=lambda a, b: patrol_distance_m(patrol, a, b), limit_m=settings.PATROL_FAR_METRES,
    )
    late_after = patrol.planned_start + datetime.timedelta(minutes=settings.PATROL_LATE_AFTER_MINUTES)
    check_in, _created = _create_once(
        patrol=patrol, guard=guard,
        defaults={
            "at": at, "received_at": received_at, "latitude": lat, "longitude": lng, "source": CheckIn.Source.GUARD,
            "accuracy": check.accuracy, "distance": check.distance, "position_state": check.state,
            "status": CheckIn.Status.PRESENT if at <= late_after else CheckIn.Status.LATE,
        },
    )
    return check_in


def _create_once(*, patrol: Patrol, guard: Guard, defaults: dict) -> tuple[CheckIn, bool]:
    """get_or_create the other way round: the INSERT first, since checking in twice is the rare
    case; one query fewer per check-in than a SELECT before it. The INSERT is checkin_record's only
    write: outside a transaction it is sent alone in autocommit, its own transaction (no BEGIN and
    COMMIT round trips: two of a check-in's five on PostgreSQL), and a refused INSERT leaves nothing
    to roll back; inside a caller's transaction a savepoint keeps that transaction usable."""
    try:
        if not transaction.get_connection().in_atomic_block:
            return CheckIn.objects.create(patrol=patrol, guard=guard, **defaults), True
        with transaction.atomic():
            return CheckIn.objects.create(patrol=patrol, guard=guard, **defaults), True
    except IntegrityError:
        existing = CheckIn.objects.filter(patrol=patrol, guard=guard).first()
        if existing is None:
            raise  # another constraint refused the row
        return existing, False


def _check_rollcall_open(patrol: Patrol, at: datetime.datetime) -> None:
    if patrol.status == Patrol.Status.CANCELLED:
        raise DomainError(_("This patrol was cancelled; there is no roll-call."), conflict=True)
    if patrol.status == Patrol.Status.MISSED:
        raise DomainError(_("This patrol never started (missed); there is no roll-call."), conflict=True)
    opens, closes = rollcall_window(patrol)
    if at < opens:
        raise DomainError(
            _("Roll-call for this patrol opens at %(opens)s (marks allowed %(window)s).") % {"opens": when(opens), "window": span(opens, closes)},
            conflict=True,
        )
    if at > closes:
        raise DomainError(
            _("Roll-call for this patrol closed at %(closes)s, %(grace)d minutes after its end (marks allowed %(window)s).")
            % {"closes": when(closes), "grace": settings.PATROL_ROLLCALL_GRACE_MINUTES, "window": span(opens, closes)},
            conflict=True,
        )


@transaction.atomic
def checkin_mark(*, patrol: Patrol, guard_id: int, status: str, by=None, reason: str = "", at: datetime.datetime | None = None) -> CheckIn:
    """The leading officer marks a team member present, late or absent, from the check-in window's
    opening until the grace period after the end (points follow a correction on a done patrol).
    Changing a record that exists (the guard's own check-in, an automatic absence, an earlier mark)
    is an override and needs a reason; every mark and override is logged with who, when and why."""
    if status not in CheckIn.Status.values:
        raise ValidationError({"status": [_("Choose present, late or absent.")]})
    at = at or timezone.now()
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    _check_rollcall_open(patrol, at)
    if not PatrolMember.objects.filter(patrol=patrol, guard_id=guard_id).exists():
        raise DomainError(_("This guard is not on the patrol's team."), field="guard")
    reason = (reason or "").strip()[:200]
    existing = CheckIn.objects.select_for_update().filter(patrol=patrol, guard_id=guard_id).first()
    if existing is not None and existing.status == status and existing.source == CheckIn.Source.OFFICER:
        return existing  # the same mark again (a double click): nothing changes, nothing logged
    if existing is not None and not reason:
        raise ValidationError({"reason": [
            _("This guard is already %(status)s (%(source)s); say why you change it.")
            % {"status": existing.get_status_display(), "source": existing.get_source_display()}
        ]})
    before = existing.status if existing is not None else ""
    if existing is None:
        check_in = CheckIn.objects.create(patrol=patrol, guard_id=guard_id, at=at, status=status, source=CheckIn.Source.OFFICER, marked_by=by)
    else:
        existing.status, existing.source, existing.marked_by = status, CheckIn.Source.OFFICER, by
        existing.save(update_fields=["status", "source", "marked_by"])
        check_in = existing
    RollCallEvent.objects.create(
        patrol=patrol, guard_id=guard_id, by=by, at=at, reason=reason, to_status=status,
        kind=RollCallEvent.Kind.OVERRIDE if existing is not None else RollCallEvent.Kind.MARK,
        from_status=before,
    )
    if patrol.status == Patrol.Status.DONE:
        attendance_credit(patrol=patrol, guard_id=guard_id, status=status)
    return check_in


def attendance_credit(*, patrol: Patrol, guard_id: int, status: str, pending: bool = False) -> None:
    """Keep the ledger in step with the roll-call of a done patrol: attended earns patrol points,
    absent records an absence (which assessments count); a correction swaps one for the other.
    `pending` (a flagged phone check-in nobody has confirmed) earns nothing either way yet."""
    day = timezone.localtime(patrol.actual_start or patrol.planned_start).date()
    if pending:
        for kind in (PointRule.Kind.PATROL_ATTENDED, PointRule.Kind.PATROL_ABSENT):
            points_revoke(guard_id=guard_id, kind=kind, source=patrol)
        return
    attended = status in _ATTENDED
    keep, drop = (PointRule.Kind.PATROL_ATTENDED, PointRule.Kind.PATROL_ABSENT) if attended else (PointRule.Kind.PATROL_ABSENT, PointRule.Kind.PATROL_ATTENDED)
    points_revoke(guard_id=guard_id, kind=drop, source=patrol)
    points_award(guard_id=guard_id, kind=keep, source=patrol, occurred_on=day, reason=str(patrol))
