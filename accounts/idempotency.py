"""Idempotent creates: phones retry and people double-tap, so a POST that carries a key runs once.

The key comes from the `Idempotency-Key` header (API clients) or the `idempotency_key` form field
that `{% idempotency_field %}` puts in every create form. Per owner (the signed-in user, else a hash
of the Authorization header) and key, one `IdempotencyKey` row:

- the first request inserts it (in progress), runs, and stores its response (status, a few
  headers, body) when it succeeded (2xx/3xx); a refused or failed request releases the key, so
  sending it again runs again (nothing was created);
- a repeat with the same method, path and body replays the stored response
  (`Idempotent-Replayed: true`); while the first is still running it waits up to
  IDEMPOTENCY_WAIT_SECONDS, then answers 409;
- the same key with another request is refused with 422.

A POST without a key runs as before. Rows expire after IDEMPOTENCY_KEY_TTL_HOURS
(accounts.tasks.idempotency_keys_expire_task)."""
import datetime
import hashlib
import json
import logging
import re
import time

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import IdempotencyKey
from config import prepared
from config.json_guard import bad_request

log = logging.getLogger("accounts.idempotency")

HEADER = "HTTP_IDEMPOTENCY_KEY"
FIELD = "idempotency_key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
STORED_HEADERS = ("Content-Type", "Location", "Content-Disposition", "Content-Language")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_NOT_HASHED = {FIELD, "csrfmiddlewaretoken"}
_POLL_SECONDS = 0.1


def _request_key(request) -> str | None:
    key = request.META.get(HEADER)
    if key is None and request.content_type in FORM_TYPES:
        key = request.POST.get(FIELD)
    return key or None


def _owner(request) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    auth = request.META.get("HTTP_AUTHORIZATION")
    if auth:
        return "auth:" + hashlib.sha256(auth.encode("utf-8", "replace")).hexdigest()
    return None


def _fingerprint(request) -> str:
    """SHA-256 of method, path and body. A form's body is hashed as its fields (less the CSRF token
    and the key, which change per render) and its files' names, sizes and contents."""
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type in FORM_TYPES:
        fields = sorted((k, v) for k, values in request.POST.lists() if k not in _NOT_HASHED for v in values)
        digest.update(json.dumps(fields, ensure_ascii=False).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(f"\nfile {name} {upload.name} {upload.size}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _refusal(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


# On PostgreSQL each write of the key is one statement sent in autocommit: its own transaction,
# committed without waiting for the WAL flush (`set_config(..., true)` lasts that transaction only).
# Safe for the key: WAL is flushed in order, so the synchronous commit of the request's own work makes
# the key's insert durable with it (a request that wrote nothing needs no key), and the response
# stored afterwards is at worst lost in a server crash, leaving the key in progress as a worker dying
# after the commit would (a retry answers 409 until the key expires). One round trip each side of
# the request instead of four (BEGIN, SET LOCAL, the write, COMMIT), and no disk flush.
_NO_FLUSH = "(SELECT set_config('synchronous_commit', 'off', true)) AS no_flush"


def _book(owner: str, key: str, fingerprint: str) -> int | None:
    """Insert the key's row (in progress); its id, or None when the owner already used the key."""
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(owner=owner, key=key, fingerprint=fingerprint).pk
        except IntegrityError:
            return None
    table = connection.ops.quote_name(IdempotencyKey._meta.db_table)
    with connection.cursor() as cursor:
        prepared.execute(
            cursor, "jpo_idempotency_book",
            f'INSERT INTO {table} ("owner", "key", "fingerprint", "status", "response_status", "response_headers", "response_body", '
            '"created_at") '
            f"SELECT %s, %s, %s, %s, NULL, '{{}}'::jsonb, ''::bytea, %s::timestamptz FROM {_NO_FLUSH} "
            'ON CONFLICT ("owner", "key") DO NOTHING RETURNING "id"',
            [owner, key, fingerprint, IdempotencyKey.Status.IN_PROGRESS, timezone.now()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _store(pk: int, response) -> None:
    """The key's request succeeded: keep its response for replays."""
    headers = {h: response[h] for h in STORED_HEADERS if response.has_header(h)}
    if connection.vendor != "postgresql":
        IdempotencyKey.objects.filter(pk=pk).update(
            status=IdempotencyKey.Status.DONE, response_status=response.status_code, response_headers=headers,
            response_body=response.content,
        )
        return
    table = connection.ops.quote_name(IdempotencyKey._meta.db_table)
    with connection.cursor() as cursor:
        prepared.execute(
            cursor, "jpo_idempotency_store",
            f'UPDATE {table} SET "status" = %s, "response_status" = %s, "response_headers" = %s::jsonb, "response_body" = %s::bytea '
            f'FROM {_NO_FLUSH} WHERE {table}."id" = %s',
            [IdempotencyKey.Status.DONE, response.status_code, json.dumps(headers), response.content, pk],
        )


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.response_body), status=row.response_status)
    for name, value in (row.response_headers or {}).items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _release(pk: int) -> None:
    """Forget the key of a request that raised or was refused, so its retry runs (not a 409 until
    the hourly expiry). The failure may have broken the connection and with it this delete: then
    once more, on a fresh connection when no transaction is open. Never raises: the request's own
    error or answer goes on; a key still stuck is logged and expired by idempotency_keys_expire."""
    for attempt in (1, 2):
        try:
            IdempotencyKey.objects.filter(pk=pk).delete()
            return
        except DatabaseError:
            if attempt == 2:
                log.warning("Idempotency key %s could not be released; it expires within the hour", pk, exc_info=True)
            elif not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()


class IdempotencyMiddleware:
    """See the module docstring. Sits after AuthenticationMiddleware (the owner is the user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        try:
            key = _request_key(request)
            if key is None:
                return self.get_response(request)
            if not KEY_PATTERN.match(key):
                return _refusal(request, 400, _("The idempotency key must be 1 to 255 printable characters without spaces."))
            owner = _owner(request)
            fingerprint = _fingerprint(request) if owner else None
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
            # Django refused to parse the body; once it has tried, nothing downstream can read it
            # again (DRF would raise RawPostDataException: a 500). Answer the 400 here.
            return bad_request(request, exc)
        except Exception:  # noqa: BLE001 - an unreadable body: the view reports it in its own way
            log.debug("Idempotency skipped for an unreadable request", exc_info=True)
            return self.get_response(request)
        if owner is None:  # anonymous: nothing to key it to (and nothing it may create)
            return self.get_response(request)
        deadline = time.monotonic() + settings.IDEMPOTENCY_WAIT_SECONDS
        while True:
            pk = _book(owner, key, fingerprint)
            if pk is None:
                row = IdempotencyKey.objects.filter(owner=owner, key=key).first()
                if row is None:
                    continue  # the first request failed and released the key: this one runs
                if row.fingerprint != fingerprint:
                    return _refusal(request, 422, _("This idempotency key was used for a different request."))
                if row.status == IdempotencyKey.Status.DONE:
                    return _replay(row)
                if time.monotonic() >= deadline:
                    response = _refusal(request, 409, _("The same request is still being processed; try again in a moment."))
                    response["Retry-After"] = "2"
                    return response
                time.sleep(_POLL_SECONDS)
                continue
            return self._run(request, pk)

    def _run(self, request, pk: int):
        try:
            response = self.get_response(request)
        except BaseException:
            _release(pk)
            raise
        if response.streaming or not 200 <= response.status_code < 400:
            _release(pk)  # nothing was created: a retry runs again
            return response
        _store(pk, response)
        return response


def idempotency_keys_expire(*, now: datetime.datetime | None = None) -> int:
    """Forget keys older than IDEMPOTENCY_KEY_TTL_HOURS (and abandoned in-progress ones after an
    hour: their request died without releasing them). Returns the number removed."""
    now = now or timezone.now()
    old = IdempotencyKey.objects.filter(created_at__lt=now - datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS))
    stuck = IdempotencyKey.objects.filter(status=IdempotencyKey.Status.IN_PROGRESS, created_at__lt=now - datetime.timedelta(hours=1))
    return old.delete()[0] + stuck.delete()[0]
