"""Planning: one patrol with its team and checkpoints, a patrol's team before it starts, recurring
plans and the patrols they generate, zone patrol proposals, and a removed guard leaving future duty."""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from guards.models import Guard, SecurityCompany
from guards.selectors import guard_deployability
from liaison_points.models import LiaisonPoint, Officer, Zone
from patrol.models import Checkpoint, Patrol, PatrolCheckpoint, PatrolMember, RecurringPlan
from patrol.services.geo import clean_area


def _unknown_guards(guards: list[Guard], wanted_ids: set[int]) -> list[str]:
    missing = wanted_ids - {g.pk for g in guards}
    return [_("Unknown guard id(s): %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))}] if missing else []


def _team_errors(guards: list[Guard], wanted_ids: set[int], day: datetime.date) -> list[str]:
    problems = _unknown_guards(guards, wanted_ids)
    for g in guards:
        verdict = guard_deployability(guard=g, on=day)
        if not verdict.ok:
            problems.append(_("%(name)s cannot go on duty: %(reason)s.") % {"name": g.name, "reason": verdict.reason})
    return problems


def _load_team(guard_ids: Iterable[int]) -> tuple[list[Guard], set[int]]:
    wanted = {int(i) for i in guard_ids}
    return list(Guard.objects.filter(pk__in=wanted)), wanted


def _add_members(patrol: Patrol, guards: list[Guard], lead_ids: set[int]) -> None:
    """The team; a guard deployable only with warnings (office policy) keeps them on the membership."""
    day = timezone.localtime(patrol.planned_start).date()
    PatrolMember.objects.bulk_create(
        PatrolMember(patrol=patrol, guard=g, role=PatrolMember.Role.LEAD_UNIT if g.pk in lead_ids else PatrolMember.Role.MEMBER,
                     duty_warning=guard_deployability(guard=g, on=day).warning_text or None)
        for g in guards
    )


def _point_checkpoints(liaison_point: LiaisonPoint, checkpoint_ids: Iterable[int], errors: dict) -> list[Checkpoint]:
    """The chosen checkpoints, which must be active places of `liaison_point` (else a field error)."""
    wanted = {int(i) for i in checkpoint_ids}
    checkpoints = list(Checkpoint.objects.filter(pk__in=wanted, liaison_point=liaison_point, active=True))
    if len(checkpoints) != len(wanted):
        errors["checkpoints"] = [_("Checkpoints must be active places of this liaison point.")]
    return checkpoints


@transaction.atomic
def patrol_plan(
    *,
    liaison_point: LiaisonPoint,
    leader: Officer,
    planned_start: datetime.datetime,
    planned_end: datetime.datetime,
    kind: str = "foot",
    area=None,
    guard_ids: Iterable[int] = (),
    lead_guard_ids: Iterable[int] = (),
    checkpoint_ids: Iterable[int] = (),
    notes: str = "",
    by=None,
) -> Patrol:
    """Plan a patrol with its team and checkpoints. Raises ValidationError with field errors
    (`planned_end`, `area`, `guards`, `checkpoints`, `liaison_point`); nothing is saved then."""
    errors: dict[str, list[str]] = {}
    if not liaison_point.active:
        errors["liaison_point"] = [_("This liaison point is closed.")]
    if planned_start and planned_end and planned_end <= planned_start:
        errors["planned_end"] = [_("The planned end must be after the planned start.")]
    area = clean_area(area, errors)
    lead_ids = {int(i) for i in lead_guard_ids}
    guards, wanted = _load_team([*guard_ids, *lead_ids])
    day = timezone.localtime(planned_start).date() if planned_start else timezone.localdate()
    if problems := _team_errors(guards, wanted, day):
        errors["guards"] = problems
    checkpoints = _point_checkpoints(liaison_point, checkpoint_ids, errors)
    patrol = Patrol(
        liaison_point=liaison_point, leader=leader, planned_start=planned_start, planned_end=planned_end,
        kind=kind, area=area, notes=notes, created_by=by,
    )
    try:
        patrol.full_clean(exclude=["area"] + list(errors))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    patrol._history_user = by
    patrol.save()
    _add_members(patrol, guards, lead_ids)
    PatrolCheckpoint.objects.bulk_create(PatrolCheckpoint(patrol=patrol, checkpoint=c) for c in checkpoints)
    return patrol


@transaction.atomic
def patrol_set_team(*, patrol: Patrol, guard_ids: Iterable[int], lead_guard_ids: Iterable[int] = (), by=None) -> Patrol:
    """Replace the team of a patrol that has not started."""
    if Patrol.objects.select_for_update().filter(pk=patrol.pk).values_list("status", flat=True).first() != Patrol.Status.PLANNED:
        raise DomainError(_("The team can only be changed before the patrol starts."), conflict=True)
    lead_ids = {int(i) for i in lead_guard_ids}
    guards, wanted = _load_team([*guard_ids, *lead_ids])
    if problems := _team_errors(guards, wanted, timezone.localtime(patrol.planned_start).date()):
        raise ValidationError({"guards": problems})
    patrol.members.all().delete()
    _add_members(patrol, guards, lead_ids)
    return patrol


@transaction.atomic
def patrols_drop_guard(*, guard_id: int) -> int:
    """A removed guard leaves every patrol not yet started and every recurring plan."""
    removed, _ = PatrolMember.objects.filter(guard_id=guard_id, patrol__status=Patrol.Status.PLANNED).delete()
    RecurringPlan.members.through.objects.filter(guard_id=guard_id).delete()
    return removed


# Recurring plans -------------------------------------------------------------------------------

def _clean_weekdays(weekdays) -> list[int]:
    try:
        days = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError):
        days = []
    if not days or any(d < 0 or d > 6 for d in days):
        raise ValidationError({"weekdays": [_("Choose at least one weekday (0 = Monday … 6 = Sunday).")]})
    return days


@transaction.atomic
def plan_create(
    *, liaison_point: LiaisonPoint, leader: Officer, weekdays, start_time: datetime.time, end_time: datetime.time,
    starts_on: datetime.date, ends_on: datetime.date | None = None, kind: str = "foot", area=None,
    guard_ids: Iterable[int] = (), checkpoint_ids: Iterable[int] = (), by=None,
) -> RecurringPlan:
    errors: dict[str, list[str]] = {}
    try:
        weekdays = _clean_weekdays(weekdays)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if start_time == end_time:
        errors["end_time"] = [_("The end time must differ from the start time.")]
    if ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The plan cannot end before it starts.")]
    area = clean_area(area, errors)
    guards, wanted = _load_team(guard_ids)
    if missing := _unknown_guards(guards, wanted):
        errors["guards"] = missing
    checkpoints = _point_checkpoints(liaison_point, checkpoint_ids, errors)
    if errors:
        raise ValidationError(errors)
    plan = RecurringPlan(
        liaison_point=liaison_point, leader=leader, weekdays=weekdays, start_time=start_time, end_time=end_time,
        starts_on=starts_on, ends_on=ends_on, kind=kind, area=area, created_by=by,
    )
    plan.full_clean()
    plan.save()
    plan.members.set(guards)
    plan.checkpoints.set(checkpoints)
    return plan


@dataclass
class Generated:
    created: list[Patrol] = field(default_factory=list)
    skipped_guards: list[tuple[datetime.date, str, str]] = field(default_factory=list)  # (day, guard, reason)


@transaction.atomic
def plan_generate(*, plan: RecurringPlan, weeks: int = 4, today: datetime.date | None = None) -> Generated:
    """Create the plan's patrols for the coming `weeks`. Slots that already have a patrol are left
    alone (also enforced by a unique constraint), so running it twice creates nothing new. Guards
    who are not deployable on a day are left off that day's team and reported."""
    result = Generated()
    if not plan.active or not plan.liaison_point.active:
        return result
    today = today or timezone.localdate()
    first = max(today, plan.starts_on)
    last = first + datetime.timedelta(days=7 * weeks - 1)
    if plan.ends_on:
        last = min(last, plan.ends_on)
    slots = []
    day = first
    while day <= last:
        if day.weekday() in plan.weekdays:
            start = timezone.make_aware(datetime.datetime.combine(day, plan.start_time))
            end_day = day + datetime.timedelta(days=1) if plan.end_time <= plan.start_time else day
            slots.append((start, timezone.make_aware(datetime.datetime.combine(end_day, plan.end_time))))
        day += datetime.timedelta(days=1)
    if not slots:
        return result
    taken = set(plan.patrols.filter(planned_start__in=[s for s, _e in slots]).values_list("planned_start", flat=True))
    new = [
        Patrol(
            liaison_point_id=plan.liaison_point_id, leader_id=plan.leader_id, kind=plan.kind, area=plan.area,
            planned_start=start, planned_end=end, plan=plan, created_by=plan.created_by,
        )
        for start, end in slots
        if start not in taken
    ]
    if not new:
        return result
    Patrol.objects.bulk_create(new)
    if any(p.pk is None for p in new):  # a backend that cannot return ids from bulk inserts
        new = list(plan.patrols.filter(planned_start__in=[p.planned_start for p in new]))
    guards = list(plan.members.all())
    checkpoint_ids = list(plan.checkpoints.values_list("id", flat=True))
    members, visits = [], []
    for patrol in new:
        day = timezone.localtime(patrol.planned_start).date()
        for g in guards:
            verdict = guard_deployability(guard=g, on=day)
            if verdict.ok:
                members.append(PatrolMember(patrol=patrol, guard=g, duty_warning=verdict.warning_text or None))
            else:
                result.skipped_guards.append((day, g.name, verdict.reason))
        visits.extend(PatrolCheckpoint(patrol=patrol, checkpoint_id=c) for c in checkpoint_ids)
    PatrolMember.objects.bulk_create(members)
    PatrolCheckpoint.objects.bulk_create(visits)
    result.created = new
    return result


# Zone patrols (the Yanghe pattern) -------------------------------------------------------------

@dataclass
class ZoneProposal:
    lead: list[Guard]
    others: list[Guard]
    companies_without_guard: list[SecurityCompany]

    @property
    def guards(self) -> list[Guard]:
        return [*self.lead, *self.others]


def zone_patrol_propose(
    *, zone: Zone, lead_company: SecurityCompany, on: datetime.date, lead_count: int = 2, fairness_days: int = 30
) -> ZoneProposal:
    """Propose a zone patrol team: `lead_count` guards of the lead unit plus one guard from every
    other company with guards attached to the zone's points. Within a company the deployable guard
    who patrolled least over the last `fairness_days` goes first, so duty rotates. Two queries."""
    since = timezone.make_aware(datetime.datetime.combine(on - datetime.timedelta(days=fairness_days), datetime.time.min))
    candidates = (
        Guard.objects.filter(liaison_point__zone=zone, liaison_point__active=True).exclude(status=Guard.Status.REMOVED)
        .select_related("company")
        .annotate(recent=Count("patrol_memberships", filter=Q(patrol_memberships__patrol__planned_start__gte=since)))
        .order_by("company__name", "recent", "name", "id")
    )
    by_company: dict[int, list[Guard]] = {}
    companies: dict[int, SecurityCompany] = {}
    for g in candidates:
        if guard_deployability(guard=g, on=on).ok:
            by_company.setdefault(g.company_id, []).append(g)
        companies.setdefault(g.company_id, g.company)
    lead = by_company.get(lead_company.pk, [])[:lead_count]
    others = [gs[0] for cid, gs in by_company.items() if cid != lead_company.pk and gs]
    without = [c for cid, c in companies.items() if cid != lead_company.pk and not by_company.get(cid)]
    return ZoneProposal(lead=lead, others=others, companies_without_guard=without)
