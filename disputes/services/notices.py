"""Emails that follow disputes and tips: a new item to its point's shared inbox, the overdue notice
to the responsible officer. Each is sent once, claimed through a marker column before sending."""
import datetime
import re

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.models import Dispute, DisputeEvent, Tip
from disputes.selectors import overdue_q
from disputes.services._shared import event
from liaison_points.models import LiaisonPoint


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


def _claim(model, pk: int, marker: str, **extra_filter) -> bool:
    """Set `marker` to now if it is still empty; True for the one caller that wins."""
    return bool(model.objects.filter(pk=pk, **{f"{marker}__isnull": True}, **extra_filter).update(**{marker: timezone.now()}))


def _send(template: str, context: dict, recipients: list[str]) -> None:
    """Send templates/disputes/emails/<template>_{subject,body}.txt rendered with `context`."""
    send_mail(
        render_to_string(f"disputes/emails/{template}_subject.txt", context).strip(),
        render_to_string(f"disputes/emails/{template}_body.txt", context),
        None, recipients,
    )


def _notify_point(model, pk: int, *, name: str, template: str) -> bool:
    """Email a new `model` row to its point's shared inbox, at most once (claims `notified_at`)."""
    if not _claim(model, pk, "notified_at"):
        return False
    item = model.objects.select_related("liaison_point__responsible_officer__user").get(pk=pk)
    recipients = _inbox(item.liaison_point)
    if not recipients:
        return False
    _send(template, {name: item, "url": _page_url(f"disputes:{name}-detail", item.pk)}, recipients)
    return True


def dispute_notify_point(*, dispute_id: int) -> bool:
    """Email a new dispute to its point's shared inbox, at most once (the marker is claimed before
    sending). The email names category, place and status, never the parties or the reporter."""
    return _notify_point(Dispute, dispute_id, name="dispute", template="dispute_new")


def tip_notify_point(*, tip_id: int) -> bool:
    """Email a new tip to its point's shared inbox, at most once. Kind, place and a link only: the
    source and the text stay in the app, behind a sign-in."""
    return _notify_point(Tip, tip_id, name="tip", template="tip_new")


def pending_notices_send(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2), limit: int = 200) -> int:
    """The sweep: new disputes and tips whose inbox email never went out (the broker was down when
    they were saved). Items younger than `older_than` are left to their own task."""
    cutoff = timezone.now() - older_than
    sent = 0
    for model, notify, key in ((Dispute, dispute_notify_point, "dispute_id"), (Tip, tip_notify_point, "tip_id")):
        for pk in model.objects.filter(notified_at__isnull=True, created_at__lt=cutoff).values_list("pk", flat=True)[:limit]:
            sent += notify(**{key: pk})
    return sent


def disputes_flag_overdue(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Email the responsible officer (else the point's inbox) about each newly overdue dispute, once:
    `overdue_notified_at` is claimed by a conditional update before sending (at-most-once), so a
    second run, or two workers at once, send nothing new. Returns the number of notices sent."""
    now = now or timezone.now()
    candidates = list(
        Dispute.objects.filter(overdue_q(now), overdue_notified_at__isnull=True)
        .order_by("resolution_due", "pk").values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in candidates:
        if not _claim(Dispute, pk, "overdue_notified_at"):
            continue
        dispute = Dispute.objects.select_related("liaison_point__responsible_officer__user").get(pk=pk)
        officer = dispute.liaison_point.responsible_officer if dispute.liaison_point else None
        recipients = [officer.user.email] if officer and officer.user.email else _inbox(dispute.liaison_point)
        event(pk, DisputeEvent.Kind.OVERDUE, None, note=_("Overdue notice sent to %(n)s recipient(s).") % {"n": len(recipients)})
        if not recipients:
            continue
        context = {"dispute": dispute, "kind": dispute.overdue_kind(now), "url": _page_url("disputes:dispute-detail", pk)}
        _send("dispute_overdue", context, recipients)
        sent += 1
    return sent
