"""Every write with a rule in the disputes app: intake and routing, the mediation workflow, merging,
tips and their outcomes, and the emails that follow (each sent once, claimed through a marker column).

Transitions lock the row first, so of two concurrent requests (a double click, a retry) only one
applies; the other gets a DomainError(conflict=True), which the API answers with 409."""
import datetime
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from config.exceptions import DomainError
from disputes.attachments import validate_attachment
from disputes.models import Dispute, DisputeEvent, DisputeFollowUp, MediationSession, Tip, TipAttachment
from disputes.selectors import overdue_q
from guards.models import Guard
from guards.services import points_award
from liaison_points.models import LiaisonPoint
from liaison_points.selectors import liaison_point_route

logger = logging.getLogger(__name__)

S = Dispute.Status
DISPUTE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.REPORTED: (S.ACCEPTED, S.ESCALATED, S.CLOSED),
    S.ACCEPTED: (S.MEDIATING, S.ESCALATED, S.CLOSED),
    S.MEDIATING: (S.RESOLVED, S.ESCALATED, S.CLOSED),
    S.RESOLVED: (),
    S.ESCALATED: (),
    S.CLOSED: (),
    S.MERGED: (),
}
T = Tip.Status
TIP_TRANSITIONS: dict[str, tuple[str, ...]] = {
    T.RECEIVED: (T.VERIFIED, T.UNFOUNDED),
    T.VERIFIED: (T.ACTED, T.CLOSED, T.UNFOUNDED),
    T.ACTED: (T.CLOSED,),
    T.CLOSED: (),
    T.UNFOUNDED: (),
}
MAX_ATTACHMENTS_PER_TIP = 10
_PHONE = re.compile(r"^[0-9+\-() ]{5,32}$")


# --- helpers ----------------------------------------------------------------------------------


def due_dates(*, category: str, start: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """(first response due, resolution due) for a dispute of `category` reported at `start`:
    DISPUTE_FIRST_RESPONSE_HOURS / DISPUTE_RESOLUTION_DAYS, overridden per category by
    DISPUTE_DUE_BY_CATEGORY."""
    custom = settings.DISPUTE_DUE_BY_CATEGORY.get(category, {})
    hours = custom.get("first_response_hours", settings.DISPUTE_FIRST_RESPONSE_HOURS)
    days = custom.get("resolution_days", settings.DISPUTE_RESOLUTION_DAYS)
    return start + datetime.timedelta(hours=hours), start + datetime.timedelta(days=days)


def _enqueue(task, **kwargs) -> None:
    """Run `task.delay(**kwargs)` after the commit. When the broker is unreachable the record is
    already saved; the periodic sweep (disputes_send_pending_notices_task) delivers it later."""
    from kombu.exceptions import OperationalError as BrokerError

    def send():
        try:
            task.delay(**kwargs)
        except (BrokerError, OSError) as exc:
            logger.warning("Broker unreachable, %s(%s) left to the periodic sweep: %s", task.name, kwargs, exc)

    transaction.on_commit(send)


def _guard_of(user) -> Guard | None:
    scope = scope_for(user)
    return Guard.objects.filter(pk=scope.guard_id).first() if scope.is_guard else None


def _clean_parties(parties, errors: dict) -> list[dict]:
    cleaned = []
    for i, party in enumerate(parties or []):
        if not isinstance(party, dict):
            errors.setdefault("parties", []).append(_("Party %(n)s must have a name and an optional phone.") % {"n": i + 1})
            continue
        name = str(party.get("name") or "").strip()
        phone = str(party.get("phone") or "").strip()
        role = str(party.get("role") or "").strip()
        if not name or len(name) > 64:
            errors.setdefault("parties", []).append(_("Party %(n)s needs a name of at most 64 characters.") % {"n": i + 1})
        elif phone and not _PHONE.match(phone):
            errors.setdefault("parties", []).append(_("The phone of %(name)s is not a phone number.") % {"name": name})
        else:
            cleaned.append({"name": name, "phone": phone, "role": role[:32]})
    if len(cleaned) > 20:
        errors.setdefault("parties", []).append(_("At most 20 parties."))
    return cleaned


def _full_clean(obj, errors: dict, exclude=()) -> None:
    try:
        obj.full_clean(exclude=[*exclude, *errors])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _event(dispute_id: int, kind: str, by, *, note: str = "", from_status: str = "", to_status: str = "", **extra) -> DisputeEvent:
    return DisputeEvent.objects.create(
        dispute_id=dispute_id, kind=kind, actor=by if getattr(by, "pk", None) else None, note=note,
        from_status=from_status, to_status=to_status, **extra,
    )


def _lock_dispute(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update().get(pk=dispute.pk)


def _refuse(current_label: str, target_label: str):
    raise DomainError(
        _("This item is %(status)s; it cannot become %(target)s.") % {"status": current_label, "target": target_label},
        conflict=True,
    )


# --- disputes: intake, routing ----------------------------------------------------------------


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
    reported_by_kind: str | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reported_at: datetime.datetime | None = None,
) -> Dispute:
    """Record a new dispute and route it to the liaison point responsible for its place.

    A guard reports as themselves (a missing position falls back to their post); an officer enters
    one for themselves or a resident. Raises ValidationError with field errors; nothing is saved then."""
    errors: dict[str, list[str]] = {}
    guard = _guard_of(by)
    if guard is not None:
        reported_by_kind = Dispute.ReporterKind.GUARD
        if latitude in (None, "") or longitude in (None, ""):
            latitude, longitude = guard.post_latitude, guard.post_longitude
    elif not scope_for(by).is_officer:
        raise DomainError(_("Only officers and guards may report disputes."))
    else:
        reported_by_kind = reported_by_kind or Dispute.ReporterKind.OFFICER
        if reported_by_kind == Dispute.ReporterKind.GUARD:
            errors["reported_by_kind"] = [_("A guard reports from their own account.")]
    if latitude in (None, "") or longitude in (None, ""):
        errors["latitude"] = [_("Give the position of the dispute (click the map or type the coordinates).")]
    cleaned_parties = _clean_parties(parties, errors)
    reported_at = reported_at or timezone.now()
    first_due, resolution_due = due_dates(category=category, start=reported_at)
    dispute = Dispute(
        category=category, title=(title or "").strip(), description=description or "", parties=cleaned_parties,
        place=(place or "").strip(), latitude=latitude, longitude=longitude, reported_by_kind=reported_by_kind,
        reporting_guard=guard, reporter_name=reporter_name or "", reporter_phone=reporter_phone or "",
        created_by=by, reported_at=reported_at, first_response_due=first_due, resolution_due=resolution_due,
    )
    _full_clean(dispute, errors, exclude=["liaison_point", "parties"])
    dispute.liaison_point = liaison_point_route(latitude=dispute.latitude, longitude=dispute.longitude)
    dispute._history_user = by
    dispute.save()
    _event(dispute.pk, DisputeEvent.Kind.REPORTED, by, to_status=dispute.status, to_point=dispute.liaison_point,
           note=_("Routed automatically to %(point)s.") % {"point": dispute.liaison_point} if dispute.liaison_point else "")
    from disputes.tasks import dispute_notify_point_task

    _enqueue(dispute_notify_point_task, dispute_id=dispute.pk)
    return dispute


@transaction.atomic
def dispute_reassign(*, dispute: Dispute, point: LiaisonPoint, by, reason: str) -> Dispute:
    """Hand a dispute to another liaison point; the reason goes on the timeline."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the dispute moves to another point.")]})
    if not point.active:
        raise ValidationError({"liaison_point": [_("This liaison point is closed.")]})
    locked = _lock_dispute(dispute)
    if locked.status == S.MERGED:
        raise DomainError(_("A merged dispute cannot be reassigned."), conflict=True)
    if locked.liaison_point_id == point.pk:
        raise ValidationError({"liaison_point": [_("The dispute is already at this point.")]})
    old = locked.liaison_point
    locked.liaison_point = point
    locked._history_user = by
    locked._change_reason = reason.strip()[:100]
    locked.save()
    _event(locked.pk, DisputeEvent.Kind.REASSIGNED, by, note=reason.strip(), from_point=old, to_point=point)
    dispute.refresh_from_db()
    return dispute


# --- disputes: workflow -----------------------------------------------------------------------


@transaction.atomic
def dispute_transition(
    *,
    dispute: Dispute,
    to: str,
    by,
    note: str = "",
    escalated_to: str = "",
    agreement: str = "",
    helped_by: Guard | None = None,
) -> Dispute:
    """Move a dispute along reported → accepted → mediating → resolved, or to escalated / closed.

    Resolving needs the agreement reached, and schedules the follow-up visits; escalating needs the
    body it goes to; closing (no agreement) needs a note, so outcomes stay honest. A guard who helped
    (named, or the reporting guard) is credited "dispute" points once."""
    locked = _lock_dispute(dispute)
    if to not in DISPUTE_TRANSITIONS.get(locked.status, ()):
        _refuse(locked.get_status_display(), dict(S.choices).get(to, to))
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if to == S.ESCALATED and escalated_to not in Dispute.EscalatedTo.values:
        errors["escalated_to"] = [_("Choose the body the dispute goes to: police, court or other.")]
    if to == S.RESOLVED and not (agreement or "").strip():
        errors["agreement"] = [_("Write down the agreement reached.")]
    if to == S.CLOSED and not (note or "").strip():
        errors["note"] = [_("Say why the dispute is closed without agreement.")]
    if errors:
        raise ValidationError(errors)
    previous = locked.status
    locked.status = to
    if to == S.ACCEPTED and locked.accepted_at is None:
        locked.accepted_at = now
    if to in Dispute.FINISHED_STATUSES:
        locked.finished_at = now
        locked.outcome_note = (note or "").strip() or locked.outcome_note
    if to == S.ESCALATED:
        locked.escalated_to = escalated_to
    if to == S.RESOLVED:
        locked.agreement = agreement.strip()
        locked.helped_by = helped_by or locked.helped_by or locked.reporting_guard
    locked._history_user = by
    locked.save()
    _event(locked.pk, DisputeEvent.Kind.TRANSITION, by, from_status=previous, to_status=to, note=(note or "").strip())
    if to == S.RESOLVED:
        today = timezone.localdate(now)
        DisputeFollowUp.objects.bulk_create(
            [DisputeFollowUp(dispute=locked, after_days=d, due_on=today + datetime.timedelta(days=d)) for d in settings.DISPUTE_FOLLOW_UP_DAYS],
            ignore_conflicts=True,
        )
        if locked.helped_by_id:
            points_award(guard_id=locked.helped_by_id, kind="dispute", source=locked, occurred_on=today, by=by)
    dispute.refresh_from_db()
    return dispute


@transaction.atomic
def dispute_reopen(*, dispute: Dispute, by, reason: str) -> Dispute:
    """Reopen a resolved, escalated or closed dispute (the agreement did not hold...). It goes back
    to accepted with a fresh resolution deadline; the reason goes on the timeline."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the dispute is reopened.")]})
    locked = _lock_dispute(dispute)
    if locked.status not in Dispute.FINISHED_STATUSES:
        raise DomainError(_("Only a resolved, escalated or closed dispute can be reopened."), conflict=True)
    now = timezone.now()
    previous = locked.status
    locked.status = S.ACCEPTED
    locked.accepted_at = locked.accepted_at or now
    locked.finished_at = None
    locked.escalated_to = ""
    locked.resolution_due = due_dates(category=locked.category, start=now)[1]
    locked.overdue_notified_at = None
    locked._history_user = by
    locked._change_reason = reason.strip()[:100]
    locked.save()
    _event(locked.pk, DisputeEvent.Kind.REOPENED, by, from_status=previous, to_status=S.ACCEPTED, note=reason.strip())
    dispute.refresh_from_db()
    return dispute


@transaction.atomic
def dispute_merge(*, duplicate: Dispute, into: Dispute, by, note: str = "") -> Dispute:
    """Merge `duplicate` into `into`: the duplicate becomes "merged" (its own timeline stays and is
    shown with the target's), its parties and tips move over. Returns the target."""
    if duplicate.pk == into.pk:
        raise ValidationError({"into": [_("A dispute cannot be merged into itself.")]})
    first, second = sorted([duplicate.pk, into.pk])
    locked = {d.pk: d for d in Dispute.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    dup, target = locked[duplicate.pk], locked[into.pk]
    if dup.status not in Dispute.OPEN_STATUSES:
        raise DomainError(_("Only an open dispute can be merged into another."), conflict=True)
    if target.status == S.MERGED:
        raise DomainError(_("The target was itself merged; merge into %(id)s instead.") % {"id": f"#{target.merged_into_id}"}, conflict=True)
    known = {(p.get("name"), p.get("phone")) for p in target.parties}
    target.parties = target.parties + [p for p in dup.parties if (p.get("name"), p.get("phone")) not in known]
    target._history_user = by
    target.save()
    previous = dup.status
    dup.status = S.MERGED
    dup.merged_into = target
    dup.finished_at = timezone.now()
    dup._history_user = by
    dup.save()
    Tip.objects.filter(dispute=dup).update(dispute=target)
    _event(dup.pk, DisputeEvent.Kind.MERGED, by, from_status=previous, to_status=S.MERGED,
           note=(_("Merged into #%(id)s.") % {"id": target.pk} + (" " + note.strip() if note else "")))
    _event(target.pk, DisputeEvent.Kind.MERGED, by,
           note=(_("Duplicate #%(id)s merged into this dispute.") % {"id": dup.pk} + (" " + note.strip() if note else "")))
    into.refresh_from_db()
    return into


@transaction.atomic
def mediation_session_add(
    *,
    dispute: Dispute,
    by,
    held_at: datetime.datetime,
    result: str,
    parties_present: str = "",
    notes: str = "",
    helping_guard: Guard | None = None,
) -> MediationSession:
    """Record a mediation session. The first session of an accepted dispute moves it to mediating."""
    locked = _lock_dispute(dispute)
    if locked.status not in (S.ACCEPTED, S.MEDIATING):
        raise DomainError(_("Sessions are recorded once a dispute is accepted and until it is finished."), conflict=True)
    session = MediationSession(
        dispute=locked, held_at=held_at, mediator=by, result=result, parties_present=parties_present or "",
        notes=notes or "", helping_guard=helping_guard,
    )
    _full_clean(session, {})
    session.save()
    if locked.status == S.ACCEPTED:
        locked.status = S.MEDIATING
        locked._history_user = by
        locked.save()
        _event(locked.pk, DisputeEvent.Kind.TRANSITION, by, from_status=S.ACCEPTED, to_status=S.MEDIATING)
    if helping_guard is not None and locked.helped_by_id is None:
        Dispute.objects.filter(pk=locked.pk).update(helped_by=helping_guard)
    _event(locked.pk, DisputeEvent.Kind.SESSION, by, note=f"{session.get_result_display()}. {notes}".strip())
    dispute.refresh_from_db()
    return session


@transaction.atomic
def follow_up_record(*, follow_up: DisputeFollowUp, by, note: str = "") -> DisputeFollowUp:
    changed = DisputeFollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=by, note=note or ""
    )
    if not changed:
        raise DomainError(_("This follow-up visit is already recorded."), conflict=True)
    _event(follow_up.dispute_id, DisputeEvent.Kind.FOLLOW_UP, by,
           note=_("Visit %(days)s days after resolution. %(note)s") % {"days": follow_up.after_days, "note": note or ""})
    follow_up.refresh_from_db()
    return follow_up


# --- tips -------------------------------------------------------------------------------------


def _attachments_validate(files, errors: dict) -> list[tuple[object, str]]:
    files = [f for f in (files or []) if f]
    checked = []
    if len(files) > MAX_ATTACHMENTS_PER_TIP:
        errors.setdefault("attachments", []).append(_("At most %(n)s files per tip.") % {"n": MAX_ATTACHMENTS_PER_TIP})
        return []
    for upload in files:
        try:
            checked.append((upload, validate_attachment(upload)))
        except ValidationError as exc:
            errors.setdefault("attachments", []).extend(exc.messages)
    return checked


def _attachment_save(tip: Tip, upload, content_type: str, by, purpose: str) -> TipAttachment:
    attachment = TipAttachment(
        tip=tip, original_name=(upload.name or "")[:200], content_type=content_type, size=upload.size,
        purpose=purpose, uploaded_by=by if getattr(by, "pk", None) else None,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
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
    kept for officers only). Attachments are checked before anything is written."""
    errors: dict[str, list[str]] = {}
    guard = _guard_of(by)
    if guard is not None:
        source_kind = Tip.SourceKind.GUARD
        volunteer_name = volunteer_phone = ""
    elif not scope_for(by).is_officer:
        raise DomainError(_("Only officers and guards may report tips."))
    else:
        source_kind = source_kind or Tip.SourceKind.VOLUNTEER
        if source_kind == Tip.SourceKind.GUARD:
            errors["source_kind"] = [_("A guard reports from their own account.")]
        elif not (volunteer_name or "").strip():
            errors["volunteer_name"] = [_("Name the volunteer who passed the tip on.")]
    if volunteer_phone and not _PHONE.match(volunteer_phone.strip()):
        errors["volunteer_phone"] = [_("This is not a phone number.")]
    if (latitude in (None, "")) != (longitude in (None, "")):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    checked = _attachments_validate(files, errors)
    tip = Tip(
        kind=kind, text=(text or "").strip(), place=(place or "").strip(),
        latitude=latitude if latitude not in ("",) else None, longitude=longitude if longitude not in ("",) else None,
        source_kind=source_kind, source_guard=guard, volunteer_name=(volunteer_name or "").strip(),
        volunteer_phone=(volunteer_phone or "").strip(), created_by=by, received_at=received_at or timezone.now(),
    )
    _full_clean(tip, errors, exclude=["liaison_point"])
    if tip.latitude is not None:
        tip.liaison_point = liaison_point_route(latitude=tip.latitude, longitude=tip.longitude)
    elif guard is not None:
        tip.liaison_point = guard.liaison_point
    tip._history_user = by
    tip.save()
    for upload, content_type in checked:
        _attachment_save(tip, upload, content_type, by, TipAttachment.Purpose.REPORT)
    from disputes.tasks import tip_notify_point_task

    _enqueue(tip_notify_point_task, tip_id=tip.pk)
    return tip


@transaction.atomic
def tip_attachment_add(*, tip: Tip, upload, by, purpose: str = TipAttachment.Purpose.REPORT) -> TipAttachment:
    errors: dict[str, list[str]] = {}
    if tip.attachments.count() >= MAX_ATTACHMENTS_PER_TIP:
        raise ValidationError({"attachments": [_("At most %(n)s files per tip.") % {"n": MAX_ATTACHMENTS_PER_TIP}]})
    checked = _attachments_validate([upload], errors)
    if errors or not checked:
        raise ValidationError(errors or {"attachments": [_("Choose a file.")]})
    return _attachment_save(tip, upload, checked[0][1], by, purpose)


@transaction.atomic
def tip_transition(
    *, tip: Tip, to: str, by, note: str = "", outcome: str = "", case_number: str = "", outcome_note: str = ""
) -> Tip:
    """received → verified → acted on → closed, or unfounded. Verifying a guard's tip credits the
    guard "tip" points once; finding a verified tip unfounded takes them back. Closing may record the
    outcome (a solved case needs its case number)."""
    from guards.services import points_revoke

    locked = Tip.objects.select_for_update().get(pk=tip.pk)
    if to not in TIP_TRANSITIONS.get(locked.status, ()):
        _refuse(locked.get_status_display(), dict(T.choices).get(to, to))
    errors: dict[str, list[str]] = {}
    if outcome and outcome not in Tip.Outcome.values:
        errors["outcome"] = [_("Unknown outcome.")]
    if outcome == Tip.Outcome.CASE_SOLVED and not (case_number or "").strip():
        errors["case_number"] = [_("A solved case needs its case number.")]
    if to == T.UNFOUNDED and not (note or "").strip():
        errors["note"] = [_("Say why the tip is unfounded.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    previous = locked.status
    locked.status = to
    locked.handled_by = by
    if to == T.VERIFIED:
        locked.verified_at = now
    if to in (T.CLOSED, T.UNFOUNDED):
        locked.finished_at = now
    if outcome:
        locked.outcome = outcome
    if case_number:
        locked.case_number = case_number.strip()
    if outcome_note or note:
        locked.outcome_note = (outcome_note or note).strip()
    locked._history_user = by
    locked._change_reason = (note or "").strip()[:100] or None
    locked.save()
    if locked.source_guard_id:
        if to == T.VERIFIED:
            points_award(guard_id=locked.source_guard_id, kind="tip", source=locked, occurred_on=timezone.localdate(now), by=by)
        elif to == T.UNFOUNDED and previous != T.RECEIVED:
            points_revoke(guard_id=locked.source_guard_id, kind="tip", source=locked)
    tip.refresh_from_db()
    return tip


@transaction.atomic
def tip_set_rectification(
    *, tip: Tip, by, rectification_by: str = "", rectification_due: datetime.date | None = None, rectified: bool = False,
    photo=None,
) -> Tip:
    """Who rectifies a hazard and by when; marking it done records the time and the outcome."""
    if tip.kind != Tip.Kind.HAZARD:
        raise ValidationError({"kind": [_("Only a hazard tip has a rectification.")]})
    locked = Tip.objects.select_for_update().get(pk=tip.pk)
    if locked.status in (T.UNFOUNDED,):
        raise DomainError(_("An unfounded tip has nothing to rectify."), conflict=True)
    if photo:
        tip_attachment_add(tip=locked, upload=photo, by=by, purpose=TipAttachment.Purpose.RECTIFICATION)
    locked.rectification_by = (rectification_by or "").strip()
    locked.rectification_due = rectification_due
    if rectified and locked.rectified_at is None:
        locked.rectified_at = timezone.now()
        locked.outcome = locked.outcome or Tip.Outcome.HAZARD_RECTIFIED
    elif not rectified:
        locked.rectified_at = None
        if locked.outcome == Tip.Outcome.HAZARD_RECTIFIED:
            locked.outcome = ""
    locked.handled_by = by
    locked._history_user = by
    locked.save()
    tip.refresh_from_db()
    return tip


@transaction.atomic
def tip_link_dispute(*, tip: Tip, dispute: Dispute, by) -> Tip:
    if dispute.status == S.MERGED:
        dispute = dispute.merged_into
    changed = Tip.objects.filter(pk=tip.pk).exclude(dispute=dispute).update(dispute=dispute, handled_by=by)
    if changed:
        _event(dispute.pk, DisputeEvent.Kind.TIP_LINKED, by, note=_("Tip #%(id)s linked.") % {"id": tip.pk})
    tip.refresh_from_db()
    return tip


@transaction.atomic
def tip_start_dispute(*, tip: Tip, by, category: str, title: str, parties: Iterable[dict] = (), latitude=None, longitude=None) -> Dispute:
    """Open a dispute from a tip (same place), reported by the officer on the tip's behalf."""
    if tip.dispute_id:
        raise DomainError(_("This tip is already linked to dispute #%(id)s.") % {"id": tip.dispute_id}, conflict=True)
    dispute = dispute_report(
        by=by, category=category, title=title, place=tip.place, parties=parties, description=tip.text,
        latitude=latitude if latitude not in (None, "") else tip.latitude,
        longitude=longitude if longitude not in (None, "") else tip.longitude,
        reported_by_kind=Dispute.ReporterKind.OFFICER,
    )
    tip_link_dispute(tip=tip, dispute=dispute, by=by)
    return dispute


# --- emails: new items to the point's shared inbox, overdue notices ---------------------------


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


def dispute_notify_point(*, dispute_id: int) -> bool:
    """Email a new dispute to its point's shared inbox, at most once (the marker is claimed before
    sending). The email names category, place and status, never the parties or the reporter."""
    if not _claim(Dispute, dispute_id, "notified_at"):
        return False
    dispute = Dispute.objects.select_related("liaison_point__responsible_officer__user").get(pk=dispute_id)
    recipients = _inbox(dispute.liaison_point)
    if not recipients:
        return False
    context = {"dispute": dispute, "url": _page_url("disputes:dispute-detail", dispute.pk)}
    send_mail(
        render_to_string("disputes/emails/dispute_new_subject.txt", context).strip(),
        render_to_string("disputes/emails/dispute_new_body.txt", context),
        None, recipients,
    )
    return True


def tip_notify_point(*, tip_id: int) -> bool:
    """Email a new tip to its point's shared inbox, at most once. Kind, place and a link only: the
    source and the text stay in the app, behind a sign-in."""
    if not _claim(Tip, tip_id, "notified_at"):
        return False
    tip = Tip.objects.select_related("liaison_point__responsible_officer__user").get(pk=tip_id)
    recipients = _inbox(tip.liaison_point)
    if not recipients:
        return False
    context = {"tip": tip, "url": _page_url("disputes:tip-detail", tip.pk)}
    send_mail(
        render_to_string("disputes/emails/tip_new_subject.txt", context).strip(),
        render_to_string("disputes/emails/tip_new_body.txt", context),
        None, recipients,
    )
    return True


def pending_notices_send(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2), limit: int = 200) -> int:
    """The sweep: new disputes and tips whose inbox email never went out (the broker was down when
    they were saved). Items younger than `older_than` are left to their own task."""
    cutoff = timezone.now() - older_than
    sent = 0
    for pk in Dispute.objects.filter(notified_at__isnull=True, created_at__lt=cutoff).values_list("pk", flat=True)[:limit]:
        sent += dispute_notify_point(dispute_id=pk)
    for pk in Tip.objects.filter(notified_at__isnull=True, created_at__lt=cutoff).values_list("pk", flat=True)[:limit]:
        sent += tip_notify_point(tip_id=pk)
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
        _event(pk, DisputeEvent.Kind.OVERDUE, None, note=_("Overdue notice sent to %(n)s recipient(s).") % {"n": len(recipients)})
        if not recipients:
            continue
        context = {"dispute": dispute, "kind": dispute.overdue_kind(now), "url": _page_url("disputes:dispute-detail", pk)}
        send_mail(
            render_to_string("disputes/emails/dispute_overdue_subject.txt", context).strip(),
            render_to_string("disputes/emails/dispute_overdue_body.txt", context),
            None, recipients,
        )
        sent += 1
    return sent
