"""What a guard's phone sends later: the time it recorded, and how a page answers its outbox.

A check-in, a checkpoint scan or a report made while the phone had no connection waits on the
phone (static/js/outbox.js, IndexedDB) and is sent when the connection returns, with

- `recorded_at`: when the guard pressed the button, by the phone's clock (ISO 8601). Accepted from
  OFFLINE_MAX_AGE_HOURS ago up to OFFLINE_CLOCK_SKEW_SECONDS ahead of the server's clock (a phone
  a little fast is read as "now"); anything else is a field error, never a guess;
- `idempotency_key`: the key its form carried (accounts/idempotency.py), so a resend after a lost
  answer replays the first answer instead of storing twice;
- the header `X-Outbox: 1`: the page then answers in JSON (`outbox_answer`) instead of redirecting,
  so the phone can tell "stored" from "refused" (a refusal is final: the item leaves the outbox
  with its reason) from "not reached" (kept and sent again).

A record whose time is more than OFFLINE_CLOCK_SKEW_SECONDS older than its arrival "arrived late":
`arrived_late_at` gives the arrival to keep beside it, so the officer can tell."""
import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

FIELD = "recorded_at"
HEADER = "HTTP_X_OUTBOX"


def recorded_at_parse(value, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """The moment the phone recorded, checked against the bounds; None when the phone sent none
    (the server's clock is then the time). Raises ValidationError({"recorded_at": [...]})."""
    if value is None or not str(value).strip():
        return None
    now = now or timezone.now()
    text = str(value).strip()
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({FIELD: [_("The time the phone recorded (%(value)s) is not a date and time.") % {"value": text[:40]}]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    skew = datetime.timedelta(seconds=settings.OFFLINE_CLOCK_SKEW_SECONDS)
    if moment > now + skew:
        raise ValidationError({FIELD: [
            _("The time the phone recorded (%(time)s) is in the future: check the phone's clock and send again.")
            % {"time": timezone.localtime(moment).strftime("%m-%d %H:%M")}
        ]})
    oldest = now - datetime.timedelta(hours=settings.OFFLINE_MAX_AGE_HOURS)
    if moment < oldest:
        raise ValidationError({FIELD: [
            _("This was recorded on the phone at %(time)s, more than %(hours)d hours ago; it can no longer be sent from the phone. Tell your leading officer.")
            % {"time": timezone.localtime(moment).strftime("%m-%d %H:%M"), "hours": settings.OFFLINE_MAX_AGE_HOURS}
        ]})
    return min(moment, now)


def arrived_late_at(recorded: datetime.datetime | None, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """The arrival time to keep when a record arrived well after it was made (sent from the
    phone's outbox), else None."""
    if recorded is None:
        return None
    now = now or timezone.now()
    return now if now - recorded > datetime.timedelta(seconds=settings.OFFLINE_CLOCK_SKEW_SECONDS) else None


def is_late(recorded: datetime.datetime | None, arrived: datetime.datetime | None) -> bool:
    """Whether a record kept with its own time and its arrival (created) time arrived late."""
    if recorded is None or arrived is None:
        return False
    return arrived - recorded > datetime.timedelta(seconds=settings.OFFLINE_CLOCK_SKEW_SECONDS)


def from_outbox(request) -> bool:
    """Whether the phone's outbox sent this request (it wants the JSON answer)."""
    return request.META.get(HEADER) == "1"


def _queued_messages(request) -> list[str]:
    """The messages a view queued for the next page, read but left for it (the phone shows them
    now and the guard's next page again, as after any action)."""
    storage = messages.get_messages(request)
    texts = [str(m) for m in storage]
    storage.used = False
    return texts


def outbox_answer(request, *, ok: bool, url: str = "", errors: dict | None = None, message: str = "") -> JsonResponse:
    """The answer to the outbox: 200 {"ok": true, "message", "url"} when stored, 400 {"ok": false,
    "message", "errors"} when refused. The messages the view queued make up `message`."""
    texts = [t for t in [message, *_queued_messages(request)] if t]
    if not ok and errors:
        texts += [str(e) for field_errors in errors.values() for e in field_errors if str(e) not in texts]
    body = {"ok": ok, "message": " ".join(texts), "url": url}
    if not ok:
        body["errors"] = {k: [str(e) for e in v] for k, v in (errors or {}).items()}
    return JsonResponse(body, status=200 if ok else 400, json_dumps_params={"ensure_ascii": False})
