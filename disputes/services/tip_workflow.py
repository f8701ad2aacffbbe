"""What happens to a tip: received → verified → acted on → closed, or unfounded; a hazard's
rectification; linking a tip to a dispute or opening one from it."""
import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.activity import ACTIVITY_FIELDS, activity_errors
from config.exceptions import DomainError
from disputes.models import Dispute, DisputeEvent, Tip, TipAttachment
from disputes.services._shared import event, lock, lock_for_transition, raise_errors, save
from disputes.services.attachments import tip_attachment_add
from disputes.services.intake import dispute_report
from rewards.services import points_award

T = Tip.Status
TIP_TRANSITIONS: dict[str, tuple[str, ...]] = {
    T.RECEIVED: (T.VERIFIED, T.UNFOUNDED),
    T.VERIFIED: (T.ACTED, T.CLOSED, T.UNFOUNDED),
    T.ACTED: (T.CLOSED,),
    T.CLOSED: (),
    T.UNFOUNDED: (),
}


@transaction.atomic
def tip_transition(
    *, tip: Tip, to: str, by, note: str = "", outcome: str = "", case_number: str = "", outcome_note: str = "",
    **activity: int,
) -> Tip:
    """received → verified → acted on → closed, or unfounded. Verifying a guard's tip credits the
    guard "tip" points once; finding a verified tip unfounded takes them back. Closing may record the
    outcome (a solved case needs its case number) and the activity counts (suspects caught,
    fugitives assisted, residents helped, "three defences" guidance: config.activity), 0 to 999."""
    from rewards.services import points_revoke

    locked = lock_for_transition(tip, to=to, transitions=TIP_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    if outcome and outcome not in Tip.Outcome.values:
        errors["outcome"] = [_("Unknown outcome.")]
    if outcome == Tip.Outcome.CASE_SOLVED and not (case_number or "").strip():
        errors["case_number"] = [_("A solved case needs its case number.")]
    if to == T.UNFOUNDED and not (note or "").strip():
        errors["note"] = [_("Say why the tip is unfounded.")]
    if unknown := set(activity) - set(ACTIVITY_FIELDS):
        raise TypeError(f"unknown activity counts: {sorted(unknown)}")
    if activity and to != T.CLOSED:
        errors[next(iter(activity))] = [_("Activity counts are recorded when the tip is closed.")]
    errors.update(activity_errors({name: activity.get(name, 0) for name in ACTIVITY_FIELDS}))
    raise_errors(errors)
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
    for name, value in activity.items():
        setattr(locked, name, value)
    save(locked, by, reason=(note or "").strip()[:100] or None)
    if locked.source_guard_id:
        if to == T.VERIFIED:
            points_award(guard_id=locked.source_guard_id, kind="tip", source=locked, occurred_on=timezone.localdate(now), by=by)
        elif to == T.UNFOUNDED and previous != T.RECEIVED:
            points_revoke(guard_id=locked.source_guard_id, kind="tip", source=locked)
    tip.refresh_from_db()
    return tip


REOPEN_REASON_MAX = 100  # the history row's change reason holds at most this many characters


@transaction.atomic
def tip_reopen(*, tip: Tip, by, reason: str) -> Tip:
    """Reopen a closed or unfounded tip (new facts, the outcome did not hold...). A closed tip goes
    back to verified, an unfounded one to received (triaged again; verifying it credits the source
    guard again). The outcome, case number and activity counts recorded at closing stay until the
    tip is closed again with other values. The reason is the history row's change reason, which the
    tip page shows. Nothing is saved when refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the tip is reopened.")]})
    if len(reason) > REOPEN_REASON_MAX:
        raise ValidationError({"reason": [_("Keep the reason to %(n)s characters.") % {"n": REOPEN_REASON_MAX}]})
    locked = lock(tip)
    if locked.status not in (T.CLOSED, T.UNFOUNDED):
        raise DomainError(
            _("Only a closed or unfounded tip can be reopened; this one is %(status)s.") % {"status": locked.get_status_display()},
            conflict=True,
        )
    locked.status = T.VERIFIED if locked.status == T.CLOSED else T.RECEIVED
    locked.finished_at = None
    locked.handled_by = by
    save(locked, by, reason=reason)
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
    locked = lock(tip)
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
    save(locked, by)
    tip.refresh_from_db()
    return tip


@transaction.atomic
def tip_link_dispute(*, tip: Tip, dispute: Dispute, by) -> Tip:
    if dispute.status == Dispute.Status.MERGED:
        dispute = dispute.merged_into
    changed = Tip.objects.filter(pk=tip.pk).exclude(dispute=dispute).update(dispute=dispute, handled_by=by)
    if changed:
        event(dispute.pk, DisputeEvent.Kind.TIP_LINKED, by, note=_("Tip #%(id)s linked.") % {"id": tip.pk})
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
        reported_by_kind=Dispute.ReporterKind.OFFICER, parties_required=False,
        township=tip.liaison_point.township if tip.liaison_point_id else None,
    )
    tip_link_dispute(tip=tip, dispute=dispute, by=by)
    return dispute
