"""Helpers every disputes service shares: locking, refusing a transition, collecting field errors,
timeline events and enqueueing after the commit. Private to the services package."""
import logging
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from config.exceptions import DomainError
from config.queue import enqueue_on_commit
from disputes.models import DisputeEvent
from guards.models import Guard

logger = logging.getLogger("disputes.services")

PHONE = re.compile(r"^[0-9+\-() ]{5,32}$")


def enqueue(task, **kwargs) -> None:
    """Publish `task(**kwargs)` after the commit, once, without blocking or raising: when the broker
    is unreachable the record is already saved and its notice stays pending, and the periodic sweep
    (disputes_send_pending_notices_task) sends it later (config.queue)."""
    enqueue_on_commit(task, **kwargs)


def reporting_guard(by, *, refusal: str) -> Guard | None:
    """The guard reporting as themselves, or None for an officer; anyone else is refused with `refusal`."""
    scope = scope_for(by)
    guard = None
    if scope.is_guard:
        # scope_for read the guard through the account this request: reuse it rather than read it again.
        profile = getattr(by, "guard_profile", None)
        guard = profile if profile is not None and profile.pk == scope.guard_id else Guard.objects.filter(pk=scope.guard_id).first()
    if guard is None and not scope.is_officer:
        raise DomainError(refusal)
    return guard


def raise_errors(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def full_clean(obj, errors: dict, exclude=(), *, validate_constraints: bool = True) -> None:
    """Run the model's checks on top of the `errors` already found; raise them all at once.
    `validate_constraints=False` when the caller's own checks already guarantee the model's
    constraints (each costs a query; the database still enforces them)."""
    try:
        obj.full_clean(exclude=[*exclude, *errors], validate_constraints=validate_constraints)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    raise_errors(errors)


def event(dispute_id: int, kind: str, by, *, note: str = "", from_status: str = "", to_status: str = "", **extra) -> DisputeEvent:
    return DisputeEvent.objects.create(
        dispute_id=dispute_id, kind=kind, actor=by if getattr(by, "pk", None) else None, note=note,
        from_status=from_status, to_status=to_status, **extra,
    )


def lock(obj: models.Model) -> models.Model:
    """The row of `obj`, freshly read under a row lock."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def lock_for_transition(obj: models.Model, *, to: str, transitions: dict[str, tuple[str, ...]]) -> models.Model:
    """Lock `obj`'s row and refuse (409) unless its current status may move to `to`."""
    locked = lock(obj)
    if to not in transitions.get(locked.status, ()):
        target = dict(type(obj).Status.choices).get(to, to)
        raise DomainError(
            _("This item is %(status)s; it cannot become %(target)s.") % {"status": locked.get_status_display(), "target": target},
            conflict=True,
        )
    return locked


def save(obj: models.Model, by, *, reason: str | None = None) -> None:
    """Save with the history author (and reason, when given) simple-history records."""
    obj._history_user = by
    if reason is not None:
        obj._change_reason = reason
    obj.save()
