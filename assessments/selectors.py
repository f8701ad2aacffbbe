"""Reads of assessments and equipment, and the guard page's duty panel (deployability, last
assessment, this quarter's training, this month's points) in one query."""
import datetime

from django.db.models import (
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.scoping import scope_for
from assessments.models import Assessment, Equipment, EquipmentRecall
from config.dates import month_bounds, quarter_of
from guards.models import Guard
from guards.selectors import guard_deployability
from rewards.models import PointEntry
from training.models import RosterEntry, TrainingRoster


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


def guard_duty_panel(guard: Guard, *, today: datetime.date | None = None) -> dict:
    """What the guard page's "Duty" panel shows: deployability with its reason, the last
    assessment, this quarter's training session and this month's points, in one query."""
    today = today or timezone.localdate()
    quarter = quarter_of(today)
    first, last = month_bounds(today)
    last_assessment = Assessment.objects.filter(guard=OuterRef("pk")).order_by("-quarter")
    entry = RosterEntry.objects.filter(guard=OuterRef("pk"), roster__quarter=quarter)
    month_points = (
        PointEntry.objects.filter(guard=OuterRef("pk"), occurred_on__range=(first, last))
        .values("guard").annotate(total=Sum("points")).values("total")
    )
    row = Guard.objects.filter(pk=guard.pk).annotate(
        a_quarter=Subquery(last_assessment.values("quarter")[:1]),
        a_score=Subquery(last_assessment.values("score")[:1], output_field=DecimalField(max_digits=5, decimal_places=1)),
        a_outcome=Subquery(last_assessment.values("outcome")[:1]),
        a_applied=Subquery(last_assessment.values("applied_at")[:1]),
        s_held_on=Subquery(entry.values("session__held_on")[:1]),
        s_place=Subquery(entry.values("session__place")[:1]),
        s_attended=Subquery(entry.values("attended")[:1]),
        s_roster=Subquery(entry.values("roster_id")[:1]),
        s_status=Subquery(entry.values("roster__status")[:1]),
        points=Coalesce(Subquery(month_points, output_field=IntegerField()), Value(0)),
    ).values("a_quarter", "a_score", "a_outcome", "a_applied", "s_held_on", "s_place", "s_attended", "s_roster", "s_status", "points").first() or {}
    verdict = guard_deployability(guard=guard, on=today)
    return {
        "deployable": verdict.ok,
        "reason": verdict.reason,
        "warning": verdict.warning_text,
        "assessment": {
            "quarter": row.get("a_quarter"), "score": row.get("a_score"), "outcome": row.get("a_outcome"),
            "outcome_label": dict(Assessment.Outcome.choices).get(row.get("a_outcome"), ""), "applied": row.get("a_applied") is not None,
        } if row.get("a_quarter") else None,
        "quarter": quarter,
        "session": {
            "held_on": row["s_held_on"], "place": row["s_place"], "attended": row["s_attended"], "roster_id": row["s_roster"],
            "status_label": dict(TrainingRoster.Status.choices).get(row["s_status"], ""),
        } if row.get("s_held_on") else None,
        "month": first,
        "points": row.get("points", 0),
    }
