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


def audit_record(
    *, request=None, kind: str, obj=None, detail: dict | None = None, user=None, username: str = "", model=None,
) -> AuditEvent | None:
    """Write one audit event. `request` gives the IP and (when signed in) the user; `user` and
    `username` name the subject when the request has none (a failed or locked-out sign-in);
    `obj` gives the object type and id, or `model` the type alone (a read of many rows).
    Returns the event, or None when the write failed."""
    try:
        user = _actor(request, user)
        target = obj if obj is not None else model
        if user is not None and not username:
            username = user.get_username()
        event = AuditEvent(
            at=timezone.now(),
            user_id=getattr(user, "pk", None),
            username=(username or "")[:150],
            ip=_ip(request),
            kind=kind,
            object_type=target._meta.label_lower[:64] if target is not None else "",
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


def audit_export(*, request, model, what: str, fmt: str) -> AuditEvent | None:
    """One line for a list exported as a file (personal data leaving the system): who took which
    list, in which format, with the filters that chose its rows. One INSERT."""
    filters = {key: values if len(values) > 1 else values[0] for key, values in request.GET.lists() if key != "export"}
    return audit_record(request=request, kind=Kind.EXPORT, model=model,
                        detail={"what": what, "format": fmt, "filters": filters, "path": request.path})


def audit_list_read(*, request, model, ids: list, field: str) -> AuditEvent | None:
    """One line for a read of many records at once that shows their confidential `field` (a page of
    an API list): the ids shown go in the detail, so the line says whose data was read. Nothing is
    written when no row was shown. Costs one INSERT per request, whatever the number of rows."""
    if not ids:
        return None
    return audit_record(
        request=request, kind=Kind.VIEW_CONFIDENTIAL, model=model,
        detail={"field": field, "via": "api", "list": True, "count": len(ids), "ids": list(ids)},
    )


class AuditedListMixin:
    """A DRF list whose rows show confidential data to some readers (an officer's list of disputes
    with their parties, tips with their sources, guards with full resident ids): each such read
    writes one audit line, like the page of one record does. Set `audited_field` and
    `audited_model`, and say in `audits_list_read()` whether this request's rows show the data.
    The ids come from the serialized page, so no query is added besides the INSERT."""

    audited_field: str = ""
    audited_model = None

    def audits_list_read(self) -> bool:
        return False

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200 and self.audits_list_read():
            data = response.data
            rows = data.get("results", []) if isinstance(data, dict) else data
            ids = [row["id"] for row in rows if isinstance(row, dict) and "id" in row]
            audit_list_read(request=request, model=self.audited_model, ids=ids, field=self.audited_field)
        return response
