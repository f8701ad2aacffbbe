"""Roll-call: a guard's check-in from the phone, the officer's marks, and the points that follow
attendance on a done patrol."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from guards.models import Guard
from rewards.models import PointRule
from rewards.services import points_award, points_revoke
from patrol.models import CheckIn, Patrol, PatrolMember
from patrol.services.geo import clean_position

_ATTENDED = (CheckIn.Status.PRESENT, CheckIn.Status.LATE)


def checkin_window(patrol: Patrol) -> tuple[datetime.datetime, datetime.datetime]:
    opens = patrol.planned_start - datetime.timedelta(minutes=settings.PATROL_CHECKIN_EARLY_MINUTES)
    return opens, max(patrol.planned_end, patrol.actual_end or patrol.planned_end)


@transaction.atomic
def checkin_record(*, patrol: Patrol, guard: Guard, at: datetime.datetime | None = None, latitude=None, longitude=None) -> CheckIn:
    """A guard checks in from the phone. Only team members, only while the patrol is planned or under
    way and within its window. Checking in twice keeps the first check-in."""
    at = at or timezone.now()
    lat, lng = clean_position(latitude, longitude)
    if patrol.status not in (Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY):
        raise DomainError(_("This patrol is %(status)s; check-in is closed.") % {"status": patrol.get_status_display()}, conflict=True)
    if not PatrolMember.objects.filter(patrol=patrol, guard=guard).exists():
        raise DomainError(_("You are not on this patrol's team."), field="guard")
    opens, closes = checkin_window(patrol)
    if at < opens:
        raise DomainError(_("Check-in opens at %(t)s.") % {"t": timezone.localtime(opens).strftime("%H:%M")}, field="at")
    if at > closes:
        raise DomainError(_("Check-in closed at %(t)s.") % {"t": timezone.localtime(closes).strftime("%H:%M")}, field="at")
    late_after = patrol.planned_start + datetime.timedelta(minutes=settings.PATROL_LATE_AFTER_MINUTES)
    check_in, _created = CheckIn.objects.get_or_create(
        patrol=patrol, guard=guard,
        defaults={
            "at": at, "latitude": lat, "longitude": lng, "source": CheckIn.Source.GUARD,
            "status": CheckIn.Status.PRESENT if at <= late_after else CheckIn.Status.LATE,
        },
    )
    return check_in


@transaction.atomic
def checkin_mark(*, patrol: Patrol, guard_id: int, status: str, by=None) -> CheckIn:
    """The leading officer marks a team member present, late or absent (also after the patrol,
    to correct the roll-call; points follow the correction)."""
    if status not in CheckIn.Status.values:
        raise ValidationError({"status": [_("Choose present, late or absent.")]})
    if patrol.status == Patrol.Status.CANCELLED:
        raise DomainError(_("This patrol was cancelled; there is no roll-call."), conflict=True)
    if not PatrolMember.objects.filter(patrol=patrol, guard_id=guard_id).exists():
        raise DomainError(_("This guard is not on the patrol's team."), field="guard")
    check_in, _created = CheckIn.objects.update_or_create(
        patrol=patrol, guard_id=guard_id,
        defaults={"status": status, "source": CheckIn.Source.OFFICER, "marked_by": by},
        create_defaults={"status": status, "source": CheckIn.Source.OFFICER, "marked_by": by, "at": timezone.now()},
    )
    if patrol.status == Patrol.Status.DONE:
        attendance_credit(patrol=patrol, guard_id=guard_id, status=status)
    return check_in


def attendance_credit(*, patrol: Patrol, guard_id: int, status: str) -> None:
    """Keep the ledger in step with the roll-call of a done patrol: attended earns patrol points,
    absent records an absence (which assessments count); a correction swaps one for the other."""
    day = timezone.localtime(patrol.actual_start or patrol.planned_start).date()
    attended = status in _ATTENDED
    keep, drop = (PointRule.Kind.PATROL_ATTENDED, PointRule.Kind.PATROL_ABSENT) if attended else (PointRule.Kind.PATROL_ABSENT, PointRule.Kind.PATROL_ATTENDED)
    points_revoke(guard_id=guard_id, kind=drop, source=patrol)
    points_award(guard_id=guard_id, kind=keep, source=patrol, occurred_on=day, reason=str(patrol))
