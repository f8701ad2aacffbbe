"""Patrols do not stay open forever. Past its end plus PATROL_ROLLCALL_GRACE_MINUTES a patrol
still under way is finished (no-shows absent, points credited: both once, however often this
runs) or, with PATROL_AUTO_CLOSE=flag, flagged for its leading officer; a patrol that never
started is marked missed: not done, and not counted toward the weekly minimum."""
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.exceptions import DomainError
from patrol.models import Patrol
from patrol.services.lifecycle import _transition, patrol_finish

BATCH = 500


@dataclass
class Closed:
    finished: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)


@transaction.atomic
def patrol_mark_missed(*, patrol: Patrol, by=None) -> Patrol:
    """A planned patrol whose time is over without a start: missed (409 if it moved on meanwhile)."""
    return _transition(patrol, allowed_from=(Patrol.Status.PLANNED,), to=Patrol.Status.MISSED, by=by)


def patrols_close_overdue(*, now: datetime.datetime | None = None, limit: int = BATCH) -> Closed:
    """Close up to `limit` overdue patrols, each in its own transaction (one failing leaves the
    others done). Idempotent: a patrol closed by an earlier run, or by its officer meanwhile, is
    skipped. Planned end is used, not the actual end: a patrol past its end is what is overdue."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.PATROL_ROLLCALL_GRACE_MINUTES)
    overdue = Patrol.objects.filter(planned_end__lt=cutoff).order_by("planned_end", "pk")
    result = Closed()
    running = overdue.filter(status=Patrol.Status.UNDER_WAY)
    if settings.PATROL_AUTO_CLOSE == "flag":
        ids = list(running.filter(overdue_flagged_at__isnull=True).values_list("pk", flat=True)[:limit])
        Patrol.objects.filter(pk__in=ids, status=Patrol.Status.UNDER_WAY, overdue_flagged_at__isnull=True).update(overdue_flagged_at=now)
        result.flagged = ids
    else:
        for patrol in running.select_related("liaison_point")[:limit]:
            ended = max(patrol.planned_end, patrol.actual_start or patrol.planned_end)
            try:
                patrol_finish(patrol=patrol, at=ended, notes=None)
            except DomainError:
                continue  # finished by its officer meanwhile
            result.finished.append(patrol.pk)
    for patrol in overdue.filter(status=Patrol.Status.PLANNED).select_related("liaison_point")[:limit]:
        try:
            patrol_mark_missed(patrol=patrol)
        except DomainError:
            continue  # started or cancelled meanwhile
        result.missed.append(patrol.pk)
    return result
