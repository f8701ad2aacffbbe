"""Demo of issue 13's patrol practices, on top of the patrol history (patrol/demo.py): Yanghe-style
zone patrols led by the zone's units in turn — the past eight weeks of one zone's patrols at its
first point made unit-led with the rotation, and a daily zone plan with its coming four weeks — and
activity counts (suspects caught, fugitives assisted, residents helped, "three defences" guidance)
reported on some of the patrols done (the tips' counts: disputes/demo_activity.py). Its own random
stream, so the history the patrol demo draws stays as it was."""
from __future__ import annotations

import datetime

from django.utils import timezone

from config.activity import ACTIVITY_FIELDS, demo_activity
from liaison_points.demo import demo_rng
from liaison_points.models import LiaisonPoint, Zone
from patrol.models import Patrol, PatrolMember, RecurringPlan
from patrol.services import plan_create, plan_generate, rotation_index, zone_unit_list

_BATCH = 2000


def _demo_zone() -> tuple[Zone, LiaisonPoint, list] | None:
    """The zone with most units (at least three), its first active point, and its units."""
    best = None
    for zone in Zone.objects.order_by("name"):
        units = zone_unit_list(zone=zone)
        point = LiaisonPoint.objects.filter(zone=zone, active=True).order_by("code").first()
        if point is not None and len(units) >= 3 and (best is None or len(units) > len(best[2])):
            best = (zone, point, units)
    return best


def _unit_led_history(zone: Zone, point: LiaisonPoint, units: list, today: datetime.date) -> int:
    """The zone's patrols at `point` over the past eight weeks become zone patrols led by the units
    in turn (rotation by name), each with its unit's guard on the team as team leader."""
    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(weeks=8), datetime.time.min))
    patrols = list(Patrol.objects.filter(liaison_point=point, planned_start__gte=since, planned_start__lt=timezone.now()).order_by("planned_start"))
    members = {}
    for m in PatrolMember.objects.filter(patrol__in=patrols).select_related("guard").order_by("id"):
        members.setdefault(m.patrol_id, []).append(m)
    start = since.date()
    changed, roles = [], []
    for patrol in patrols:
        day = timezone.localtime(patrol.planned_start).date()
        unit = units[rotation_index(starts_on=start, weekdays=list(range(7)), day=day) % len(units)]
        own = [m for m in members.get(patrol.pk, []) if m.guard.company_id == unit.pk]
        if not own:
            continue  # no guard of the day's unit on this team: it stays led by its officer
        patrol.leader, patrol.lead_company, patrol.team_leader_id, patrol.zone = None, unit, own[0].guard_id, zone
        changed.append(patrol)
        for m in members[patrol.pk]:
            m.role = PatrolMember.Role.LEAD_UNIT if m.guard.company_id == unit.pk else PatrolMember.Role.MEMBER
            roles.append(m)
    Patrol.objects.bulk_update(changed, ["leader", "lead_company", "team_leader", "zone"], batch_size=_BATCH)
    PatrolMember.objects.bulk_update(roles, ["role"], batch_size=_BATCH)
    return len(changed)


def seed_zone_patrols(*, seed: int, today: datetime.date | None = None) -> dict[str, int]:
    """Idempotent: when a zone plan exists, nothing is added."""
    if RecurringPlan.objects.filter(zone__isnull=False).exists() or not Patrol.objects.exists():
        return {}
    rng = demo_rng(seed, "patrol-issue-13")
    today = today or timezone.localdate()
    done = list(Patrol.objects.filter(status=Patrol.Status.DONE).only("id").order_by("id"))
    reported = [p for p in done if demo_activity(rng, p)]
    Patrol.objects.bulk_update(reported, list(ACTIVITY_FIELDS), batch_size=_BATCH)
    stats = {"patrols with activity counts": len(reported)}
    found = _demo_zone()
    if found is None:
        return stats
    zone, point, units = found
    stats["unit-led zone patrols"] = _unit_led_history(zone, point, units, today)
    plan = plan_create(
        liaison_point=point, zone=zone, lead_rotation=[u.pk for u in units], lead_count=2,
        weekdays=list(range(7)), start_time=datetime.time(19, 30), end_time=datetime.time(21, 30),
        starts_on=today + datetime.timedelta(days=1),
    )
    stats["zone plan patrols"] = len(plan_generate(plan=plan, weeks=4, today=today).created)
    return stats
