"""The mediation workflow of a dispute: reported → accepted → mediating → resolved, or escalated /
closed; reopening, merging duplicates, mediation sessions and the follow-up visits after resolution."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from disputes.models import Dispute, DisputeEvent, DisputeFollowUp, MediationSession, Tip
from disputes.services._shared import event, full_clean, lock, lock_for_transition, raise_errors, save
from disputes.services.intake import due_dates
from disputes.services.placing import merge_parties
from guards.models import Guard
from rewards.services import points_award

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
    locked = lock_for_transition(dispute, to=to, transitions=DISPUTE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if to == S.ESCALATED and escalated_to not in Dispute.EscalatedTo.values:
        errors["escalated_to"] = [_("Choose the body the dispute goes to: police, court or other.")]
    if to == S.RESOLVED and not (agreement or "").strip():
        errors["agreement"] = [_("Write down the agreement reached.")]
    if to == S.CLOSED and not (note or "").strip():
        errors["note"] = [_("Say why the dispute is closed without agreement.")]
    raise_errors(errors)
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
    save(locked, by)
    event(locked.pk, DisputeEvent.Kind.TRANSITION, by, from_status=previous, to_status=to, note=(note or "").strip())
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
    locked = lock(dispute)
    if locked.status not in Dispute.FINISHED_STATUSES:
        raise DomainError(_("Only a resolved, escalated or closed dispute can be reopened."), conflict=True)
    now = timezone.now()
    previous = locked.status
    locked.status = S.ACCEPTED
    locked.accepted_at = locked.accepted_at or now
    locked.finished_at = None
    locked.escalated_to = ""
    locked.resolution_due = due_dates(category=locked.category, start=now)[1]
    locked.overdue_notified_at = locked.overdue_claimed_at = locked.overdue_next_attempt_at = None
    locked.overdue_attempts = 0
    save(locked, by, reason=reason.strip()[:100])
    event(locked.pk, DisputeEvent.Kind.REOPENED, by, from_status=previous, to_status=S.ACCEPTED, note=reason.strip())
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
    merge_parties(into=target, duplicate=dup)
    previous = dup.status
    dup.status = S.MERGED
    dup.merged_into = target
    dup.finished_at = timezone.now()
    save(dup, by)
    Tip.objects.filter(dispute=dup).update(dispute=target)
    extra = " " + note.strip() if note else ""
    event(dup.pk, DisputeEvent.Kind.MERGED, by, from_status=previous, to_status=S.MERGED,
          note=_("Merged into #%(id)s.") % {"id": target.pk} + extra)
    event(target.pk, DisputeEvent.Kind.MERGED, by, note=_("Duplicate #%(id)s merged into this dispute.") % {"id": dup.pk} + extra)
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
    locked = lock(dispute)
    if locked.status not in (S.ACCEPTED, S.MEDIATING):
        raise DomainError(_("Sessions are recorded once a dispute is accepted and until it is finished."), conflict=True)
    session = MediationSession(
        dispute=locked, held_at=held_at, mediator=by, result=result, parties_present=parties_present or "",
        notes=notes or "", helping_guard=helping_guard,
    )
    full_clean(session, {})
    session.save()
    if locked.status == S.ACCEPTED:
        locked.status = S.MEDIATING
        save(locked, by)
        event(locked.pk, DisputeEvent.Kind.TRANSITION, by, from_status=S.ACCEPTED, to_status=S.MEDIATING)
    if helping_guard is not None and locked.helped_by_id is None:
        Dispute.objects.filter(pk=locked.pk).update(helped_by=helping_guard)
    event(locked.pk, DisputeEvent.Kind.SESSION, by, note=f"{session.get_result_display()}. {notes}".strip())
    dispute.refresh_from_db()
    return session


@transaction.atomic
def follow_up_record(*, follow_up: DisputeFollowUp, by, note: str = "") -> DisputeFollowUp:
    changed = DisputeFollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=by, note=note or ""
    )
    if not changed:
        raise DomainError(_("This follow-up visit is already recorded."), conflict=True)
    event(follow_up.dispute_id, DisputeEvent.Kind.FOLLOW_UP, by,
          note=_("Visit %(days)s days after resolution. %(note)s") % {"days": follow_up.after_days, "note": note or ""})
    follow_up.refresh_from_db()
    return follow_up
