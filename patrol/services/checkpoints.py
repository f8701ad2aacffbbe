"""Checkpoints on a point's beat: adding them, the signed code their printed QR carries, a guard's
scan during a patrol under way, and the officer's reason for one that was missed.

Proof of presence: the printed QR carries the checkpoint's secret token, signed with SECRET_KEY, so
one printed code serves every patrol. What makes a scan count is checked at scan time: the guard's
own patrol under way that plans this checkpoint, inside its window, and the phone's position within
the checkpoint's radius (plus its stated accuracy). A far, inaccurate or position-less scan is
recorded with its distance but flagged, not counted as a visit; a code from a page opened for
another patrol is refused; a leaked code is retired by replacing the token (reprint)."""
import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from guards.models import Guard
from liaison_points.geo import haversine_m
from patrol.models import Checkpoint, Patrol, PatrolCheckpoint, PositionState
from patrol.services.geo import clean_position
from patrol.services.rules import checkin_window, clean_accuracy, position_check, span, when

_CHECKPOINT_SALT = "patrol.checkpoint"
_CHECKPOINT_FIELDS = ("liaison_point", "name", "latitude", "longitude", "active", "radius")


@transaction.atomic
def checkpoint_save(*, checkpoint: Checkpoint | None = None, **fields) -> Checkpoint:
    """Add or change a checkpoint. New checkpoints go only on active liaison points. Raises
    ValidationError with field errors (a name repeated at the same point included)."""
    if unknown := set(fields) - set(_CHECKPOINT_FIELDS):
        raise TypeError(f"unknown checkpoint fields: {sorted(unknown)}")
    checkpoint = checkpoint or Checkpoint()
    for name, value in fields.items():
        setattr(checkpoint, name, value)
    checkpoint.full_clean()
    if checkpoint.pk is None and not checkpoint.liaison_point.active:
        raise ValidationError({"liaison_point": [_("This liaison point is closed.")]})
    checkpoint.save()
    return checkpoint


def checkpoint_signed_code(checkpoint: Checkpoint) -> str:
    """What the QR code's link carries: the checkpoint's random token, signed with SECRET_KEY."""
    return signing.Signer(salt=_CHECKPOINT_SALT).sign(checkpoint.token)


@transaction.atomic
def checkpoint_replace_code(*, checkpoint: Checkpoint) -> Checkpoint:
    """Retire the printed QR code (a photo of it leaked, a sticker was stolen): a new secret, so the
    old code is refused from now on and a new one must be printed."""
    checkpoint.token = secrets.token_urlsafe(24)
    checkpoint.token_replaced_at = timezone.now()
    checkpoint.save(update_fields=["token", "token_replaced_at"])
    return checkpoint


def checkpoint_radius(checkpoint: Checkpoint) -> int:
    return checkpoint.radius or settings.PATROL_CHECKPOINT_RADIUS_METRES


def checkpoint_from_code(code: str) -> Checkpoint:
    try:
        token = signing.Signer(salt=_CHECKPOINT_SALT).unsign(code)
    except signing.BadSignature:
        raise DomainError(_("This QR code is not one of ours."), field="code") from None
    checkpoint = Checkpoint.objects.filter(token=token, active=True).select_related("liaison_point").first()
    if checkpoint is None:
        raise DomainError(_("This QR code is no longer in use: it was replaced or the checkpoint retired."), field="code")
    return checkpoint


def checkpoint_current_visit(*, checkpoint: Checkpoint, guard: Guard) -> PatrolCheckpoint | None:
    """The guard's patrol under way that plans this checkpoint (the latest, if several)."""
    return (
        PatrolCheckpoint.objects.filter(checkpoint=checkpoint, patrol__status=Patrol.Status.UNDER_WAY, patrol__members__guard=guard)
        .select_related("patrol__liaison_point", "checkpoint")
        .order_by("-patrol__planned_start")
        .first()
    )


def _no_patrol_error(checkpoint: Checkpoint, guard: Guard, at: datetime.datetime) -> DomainError:
    """Why there is no patrol to credit: the guard's latest patrol with this checkpoint, if any, says."""
    last = (
        Patrol.objects.filter(planned_checkpoints__checkpoint=checkpoint, members__guard=guard, planned_start__lte=at + datetime.timedelta(hours=12))
        .order_by("-planned_start").first()
    )
    if last is None or last.status == Patrol.Status.UNDER_WAY:
        return DomainError(_("You have no patrol under way that includes %(name)s.") % {"name": checkpoint.name}, field="code")
    return DomainError(
        _("Your patrol of %(window)s with %(name)s is %(status)s; scans count only while a patrol is under way.")
        % {"window": span(last.planned_start, last.planned_end), "name": checkpoint.name, "status": last.get_status_display()},
        conflict=True,
    )


@transaction.atomic
def checkpoint_visit(
    *, code: str, guard: Guard, at: datetime.datetime | None = None, latitude=None, longitude=None, accuracy=None,
    patrol_id: int | None = None, received_at: datetime.datetime | None = None,
) -> PatrolCheckpoint:
    """A team member scans a checkpoint's QR code during their patrol under way that includes it,
    inside the patrol's window. `patrol_id` (the patrol the scan page was opened for) must be that
    patrol. The position is judged against the checkpoint's radius: far, inaccurate or missing, the
    scan is recorded but flagged (and a later good scan replaces it); a good visit is kept. `at` is
    when the guard scanned; a scan the phone sent later (offline) keeps its arrival in `received_at`."""
    at = at or timezone.now()
    lat, lng = clean_position(latitude, longitude)
    checkpoint = checkpoint_from_code(code)
    current = checkpoint_current_visit(checkpoint=checkpoint, guard=guard)
    if current is None:
        raise _no_patrol_error(checkpoint, guard, at)
    patrol = current.patrol
    if patrol_id is not None and int(patrol_id) != patrol.pk:
        raise DomainError(
            _("This scan was opened for another patrol; it counts only for your patrol under way (%(point)s %(window)s). Scan the code again.")
            % {"point": patrol.liaison_point.name, "window": span(patrol.planned_start, patrol.planned_end)},
            conflict=True,
        )
    opens, closes = checkin_window(patrol)
    if not opens <= at <= closes:
        raise DomainError(
            _("Scans for the patrol of %(point)s are accepted %(window)s; it is now %(now)s.")
            % {"point": patrol.liaison_point.name, "window": span(opens, closes), "now": when(at)},
            conflict=True,
        )
    planned = PatrolCheckpoint.objects.select_for_update().select_related("patrol__liaison_point", "checkpoint").get(pk=current.pk)
    if planned.visited_at is not None and planned.position_state in ("", PositionState.OK):
        return planned  # already visited from the right place: the first good visit stands
    check = position_check(
        latitude=lat, longitude=lng, accuracy=clean_accuracy(accuracy),
        distance_m=lambda a, b: haversine_m(a, b, float(checkpoint.latitude), float(checkpoint.longitude)),
        limit_m=checkpoint_radius(checkpoint),
    )
    planned.visited_at, planned.visited_by, planned.latitude, planned.longitude = at, guard, lat, lng
    planned.accuracy, planned.distance, planned.position_state = check.accuracy, check.distance, check.state
    planned.missed_reason, planned.received_at = "", received_at
    planned.save(update_fields=[
        "visited_at", "visited_by", "latitude", "longitude", "accuracy", "distance", "position_state", "missed_reason", "received_at",
    ])
    return planned


@transaction.atomic
def checkpoint_explain_miss(*, patrol: Patrol, checkpoint_id: int, reason: str, by=None) -> PatrolCheckpoint:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the checkpoint was missed.")]})
    planned = PatrolCheckpoint.objects.filter(patrol=patrol, checkpoint_id=checkpoint_id).first()
    if planned is None:
        raise DomainError(_("This checkpoint is not planned for this patrol."), field="checkpoint")
    if planned.counts:
        raise DomainError(_("This checkpoint was visited; nothing to explain."), conflict=True)
    planned.missed_reason = reason[:200]
    planned.save(update_fields=["missed_reason"])
    return planned
