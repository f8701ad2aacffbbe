"""Reward rounds: who is rewarded and how the budget is split. The rules, stated once (the pages
show them too):

- **Top guards**: the guards with the most net points in the period (ledger entries dated from
  `starts_on` to `ends_on`, deductions included), positive totals only, guards removed from the
  scheme left out. Ties are broken by more patrols attended in the period, then the earlier first
  points entry in the period, then name (then id), so the order is total and never random.
- **Outstanding unit(s)**: by the round's `unit_rule`: net points of the unit's guards in the period
  per active guard (default; units with fewer than UNIT_MIN_GUARDS active guards are not ranked, so
  a one-guard unit cannot win on an average), or total points. Ties: more total points, then name.
- **Amounts**: each outstanding unit gets `unit_award`; the guards share what is left of the
  budget, in equal shares or in three tiers weighted 3 : 2 : 1 (top, middle and bottom third of the
  ranking). Shares are rounded down to the fen, so the total never exceeds the budget; the few fen
  left over stay unspent.

Reads only: the writes are in rewards.services (reward_round_compute, reward_round_approve)."""
import datetime
import math
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, DecimalField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.scoping import scope_for
from guards.models import Guard, SecurityCompany
from rewards.models import PointEntry, PointRule, RewardRound, RewardRoundLine

UNIT_MIN_GUARDS = 3
_FEN = Decimal("0.01")


def round_guard_ranking(*, starts_on: datetime.date, ends_on: datetime.date, limit: int) -> list[dict]:
    """The top `limit` guards of the period, ranked by the stated rule. One query."""
    if limit <= 0:
        return []
    rows = (
        PointEntry.objects.filter(occurred_on__range=(starts_on, ends_on))
        .exclude(guard__status=Guard.Status.REMOVED)
        .values("guard_id", "guard__name", "guard__company_id")
        .annotate(
            total=Sum("points"),
            patrols=Count("id", filter=Q(kind=PointRule.Kind.PATROL_ATTENDED)),
            first_on=Min("occurred_on"),
        )
        .filter(total__gt=0)
        .order_by("-total", "-patrols", "first_on", "guard__name", "guard_id")[:limit]
    )
    return [
        {"guard_id": r["guard_id"], "name": r["guard__name"], "company_id": r["guard__company_id"],
         "points": r["total"], "patrols": r["patrols"], "first_on": r["first_on"]}
        for r in rows
    ]


def round_unit_ranking(*, starts_on: datetime.date, ends_on: datetime.date, rule: str, limit: int) -> list[dict]:
    """The outstanding units of the period by `rule` (RewardRound.UnitRule). Two aggregate queries."""
    if limit <= 0:
        return []
    totals = dict(
        PointEntry.objects.filter(occurred_on__range=(starts_on, ends_on))
        .values("guard__company_id").annotate(total=Sum("points")).values_list("guard__company_id", "total")
    )
    units = (
        SecurityCompany.objects.filter(pk__in=[k for k, v in totals.items() if v and v > 0])
        .annotate(active_guards=Count("guards", filter=Q(guards__status=Guard.Status.ACTIVE)))
        .values("pk", "name", "active_guards")
    )
    ranked = []
    for u in units:
        total = totals[u["pk"]]
        per_guard = (Decimal(total) / u["active_guards"]).quantize(_FEN) if u["active_guards"] else None
        if rule == RewardRound.UnitRule.PER_GUARD and (u["active_guards"] < UNIT_MIN_GUARDS or per_guard is None):
            continue
        ranked.append({"company_id": u["pk"], "name": u["name"], "points": total, "per_guard": per_guard, "active": u["active_guards"]})
    key = (lambda u: (-u["per_guard"], -u["points"], u["name"])) if rule == RewardRound.UnitRule.PER_GUARD else (lambda u: (-u["points"], u["name"]))
    return sorted(ranked, key=key)[:limit]


def round_amounts(*, budget: Decimal, units: int, unit_award: Decimal, guards: int, split: str) -> tuple[list[Decimal], list[Decimal]]:
    """(unit amounts, guard amounts by rank): each unit `unit_award`, the guards share the rest of
    the budget equally or in tiers 3 : 2 : 1, rounded down to the fen."""
    unit_amounts = [unit_award.quantize(_FEN)] * units
    pool = max(budget - sum(unit_amounts, Decimal("0")), Decimal("0"))
    if guards <= 0:
        return unit_amounts, []
    if split == RewardRound.Split.TIERED:
        weights = [3 - min(2, math.ceil(3 * rank / guards) - 1) for rank in range(1, guards + 1)]
    else:
        weights = [1] * guards
    whole = sum(weights)
    return unit_amounts, [(pool * w / whole).quantize(_FEN, rounding=ROUND_DOWN) for w in weights]


def reward_round_list_visible_to(*, user) -> QuerySet[RewardRound]:
    """Officers: every round with its line counts. Managers: approved rounds, with `own_amount` and
    `own_lines` of their unit. Guards: none."""
    scope = scope_for(user)
    qs = RewardRound.objects.select_related("approved_by", "created_by")
    if scope.is_officer:
        return qs.annotate(
            guard_lines=Count("lines", filter=Q(lines__kind=RewardRoundLine.Kind.GUARD)),
            unit_lines=Count("lines", filter=Q(lines__kind=RewardRoundLine.Kind.UNIT)),
        )
    if not scope.is_manager:
        return qs.none()
    mine = Q(lines__company_id=scope.company_id)
    return qs.filter(status=RewardRound.Status.APPROVED).annotate(
        own_lines=Count("lines", filter=mine),
        own_amount=Coalesce(Sum("lines__amount", filter=mine), Value(Decimal("0")), output_field=DecimalField(max_digits=12, decimal_places=2)),
    )


def reward_round_line_list_visible_to(*, user, round: RewardRound) -> QuerySet[RewardRoundLine]:
    """A round's lines: officers all, managers their unit's (its guards and the unit line)."""
    scope = scope_for(user)
    qs = RewardRoundLine.objects.filter(round=round).select_related("guard", "company").order_by("kind", "rank")
    if scope.is_guard:
        return qs.none()
    return scope.apply(qs, company="company_id")

