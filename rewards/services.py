"""Writes on the points ledger: activity awards (idempotent per source), point rules, monthly payouts."""
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require_officer
from config.dates import month_bounds
from config.exceptions import DomainError
from rewards.models import PayoutLine, PayoutRun, PointEntry, PointRule, RewardRound, RewardRoundLine

_CENT = Decimal("0.01")


def points_award(
    *, guard_id: int, kind: str, source=None, occurred_on=None, reason: str = "", points: int | None = None, by=None
) -> PointEntry | None:
    """Credit (or debit) a guard through the points ledger.

    Activity awards name their `source` record and are idempotent: the same guard, kind and source
    is credited once however often this runs. Points default to the active PointRule of `kind`; with
    no active rule (and no explicit points) nothing is written and None is returned."""
    if points is None:
        rule = PointRule.objects.filter(kind=kind, active=True).first()
        if rule is None:
            return None
        points = rule.points
    source_type = f"{source._meta.app_label}.{source._meta.model_name}" if source is not None else ""
    source_id = source.pk if source is not None else None
    fields = {"points": points, "reason": reason, "created_by": by}
    if occurred_on is not None:
        fields["occurred_on"] = occurred_on
    if source_id is None:
        return PointEntry.objects.create(guard_id=guard_id, kind=kind, source_type=source_type, **fields)
    with transaction.atomic():
        entry, _created = PointEntry.objects.get_or_create(
            guard_id=guard_id, kind=kind, source_type=source_type, source_id=source_id, defaults=fields
        )
    return entry


def points_revoke(*, guard_id: int, kind: str, source) -> int:
    """Take back an activity award (an attendance corrected to absent, a tip found unfounded)."""
    deleted, _ = PointEntry.objects.filter(
        guard_id=guard_id, kind=kind, source_type=f"{source._meta.app_label}.{source._meta.model_name}", source_id=source.pk
    ).delete()
    return deleted


@transaction.atomic
def point_rule_update(*, rule: PointRule, points: int | None = None, active: bool | None = None, by=None) -> PointRule:
    """Change what an activity earns. Deductions and absences take points (zero or less), every
    other kind earns them (zero or more). Returns the rule; unchanged rules are not written."""
    require_officer(by)
    rule = PointRule.objects.select_for_update().get(pk=rule.pk)
    new_points = rule.points if points is None else points
    new_active = rule.active if active is None else active
    if (new_points, new_active) == (rule.points, rule.active):
        return rule
    rule.points, rule.active = new_points, new_active
    rule.full_clean()
    rule._history_user = by
    rule.save()
    return rule


@transaction.atomic
def payout_compute(*, month: datetime.date, yuan_per_point: Decimal | None = None) -> PayoutRun:
    """Turn the month's points into amounts at the office's rate, for officer approval.

    Every guard with ledger entries that month is paid for them, including a guard removed during
    the month; a negative balance pays nothing (it is not carried as a debt). An approved payout is
    never recomputed. Aggregated in the database: one query for the totals, one bulk insert."""
    first, last = month_bounds(month)
    rate = Decimal(str(yuan_per_point if yuan_per_point is not None else settings.PAYOUT_YUAN_PER_POINT))
    if rate < 0:
        raise ValidationError({"yuan_per_point": [_("The rate cannot be negative.")]})
    run, _created = PayoutRun.objects.select_for_update().get_or_create(month=first, defaults={"yuan_per_point": rate})
    if run.status == PayoutRun.Status.APPROVED:
        raise DomainError(_("The payout for %(m)s is approved and cannot be recomputed.") % {"m": f"{first:%Y-%m}"}, conflict=True)
    run.yuan_per_point = rate
    run.lines.all().delete()
    totals = (
        PointEntry.objects.filter(occurred_on__range=(first, last))
        .values("guard_id", "guard__company_id")
        .annotate(points=Sum("points"))
        .order_by("guard_id")
    )
    lines = [
        PayoutLine(
            run=run, guard_id=row["guard_id"], company_id=row["guard__company_id"], points=row["points"],
            amount=(max(row["points"], 0) * rate).quantize(_CENT, rounding=ROUND_HALF_UP),
        )
        for row in totals
    ]
    PayoutLine.objects.bulk_create(lines, batch_size=2000)
    run.total_points = sum(max(line.points, 0) for line in lines)
    run.total_amount = sum((line.amount for line in lines), Decimal("0"))
    run.save()
    return run


@transaction.atomic
def payout_approve(*, run: PayoutRun, by=None) -> PayoutRun:
    require_officer(by)
    changed = PayoutRun.objects.filter(pk=run.pk, status=PayoutRun.Status.DRAFT).update(
        status=PayoutRun.Status.APPROVED, approved_at=timezone.now(), approved_by=by
    )
    if not changed:
        raise DomainError(_("This payout is already approved."), conflict=True)
    run.refresh_from_db()
    return run


# Reward rounds (the rules: rewards.rounds) ---------------------------------------------------------


def _rounds_in_use() -> None:
    from guards.policy import duty_policy

    if not duty_policy().reward_rounds_enabled:
        raise DomainError(_("The office does not run reward rounds."), conflict=True)


@transaction.atomic
def reward_round_create(*, by=None, **fields) -> RewardRound:
    """Open a round for a period and a budget and compute who is rewarded (a draft to approve)."""
    require_officer(by)
    _rounds_in_use()
    rnd = RewardRound(created_by=by, **fields)
    rnd.full_clean()
    rnd._history_user = by
    rnd.save()
    return reward_round_compute(round=rnd, by=by)


@transaction.atomic
def reward_round_compute(*, round: RewardRound, by=None) -> RewardRound:
    """(Re)compute a draft round's lines from the ledger: the top guards and the outstanding units
    by the rules in rewards.rounds, with their amounts. An approved round is final (409)."""
    from rewards.rounds import round_amounts, round_guard_ranking, round_unit_ranking

    require_officer(by)
    rnd = RewardRound.objects.select_for_update().get(pk=round.pk)
    if rnd.status == RewardRound.Status.APPROVED:
        raise DomainError(_("This reward round is approved and cannot be recomputed."), conflict=True)
    guards = round_guard_ranking(starts_on=rnd.starts_on, ends_on=rnd.ends_on, limit=rnd.guard_places)
    units = round_unit_ranking(starts_on=rnd.starts_on, ends_on=rnd.ends_on, rule=rnd.unit_rule, limit=rnd.unit_places)
    unit_amounts, guard_amounts = round_amounts(
        budget=rnd.budget, units=len(units), unit_award=rnd.unit_award, guards=len(guards), split=rnd.split
    )
    rnd.lines.all().delete()
    lines = [
        RewardRoundLine(round=rnd, kind=RewardRoundLine.Kind.UNIT, rank=i, company_id=u["company_id"], points=u["points"],
                        per_guard=u["per_guard"], amount=amount)
        for i, (u, amount) in enumerate(zip(units, unit_amounts), start=1)
    ] + [
        RewardRoundLine(round=rnd, kind=RewardRoundLine.Kind.GUARD, rank=i, guard_id=g["guard_id"], company_id=g["company_id"],
                        points=g["points"], patrols=g["patrols"], amount=amount)
        for i, (g, amount) in enumerate(zip(guards, guard_amounts), start=1)
    ]
    RewardRoundLine.objects.bulk_create(lines)
    rnd.total_amount = sum((line.amount for line in lines), Decimal("0"))
    rnd.computed_at = timezone.now()
    rnd._history_user = by
    rnd.save(update_fields=["total_amount", "computed_at"])
    round.refresh_from_db()
    return round


@transaction.atomic
def reward_round_approve(*, round: RewardRound, by=None) -> RewardRound:
    """Draft → approved, once (compare-and-set: a second approval is a 409)."""
    require_officer(by)
    changed = RewardRound.objects.filter(pk=round.pk, status=RewardRound.Status.DRAFT).update(
        status=RewardRound.Status.APPROVED, approved_at=timezone.now(), approved_by=by
    )
    if not changed:
        raise DomainError(_("This reward round is already approved."), conflict=True)
    round.refresh_from_db()
    return round
