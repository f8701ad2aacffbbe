"""Demo disputes and tips: a year like Gucheng's (DESIGN.md §1) — about 150 disputes mediated to an
honest end (most resolved, some closed without agreement, some escalated), ten still open (two of
them overdue), and 80 tips of which 13 led to solved cases, with hazards rectified and a missing
person found. Called by bulletins' seed_demo after liaison points and guards exist:

    from disputes.demo import seed_disputes
    created |= seed_disputes(seed=seed)

Idempotent: does nothing when disputes already exist. Rows are bulk-created (no history rows);
inbox notices are marked sent so seeding does not flood the points' inboxes."""
from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from disputes.models import (
    Dispute,
    DisputeEvent,
    DisputeFollowUp,
    DisputeParty,
    MediationSession,
    Tip,
)
from disputes.services import due_dates
from guards.models import Guard
from rewards.models import PointEntry, PointRule
from liaison_points.demo import demo_rng, offset_position, person_name
from liaison_points.models import LiaisonPoint

_BATCH = 2000
MEDIATED = 150
OPEN = 10
TIPS = 80
SOLVED_CASES = 13

TITLES = {
    "neighbours": ["楼上漏水纠纷", "噪音扰民纠纷", "占用公共楼道", "宠物狗伤人", "相邻通行纠纷"],
    "property": ["物业费收取争议", "小区停车收费纠纷", "电梯维修费用分摊", "业委会与物业矛盾"],
    "family": ["婚姻家庭矛盾", "赡养老人纠纷", "遗产分割争议"],
    "labour": ["拖欠农民工工资", "工伤赔偿争议", "辞退补偿纠纷"],
    "land": ["宅基地边界纠纷", "土地承包经营权争议", "林地权属纠纷"],
    "traffic": ["电动车剐蹭赔偿", "停车碰撞纠纷", "交通事故赔偿协商"],
    "consumer": ["商品质量纠纷", "预付卡退费争议", "装修合同纠纷"],
    "other": ["邻里口角", "经营摊位争执"],
}
CATEGORY_WEIGHTS = {"neighbours": 30, "property": 18, "family": 14, "labour": 10, "land": 8, "traffic": 10, "consumer": 6, "other": 4}
AGREEMENTS = [
    "双方达成调解协议，一次性赔偿到位。", "当事人互相谅解，握手言和。", "约定分期支付，每月15日前付清。",
    "物业承诺限期整改，业主按期缴费。", "由责任方负责维修，费用双方各半。",
]
CLOSE_NOTES = ["一方拒绝调解，告知通过诉讼途径解决。", "当事人撤回调解申请。", "多次联系无果，双方未达成一致。"]
TIP_TEXT = {
    "case_lead": ["发现两名男子夜间在停车场拉车门", "小区出租屋人员频繁进出，疑似聚赌", "有人在学校门口兜售不明药品",
                  "电动车被盗，嫌疑人骑车往城西方向", "发现可疑人员冒充燃气公司上门收费"],
    "hazard": ["路灯损坏，路段夜间漆黑", "河边护栏缺失，存在溺水隐患", "消防通道被车辆长期占用", "电线私拉乱接给电动车充电",
               "井盖缺失", "工地围挡倒塌"],
    "missing": ["一名老人走失，穿灰色外套，有认知障碍", "小孩放学未归，家长着急寻找"],
    "sentiment": ["部分群众反映夜间巡逻看不到人", "居民对小区停车收费有较大意见", "菜市场摊贩对新规有抵触情绪"],
}
HAZARD_FIXERS = ["街道办", "物业公司", "供电所", "住建局", "村委会"]


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed_disputes(*, seed: int, now: datetime.datetime | None = None) -> dict[str, int]:
    if Dispute.objects.exists() or Tip.objects.exists():
        return {}
    rng = demo_rng(seed, "disputes")
    now = now or timezone.now()
    points = list(LiaisonPoint.objects.filter(active=True).select_related("township", "responsible_officer__user").order_by("code"))
    if not points:
        return {}
    guards_by_point = defaultdict(list)
    for g in Guard.objects.filter(status=Guard.Status.ACTIVE, liaison_point__in=points).only("id", "liaison_point_id").order_by("id"):
        guards_by_point[g.liaison_point_id].append(g.pk)
    rules = dict(PointRule.objects.filter(active=True).values_list("kind", "points"))

    disputes, plans, party_lists = [], [], []  # plans[i]: (final status, accepted_at, mediating_at, finished_at, sessions, helper)
    for i in range(MEDIATED + OPEN):
        point = rng.choice(points)
        category = _weighted(rng, CATEGORY_WEIGHTS)
        is_open = i >= MEDIATED
        if is_open:
            reported_at = now - datetime.timedelta(hours=rng.choice([3, 10, 20, 30, 50, 80, 120, 170, 200, 60]))
        else:
            reported_at = now - datetime.timedelta(days=rng.randint(9, 360), hours=rng.randint(0, 12))
        first_due, resolution_due = due_dates(category=category, start=reported_at)
        guards = guards_by_point[point.pk]
        by_guard = bool(guards) and rng.random() < 0.55
        reporter_guard = rng.choice(guards) if by_guard else None
        kind = "guard" if by_guard else rng.choice(["officer", "resident", "resident"])
        lat, lng = offset_position(rng, float(point.latitude), float(point.longitude), min_m=40, max_m=900)
        accepted_at = reported_at + datetime.timedelta(hours=rng.uniform(0.5, 20))
        if is_open:
            status = rng.choice(["reported", "reported", "accepted", "accepted", "mediating", "mediating", "mediating"])
            if status != "reported" and accepted_at > now:
                accepted_at = now - datetime.timedelta(minutes=30)
        else:
            status = rng.choices(["resolved", "closed", "escalated"], weights=[78, 9, 13])[0]
        finished_at = accepted_at + datetime.timedelta(days=rng.uniform(1, 9)) if not is_open else None
        title = rng.choice(TITLES[category])
        party_lists.append([(person_name(rng), f"139{rng.randint(0, 99_999_999):08d}") for _ in range(rng.choice([2, 2, 3]))])
        disputes.append(Dispute(
            category=category, title=title,
            description="经联勤点了解，双方因琐事发生争执，需进一步调处。",
            place=f"{point.township.name}{rng.choice(['幸福', '和平', '新华', '东方', '阳光'])}小区{rng.randint(1, 20)}栋",
            latitude=lat, longitude=lng, liaison_point=point, reported_by_kind=kind, reporting_guard_id=reporter_guard,
            reporter_name=person_name(rng) if kind == "resident" else "",
            status=status, escalated_to=rng.choice(["police", "court", "court", "other"]) if status == "escalated" else "",
            reported_at=reported_at, accepted_at=accepted_at if status != "reported" else None, finished_at=finished_at,
            first_response_due=first_due, resolution_due=resolution_due,
            agreement=rng.choice(AGREEMENTS) if status == "resolved" else "",
            outcome_note=rng.choice(CLOSE_NOTES) if status == "closed" else "",
            helped_by_id=(reporter_guard or (rng.choice(guards) if guards and rng.random() < 0.4 else None)) if status == "resolved" else None,
            notified_at=reported_at,
        ))
        plans.append(point)
    Dispute.objects.bulk_create(disputes, batch_size=_BATCH)
    roles = ["applicant", "respondent", "witness"]
    DisputeParty.objects.bulk_create(
        [DisputeParty(dispute=d, position=i, name=name, phone=phone, role=roles[i]) for d, rows in zip(disputes, party_lists)
         for i, (name, phone) in enumerate(rows)],
        batch_size=_BATCH,
    )

    events, sessions, follow_ups, entries = [], [], [], []
    for d, point in zip(disputes, plans):
        officer = point.responsible_officer.user if point.responsible_officer else None
        events.append(DisputeEvent(dispute=d, kind="reported", to_status="reported", at=d.reported_at, to_point=point,
                                   actor=None if d.reporting_guard_id else officer, note=f"自动分派至{point.name}"))
        if d.status == "reported":
            continue
        events.append(DisputeEvent(dispute=d, kind="transition", from_status="reported", to_status="accepted", at=d.accepted_at, actor=officer))
        if d.status == "accepted":
            continue
        mediating_at = d.accepted_at + datetime.timedelta(hours=rng.uniform(2, 30))
        if d.finished_at is None:
            mediating_at = min(mediating_at, now - datetime.timedelta(minutes=10))
        events.append(DisputeEvent(dispute=d, kind="transition", from_status="accepted", to_status="mediating", at=mediating_at, actor=officer))
        for n in range(rng.choice([1, 1, 2, 3])):
            held = mediating_at + datetime.timedelta(hours=1 + n * rng.uniform(20, 60))
            if held > (d.finished_at or now):
                break
            result = "agreement" if d.status == "resolved" and held + datetime.timedelta(days=2) > (d.finished_at or now) else rng.choice(["partial", "none", "adjourned"])
            sessions.append(MediationSession(dispute=d, held_at=held, mediator=officer, helping_guard_id=d.helped_by_id, result=result,
                                             parties_present="双方当事人均到场"))
            events.append(DisputeEvent(dispute=d, kind="session", at=held, actor=officer, note=dict(MediationSession.Result.choices)[result]))
        if d.finished_at is None:
            continue
        events.append(DisputeEvent(dispute=d, kind="transition", from_status="mediating", to_status=d.status, at=d.finished_at, actor=officer,
                                   note=d.outcome_note))
        if d.status == "resolved":
            done_day = timezone.localtime(d.finished_at).date()
            for days in (7, 30):
                due = done_day + datetime.timedelta(days=days)
                done = due < timezone.localdate(now) and rng.random() < 0.9
                follow_ups.append(DisputeFollowUp(dispute=d, after_days=days, due_on=due,
                                                  done_at=_aware(due, 10) if done else None, done_by=officer if done else None,
                                                  note="协议履行良好" if done else ""))
            if d.helped_by_id and rules.get("dispute"):
                entries.append(PointEntry(guard_id=d.helped_by_id, kind="dispute", points=rules["dispute"], reason=str(d),
                                          source_type="disputes.dispute", source_id=d.pk, occurred_on=done_day))
    DisputeEvent.objects.bulk_create(events, batch_size=_BATCH)
    MediationSession.objects.bulk_create(sessions, batch_size=_BATCH)
    DisputeFollowUp.objects.bulk_create(follow_ups, batch_size=_BATCH)

    tips = _tips(rng, points, guards_by_point, now)
    Tip.objects.bulk_create(tips, batch_size=_BATCH)
    for t in tips:
        if t.source_guard_id and t.verified_at and t.status != "unfounded" and rules.get("tip"):
            entries.append(PointEntry(guard_id=t.source_guard_id, kind="tip", points=rules["tip"], reason=str(t),
                                      source_type="disputes.tip", source_id=t.pk, occurred_on=timezone.localtime(t.verified_at).date()))
    PointEntry.objects.bulk_create(entries, batch_size=_BATCH, ignore_conflicts=True)
    return {
        "disputes": len(disputes), "dispute events": len(events), "mediation sessions": len(sessions), "tips": len(tips),
        "dispute and tip points entries": len(entries),
    }


def _tips(rng: random.Random, points, guards_by_point, now) -> list[Tip]:
    """80 tips: 13 case leads that solved cases, hazards mostly rectified, a missing person found,
    some unfounded, a handful still open."""
    plan = (
        [("case_lead", "closed", "case_solved")] * SOLVED_CASES
        + [("case_lead", "closed", "other")] * 5 + [("case_lead", "unfounded", "")] * 6
        + [("hazard", "closed", "hazard_rectified")] * 26 + [("hazard", "acted", "")] * 3 + [("hazard", "unfounded", "")] * 2
        + [("missing", "closed", "person_found")] * 4 + [("missing", "closed", "other")] * 1
        + [("sentiment", "closed", "other")] * 12 + [("sentiment", "verified", "")] * 2
        + [("case_lead", "received", ""), ("hazard", "received", ""), ("case_lead", "verified", ""), ("hazard", "received", ""),
           ("sentiment", "received", ""), ("case_lead", "acted", "")]
    )
    rng.shuffle(plan)
    tips = []
    for n, (kind, status, outcome) in enumerate(plan):
        point = rng.choice(points)
        guards = guards_by_point[point.pk]
        from_guard = bool(guards) and rng.random() < 0.8
        is_open = status in ("received", "verified", "acted")
        received = now - (datetime.timedelta(hours=rng.randint(1, 60)) if is_open else datetime.timedelta(days=rng.randint(5, 360)))
        verified = received + datetime.timedelta(hours=rng.uniform(1, 24)) if status not in ("received",) else None
        finished = received + datetime.timedelta(days=rng.uniform(1, 20)) if status in ("closed", "unfounded") else None
        lat, lng = offset_position(rng, float(point.latitude), float(point.longitude), min_m=30, max_m=1200)
        tip = Tip(
            kind=kind, text=rng.choice(TIP_TEXT[kind]), place=f"{point.township.name}{rng.choice(['人民路', '解放路', '滨河路', '建设街'])}{rng.randint(1, 300)}号",
            latitude=lat, longitude=lng, liaison_point=point,
            source_kind="guard" if from_guard else "volunteer", source_guard_id=rng.choice(guards) if from_guard else None,
            volunteer_name="" if from_guard else person_name(rng),
            volunteer_phone="" if from_guard else f"138{rng.randint(0, 99_999_999):08d}",
            status=status, received_at=received, verified_at=verified if status != "unfounded" or rng.random() < 0.5 else None,
            finished_at=finished, outcome=outcome if outcome and status == "closed" else "",
            case_number=f"鄂公刑{timezone.localtime(received).year}{n + 100:04d}" if outcome == "case_solved" else "",
            outcome_note="经核查不属实" if status == "unfounded" else "",
            notified_at=received,
        )
        if kind == "hazard" and status != "unfounded":
            tip.rectification_by = rng.choice(HAZARD_FIXERS)
            tip.rectification_due = timezone.localdate(received + datetime.timedelta(days=rng.choice([3, 7, 14])))
            if outcome == "hazard_rectified":
                tip.rectified_at = finished
        tips.append(tip)
    return tips
