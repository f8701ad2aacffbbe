"""Writes of the bulletins app: compiling a week's bulletin, sending it exactly once to each
recipient, and the weekly case figures (entered or imported from CSV)."""
import csv
import datetime
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletins.emails import render_bulletin_email
from bulletins.figures import bulletin_figures
from bulletins.models import (
    BulletinDelivery,
    BulletinRecipient,
    CaseFigure,
    WeeklyBulletin,
)
from config.dates import in_date_range, parse_iso_week, week_start
from config.exceptions import DomainError
from config.queue import enqueue
from guards.models import CompanyManager
from liaison_points.models import Officer, Township

log = logging.getLogger(__name__)


def last_week_monday(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return week_start(today) - datetime.timedelta(days=7)


@transaction.atomic
def bulletin_compile(*, monday: datetime.date) -> WeeklyBulletin:
    """Compile (or recompile) the bulletin of the ISO week starting `monday`. A sent bulletin is a
    record of what went out: it is never recompiled."""
    if monday.weekday() != 0:
        raise ValidationError({"week": [_("A bulletin week starts on a Monday.")]})
    bulletin, _created = WeeklyBulletin.objects.select_for_update().get_or_create(week_start=monday)
    if bulletin.status == WeeklyBulletin.Status.SENT:
        return bulletin
    bulletin.figures = bulletin_figures(monday=monday)
    bulletin.compiled_at = timezone.now()
    bulletin.save(update_fields=["figures", "compiled_at"])
    return bulletin


@transaction.atomic
def bulletin_set_suggestions(*, bulletin: WeeklyBulletin, text: str) -> WeeklyBulletin:
    if bulletin.status == WeeklyBulletin.Status.SENT:
        raise DomainError(_("This bulletin has been sent; its suggestions can no longer change."), conflict=True)
    bulletin.officer_suggestions = (text or "").strip()
    bulletin.save(update_fields=["officer_suggestions"])
    return bulletin


@transaction.atomic
def bulletin_send(*, bulletin: WeeklyBulletin, by=None) -> int:
    """Queue the bulletin for every active recipient and mark it sent. One delivery row per
    bulletin and address (unique), so sending twice adds nobody; each delivery goes out through its
    own task. Returns the number of deliveries created now."""
    locked = WeeklyBulletin.objects.select_for_update().get(pk=bulletin.pk)
    if not locked.figures:
        raise DomainError(_("Compile the bulletin before sending it."), conflict=True)
    existing = set(locked.deliveries.values_list("email", flat=True))
    new = [
        BulletinDelivery(bulletin=locked, recipient=r, email=r.email.lower(), company_id=r.company_id, language=r.language)
        for r in BulletinRecipient.objects.filter(active=True)
        if r.email.lower() not in existing
    ]
    BulletinDelivery.objects.bulk_create(new)
    if locked.status != WeeklyBulletin.Status.SENT:
        locked.status, locked.sent_at, locked.sent_by = WeeklyBulletin.Status.SENT, timezone.now(), by
        locked.save(update_fields=["status", "sent_at", "sent_by"])
    pending = list(locked.deliveries.filter(status=BulletinDelivery.Status.PENDING).values_list("pk", flat=True))
    transaction.on_commit(lambda: _enqueue_deliveries(pending))
    bulletin.refresh_from_db()
    return len(new)


def _enqueue_deliveries(ids: list[int]) -> None:
    """One publish per delivery, never blocking or raising (config.queue); at the first failure the
    rest stay pending too and bulletin_deliveries_sweep_task picks them all up."""
    from bulletins.tasks import bulletin_deliver_task

    for pk in ids:
        if not enqueue(bulletin_deliver_task, delivery_id=pk):
            return


class DeliveryRetry(Exception):
    """The message could not be sent this time; the task retries with back-off."""


def bulletin_deliver(*, delivery_id: int) -> bool:
    """Send one delivery. It is claimed (pending → sending) with a conditional update before the
    message leaves, so a retried or doubled task sends nothing the second time. If the worker dies
    after claiming, the sweep returns claims older than a few minutes to pending; the message carries a
    Message-ID derived from the delivery, so the rare copy sent twice is recognised as the same
    message by mail servers and clients. Returns True when this call sent it."""
    now = timezone.now()
    claimed = BulletinDelivery.objects.filter(pk=delivery_id, status=BulletinDelivery.Status.PENDING).update(
        status=BulletinDelivery.Status.SENDING, claimed_at=now
    )
    if not claimed:
        return False
    delivery = BulletinDelivery.objects.select_related("bulletin", "company").get(pk=delivery_id)
    try:
        subject, text, html = render_bulletin_email(bulletin=delivery.bulletin, company=delivery.company, language=delivery.language)
        message = EmailMultiAlternatives(
            subject, text, settings.DEFAULT_FROM_EMAIL, [delivery.email],
            headers={"Message-ID": f"<bulletin-{delivery.bulletin_id}-{delivery.pk}@{settings.BULLETIN_MESSAGE_ID_DOMAIN}>"},
        )
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception as exc:  # noqa: BLE001 - any SMTP or rendering failure is recorded and retried
        attempts = delivery.attempts + 1
        final = attempts >= settings.BULLETIN_DELIVERY_MAX_ATTEMPTS
        BulletinDelivery.objects.filter(pk=delivery_id).update(
            status=BulletinDelivery.Status.FAILED if final else BulletinDelivery.Status.PENDING,
            attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:300], claimed_at=None,
        )
        if final:
            log.error("Bulletin delivery %s failed for good: %s", delivery_id, exc)
            return False
        raise DeliveryRetry(str(exc)) from exc
    BulletinDelivery.objects.filter(pk=delivery_id).update(
        status=BulletinDelivery.Status.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1, last_error=""
    )
    return True


def bulletin_deliveries_sweep(*, stale_after: datetime.timedelta = datetime.timedelta(minutes=10)) -> list[int]:
    """Return deliveries whose worker died mid-send to pending, and list every pending delivery,
    for the periodic task to enqueue."""
    cutoff = timezone.now() - stale_after
    BulletinDelivery.objects.filter(status=BulletinDelivery.Status.SENDING, claimed_at__lt=cutoff).update(
        status=BulletinDelivery.Status.PENDING, claimed_at=None
    )
    return list(BulletinDelivery.objects.filter(status=BulletinDelivery.Status.PENDING).values_list("pk", flat=True)[:500])


@transaction.atomic
def bulletin_delivery_retry(*, delivery: BulletinDelivery) -> BulletinDelivery:
    """An officer retries a failed delivery."""
    changed = BulletinDelivery.objects.filter(pk=delivery.pk, status=BulletinDelivery.Status.FAILED).update(
        status=BulletinDelivery.Status.PENDING, attempts=0, last_error=""
    )
    if not changed:
        raise DomainError(_("Only a failed delivery can be retried."), conflict=True)
    transaction.on_commit(lambda: _enqueue_deliveries([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


# Recipients -----------------------------------------------------------------------------------

_RECIPIENT_FIELDS = ("name", "email", "kind", "company", "language", "active")


@transaction.atomic
def recipient_save(*, recipient: BulletinRecipient | None = None, **fields) -> BulletinRecipient:
    """Add or change a bulletin recipient. A company manager must have their company, so their copy
    never shows other companies. Raises ValidationError with field errors (a repeated address too)."""
    if unknown := set(fields) - set(_RECIPIENT_FIELDS):
        raise TypeError(f"unknown recipient fields: {sorted(unknown)}")
    recipient = recipient or BulletinRecipient()
    for name, value in fields.items():
        setattr(recipient, name, value)
    recipient.full_clean()
    recipient.save()
    return recipient


@transaction.atomic
def recipients_sync() -> int:
    """Add every officer and company manager who has an email address to the recipient list (once;
    existing rows, including deactivated ones, are left as they are). Returns how many were added."""
    have = set(BulletinRecipient.objects.values_list("email", flat=True))
    new = []
    for officer in Officer.objects.select_related("user").exclude(user__email=""):
        email = officer.user.email.lower()
        if email not in have:
            have.add(email)
            new.append(BulletinRecipient(name=str(officer.user), email=email, kind=BulletinRecipient.Kind.POINT_OFFICER))
    for manager in CompanyManager.objects.select_related("user", "company").exclude(user__email=""):
        email = manager.user.email.lower()
        if email not in have:
            have.add(email)
            new.append(BulletinRecipient(name=str(manager.user), email=email, kind=BulletinRecipient.Kind.MANAGER, company=manager.company))
    BulletinRecipient.objects.bulk_create(new)
    return len(new)


# Case figures ---------------------------------------------------------------------------------

@transaction.atomic
def case_figure_set(*, township: Township, monday: datetime.date, count: int, by=None) -> CaseFigure:
    errors = {}
    if monday.weekday() != 0:
        errors["week"] = [_("A week starts on a Monday.")]
    if monday > timezone.localdate():
        errors["week"] = [_("Figures can only be entered for a week that has begun.")]
    elif not in_date_range(monday):
        errors["week"] = [_("This week is outside the years the office keeps.")]
    try:
        count = int(count) if len(str(count)) <= 10 else -1
        if not 0 <= count <= MAX_CASE_COUNT:
            raise ValueError
    except (TypeError, ValueError):
        errors["count"] = [_("The count is a whole number, zero or more.")]
    if errors:
        raise ValidationError(errors)
    figure, _created = CaseFigure.objects.update_or_create(
        township=township, week_start=monday, defaults={"count": count, "entered_by": by}
    )
    return figure


@transaction.atomic
def case_figures_set_week(*, monday: datetime.date, counts: dict[str, tuple[Township, str]], by=None) -> int:
    """Save a week's figures as typed on its grid. `counts` maps the caller's name for each entry
    (the page's input name) to (township, the count as typed, "" while it is not in yet). A count
    equal to the stored one is left alone; a stored figure cannot be blanked. Any refusal saves
    nothing: one ValidationError lists every bad entry under the caller's name for it. Returns how
    many figures changed."""
    stored = dict(
        CaseFigure.objects.filter(week_start=monday, township_id__in=[t.pk for t, _raw in counts.values()])
        .values_list("township_id", "count")
    )
    errors, changed = {}, 0
    for name, (township, raw) in counts.items():
        raw, before = (raw or "").strip(), stored.get(township.pk)
        if raw == "":
            if before is not None:
                errors[name] = [_("A figure entered before cannot be blanked: enter 0 or the right count.")]
            continue
        if before is not None and raw == str(before):
            continue
        try:
            case_figure_set(township=township, monday=monday, count=raw, by=by)
        except ValidationError as exc:
            errors[name] = [m for msgs in exc.message_dict.values() for m in msgs]
        else:
            changed += 1
    if errors:
        raise ValidationError(errors)  # leaving the atomic block undoes the counts already set
    return changed


@dataclass
class ImportResult:
    created: int
    updated: int


REQUIRED_COLUMNS = ("week", "township", "count")
MAX_CASE_COUNT = 2**31 - 1  # fits the count column on every database


def case_figures_import(*, data: bytes | str, by=None) -> ImportResult:
    """Import weekly case figures from CSV with the columns week (2026-W47 or a date in the week),
    township (code or name) and count. Every bad row is reported with its line number and reason,
    and then nothing is imported: a file goes in whole or not at all."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                data = data.decode("gb18030")  # what Excel on a Chinese Windows saves
            except UnicodeDecodeError:
                raise ValidationError({"file": [_("The file is not text in UTF-8 or GB18030.")]}) from None
    if not data.strip():
        raise ValidationError({"file": [_("The file is empty.")]})
    reader = csv.DictReader(io.StringIO(data))
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    if missing := [c for c in REQUIRED_COLUMNS if c not in columns]:
        raise ValidationError({"file": [_("Missing column(s): %(cols)s. Expected: week, township, count.") % {"cols": ", ".join(missing)}]})
    reader.fieldnames = columns
    townships = {}
    for t in Township.objects.all():
        townships[t.code.lower()] = t
        townships[t.name.lower()] = t
    today = timezone.localdate()
    errors, rows, seen = [], {}, {}
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            _case_figure_row(line, row, townships=townships, today=today, errors=errors, rows=rows, seen=seen)
    except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL byte, a broken quote
        errors.append(_("Line %(line)d: %(problems)s.") % {"line": line + 1, "problems": _("cannot be read (%(why)s)") % {"why": exc}})
    if errors:
        raise ValidationError({"file": errors[:50]})
    if not rows:
        raise ValidationError({"file": [_("The file has a header but no rows.")]})
    return _case_figures_save(rows, by=by)


def _case_figure_row(line, row, *, townships, today, errors, rows, seen) -> None:
    """Check one CSV row: its problems go into `errors` with the line number, a good row into `rows`."""
    week_raw, town_raw, count_raw = (str(row.get(c) or "").strip() for c in REQUIRED_COLUMNS)
    problems = []
    monday = None
    try:
        monday = parse_iso_week(week_raw) if "w" in week_raw.lower() else week_start(datetime.date.fromisoformat(week_raw))
        if not in_date_range(monday):
            raise ValueError(week_raw)
        if monday > today:
            problems.append(_("week %(w)s has not begun") % {"w": week_raw})
    except ValueError:
        problems.append(_("week %(w)r is neither an ISO week (2026-W47) nor a date (2026-11-16)") % {"w": week_raw[:20]})
    township = townships.get(town_raw.lower())
    if township is None:
        problems.append(_("unknown township %(t)r") % {"t": town_raw[:40]})
    try:
        count = int(count_raw) if len(count_raw) <= 10 else -1
        if not 0 <= count <= MAX_CASE_COUNT:
            raise ValueError
    except ValueError:
        problems.append(_("count %(c)r is not a whole number, zero or more") % {"c": count_raw[:20]})
    if not problems:
        key = (township.pk, monday)
        if key in seen:
            problems.append(_("repeats line %(n)d (same township and week)") % {"n": seen[key]})
        else:
            seen[key] = line
            rows[key] = count
    if problems:
        errors.append(_("Line %(line)d: %(problems)s.") % {"line": line, "problems": "; ".join(problems)})


def _case_figures_save(rows: dict, *, by) -> ImportResult:
    with transaction.atomic():
        existing = {(f.township_id, f.week_start): f for f in CaseFigure.objects.filter(
            township_id__in={k[0] for k in rows}, week_start__in={k[1] for k in rows})}
        updates, creates = [], []
        for (township_id, monday), count in rows.items():
            if (township_id, monday) in existing:
                figure = existing[(township_id, monday)]
                figure.count, figure.entered_by = count, by
                updates.append(figure)
            else:
                creates.append(CaseFigure(township_id=township_id, week_start=monday, count=count, entered_by=by))
        CaseFigure.objects.bulk_update(updates, ["count", "entered_by"])
        try:
            CaseFigure.objects.bulk_create(creates)
        except IntegrityError:
            raise DomainError(_("Figures for these weeks were entered at the same moment; import the file again."), conflict=True) from None
    return ImportResult(created=len(creates), updated=len(updates))
