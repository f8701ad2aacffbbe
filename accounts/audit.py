"""The audit log's one entry point. Any app records an event with

    audit_record(request=request, kind=AuditEvent.Kind.EXPORT, obj=run, detail={"format": "csv"})

It costs one INSERT. It never breaks the request: a failed write is logged and the request goes on
(inside a caller's transaction the INSERT runs in a savepoint, so a failure cannot poison it)."""
import ipaddress
import json
import logging

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from accounts.client_ip import client_ip
from accounts.models import AuditEvent

logger = logging.getLogger("jpo.audit")

Kind = AuditEvent.Kind


def _ip(request) -> str | None:
    if request is None:
        return None
    raw = client_ip(request)
    try:
        return str(ipaddress.ip_address(raw)) if raw else None
    except ValueError:
        return None


def _actor(request, user):
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            user = candidate
    return user


def _in_callers_transaction() -> bool:
    # A test case's own wrapping transaction does not count: the code under test runs in autocommit
    # in production, and a test should see the same single INSERT.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def audit_record(*, request=None, kind: str, obj=None, detail: dict | None = None, user=None, username: str = "") -> AuditEvent | None:
    """Write one audit event. `request` gives the IP and (when signed in) the user; `user` and
    `username` name the subject when the request has none (a failed or locked-out sign-in);
    `obj` gives the object type and id. Returns the event, or None when the write failed."""
    try:
        user = _actor(request, user)
        if user is not None and not username:
            username = user.get_username()
        event = AuditEvent(
            at=timezone.now(),
            user_id=getattr(user, "pk", None),
            username=(username or "")[:150],
            ip=_ip(request),
            kind=kind,
            object_type=obj._meta.label_lower[:64] if obj is not None else "",
            object_id=str(obj.pk)[:64] if obj is not None else "",
            detail=json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)),
        )
        if _in_callers_transaction():
            with transaction.atomic():
                event.save(force_insert=True)
        else:
            event.save(force_insert=True)
        return event
    except Exception:  # noqa: BLE001 - the audit log must never take the request down with it
        logger.exception("audit: could not record %s event for %r", kind, username)
        return None
