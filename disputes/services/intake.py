"""Intake and routing: a dispute or tip is recorded and routed to the liaison point responsible for
its place; an officer may hand a dispute on to another point."""
import contextlib
import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from config.history_insert import insert_with_history
from config.queue import enqueue_batch
from disputes.models import Dispute, DisputeEvent, Tip, TipAttachment
from disputes.services._shared import PHONE, enqueue, event, full_clean, lock, reporting_guard, save
from disputes.services.attachments import attachment_save, attachments_validate
from disputes.services.notices import INBOX
from disputes.services.placing import clean_parties, save_parties, township_point
from liaison_points.models import LiaisonPoint, Township
from liaison_points.selectors import liaison_point_route


# New tips' inbox emails go out in batches this long after a tip (config.queue.enqueue_batch).
TIP_NOTICE_DELAY_SECONDS = 2


def due_dates(*, category: str, start: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """(first response due, resolution due) for a dispute of `category` reported at `start`:
    DISPUTE_FIRST_RESPONSE_HOURS / DISPUTE_RESOLUTION_DAYS, overridden per category by
    DISPUTE_DUE_BY_CATEGORY."""
    custom = settings.DISPUTE_DUE_BY_CATEGORY.get(category, {})
    hours = custom.get("first_response_hours", settings.DISPUTE_FIRST_RESPONSE_HOURS)
    days = custom.get("resolution_days", settings.DISPUTE_RESOLUTION_DAYS)
    return start + datetime.timedelta(hours=hours), start + datetime.timedelta(days=days)


def _officer_kind(kind: str | None, *, default: str, guard_kind: str, field: str, errors: dict) -> str:
    """The reporter/source kind an officer chose (else `default`); an officer cannot pose as a guard."""
    kind = kind or default
    if kind == guard_kind:
        errors[field] = [_("A guard reports from their own account.")]
    return kind


@transaction.atomic
def dispute_report(
    *,
    by,
    category: str,
    title: str,
    place: str,
    latitude=None,
    longitude=None,
    description: str = "",
    parties: Iterable[dict] = (),
    township: Township | None = None,
    parties_required: bool = True,
    reported_by_kind: str | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reported_at: datetime.datetime | None = None,
) -> Dispute:
    """Record a new dispute and route it to the liaison point responsible for its place.

    A guard reports as themselves (a missing position falls back to their post); an officer enters
    one for themselves or a resident, with a map position or else a township (given, or named in the
    place): then it goes to that township's point and waits for its position. Parties are rows
    {name, role, phone}; at least one unless `parties_required` is False (a dispute opened from a
    tip). Raises ValidationError with field errors; nothing is saved then."""
    errors: dict[str, list[str]] = {}
    guard = reporting_guard(by, refusal=_("Only officers and guards may report disputes."))
    if guard is not None:
        reported_by_kind = Dispute.ReporterKind.GUARD
        if latitude in (None, "") or longitude in (None, ""):
            latitude, longitude = guard.post_latitude, guard.post_longitude
    else:
        reported_by_kind = _officer_kind(
            reported_by_kind, default=Dispute.ReporterKind.OFFICER, guard_kind=Dispute.ReporterKind.GUARD,
            field="reported_by_kind", errors=errors,
        )
    point = None
    if (latitude in (None, "")) != (longitude in (None, "")):
        errors["latitude" if latitude in (None, "") else "longitude"] = [_("Give both latitude and longitude, or neither.")]
    elif latitude in (None, ""):
        latitude = longitude = None
        township, point = township_point(township=township, place=place, errors=errors)
    if reporter_phone and not PHONE.match(reporter_phone.strip()):
        errors["reporter_phone"] = [_("This is not a phone number.")]
    rows = clean_parties(parties, errors, required=parties_required)
    reported_at = reported_at or timezone.now()
    first_due, resolution_due = due_dates(category=category, start=reported_at)
    dispute = Dispute(
        category=category, title=(title or "").strip(), description=description or "", township=township,
        place=(place or "").strip(), latitude=latitude, longitude=longitude, reported_by_kind=reported_by_kind,
        reporting_guard=guard, reporter_name=reporter_name or "", reporter_phone=(reporter_phone or "").strip(),
        created_by=by, reported_at=reported_at, first_response_due=first_due, resolution_due=resolution_due,
    )
    full_clean(dispute, errors, exclude=["liaison_point", "township"])
    if dispute.latitude is not None:
        dispute.liaison_point = liaison_point_route(latitude=dispute.latitude, longitude=dispute.longitude)
        note = _("Routed automatically to %(point)s.") % {"point": dispute.liaison_point} if dispute.liaison_point else ""
    else:
        dispute.liaison_point = point
        note = _("No map position: routed by township %(township)s to %(point)s; position to be added.") % {
            "township": township, "point": point}
    save(dispute, by)
    save_parties(dispute, rows)
    event(dispute.pk, DisputeEvent.Kind.REPORTED, by, to_status=dispute.status, to_point=dispute.liaison_point, note=note)
    from disputes.tasks import dispute_notify_point_task

    enqueue(dispute_notify_point_task, dispute_id=dispute.pk)
    return dispute


def tip_report(
    *,
    by,
    kind: str,
    text: str,
    place: str,
    latitude=None,
    longitude=None,
    source_kind: str | None = None,
    volunteer_name: str = "",
    volunteer_phone: str = "",
    files: Iterable = (),
    received_at: datetime.datetime | None = None,
) -> Tip:
    """Record a tip. A guard is its own source; an officer enters a volunteer's tip (name and phone
    kept for officers only). Attachments are checked before anything is written; the tip and its
    history are one statement (config.history_insert), with its attachments one transaction. The
    point's inbox hears of it from the next batch of tips_notify_task."""
    errors: dict[str, list[str]] = {}
    guard = reporting_guard(by, refusal=_("Only officers and guards may report tips."))
    if guard is not None:
        source_kind = Tip.SourceKind.GUARD
        volunteer_name = volunteer_phone = ""
    else:
        source_kind = _officer_kind(
            source_kind, default=Tip.SourceKind.VOLUNTEER, guard_kind=Tip.SourceKind.GUARD, field="source_kind", errors=errors,
        )
        if source_kind != Tip.SourceKind.GUARD and not (volunteer_name or "").strip():
            errors["volunteer_name"] = [_("Name the volunteer who passed the tip on.")]
    if volunteer_phone and not PHONE.match(volunteer_phone.strip()):
        errors["volunteer_phone"] = [_("This is not a phone number.")]
    if (latitude in (None, "")) != (longitude in (None, "")):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    checked = attachments_validate(files, errors)
    tip = Tip(
        kind=kind, text=(text or "").strip(), place=(place or "").strip(),
        latitude=latitude if latitude not in ("",) else None, longitude=longitude if longitude not in ("",) else None,
        source_kind=source_kind, source_guard=guard, volunteer_name=(volunteer_name or "").strip(),
        volunteer_phone=(volunteer_phone or "").strip(), created_by=by, received_at=received_at or timezone.now(),
    )
    # The guard and the author are the request's own (no lookup to check them), and the checks above
    # already hold the tip's three constraints (a guard source has its guard, both coordinates or
    # neither, no outcome yet): a query each saved per tip, and the database still enforces them.
    full_clean(tip, errors, exclude=["liaison_point", "source_guard", "created_by"], validate_constraints=False)
    if tip.latitude is not None:
        tip.liaison_point = liaison_point_route(latitude=tip.latitude, longitude=tip.longitude)
    elif guard is not None:
        tip.liaison_point = guard.liaison_point
    # A new tip has no verified_at: the dashboard's trend receiver (bulletins.receivers) has nothing
    # to drop, so the signal-less insert loses nothing.
    with transaction.atomic() if checked else contextlib.nullcontext():
        insert_with_history(tip, by=by)
        for upload, content_type in checked:
            attachment_save(tip, upload, content_type, by, TipAttachment.Purpose.REPORT)
    from disputes.tasks import tips_notify_task

    enqueue_batch(tips_notify_task, delay=TIP_NOTICE_DELAY_SECONDS)
    return tip


@transaction.atomic
def dispute_reassign(*, dispute: Dispute, point: LiaisonPoint, by, reason: str) -> Dispute:
    """Hand a dispute to another liaison point; the reason goes on the timeline and the new point's
    inbox is emailed (under the lease, as a new dispute's)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the dispute moves to another point.")]})
    if not point.active:
        raise ValidationError({"liaison_point": [_("This liaison point is closed.")]})
    locked = lock(dispute)
    if locked.status == Dispute.Status.MERGED:
        raise DomainError(_("A merged dispute cannot be reassigned."), conflict=True)
    if locked.liaison_point_id == point.pk:
        raise ValidationError({"liaison_point": [_("The dispute is already at this point.")]})
    old = locked.liaison_point
    locked.liaison_point = point
    for field, value in INBOX.reset().items():  # the new point's inbox hears of it, as at intake
        setattr(locked, field, value)
    save(locked, by, reason=reason.strip()[:100])
    event(locked.pk, DisputeEvent.Kind.REASSIGNED, by, note=reason.strip(), from_point=old, to_point=point)
    from disputes.tasks import dispute_notify_point_task

    enqueue(dispute_notify_point_task, dispute_id=locked.pk)
    dispute.refresh_from_db()
    return dispute
