"""Reads for the guard lifecycle API (training, rosters, points, payouts, assessments, equipment,
exams). Every list goes through scope_for(user).apply(...): outside the scope is 404, never a leak.
Each function returns a queryset (or a few rows) with everything its serializer reads already
joined or annotated, so the endpoints cost a fixed number of queries however many rows they show."""
import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.scoping import scope_for
from guards.models import (
    Assessment,
    CertificateExam,
    Equipment,
    EquipmentRecall,
    Guard,
    PayoutLine,
    PayoutRun,
    PointEntry,
    PointRule,
    RosterEntry,
    TrainingRoster,
    TrainingSession,
)

# --- training sessions and rosters -------------------------------------------------------------


def training_session_list() -> QuerySet[TrainingSession]:
    """Every session (everyone signed in may read them), each with `seated`: guards on any roster."""
    return TrainingSession.objects.annotate(seated=Count("entries"))


def roster_list_visible_to(*, user) -> QuerySet[TrainingRoster]:
    """Rosters: officers all, managers their company's; guards none. Each with `entry_count`."""
    qs = TrainingRoster.objects.select_related("company", "decided_by").annotate(entry_count=Count("entries"))
    return scope_for(user).apply(qs, company="company_id")


def roster_detail_visible_to(*, user) -> QuerySet[TrainingRoster]:
    """roster_list_visible_to with the entries (guard and session joined) prefetched."""
    entries = RosterEntry.objects.select_related("guard", "session").order_by("session__held_on", "guard__name", "id")
    return roster_list_visible_to(user=user).prefetch_related(Prefetch("entries", queryset=entries))


def roster_unplaced_guards(*, roster: TrainingRoster) -> list[Guard]:
    """The guards compilation could not seat (one query, none when everyone was placed)."""
    if not roster.unplaced:
        return []
    return list(Guard.objects.filter(pk__in=roster.unplaced).only("id", "name", "post").order_by("name", "id"))


def roster_quarter_sessions(*, roster: TrainingRoster) -> list[TrainingSession]:
    """The quarter's sessions with `seated` (all companies) and `company_seated` (this roster), so
    a manager sees where a guard can still be moved. One query."""
    return list(
        TrainingSession.objects.filter(quarter=roster.quarter).annotate(
            seated=Count("entries"), company_seated=Count("entries", filter=Q(entries__roster_id=roster.pk))
        ).order_by("held_on", "id")
    )


# --- points ------------------------------------------------------------------------------------


def point_entry_list_visible_to(*, user) -> QuerySet[PointEntry]:
    """Ledger lines: officers all, managers their company's guards', a guard their own."""
    qs = PointEntry.objects.select_related("guard", "guard__company", "created_by")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def points_weekly_totals(*, entries: QuerySet[PointEntry], monday: datetime.date) -> QuerySet:
    """Totals per guard over the ISO week starting `monday`, aggregated in the database (one query
    per page): `total` (net points), `earned`, `deducted` (negative or 0) and `entries`. `entries` is an
    already scoped and filtered ledger queryset."""
    zero = Value(0, output_field=IntegerField())
    return (
        entries.filter(occurred_on__range=(monday, monday + datetime.timedelta(days=6)))
        .values("guard_id", "guard__name", "guard__company_id", "guard__company__name")
        .annotate(
            total=Coalesce(Sum("points"), zero),
            earned=Coalesce(Sum("points", filter=Q(points__gt=0)), zero),
            deducted=Coalesce(Sum("points", filter=Q(points__lt=0)), zero),
            entries=Count("id"),
        )
        .order_by("-total", "guard__name", "guard_id")
    )


def point_rule_list() -> QuerySet[PointRule]:
    return PointRule.objects.all()


# --- payouts -----------------------------------------------------------------------------------


def payout_run_list_visible_to(*, user) -> QuerySet[PayoutRun]:
    """Monthly payouts for officers (whole county) and managers (totals of their company only), each
    with `scoped_points`, `scoped_amount` and `scoped_guards`. Guards see none."""
    scope = scope_for(user)
    qs = PayoutRun.objects.select_related("approved_by")
    if scope.is_officer:
        return qs.annotate(scoped_points=F("total_points"), scoped_amount=F("total_amount"), scoped_guards=Count("lines"))
    if not scope.is_manager:
        return qs.none()
    mine = Q(lines__company_id=scope.company_id)
    return qs.annotate(
        scoped_points=Coalesce(Sum("lines__points", filter=mine & Q(lines__points__gt=0)), Value(0, output_field=IntegerField())),
        scoped_amount=Coalesce(
            Sum("lines__amount", filter=mine),
            Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2)),
        ),
        scoped_guards=Count("lines", filter=mine),
    )


def payout_line_list_visible_to(*, user, run: PayoutRun) -> QuerySet[PayoutLine]:
    """One run's lines: officers all, managers their company's, guards their own."""
    qs = PayoutLine.objects.filter(run=run).select_related("guard", "company")
    return scope_for(user).apply(qs, company="company_id", guard="guard_id")


def payout_company_totals(*, lines: QuerySet[PayoutLine]) -> list[dict]:
    """Per company: guards, points paid (negative balances count as 0) and amount. One query."""
    return list(
        lines.order_by()
        .values("company_id", "company__name")
        .annotate(
            guards=Count("id"),
            points=Coalesce(Sum("points", filter=Q(points__gt=0)), Value(0, output_field=IntegerField())),
            amount=Sum("amount"),
        )
        .order_by("company__name", "company_id")
    )


# --- assessments, equipment, exams -------------------------------------------------------------


def assessment_list_visible_to(*, user) -> QuerySet[Assessment]:
    qs = Assessment.objects.select_related("guard", "guard__company")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def equipment_list_visible_to(*, user) -> QuerySet[Equipment]:
    """Officers see the whole register; managers the items issued to their company's guards; a guard
    the items issued to them. Each with `recall_open`."""
    open_recall = EquipmentRecall.objects.filter(equipment_id=OuterRef("pk"), returned_on__isnull=True)
    qs = Equipment.objects.select_related("issued_to_point", "issued_to_guard").annotate(recall_open=Exists(open_recall))
    return scope_for(user).apply(qs, company="issued_to_guard__company_id", guard="issued_to_guard_id")


def equipment_recall_list_visible_to(*, user) -> QuerySet[EquipmentRecall]:
    qs = EquipmentRecall.objects.select_related("equipment", "guard", "guard__company")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def exam_list_visible_to(*, user) -> QuerySet[CertificateExam]:
    qs = CertificateExam.objects.select_related("guard", "guard__company")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")
