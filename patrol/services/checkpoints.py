"""Checkpoints on a point's beat: adding them, the signed code their printed QR carries, a guard's
scan during a patrol under way, and the officer's reason for one that was missed."""
import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from guards.models import Guard
from patrol.models import Checkpoint, Patrol, PatrolCheckpoint
from patrol.services.geo import clean_position

_CHECKPOINT_SALT = "patrol.checkpoint"
_CHECKPOINT_FIELDS = ("liaison_point", "name", "latitude", "longitude", "active")


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


def checkpoint_from_code(code: str) -> Checkpoint:
    try:
        token = signing.Signer(salt=_CHECKPOINT_SALT).unsign(code)
    except signing.BadSignature:
        raise DomainError(_("This QR code is not one of ours."), field="code") from None
    checkpoint = Checkpoint.objects.filter(token=token, active=True).select_related("liaison_point").first()
    if checkpoint is None:
        raise DomainError(_("This checkpoint is no longer in use."), field="code")
    return checkpoint


@transaction.atomic
def checkpoint_visit(*, code: str, guard: Guard, at: datetime.datetime | None = None, latitude=None, longitude=None) -> PatrolCheckpoint:
    """A team member scans a checkpoint's QR code during a patrol under way that includes it."""
    at = at or timezone.now()
    lat, lng = clean_position(latitude, longitude)
    checkpoint = checkpoint_from_code(code)
    planned = (
        PatrolCheckpoint.objects.select_for_update()
        .filter(
            checkpoint=checkpoint, patrol__status=Patrol.Status.UNDER_WAY, patrol__members__guard=guard,
        )
        .order_by("-patrol__planned_start")
        .first()
    )
    if planned is None:
        raise DomainError(_("You have no patrol under way that includes %(name)s.") % {"name": checkpoint.name}, field="code")
    if planned.visited_at is None:
        planned.visited_at, planned.visited_by, planned.latitude, planned.longitude = at, guard, lat, lng
        planned.missed_reason = ""
        planned.save(update_fields=["visited_at", "visited_by", "latitude", "longitude", "missed_reason"])
    return planned


@transaction.atomic
def checkpoint_explain_miss(*, patrol: Patrol, checkpoint_id: int, reason: str, by=None) -> PatrolCheckpoint:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the checkpoint was missed.")]})
    planned = PatrolCheckpoint.objects.filter(patrol=patrol, checkpoint_id=checkpoint_id).first()
    if planned is None:
        raise DomainError(_("This checkpoint is not planned for this patrol."), field="checkpoint")
    if planned.visited_at is not None:
        raise DomainError(_("This checkpoint was visited; nothing to explain."), conflict=True)
    planned.missed_reason = reason[:200]
    planned.save(update_fields=["missed_reason"])
    return planned
