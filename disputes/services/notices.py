"""Emails that follow disputes and tips: a new item to its point's shared inbox, the overdue notice
to the responsible officer. Each is sent under a lease (config/leases.py): claimed before sending,
marked sent only once the mail server took it, and on failure released with an attempt counted and
a back-off, so the periodic sweep sends it later. Nothing is lost while SMTP is down; a notice goes
out twice only if a worker dies between the send and the marking."""
import contextlib
import datetime
import logging
import re

from django.conf import settings
from django.db.models import Q
from django.core.mail import get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.leases import Lease
from disputes.models import Dispute, DisputeEvent, Tip
from disputes.selectors import overdue_q
from disputes.services._shared import event
from liaison_points.models import LiaisonPoint

log = logging.getLogger("disputes.notices")


def _inbox(point: LiaisonPoint | None) -> list[str]:
    if point is None:
        return []
    addresses = [a.strip() for a in re.split(r"[\s,;]+", point.inbox_emails or "") if a.strip()]
    officer = point.responsible_officer
    if officer is not None and officer.user.email:
        addresses.append(officer.user.email)
    return sorted(set(addresses))


def _page_url(name: str, pk: int) -> str:
    try:
        path = reverse(name, args=[pk])
    except NoReverseMatch:
        return ""
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


TIP_BATCH = 200  # tips claimed per batch of tip_notices_send
INBOX = Lease(sent="notified_at", claimed="notice_claimed_at", attempts="notice_attempts", next_attempt="notice_next_attempt_at")
OVERDUE = Lease(sent="overdue_notified_at", claimed="overdue_claimed_at", attempts="overdue_attempts",
                next_attempt="overdue_next_attempt_at")


def _send(template: str, context: dict, recipients: list[str], *, connection=None) -> None:
    """Send templates/disputes/emails/<template>_{subject,body}.txt rendered with `context`."""
    send_mail(
        render_to_string(f"disputes/emails/{template}_subject.txt", context).strip(),
        render_to_string(f"disputes/emails/{template}_body.txt", context),
        None, recipients, connection=connection,
    )


def _attempt(model, pk: int, lease: Lease, send) -> bool:
    """Run `send()` (which returns False when there was nobody to send to) under `lease` on row
    `pk`. True when this call sent the notice. A failed send is recorded, never raised: the row stays
    pending with one more attempt and a back-off, for the sweep."""
    if not lease.claim(model, pk):
        return False
    try:
        sent = send()
    except Exception as exc:  # noqa: BLE001 - SMTP down, refused, timed out: recorded and retried
        due = lease.fail(model, pk)
        log.warning("%s %s: %s not sent (%s: %s); next attempt at %s.", model.__name__, pk, lease.sent,
                    type(exc).__name__, exc, due.isoformat())
        return False
    lease.succeed(model, pk)  # also when nobody was there to tell: nothing is left to send
    return bool(sent)


def _notify_point(model, pk: int, *, name: str, template: str) -> bool:
    """Email a new `model` row to its point's shared inbox under the INBOX lease."""

    def send() -> bool:
        item = model.objects.select_related("liaison_point__responsible_officer__user").get(pk=pk)
        recipients = _inbox(item.liaison_point)
        if not recipients:
            return False
        _send(template, {name: item, "url": _page_url(f"disputes:{name}-detail", item.pk)}, recipients)
        return True

    return _attempt(model, pk, INBOX, send)


def dispute_notify_point(*, dispute_id: int) -> bool:
    """Email a new dispute to its point's shared inbox. At least once, normally exactly once:
    claimed under a lease, marked sent (`notified_at`) only after the send succeeded; a failure is
    counted and retried with back-off by the sweep. The email names category, place and status,
    never the parties or the reporter."""
    return _notify_point(Dispute, dispute_id, name="dispute", template="dispute_new")


def tip_notify_point(*, tip_id: int) -> bool:
    """Email a new tip to its point's shared inbox, with the same guarantee as dispute_notify_point.
    Kind, place and a link only: the source and the text stay in the app, behind a sign-in."""
    return _notify_point(Tip, tip_id, name="tip", template="tip_new")


def tip_notices_send(*, limit: int = 200) -> int:
    """The batch after new tips (disputes.tasks.tips_notify_task): every tip whose inbox email is
    pending, up to `limit`, claimed together under the INBOX lease, sent over one mail connection
    and marked sent together; three queries for the batch instead of three per tip. A send that
    fails is recorded on its own tip, with a back-off, for the sweep. Returns how many tips it
    claimed (sent, failed or with nobody to tell): `limit` means there may be more."""
    pks = INBOX.claim_many(Tip.objects.all(), limit=limit)
    if not pks:
        return 0
    done = []
    mail = get_connection()
    try:
        with contextlib.suppress(Exception):  # the server is down: each send below fails and is recorded
            mail.open()
        for tip in Tip.objects.select_related("liaison_point__responsible_officer__user").filter(pk__in=pks).order_by("pk"):
            recipients = _inbox(tip.liaison_point)
            try:
                if recipients:
                    _send("tip_new", {"tip": tip, "url": _page_url("disputes:tip-detail", tip.pk)}, recipients, connection=mail)
            except Exception as exc:  # noqa: BLE001 - SMTP down, refused, timed out: recorded and retried
                due = INBOX.fail(Tip, tip.pk)
                log.warning("Tip %s: inbox notice not sent (%s: %s); next attempt at %s.", tip.pk, type(exc).__name__, exc, due.isoformat())
                continue
            done.append(tip.pk)
    finally:
        with contextlib.suppress(Exception):
            mail.close()
    INBOX.succeed_many(Tip, done)
    return len(pks)


def pending_notices_send(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2), limit: int = 200) -> int:
    """The sweep: inbox emails of new disputes and tips that are still pending — never enqueued (the
    broker was down), failed and due again after their back-off, or claimed by a worker that died
    (lease expired). Untried items younger than `older_than` are left to their own task."""
    now = timezone.now()
    cutoff = now - older_than
    sent = 0
    for model, notify, key in ((Dispute, dispute_notify_point, "dispute_id"), (Tip, tip_notify_point, "tip_id")):
        due = model.objects.filter(INBOX.pending_q(now)).filter(Q(created_at__lt=cutoff) | Q(notice_attempts__gt=0))
        for pk in due.order_by("pk").values_list("pk", flat=True)[:limit]:
            sent += notify(**{key: pk})
    return sent


def _overdue_notify(*, pk: int, now: datetime.datetime) -> bool:
    def send() -> bool:
        dispute = Dispute.objects.select_related("liaison_point__responsible_officer__user").get(pk=pk)
        officer = dispute.liaison_point.responsible_officer if dispute.liaison_point else None
        recipients = [officer.user.email] if officer and officer.user.email else _inbox(dispute.liaison_point)
        if recipients:
            context = {"dispute": dispute, "kind": dispute.overdue_kind(now), "url": _page_url("disputes:dispute-detail", pk)}
            _send("dispute_overdue", context, recipients)
        event(pk, DisputeEvent.Kind.OVERDUE, None, note=_("Overdue notice sent to %(n)s recipient(s).") % {"n": len(recipients)})
        return bool(recipients)

    return _attempt(Dispute, pk, OVERDUE, send)


def disputes_flag_overdue(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Email the responsible officer (else the point's inbox) about each newly overdue dispute. At
    least once, normally exactly once: claimed under a lease, `overdue_notified_at` set only after
    the send succeeded (and the timeline's "overdue" event written then); a failed send is counted
    and tried again by a later run after its back-off. Returns the number of notices sent."""
    now = now or timezone.now()
    candidates = list(
        Dispute.objects.filter(overdue_q(now), OVERDUE.pending_q(now))
        .order_by("resolution_due", "pk").values_list("pk", flat=True)[:limit]
    )
    return sum(_overdue_notify(pk=pk, now=now) for pk in candidates)
