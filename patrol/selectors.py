import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, FilteredRelation, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.scoping import scope_for
from config.dates import local_day_start, week_bounds
from liaison_points.models import LiaisonPoint
from patrol.models import CheckIn, Checkpoint, Patrol, PatrolCheckpoint, PatrolMember, RecurringPlan, VenueInspection


def patrol_list_visible_to(*, user) -> QuerySet[Patrol]:
    """Officers see every patrol; a manager the patrols their company's guards are on; a guard
    their own. Annotated with team size and present count, joined to point and leader."""
    scope = scope_for(user)
    # Correlated subqueries, not joins + GROUP BY: a page of patrols counts only its own members
    # and check-ins (a province week has ~7,000 patrols; the join grouped them all before paging).
    members = PatrolMember.objects.filter(patrol=OuterRef("pk")).order_by().values("patrol").annotate(n=Count("pk")).values("n")
    present = (
        CheckIn.objects.filter(patrol=OuterRef("pk"), status__in=["present", "late"])
        .order_by().values("patrol").annotate(n=Count("pk")).values("n")
    )
    qs = Patrol.objects.select_related("liaison_point__township", "leader__user").annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
        present_count=Coalesce(Subquery(present, output_field=IntegerField()), 0),
    )
    if scope.everything:
        return qs
    members = scope.apply(PatrolMember.objects.filter(patrol=OuterRef("pk")), company="guard__company_id", guard="guard_id")
    return qs.filter(Exists(members)) if (scope.company_id or scope.guard_id) else qs.none()


def patrol_roll_call(*, patrol: Patrol, user) -> list[dict]:
    """The team with each member's check-in, limited to what the user may see (a manager sees
    their own company's guards only). One query."""
    check_ins = CheckIn.objects.filter(patrol=patrol)
    members = scope_for(user).apply(
        PatrolMember.objects.filter(patrol=patrol).select_related("guard__company"),
        company="guard__company_id", guard="guard_id",
    ).prefetch_related(Prefetch("guard__check_ins", queryset=check_ins, to_attr="this_check_in"))
    rows = []
    for m in members:
        check_in = m.guard.this_check_in[0] if m.guard.this_check_in else None
        rows.append({"member": m, "guard": m.guard, "check_in": check_in})
    return rows


def patrol_checkpoints(*, patrol: Patrol) -> QuerySet[PatrolCheckpoint]:
    return PatrolCheckpoint.objects.filter(patrol=patrol).select_related("checkpoint", "visited_by")


def checkin_list_visible_to(*, user) -> QuerySet[CheckIn]:
    """Officers: every check-in; a manager: their company's guards'; a guard: their own."""
    qs = CheckIn.objects.select_related("guard__company", "patrol__liaison_point")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def checkpoint_list(*, liaison_point: LiaisonPoint | None = None) -> QuerySet[Checkpoint]:
    qs = Checkpoint.objects.select_related("liaison_point")
    return qs.filter(liaison_point=liaison_point) if liaison_point else qs


def plan_list() -> QuerySet[RecurringPlan]:
    return RecurringPlan.objects.select_related("liaison_point", "leader__user").annotate(member_count=Count("members"))


def guard_patrols_on(*, guard_id: int, day: datetime.date) -> QuerySet[Patrol]:
    """A guard's patrols that touch `day` (local time), soonest first: the phone page."""
    start, end = local_day_start(day), local_day_start(day + datetime.timedelta(days=1))
    return (
        Patrol.objects.filter(members__guard_id=guard_id, planned_start__lt=end, planned_end__gte=start)
        .exclude(status=Patrol.Status.CANCELLED)
        .select_related("liaison_point", "leader__user")
        .prefetch_related(Prefetch("check_ins", queryset=CheckIn.objects.filter(guard_id=guard_id), to_attr="my_check_in"))
        .order_by("planned_start")
    )


@dataclass(frozen=True)
class PointCoverage:
    point_id: int
    code: str
    name: str
    township: str
    done: int
    planned: int

    def below(self, minimum: int) -> bool:
        return self.done < minimum


def patrol_week_coverage(*, monday: datetime.date) -> list[PointCoverage]:
    """For every active liaison point: patrols done and planned in the ISO week starting `monday`
    (Asia/Shanghai time). One aggregate query."""
    start, end = week_bounds(monday)
    # The week goes into the join (FilteredRelation), so each point meets only that week's patrols
    # through the (liaison_point, planned_start) index, not every patrol it ever had.
    rows = (
        LiaisonPoint.objects.filter(active=True)
        .annotate(week=FilteredRelation("patrols", condition=Q(patrols__planned_start__gte=start, patrols__planned_start__lt=end)))
        .annotate(
            done=Count("week", filter=Q(week__status=Patrol.Status.DONE)),
            planned=Count("week", filter=~Q(week__status=Patrol.Status.CANCELLED)),
        )
        .values_list("id", "code", "name", "township__name", "done", "planned")
        .order_by("code")
    )
    return [PointCoverage(*row) for row in rows]


def patrol_points_below_minimum(*, monday: datetime.date, minimum: int | None = None) -> list[PointCoverage]:
    minimum = settings.PATROLS_PER_WEEK_MIN if minimum is None else minimum
    return [row for row in patrol_week_coverage(monday=monday) if row.below(minimum)]


def inspection_list() -> QuerySet[VenueInspection]:
    return VenueInspection.objects.select_related("township", "liaison_point").prefetch_related("inspectors__user")
