"""Demo patrol history: a year of night patrols with realistic attendance for every liaison point,
checkpoints with visits, venue inspections (and their units: patrol/demo_inspections.py), a few recurring plans, and this week's plans, so the
pages look alive on `make run`. As in real offices, a few patrols were never started (missed), some
phone check-ins came from far away or without a position (flagged, earning no points until an
officer confirms them), and a day patrol now and then is counted apart from the night ones.

Written with bulk inserts in a handful of statements per batch. History is seeded once: when any
patrol exists, nothing is added (a second run is a no-op)."""
from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from guards.models import Guard
from liaison_points.geo import haversine_m
from rewards.models import PointEntry, PointRule
from liaison_points.demo import demo_rng, offset_position
from liaison_points.models import LiaisonPoint, Officer, Township
from patrol.models import (
    CheckIn,
    PositionState,
    Checkpoint,
    Patrol,
    PatrolCheckpoint,
    PatrolMember,
    PublicityTopic,
    RecurringPlan,
    VenueInspection,
)
from patrol.demo_inspections import inspections_with_units, weak_unit_inspections
from patrol.services import plan_create, plan_generate

CHECKPOINT_NAMES = ["北门岗亭", "农贸市场", "学校路口", "汽车站", "滨江广场", "医院急诊楼", "商业街东口", "工业园大门", "社区服务中心", "公园南门"]
MISS_REASONS = ["道路施工封闭", "临时处置警情", "暴雨积水无法通行", "协助救助群众"]
CANCEL_REASONS = ["暴雨天气", "警力调往重大活动安保", "台风预警"]
VENUES = ["汉江宾馆", "星空网吧", "金色年华KTV", "诚信典当行", "顺达物流", "阳光公寓出租屋", "城南加油站", "如家快捷酒店",
          "极速网咖", "老街二手手机店", "百姓旅社", "中通快递网点", "夜色酒吧", "华联超市"]
NOTES = ["夜间巡逻正常，无异常情况。", "劝离聚集人员一处。", "发现路灯损坏一处，已上报。", "提醒商户关好门窗。", ""]
_BATCH = 2000


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _checkpoints_ensure(rng: random.Random, points: list[LiaisonPoint]) -> dict[int, list[Checkpoint]]:
    have = defaultdict(list)
    for cp in Checkpoint.objects.filter(liaison_point__in=points):
        have[cp.liaison_point_id].append(cp)
    new = []
    for p in points:
        if have[p.pk]:
            continue
        for name in rng.sample(CHECKPOINT_NAMES, 3):
            lat, lng = offset_position(rng, float(p.latitude), float(p.longitude), min_m=200, max_m=900)
            new.append(Checkpoint(liaison_point=p, name=name, latitude=lat, longitude=lng))
    Checkpoint.objects.bulk_create(new, batch_size=_BATCH)
    for cp in new:
        have[cp.liaison_point_id].append(cp)
    return have


def seed_patrols(*, seed: int, today: datetime.date | None = None, weeks: int = 52) -> dict[str, int]:
    """A year (`weeks`) of patrol history ending today, plus the rest of this week planned."""
    if Patrol.objects.exists():
        return {}
    rng = demo_rng(seed, "patrol")
    now = timezone.now() if today is None else _aware(today, 12)
    today = today or timezone.localdate()
    points = list(LiaisonPoint.objects.filter(active=True).order_by("code"))
    if not points:
        return {}
    officers = list(Officer.objects.order_by("pk"))
    guards_by_point = defaultdict(list)
    for g in Guard.objects.filter(status=Guard.Status.ACTIVE, liaison_point__in=points).only(
        "id", "liaison_point_id", "certificate_status", "certificate_expires_on"
    ).order_by("id"):
        guards_by_point[g.liaison_point_id].append(g)
    checkpoints = _checkpoints_ensure(rng, points)
    # A few points patrol too little, so the coverage rule and the bulletin have something to say.
    weak = {p.pk for p in rng.sample(points, max(1, len(points) // 10))}
    patrol_points = PointRule.objects.filter(kind=PointRule.Kind.PATROL_ATTENDED, active=True).values_list("points", flat=True).first()

    monday = today - datetime.timedelta(days=today.weekday())
    first_monday = monday - datetime.timedelta(weeks=weeks)
    patrols, teams = [], []  # teams[i] = list of guard ids of patrols[i]
    day = first_monday
    while day < monday + datetime.timedelta(days=7):
        for p in points:
            per_week = rng.choice([1, 2, 2, 3]) if p.pk in weak else rng.choice([3, 3, 4, 4, 5])
            if day.weekday() != 0:
                continue
            for offset in sorted(rng.sample(range(7), per_week)):
                date = day + datetime.timedelta(days=offset)
                hour = rng.choice([19, 19, 20, 20, 21, 9])
                start = _aware(date, hour, rng.choice([0, 0, 30]))
                end = start + datetime.timedelta(hours=rng.choice([2, 3, 3]))
                if end < now:
                    roll = rng.random()
                    status = Patrol.Status.CANCELLED if roll < 0.03 else Patrol.Status.MISSED if roll < 0.05 else Patrol.Status.DONE
                elif start <= now:
                    status = Patrol.Status.UNDER_WAY
                else:
                    status = Patrol.Status.PLANNED
                pool = [g for g in guards_by_point[p.pk] if g.certificate_valid_on(date)]
                team = [g.pk for g in rng.sample(pool, min(len(pool), rng.randint(3, 6)))]
                topics = rng.sample(PublicityTopic.values, rng.randint(1, 2)) if status == Patrol.Status.DONE and rng.random() < 0.4 else []
                patrols.append(Patrol(
                    liaison_point=p, leader=p.responsible_officer or rng.choice(officers),
                    kind=rng.choice(["foot"] * 6 + ["vehicle", "bicycle"]),
                    planned_start=start, planned_end=end, status=status,
                    actual_start=start + datetime.timedelta(minutes=rng.randint(0, 10)) if status in ("done", "under_way") else None,
                    actual_end=end if status == Patrol.Status.DONE else None,
                    cancel_reason=rng.choice(CANCEL_REASONS) if status == Patrol.Status.CANCELLED else "",
                    publicity_topics=topics, people_reached=rng.randint(20, 150) if topics else 0,
                    notes=rng.choice(NOTES) if status == Patrol.Status.DONE else "",
                ))
                teams.append(team)
        day += datetime.timedelta(days=1)
    _with_demo_guard(patrols, teams, monday=monday, today=today, officers=officers)
    Patrol.objects.bulk_create(patrols, batch_size=_BATCH)

    members, check_ins, visits, entries = [], [], [], []
    for patrol, team in zip(patrols, teams):
        p = patrol.liaison_point
        for i, guard_id in enumerate(team):
            members.append(PatrolMember(patrol=patrol, guard_id=guard_id, role="lead" if i == 0 else "member"))
            if patrol.status not in (Patrol.Status.DONE, Patrol.Status.UNDER_WAY):
                continue
            roll = rng.random()
            if patrol.status == Patrol.Status.UNDER_WAY and roll > 0.85:
                continue  # not checked in yet
            status = "present" if roll < 0.85 else "late" if roll < 0.93 else "absent"
            at = patrol.planned_start + datetime.timedelta(minutes=rng.randint(-25, 5) if status == "present" else rng.randint(12, 40))
            check_in = CheckIn(patrol=patrol, guard_id=guard_id, at=at, status=status, source="auto" if status == "absent" else "guard")
            if status != "absent":
                _demo_position(rng, check_in, p)
            check_ins.append(check_in)
            if status != "absent" and patrol.status == Patrol.Status.DONE and patrol_points and check_in.position_state != PositionState.FAR:
                entries.append(PointEntry(
                    guard_id=guard_id, kind=PointRule.Kind.PATROL_ATTENDED, points=patrol_points, reason=str(patrol),
                    source_type="patrol.patrol", source_id=patrol.pk, occurred_on=timezone.localtime(patrol.planned_start).date(),
                ))
        for cp in checkpoints[p.pk]:
            row = PatrolCheckpoint(patrol=patrol, checkpoint=cp)
            if patrol.status == Patrol.Status.DONE and team:
                if rng.random() < 0.92:
                    row.visited_at = patrol.actual_start + datetime.timedelta(minutes=rng.randint(10, 100))
                    row.visited_by_id = rng.choice(team)
                    row.latitude, row.longitude = cp.latitude, cp.longitude
                    row.position_state, row.distance, row.accuracy = PositionState.OK, 0, rng.choice([8, 12, 20])
                elif rng.random() < 0.7:
                    row.missed_reason = rng.choice(MISS_REASONS)
            visits.append(row)
    PatrolMember.objects.bulk_create(members, batch_size=_BATCH)
    company_of = dict(Guard.objects.filter(pk__in={c.guard_id for c in check_ins}).values_list("pk", "company_id"))
    for check_in in check_ins:  # bulk_create skips CheckIn.save(), which sets the company
        check_in.company_id = company_of.get(check_in.guard_id)
    CheckIn.objects.bulk_create(check_ins, batch_size=_BATCH)
    PatrolCheckpoint.objects.bulk_create(visits, batch_size=_BATCH)
    PointEntry.objects.bulk_create(entries, batch_size=_BATCH)

    inspections = _inspections(rng, points, officers, first_monday, today, seed=seed)
    plans = _recurring_plans(rng, points, guards_by_point, checkpoints, today)
    return {
        "patrols": len(patrols), "check-ins": len(check_ins), "checkpoints visited": sum(1 for v in visits if v.visited_at),
        "patrol points entries": len(entries), "venue inspections": inspections, "recurring plans": plans,
    }


def _demo_position(rng: random.Random, check_in: CheckIn, point: LiaisonPoint) -> None:
    """A phone position as they come: mostly near the point, about 4% with none (location off),
    about 3% from far away (a check-in from home), each judged as the service would."""
    roll = rng.random()
    if roll < 0.04:
        check_in.position_state = PositionState.NONE
        return
    far = roll < 0.07
    lat, lng = offset_position(rng, float(point.latitude), float(point.longitude), min_m=1200 if far else 5, max_m=3500 if far else 150)
    check_in.latitude, check_in.longitude = lat, lng
    check_in.accuracy = rng.choice([8, 12, 15, 20, 35, 50])
    check_in.distance = int(round(haversine_m(float(lat), float(lng), float(point.latitude), float(point.longitude))))
    check_in.position_state = PositionState.FAR if far else PositionState.OK


def _with_demo_guard(patrols: list[Patrol], teams: list[list[int]], *, monday, today, officers) -> None:
    """Put the demo guard account on this week's patrols of its point, with one this evening, so
    signing in as `guard` shows the check-in button."""
    guard = Guard.objects.filter(user__username="guard", status=Guard.Status.ACTIVE, liaison_point__isnull=False).select_related("liaison_point").first()
    if guard is None:
        return
    point = guard.liaison_point
    this_week = [
        (p, team) for p, team in zip(patrols, teams)
        if p.liaison_point_id == point.pk and timezone.localtime(p.planned_start).date() >= monday
    ]
    for _patrol, team in this_week:
        if guard.pk not in team:
            team.append(guard.pk)
    if not any(timezone.localtime(p.planned_start).date() == today for p, _team in this_week):
        start = _aware(today, 19)
        patrols.append(Patrol(
            liaison_point=point, leader=point.responsible_officer or officers[0], kind="foot",
            planned_start=start, planned_end=start + datetime.timedelta(hours=3),
            status=Patrol.Status.PLANNED if start > timezone.now() else Patrol.Status.UNDER_WAY,
            actual_start=None if start > timezone.now() else start,
        ))
        teams.append([guard.pk])


def _inspections(rng, points, officers, first_monday, today, *, seed: int) -> int:
    townships = list(Township.objects.filter(Q(liaison_points__in=points)).distinct())
    point_by_township = defaultdict(list)
    for p in points:
        point_by_township[p.township_id].append(p)
    rows, inspector_links = [], []
    day = first_monday
    while day <= today:
        for _ in range(rng.choice([2, 3, 3, 4])):
            township = rng.choice(townships)
            violation = rng.random() < 0.17
            inspected = day + datetime.timedelta(days=rng.randint(0, 6))
            if inspected > today:
                continue
            due = inspected + datetime.timedelta(days=rng.choice([3, 7, 15])) if violation else None
            rectified = due - datetime.timedelta(days=rng.randint(0, 2)) if violation and due < today and rng.random() < 0.85 else None
            rows.append(VenueInspection(
                venue=rng.choice(VENUES), trade=rng.choice(VenueInspection.Trade.values), township=township,
                liaison_point=rng.choice(point_by_township[township.pk]), inspected_on=inspected,
                violation_found=violation, violation_kind=rng.choice(VenueInspection.ViolationKind.values) if violation else "",
                rectification_due=due, rectified_on=rectified,
            ))
        day += datetime.timedelta(days=7)
    inspections_with_units(seed=seed, rows=rows, points=points)  # issue 13: the unit answering for the venue
    VenueInspection.objects.bulk_create(rows, batch_size=_BATCH)
    Through = VenueInspection.inspectors.through
    for row in rows:
        for officer in rng.sample(officers, min(2, len(officers))):
            inspector_links.append(Through(venueinspection_id=row.pk, officer_id=officer.pk))
    Through.objects.bulk_create(inspector_links, batch_size=_BATCH)
    return len(rows) + weak_unit_inspections(seed=seed, points=points, officers=officers, today=today)


def _recurring_plans(rng, points, guards_by_point, checkpoints, today) -> int:
    made = 0
    for p in points[:3]:
        if RecurringPlan.objects.filter(liaison_point=p).exists() or not p.responsible_officer_id:
            continue
        team = [g.pk for g in guards_by_point[p.pk] if g.certificate_valid_on(today)][:4]
        plan = plan_create(
            liaison_point=p, leader=p.responsible_officer, weekdays=[1, 3, 5], start_time=datetime.time(19),
            end_time=datetime.time(22), starts_on=today + datetime.timedelta(days=7 - today.weekday()),
            guard_ids=team, checkpoint_ids=[c.pk for c in checkpoints[p.pk]],
        )
        plan_generate(plan=plan, weeks=4, today=today)
        made += 1
    return made
