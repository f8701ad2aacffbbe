"""Planning: one patrol with its team and checkpoints, a patrol's team before it starts, recurring
plans and the patrols they generate (zone plans rotate the lead unit: patrol.services.zones), who
leads (an officer or a unit with its guard team leader), and a removed guard leaving future duty."""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from guards.models import Guard, SecurityCompany
from guards.policy import duty_policy
from guards.selectors import guard_deployability
from liaison_points.models import LiaisonPoint, Officer, Zone
from patrol.models import Checkpoint, Patrol, PatrolCheckpoint, PatrolMember, RecurringPlan
from patrol.services.geo import clean_area
from patrol.services.zones import rotation_index, zone_patrol_propose, zone_rotation, zone_unit_list


def _lead_errors(*, leader, lead_company, team_leader: Guard | None, team_leader_id, errors: dict) -> None:
    """Who leads: a police officer, or a unit whose guard team leader (one of its own guards) leads
    on the ground — exactly one of the two (also a check constraint on the table)."""
    if leader is not None and lead_company is not None:
        errors["lead_company"] = [_("Choose a leading officer or a lead unit, not both.")]
    elif leader is None and lead_company is None:
        errors["leader"] = [_("Choose a leading officer or a lead unit.")]
    if lead_company is not None and not lead_company.active:
        errors.setdefault("lead_company", []).append(_("This unit is no longer active."))
    if team_leader_id is not None and team_leader is None:
        errors["team_leader"] = [_("Unknown guard id(s): %(ids)s.") % {"ids": team_leader_id}]
    elif lead_company is not None and leader is None and team_leader is None:
        errors["team_leader"] = [_("Name the lead unit's guard who leads the team.")]
    elif team_leader is not None and lead_company is None:
        errors["team_leader"] = [_("Only a patrol led by a unit has a guard as team leader.")]
    elif team_leader is not None and team_leader.company_id != lead_company.pk:
        errors["team_leader"] = [_("The team leader must be a guard of the lead unit.")]


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
    leader: Officer | None = None,
    lead_company: SecurityCompany | None = None,
    team_leader_id: int | None = None,
    zone: Zone | None = None,
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
    """Plan a patrol with its team and checkpoints, led by `leader` (an officer) or by `lead_company`
    with its guard `team_leader_id` (who joins the team as the lead unit's). With `zone` it is a zone
    patrol and counts toward every point of the zone. Raises ValidationError with field errors
    (`leader`, `lead_company`, `team_leader`, `zone`, `planned_end`, `area`, `guards`, `checkpoints`,
    `liaison_point`); nothing is saved then."""
    errors: dict[str, list[str]] = {}
    if not liaison_point.active:
        errors["liaison_point"] = [_("This liaison point is closed.")]
    if zone is not None and liaison_point.zone_id != zone.pk:
        errors["zone"] = [_("The liaison point is not in this zone.")]
    team_leader = Guard.objects.filter(pk=team_leader_id).first() if team_leader_id is not None else None
    _lead_errors(leader=leader, lead_company=lead_company, team_leader=team_leader, team_leader_id=team_leader_id, errors=errors)
    if team_leader is not None:
        lead_guard_ids = [*lead_guard_ids, team_leader.pk]
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
        liaison_point=liaison_point, leader=leader, lead_company=lead_company, team_leader=team_leader, zone=zone,
        planned_start=planned_start, planned_end=planned_end, kind=kind, area=area, notes=notes, created_by=by,
    )
    try:
        patrol.full_clean(exclude=["area"] + list(errors), validate_constraints=not {"leader", "lead_company"} & set(errors))
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
    lead_ids = {int(i) for i in lead_guard_ids} | ({patrol.team_leader_id} if patrol.team_leader_id else set())
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
    *, liaison_point: LiaisonPoint, leader: Officer | None = None, lead_company: SecurityCompany | None = None,
    zone: Zone | None = None, lead_rotation: Iterable[int] = (), lead_count: int = 2,
    weekdays, start_time: datetime.time, end_time: datetime.time,
    starts_on: datetime.date, ends_on: datetime.date | None = None, kind: str = "foot", area=None,
    guard_ids: Iterable[int] = (), checkpoint_ids: Iterable[int] = (), by=None,
) -> RecurringPlan:
    """A recurring plan led by an officer, by one unit (its standing team's guards of that unit
    lead), or by a zone's units in turn (`zone`, `lead_rotation`: unit ids, empty for the zone's
    units by name; `lead_count` guards of the day's lead unit, one guard of every other unit)."""
    errors: dict[str, list[str]] = {}
    if sum(x is not None for x in (leader, lead_company, zone)) != 1:
        errors["leader"] = [_("Choose a leading officer, a lead unit or a zone's rotation — exactly one.")]
    lead_rotation = [int(i) for i in lead_rotation or ()]
    if zone is not None:
        if liaison_point.zone_id != zone.pk:
            errors["zone"] = [_("The liaison point is not in this zone.")]
        units = {c.pk for c in zone_unit_list(zone=zone)}
        if not units:
            errors.setdefault("zone", []).append(_("No unit has guards at this zone's points."))
        elif stray := [i for i in lead_rotation if i not in units]:
            errors["lead_rotation"] = [_("Not units of this zone: %(ids)s.") % {"ids": ", ".join(map(str, stray))}]
        elif len(set(lead_rotation)) != len(lead_rotation):
            errors["lead_rotation"] = [_("Name each unit once in the rotation.")]
    elif lead_rotation:
        errors["lead_rotation"] = [_("Only a zone plan rotates the lead unit.")]
    if not 1 <= int(lead_count or 0) <= 10:
        errors["lead_count"] = [_("Between 1 and 10 guards of the lead unit.")]
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
        liaison_point=liaison_point, leader=leader, lead_company=lead_company, zone=zone, lead_rotation=lead_rotation,
        lead_count=lead_count, weekdays=weekdays, start_time=start_time, end_time=end_time,
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
    who are not deployable on a day are left off that day's team and reported. A unit-led plan's
    patrols are led by the first deployable guard of that unit on the standing team; a zone plan's
    patrols by the day's unit of the rotation (see `_zone_generate`)."""
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
    slots = [(start, end) for start, end in slots if start not in taken]
    if plan.zone_id:
        return _zone_generate(plan, slots, result)
    new = [
        Patrol(
            liaison_point_id=plan.liaison_point_id, leader_id=plan.leader_id, lead_company_id=plan.lead_company_id,
            kind=plan.kind, area=plan.area, planned_start=start, planned_end=end, plan=plan, created_by=plan.created_by,
        )
        for start, end in slots
    ]
    if not new:
        return result
    Patrol.objects.bulk_create(new)
    if any(p.pk is None for p in new):  # a backend that cannot return ids from bulk inserts
        new = list(plan.patrols.filter(planned_start__in=[p.planned_start for p in new]))
    guards = list(plan.members.order_by("name", "id"))
    checkpoint_ids = list(plan.checkpoints.values_list("id", flat=True))
    members, visits, policy = [], [], duty_policy()
    for patrol in new:
        day = timezone.localtime(patrol.planned_start).date()
        for g in guards:
            verdict = guard_deployability(guard=g, on=day, policy=policy)
            if not verdict.ok:
                result.skipped_guards.append((day, g.name, verdict.reason))
                continue
            lead = g.company_id == plan.lead_company_id
            if lead and patrol.team_leader_id is None:
                patrol.team_leader_id = g.pk
            role = PatrolMember.Role.LEAD_UNIT if lead else PatrolMember.Role.MEMBER
            members.append(PatrolMember(patrol=patrol, guard=g, role=role, duty_warning=verdict.warning_text or None))
        visits.extend(PatrolCheckpoint(patrol=patrol, checkpoint_id=c) for c in checkpoint_ids)
    if plan.lead_company_id:
        Patrol.objects.bulk_update([p for p in new if p.team_leader_id], ["team_leader"])
    PatrolMember.objects.bulk_create(members)
    PatrolCheckpoint.objects.bulk_create(visits)
    result.created = new
    return result


def _zone_generate(plan: RecurringPlan, slots: list, result: Generated) -> Generated:
    """A zone plan's new patrols, one slot at a time (each day's proposal sees the days before it, so
    duty rotates inside every unit too): the day's lead unit by the rotation, its `lead_count` least
    recently deployed guards (the first is the team leader) and one guard of every other unit."""
    rotation = zone_rotation(zone=plan.zone_id, rotation=plan.lead_rotation)
    if not rotation:
        return result
    units = SecurityCompany.objects.in_bulk(rotation)
    checkpoint_ids = list(plan.checkpoints.values_list("id", flat=True))
    policy = duty_policy()
    for start, end in slots:
        day = timezone.localtime(start).date()
        unit = units.get(rotation[rotation_index(starts_on=plan.starts_on, weekdays=plan.weekdays, day=day) % len(rotation)])
        if unit is None:  # a unit deleted from under the rotation: the day waits for the plan to be fixed
            result.skipped_guards.append((day, "—", _("the rotation names a unit that no longer exists")))
            continue
        proposal = zone_patrol_propose(zone=plan.zone, lead_company=unit, on=day, lead_count=plan.lead_count)
        if not proposal.lead:
            result.skipped_guards.append((day, unit.name, _("no deployable guard of the lead unit")))
        patrol = Patrol(
            liaison_point_id=plan.liaison_point_id, lead_company=unit, team_leader=proposal.lead[0] if proposal.lead else None,
            zone_id=plan.zone_id, kind=plan.kind, area=plan.area, planned_start=start, planned_end=end, plan=plan,
            created_by=plan.created_by,
        )
        patrol.save()
        lead_ids = {g.pk for g in proposal.lead}
        PatrolMember.objects.bulk_create(
            PatrolMember(
                patrol=patrol, guard=g, role=PatrolMember.Role.LEAD_UNIT if g.pk in lead_ids else PatrolMember.Role.MEMBER,
                duty_warning=guard_deployability(guard=g, on=day, policy=policy).warning_text or None,
            )
            for g in proposal.guards
        )
        PatrolCheckpoint.objects.bulk_create(PatrolCheckpoint(patrol=patrol, checkpoint_id=c) for c in checkpoint_ids)
        for company in proposal.companies_without_guard:
            result.skipped_guards.append((day, company.name, _("no deployable guard to send")))
        result.created.append(patrol)
    return result
