"""Assessment writes: the quarterly assessment run (scores, outcomes, removals) and equipment
(register, issue, return, recall on removal)."""
import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessments.models import Assessment, Equipment, EquipmentRecall
from config.dates import parse_quarter
from config.exceptions import DomainError
from guards.models import Guard
from guards.services import guard_remove
from liaison_points.models import LiaisonPoint
from rewards.models import PointEntry, PointRule
from guards.policy import duty_policy
from training.attendance import monthly_sessions_attended
from training.models import CertificateExam, RosterEntry


def _assessment_components(guard_ids, first: datetime.date, last: datetime.date, quarter: str) -> dict[int, dict]:
    """Inputs of the score per guard, from the apps below: four aggregate queries."""
    ledger = defaultdict(lambda: defaultdict(int))
    for row in (
        PointEntry.objects.filter(guard_id__in=guard_ids, occurred_on__range=(first, last))
        .values("guard_id", "kind")
        .annotate(n=Count("id"), points=Sum("points"))
    ):
        ledger[row["guard_id"]][row["kind"]] = row["n"]
        if row["kind"] == PointRule.Kind.DEDUCTION:
            ledger[row["guard_id"]]["deduction_points"] = row["points"]
    exams = dict(
        CertificateExam.objects.filter(guard_id__in=guard_ids, taken_on__range=(first, last))
        .values("guard_id").annotate(best=Max("score")).values_list("guard_id", "best")
    )
    trained = set(
        RosterEntry.objects.filter(guard_id__in=guard_ids, roster__quarter=quarter, attended=True).values_list("guard_id", flat=True)
    )
    # Trained: attended the quarter's rotation session, OR at least the office's minimum of other
    # sessions (business training, drills, exchange visits, mentoring) in the quarter.
    minimum = duty_policy().monthly_training_minimum
    monthly = monthly_sessions_attended(guard_ids=guard_ids, quarter=quarter)
    trained |= {gid for gid, n in monthly.items() if minimum and n >= minimum}
    return {gid: {"ledger": ledger[gid], "exam": exams.get(gid), "trained": gid in trained} for gid in guard_ids}


def assessment_score(*, ledger: dict, exam: int | None, trained: bool, certificate_valid: bool) -> tuple[Decimal, dict]:
    """Score out of 100 with its parts: patrol attendance 40 (share of scheduled patrols attended), patrols done 20, exam or valid certificate 20, training 10, tips and
    disputes 10, plus deductions (negative)."""
    attended, absent = ledger.get("patrol", 0), ledger.get("absent", 0)
    scheduled = attended + absent
    parts = {
        # Reliability: a guard the office never scheduled has missed nothing (the patrols part
        # below still reflects that they did not patrol).
        "attendance": round(40 * attended / scheduled, 1) if scheduled else 40.0,
        "patrols": round(20 * min(attended / settings.ASSESSMENT_PATROL_TARGET, 1), 1),
        "exam": round(20 * exam / 100, 1) if exam is not None else (20.0 if certificate_valid else 0.0),
        "training": 10.0 if trained else 0.0,
        "tips_and_disputes": round(10 * min((ledger.get("tip", 0) + ledger.get("dispute", 0)) / 2, 1), 1),
        "deductions": float(ledger.get("deduction_points", 0)),
    }
    total = max(0.0, min(100.0, sum(parts.values())))
    facts = {"patrols_attended": attended, "patrols_absent": absent, "exam_score": exam, "trained": trained}
    return Decimal(str(round(total, 1))), {"parts": parts, "facts": facts}


def assessment_outcome(score: Decimal) -> str:
    if score >= settings.ASSESSMENT_PASS_SCORE:
        return Assessment.Outcome.PASS
    if score >= settings.ASSESSMENT_WARNING_SCORE:
        return Assessment.Outcome.WARNING
    return Assessment.Outcome.REMOVE


@transaction.atomic
def assessments_run(*, quarter: str, apply: bool = False, by=None) -> dict[str, int]:
    """Assess every guard still in the scheme for `quarter`. Scores are recomputed until applied;
    with apply=True the outcomes take effect: guards scoring below the warning threshold are
    removed (their equipment recalled) and every guard's last outcome is stored for deployability."""
    label, first, last = parse_quarter(quarter)
    guards = list(Guard.objects.exclude(status=Guard.Status.REMOVED).order_by("id"))
    inputs = _assessment_components([g.pk for g in guards], first, last, label)
    existing = {a.guard_id: a for a in Assessment.objects.filter(quarter=label)}
    new, changed = [], []
    counts = defaultdict(int)
    for g in guards:
        current = existing.get(g.pk)
        if current and current.applied_at:
            counts[current.outcome] += 1
            continue
        score, components = assessment_score(**inputs[g.pk], certificate_valid=g.certificate_valid_on(last))
        outcome = assessment_outcome(score)
        counts[outcome] += 1
        if current:
            current.score, current.components, current.outcome = score, components, outcome
            changed.append(current)
        else:
            new.append(Assessment(guard=g, quarter=label, score=score, components=components, outcome=outcome))
    bulk_create_with_history(new, Assessment, batch_size=2000, default_user=by)
    if changed:
        Assessment.objects.bulk_update(changed, ["score", "components", "outcome"], batch_size=2000)
    if apply:
        now = timezone.now()
        to_apply = Assessment.objects.filter(quarter=label, applied_at__isnull=True).select_related("guard")
        for a in to_apply:
            if a.outcome == Assessment.Outcome.REMOVE and a.guard.status != Guard.Status.REMOVED:
                guard_remove(guard=a.guard, reason=_("Failed the %(q)s assessment (score %(s)s).") % {"q": label, "s": a.score}, by=by)
        for outcome in Assessment.Outcome.values:
            Guard.objects.filter(assessments__quarter=label, assessments__outcome=outcome, assessments__applied_at__isnull=True).update(
                last_assessment_outcome=outcome
            )
        to_apply.update(applied_at=now)
    return dict(counts)

@transaction.atomic
def equipment_create(*, kind: str, serial_number: str, by=None) -> Equipment:
    """Register a new item, in store."""
    item = Equipment(kind=kind, serial_number=(serial_number or "").strip().upper(), status=Equipment.Status.IN_STORE)
    item.full_clean()
    item._history_user = by
    item.save()
    return item


@transaction.atomic
def equipment_issue(*, equipment: Equipment, point: LiaisonPoint | None = None, guard: Guard | None = None,
                    on: datetime.date | None = None, by=None) -> Equipment:
    if (point is None) == (guard is None):
        raise ValidationError({"issued_to": [_("Issue the item to a liaison point or to a guard.")]})
    if guard is not None and guard.status == Guard.Status.REMOVED:
        raise ValidationError({"issued_to_guard": [_("This guard has been removed.")]})
    locked = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if locked.status != Equipment.Status.IN_STORE:
        raise DomainError(_("This item is not in store (%(s)s).") % {"s": locked.get_status_display()}, conflict=True)
    locked.status = Equipment.Status.ISSUED
    locked.issued_to_point, locked.issued_to_guard = point, guard
    locked.issued_on = on or timezone.localdate()
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def equipment_return(*, equipment: Equipment, on: datetime.date | None = None, by=None) -> Equipment:
    """The item is back in store; an open recall for it is closed."""
    locked = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if locked.status == Equipment.Status.IN_STORE:
        raise DomainError(_("This item is already in store."), conflict=True)
    on = on or timezone.localdate()
    EquipmentRecall.objects.filter(equipment=locked, returned_on__isnull=True).update(returned_on=on)
    locked.status = Equipment.Status.IN_STORE
    locked.issued_to_point = locked.issued_to_guard = None
    locked.issued_on = None
    locked._history_user = by
    locked.save()
    return locked


def equipment_recall_from(*, guard_id: int, reason: str = "") -> int:
    """Put every item issued to a removed guard on recall (one open recall per item). Called by the
    guard_removed receiver inside the removal's transaction; a second call opens nothing new."""
    today = timezone.localdate()
    items = list(
        Equipment.objects.select_for_update()
        .filter(issued_to_guard_id=guard_id)
        .exclude(status__in=(Equipment.Status.LOST, Equipment.Status.RECALL))
    )
    EquipmentRecall.objects.bulk_create(EquipmentRecall(equipment=e, guard_id=guard_id, opened_on=today, note=reason[:200]) for e in items)
    Equipment.objects.filter(pk__in=[e.pk for e in items]).update(status=Equipment.Status.RECALL)
    return len(items)
