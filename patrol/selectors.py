"""Every read of the patrol app: scoped lists (outside the viewer's scope is a 404), what the pages
show, and the week aggregates. Joins and prefetches are chosen here, so a page's query count stays
flat however many rows it shows."""
import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from accounts.scoping import scope_for
from config import prepared
from config.dates import local_day_start, week_bounds
from config.rows import plain_rows
from guards.models import Guard
from liaison_points.models import LiaisonPoint
from liaison_points.routing import routing_table
from patrol.models import CheckIn, Checkpoint, Patrol, PatrolCheckpoint, PatrolMember, RecurringPlan, RollCallEvent, VenueInspection
from patrol.services.rules import night_q


def patrol_list_visible_to(*, user) -> QuerySet[Patrol]:
    """Officers see every patrol; a manager the patrols their company's guards are on and those
    their company leads; a guard their own. Annotated with team size and present count, joined to
    point and leader (officer, or lead unit and team leader, and zone)."""
    scope = scope_for(user)
    # Correlated subqueries, not joins + GROUP BY: a page of patrols counts only its own members
    # and check-ins (a province week has ~7,000 patrols; the join grouped them all before paging).
    members = PatrolMember.objects.filter(patrol=OuterRef("pk")).order_by().values("patrol").annotate(n=Count("pk")).values("n")
    present = (
        CheckIn.objects.filter(patrol=OuterRef("pk"), status__in=["present", "late"])
        .order_by().values("patrol").annotate(n=Count("pk")).values("n")
    )
    qs = Patrol.objects.select_related("liaison_point__township", "leader__user", "lead_company", "team_leader", "zone").annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
        present_count=Coalesce(Subquery(present, output_field=IntegerField()), 0),
    )
    return _scoped(qs, scope)


def _scoped(qs: QuerySet[Patrol], scope) -> QuerySet[Patrol]:
    if scope.everything:
        return qs
    members = scope.apply(PatrolMember.objects.filter(patrol=OuterRef("pk")), company="guard__company_id", guard="guard_id")
    if scope.is_manager:
        return qs.filter(Exists(members) | Q(lead_company_id=scope.company_id))
    return qs.filter(Exists(members)) if (scope.company_id or scope.guard_id) else qs.none()


def patrol_plain_visible_to(*, user, pk) -> Patrol | None:
    """One patrol within the user's scope, or None, without the counts and joins of the list: what
    a guard's check-in needs (the 19:00 burst sends thousands of them within minutes).

    For a guard it is one prepared statement (config/prepared.py), and the patrol's liaison point
    comes from the routing table's copy (as fresh as routing; read from the database only for a
    closed point): the ORM's query with its EXISTS and the point's join cost 2.5 ms of Python per
    check-in, this 0.4 ms."""
    scope = scope_for(user)
    if not scope.is_guard:
        return _scoped(Patrol.objects.select_related("liaison_point").filter(pk=pk), scope).first()
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:  # no such id (and past bigint, PostgreSQL would refuse the parameter)
        return None
    patrol = _guard_patrol(pk, scope.guard_id)
    if patrol is not None:
        point = routing_table().point(patrol.liaison_point_id)
        if point is not None:
            patrol.liaison_point = point
    return patrol


@functools.cache
def _guard_patrol_statement() -> tuple[str, list[str], list]:
    """The patrol `%s` if guard `%s` is on its team: the statement (all the patrol's columns, named),
    their attribute names and the converters the ORM would apply to them (built once)."""
    from django.db import connection

    quote = connection.ops.quote_name
    patrol, member = Patrol._meta, PatrolMember._meta
    fields = patrol.concrete_fields
    sql = (
        f"SELECT {', '.join('p.' + quote(f.column) for f in fields)} FROM {quote(patrol.db_table)} p "
        f"WHERE p.{quote(patrol.pk.column)} = %s AND EXISTS (SELECT 1 FROM {quote(member.db_table)} m "
        f"WHERE m.{quote(member.get_field('patrol').column)} = p.{quote(patrol.pk.column)} AND m.{quote(member.get_field('guard').column)} = %s)"
    )
    return sql, [f.attname for f in fields], prepared.converters(fields, "p")


def _guard_patrol(pk: int, guard_id: int) -> Patrol | None:
    """One prepared statement (config/prepared.py), the row made a Patrol as the ORM would."""
    from django.db import connection

    sql, names, converters = _guard_patrol_statement()
    with connection.cursor() as cursor:
        prepared.execute(cursor, "jpo_guard_patrol", sql, [pk, guard_id])
        row = cursor.fetchone()
    return None if row is None else prepared.instance(Patrol, names, row, converters)


def patrol_get_visible_to(*, user, pk) -> Patrol | None:
    """One patrol within the user's scope, or None (whether it exists elsewhere or not)."""
    return patrol_list_visible_to(user=user).filter(pk=pk).first()


def patrol_list_for_week(*, user, monday: datetime.date) -> QuerySet[Patrol]:
    """The visible patrols planned to start in the ISO week starting `monday`, in time order."""
    start, end = week_bounds(monday)
    return patrol_list_visible_to(user=user).filter(planned_start__gte=start, planned_start__lt=end).order_by("planned_start", "id")


def patrol_history_list(*, patrol: Patrol, limit: int) -> list:
    """The patrol's latest `limit` history records, newest first, with who made them, plus the one
    before them (so the oldest shown can be compared with its predecessor). One query."""
    return list(patrol.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])


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


def patrol_roll_call_events(*, patrol: Patrol, user) -> list[RollCallEvent]:
    """Every manual mark and override of the patrol's roll-call, newest first, with who made it;
    a manager sees those of their own company's guards only. One query."""
    events = RollCallEvent.objects.filter(patrol=patrol).select_related("guard", "by")
    return list(scope_for(user).apply(events, company="guard__company_id", guard="guard_id"))


def patrol_checkpoints(*, patrol: Patrol) -> QuerySet[PatrolCheckpoint]:
    return PatrolCheckpoint.objects.filter(patrol=patrol).select_related("checkpoint", "visited_by")


def patrol_checkpoints_visible_to(*, patrol: Patrol, user) -> list[PatrolCheckpoint]:
    """The patrol's checkpoints for a page, with who visited each only where the user may see that
    guard (as in the API): an officer sees every guard, a manager their own company's, a guard
    themselves; anyone else's visit shows its time without the guard. One query. The rows are for
    display only and never saved."""
    scope = scope_for(user)
    rows = list(patrol_checkpoints(patrol=patrol))
    if not scope.everything:
        for row in rows:
            guard = row.visited_by
            own = guard is not None and (
                guard.pk == scope.guard_id if scope.guard_id is not None
                else scope.company_id is not None and guard.company_id == scope.company_id
            )
            if not own:
                row.visited_by = None
    return rows


def checkin_list_visible_to(*, user) -> QuerySet[CheckIn]:
    """Officers: every check-in; a manager: their company's guards'; a guard: their own."""
    qs = CheckIn.objects.select_related("guard__company", "patrol__liaison_point")
    return scope_for(user).apply(qs, company="guard__company_id", guard="guard_id")


def checkpoint_list(*, liaison_point: LiaisonPoint | int | None = None, active: bool | None = None) -> QuerySet[Checkpoint]:
    """Checkpoints with their point, by point code then name; optionally of one point (object or
    id) and only the active ones."""
    qs = Checkpoint.objects.select_related("liaison_point").order_by("liaison_point__code", "name", "id")
    if liaison_point:
        qs = qs.filter(liaison_point=liaison_point)
    return qs if active is None else qs.filter(active=active)


def plan_list() -> QuerySet[RecurringPlan]:
    return (
        RecurringPlan.objects.select_related("liaison_point", "leader__user", "lead_company", "zone").annotate(member_count=Count("members"))
        .order_by("liaison_point__code", "start_time", "id")
    )


def liaison_point_list_active() -> QuerySet[LiaisonPoint]:
    """The points patrols and checkpoints may be planned at, by code."""
    return LiaisonPoint.objects.filter(active=True).select_related("township").order_by("code")


def liaison_point_get_active(*, pk: int | None) -> LiaisonPoint | None:
    return liaison_point_list_active().filter(pk=pk).first() if pk else None


def guard_list_for_team(*, point_id: int | None, wanted: Iterable[int]) -> QuerySet[Guard]:
    """The team chooser's guards: those attached to the point first (`attached` = 0), then the rest
    of its township's points, and any guard already chosen (`wanted`, kept even if removed since).
    Joined to company and point; one query."""
    wanted = set(wanted)
    q = Q(pk__in=wanted)
    if point_id:
        q |= Q(liaison_point_id=point_id) | Q(liaison_point__township__liaison_points__id=point_id)
    return (
        Guard.objects.filter(q).exclude(Q(status=Guard.Status.REMOVED) & ~Q(pk__in=wanted))
        .select_related("company", "liaison_point")
        .annotate(attached=Case(When(liaison_point_id=point_id or 0, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("attached", "company__name", "name", "id")
        .distinct()
    )


def _guard_patrols(guard_id: int) -> QuerySet[Patrol]:
    return (
        Patrol.objects.filter(members__guard_id=guard_id)
        .select_related("liaison_point", "leader__user", "lead_company", "team_leader", "zone")
        .prefetch_related(Prefetch("check_ins", queryset=CheckIn.objects.filter(guard_id=guard_id), to_attr="my_check_in"))
    )


def guard_patrols_on(*, guard_id: int, day: datetime.date) -> QuerySet[Patrol]:
    """A guard's patrols that touch `day` (local time), soonest first: the phone page."""
    start, end = local_day_start(day), local_day_start(day + datetime.timedelta(days=1))
    return (
        _guard_patrols(guard_id).filter(planned_start__lt=end, planned_end__gte=start)
        .exclude(status=Patrol.Status.CANCELLED)
        .order_by("planned_start")
    )


def guard_patrols_upcoming(*, guard_id: int, after: datetime.date, days: int = 7) -> QuerySet[Patrol]:
    """A guard's patrols starting on the `days` days after `after` (cancelled ones too, so the guard
    learns of it), soonest first. Two queries with the guard's own check-in."""
    start, end = local_day_start(after + datetime.timedelta(days=1)), local_day_start(after + datetime.timedelta(days=days + 1))
    return _guard_patrols(guard_id).filter(planned_start__gte=start, planned_start__lt=end).order_by("planned_start", "id")


def guard_patrols_past(*, guard_id: int, before: datetime.date, limit: int = 10) -> list[Patrol]:
    """A guard's latest `limit` patrols that ended before `before` (local day), newest first, each
    with the guard's own check-in (`my_check_in`). Two queries."""
    return list(_guard_patrols(guard_id).filter(planned_end__lt=local_day_start(before)).order_by("-planned_start", "-id")[:limit])


@dataclass(frozen=True)
class PointCoverage:
    point_id: int
    code: str
    name: str
    township: str
    done: int
    planned: int
    day_done: int = 0
    missed: int = 0

    def below(self, minimum: int) -> bool:
        return self.done < minimum


def patrol_week_coverage(*, monday: datetime.date) -> list[PointCoverage]:
    """For every active liaison point, in the ISO week starting `monday` (Asia/Shanghai time): night
    patrols done (started within PATROL_NIGHT_START–END: these count toward the weekly minimum),
    day patrols done (counted apart), patrols planned (not cancelled) and missed (never started).
    A zone patrol counts toward every point of its zone (issue 13). Two queries (patrol_weeks_coverage)."""
    return [PointCoverage(*row) for row in patrol_weeks_coverage(mondays=[monday])[1][monday]]


def weeks_q(mondays, prefix: str = "planned_start"):
    """{monday: Q(that week)} and the Q of their whole span, on a datetime field."""
    bounds = {m: week_bounds(m) for m in mondays}
    each = {m: Q(**{f"{prefix}__gte": s, f"{prefix}__lt": e}) for m, (s, e) in bounds.items()}
    return each, Q(**{f"{prefix}__gte": min(s for s, _e in bounds.values()), f"{prefix}__lt": max(e for _s, e in bounds.values())})


# The counts of a coverage row, in its order after (point_id, code, name, township): PointCoverage's fields.
_COVERAGE_COUNTS = ("done", "planned", "day_done", "missed")


def patrol_weeks_coverage(*, mondays: list[datetime.date], sums: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """The week's patrol counts for several weeks from one grouped query on the patrols (their
    (planned_start) index) and the list of active points: ({monday: totals}, {monday: coverage
    rows}). Totals: night patrols done ("count"), day patrols done, missed, and the sum of each of
    `sums` over the patrols done. Coverage rows, as tuples in PointCoverage's field order (the
    bulletin reads 2 × 2,000 of them, issue 14): each active point's own patrols plus its zone's
    patrols held at its other points (a zone patrol counts toward every point of its zone). Grouping
    the patrols by (point, zone) once replaces joining every point to its patrols twice and counting
    DISTINCT (issue 14: 45 + 2 × 37 ms → 28 + 2 ms on a province fortnight)."""
    each, span = weeks_q(mondays)
    done = Q(status=Patrol.Status.DONE)
    conditions = {
        "done": done & night_q(), "planned": ~Q(status=Patrol.Status.CANCELLED), "day_done": done & ~night_q(),
        "missed": Q(status=Patrol.Status.MISSED),
    }
    aggregates = {f"{k}_{i}": Count("id", filter=each[m] & conditions[k]) for i, m in enumerate(mondays) for k in _COVERAGE_COUNTS}
    width = len(aggregates)  # the counts, week after week, before the sums
    aggregates |= {f"{name}_{i}": Sum(name, filter=each[m] & done) for i, m in enumerate(mondays) for name in sums}
    groups = plain_rows(Patrol.objects.filter(span).values("liaison_point_id", "zone_id").annotate(**aggregates).order_by()
                        .values_list("liaison_point_id", "zone_id", *aggregates))
    coverage = _coverage_rows(groups, width, len(mondays))
    columns = [sum(filter(None, column)) for column in zip(*(g[2:] for g in groups))] or [0] * len(aggregates)
    by_name = dict(zip(aggregates, columns))
    totals = {m: {"count" if k == "done" else k: by_name[f"{k}_{i}"] for k in (*_COVERAGE_COUNTS, *sums)} for i, m in enumerate(mondays)}
    return totals, dict(zip(mondays, coverage))


def _coverage_rows(groups: list[tuple], width: int, weeks: int) -> list[list[tuple]]:
    """Each week's coverage rows from the (point, zone, counts…) groups: each active point's own
    counts, plus, for a point in a zone, all its zone's less those of its zone held at the point
    itself (a (point, zone) group is one row)."""
    own, zone, own_in_zone = {}, {}, {}
    for point_id, zone_id, *values in groups:
        values = values[:width]
        own[point_id] = [a + b for a, b in zip(own[point_id], values)] if point_id in own else values
        if zone_id is not None:
            zone[zone_id] = [a + b for a, b in zip(zone[zone_id], values)] if zone_id in zone else values
            own_in_zone[point_id, zone_id] = values
    nothing = [0] * width
    each = width // weeks
    rows = [[] for _ in range(weeks)]
    for point_id, code, name, township, zone_id in (
        LiaisonPoint.objects.filter(active=True).values_list("id", "code", "name", "township__name", "zone_id").order_by("code")
    ):
        values = own.get(point_id, nothing)
        if zone_id is not None:  # the zone's patrols held at its other points
            values = [a + b - c for a, b, c in zip(values, zone.get(zone_id, nothing), own_in_zone.get((point_id, zone_id), nothing))]
        for i in range(weeks):
            rows[i].append((point_id, code, name, township, *values[i * each:(i + 1) * each]))
    return rows


def patrol_points_below_minimum(*, monday: datetime.date, minimum: int | None = None) -> list[PointCoverage]:
    minimum = settings.PATROLS_PER_WEEK_MIN if minimum is None else minimum
    return [row for row in patrol_week_coverage(monday=monday) if row.below(minimum)]


def inspection_list() -> QuerySet[VenueInspection]:
    return VenueInspection.objects.select_related("township", "liaison_point", "unit").prefetch_related("inspectors__user")


def inspection_failed_count_by_unit(first: datetime.date, last: datetime.date) -> dict[int, int]:
    """{unit id: inspections that found a violation} with the inspection dated first..last (inclusive),
    rectified or not; one query on the (unit, inspected_on) index. Feeds the joint assessment
    (registered with assessments from PatrolConfig.ready())."""
    rows = (
        VenueInspection.objects.filter(unit__isnull=False, violation_found=True, inspected_on__gte=first, inspected_on__lte=last)
        .order_by().values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
    )
    return dict(rows)
