"""Demo data for the guard lifecycle (issue #6), on top of guards.demo and patrol.demo: training
sessions and rosters of the previous and current quarter, three months of certificate exams, last
month's payout, the previous quarter's assessment and an equipment register with two open recalls.

It runs the real services (so history rows, points and the carried-over flags are what the office
would see), and is seeded once: when any training session exists, nothing is added."""
from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Role, User
from assessments.models import Assessment, Equipment, EquipmentRecall
from assessments.demo_practices import seed_office_practices, seed_units_first
from assessments.services import assessments_run
from config.dates import parse_quarter, previous_quarter, quarter_of
from guards.models import Guard, SecurityCompany
from guards.services import guard_remove
from liaison_points.demo import demo_rng
from liaison_points.models import LiaisonPoint
from rewards.models import PayoutLine, PointEntry, PointRule
from rewards.services import payout_approve, payout_compute
from training.models import (
    CertificateExam,
    DutyArea,
    RosterEntry,
    TrainingRoster,
    TrainingSession,
)
from training.services import (
    exam_record,
    roster_approve,
    roster_compile,
    roster_lock,
    roster_return,
    roster_submit,
    training_session_save,
)

SESSION_PLACES = [
    "谷城县公安局警保联勤培训中心",
    "城关镇派出所三楼会议室",
    "谷城县保安服务公司实训基地",
    "石花镇综合文化站",
    "茨河镇人民政府大礼堂",
    "庙滩镇社区服务中心",
]
TRAINERS = ["王建国（治安大队）", "李志强（城关派出所）", "陈晓燕（指挥中心）", "刘德明（特警大队）", "赵红梅（法制大队）", "周海涛（交警大队）"]
SESSIONS_PER_QUARTER = 4
ABSENT_SHARE = 0.03
EXAM_SHARE = 0.05
EXAM_PASS_SHARE = 0.85
EXAM_DAY = 12
RETURN_REASON = "医院、学校岗位同一场次安排人数过多，请调整后重新提交。"
REMOVAL_REASONS = ["擅自离岗，经教育不改，公司已解除劳动合同", "多次无故缺席夜间巡逻，经研究予以清退"]
# kind, serial prefix, per point, to guards
EQUIPMENT_PLAN = [
    (Equipment.Kind.BATON, "GD", 2, 30),
    (Equipment.Kind.SHIELD, "FB", 1, 0),
    (Equipment.Kind.STEEL_FORK, "GC", 1, 0),
    (Equipment.Kind.RADIO, "DT", 1, 20),
]
MOTORCYCLES = 4
IN_STORE = {Equipment.Kind.BATON: 12, Equipment.Kind.SHIELD: 6, Equipment.Kind.RADIO: 5, Equipment.Kind.VEST: 10}


def _session_days(first: datetime.date, last: datetime.date, n: int) -> list[datetime.date]:
    span = (last - first).days
    return [first + datetime.timedelta(days=round(span * (i + 0.5) / n)) for i in range(n)]


def _sessions(rng, quarter: str, days: list[datetime.date], active: int) -> list[TrainingSession]:
    base = math.ceil(active * 1.1 / len(days) / 10) * 10
    places = rng.sample(SESSION_PLACES, len(days))
    areas = DutyArea.values
    return [
        training_session_save(
            quarter=quarter, held_on=day, place=place, capacity=max(10, base + rng.choice([-10, 0, 0, 10])),
            subject_areas=[DutyArea.PATROL.value] + rng.sample(areas[1:], rng.randint(1, 3)), trainer=rng.choice(TRAINERS),
        )
        for day, place in zip(days, places)
    ]


@transaction.atomic
def seed_lifecycle(*, seed: int, today: datetime.date) -> dict[str, int]:
    if TrainingSession.objects.exists():
        return {}
    active = Guard.objects.filter(status=Guard.Status.ACTIVE).count()
    if not active:
        return {}
    units_made = seed_units_first(seed=seed)  # issue 13: self-employing units get rosters too
    rng = demo_rng(seed, "lifecycle")
    officer = User.objects.filter(role=Role.OFFICER, is_active=True).order_by("pk").first()
    current = quarter_of(today)
    previous = previous_quarter(current)
    _label, prev_first, prev_last = parse_quarter(previous)
    _label, _cur_first, cur_last = parse_quarter(current)
    companies = list(SecurityCompany.objects.filter(active=True, guards__status=Guard.Status.ACTIVE).distinct().order_by("name"))

    # Previous quarter: compiled at its start, approved, held, attendance recorded, locked.
    prev_days = _session_days(prev_first + datetime.timedelta(days=14), prev_last - datetime.timedelta(days=14), SESSIONS_PER_QUARTER)
    sessions = _sessions(rng, previous, prev_days, active)
    prev_rosters = [roster_compile(company=c, quarter=previous, today=prev_first) for c in companies]
    absentees = 0
    for roster in prev_rosters:
        roster_submit(roster=roster)
        roster_approve(roster=roster, by=officer)
        absentees += _attendance(rng, roster, officer)
        roster_lock(roster=roster, by=officer)

    exams = _exams(rng, today)
    items, recalls = _equipment(rng, today, officer)

    # Current quarter: sessions still to come; compiled today, absentees of last quarter carried over.
    start = max(today, min(today + datetime.timedelta(days=7), cur_last - datetime.timedelta(days=6)))
    sessions += _sessions(rng, current, _session_days(start, cur_last, SESSIONS_PER_QUARTER), active)
    cur_rosters = [roster_compile(company=c, quarter=current, today=today) for c in companies]
    if cur_rosters:
        roster_submit(roster=cur_rosters[0])
    if len(cur_rosters) > 1:
        roster_submit(roster=cur_rosters[1])
        roster_return(roster=cur_rosters[1], reason=RETURN_REASON, by=officer)
    # The demo mails nobody: mark the hand-overs as notified.
    TrainingRoster.objects.filter(manager_notified_at__isnull=True).update(manager_notified_at=timezone.now())

    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    run = payout_compute(month=last_month)
    payout_approve(run=run, by=officer)

    assessments_run(quarter=previous, by=officer)
    practices = seed_office_practices(seed=seed, today=today, officer=officer)

    return units_made | practices | {
        "training sessions": len(sessions),
        "training rosters": len(prev_rosters) + len(cur_rosters),
        "roster entries": RosterEntry.objects.count(),
        "training absentees": absentees,
        "certificate exams": exams,
        "payout lines": PayoutLine.objects.filter(run=run).count(),
        "assessments": Assessment.objects.filter(quarter=previous).count(),
        "equipment items": items,
        "equipment recalls": recalls,
    }


def _attendance(rng, roster: TrainingRoster, officer) -> int:
    """What roster_record_attendance does, in bulk (it works entry by entry, which takes seconds
    for a county): attended or absent on each entry, training points for those who came, the
    missed quarter on those who did not. Returns the number of absentees."""
    entries = list(roster.entries.select_related("session").order_by("pk"))
    for entry in entries:
        entry.attended = rng.random() >= ABSENT_SHARE
    bulk_update_with_history(entries, RosterEntry, ["attended"], batch_size=1000, default_user=officer)
    rule = PointRule.objects.filter(kind=PointRule.Kind.TRAINING_ATTENDED, active=True).first()
    if rule is not None:
        PointEntry.objects.bulk_create([
            PointEntry(
                guard_id=e.guard_id, kind=rule.kind, points=rule.points, reason=str(e.session), occurred_on=e.session.held_on,
                source_type="training.rosterentry", source_id=e.pk,
            )
            for e in entries if e.attended
        ], batch_size=1000)
    missed = [e.guard_id for e in entries if not e.attended]
    Guard.objects.filter(pk__in=missed).update(training_missed_quarter=roster.quarter)
    return len(missed)


def _exams(rng, today: datetime.date) -> int:
    """About 5% of active guards sit the monthly exam, ~85% pass. Guards without a valid
    certificate, or whose certificate runs out soon, sit it first."""
    months, month = [], today.replace(day=1)
    while len(months) < 3:
        if month.replace(day=EXAM_DAY) <= today:
            months.append(month.replace(day=EXAM_DAY))
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    taken = 0
    for day in reversed(months):
        guards = list(Guard.objects.filter(status=Guard.Status.ACTIVE).order_by("pk"))
        soon = day + datetime.timedelta(days=120)
        first = [g for g in guards if g.certificate_status == Guard.CertificateStatus.NONE or (g.certificate_expires_on and g.certificate_expires_on <= soon and g.certificate_status == Guard.CertificateStatus.VALID)]
        first_ids = {g.pk for g in first}
        rest = [g for g in guards if g.pk not in first_ids]
        n = max(1, round(len(guards) * EXAM_SHARE))
        rng.shuffle(first)
        chosen = (first + rng.sample(rest, min(len(rest), n)))[:n]
        sat = set(CertificateExam.objects.filter(taken_on=day).values_list("guard_id", flat=True))
        for guard in chosen:
            if guard.pk in sat:
                continue
            passed = rng.random() < EXAM_PASS_SHARE
            mark = settings.CERT_EXAM_PASS_MARK
            score = rng.randint(mark, 98) if passed else rng.randint(max(0, mark - 30), mark - 1)
            exam_record(guard=guard, taken_on=day, score=score)
            taken += 1
    return taken


def _equipment(rng, today: datetime.date, officer) -> tuple[int, int]:
    """Batons, shields, steel forks and radios at every active point, batons and radios with some
    team leaders, patrol motorcycles at a few posts, a stock in store; two guards who held
    equipment are removed, which opens their recalls."""
    points = list(LiaisonPoint.objects.filter(active=True).order_by("code"))
    guards = list(Guard.objects.filter(status=Guard.Status.ACTIVE).exclude(Q(certificate_status="none") | Q(training_missed_quarter__gt="")).order_by("pk"))
    counters: dict[str, int] = {}
    prefix = {kind: p for kind, p, _a, _b in EQUIPMENT_PLAN} | {Equipment.Kind.MOTORCYCLE: "MT", Equipment.Kind.VEST: "FC"}

    def item(kind, *, point=None, guard=None) -> Equipment:
        counters[kind] = counters.get(kind, 0) + 1
        issued = point is not None or guard is not None
        return Equipment(
            kind=kind, serial_number=f"GC-{prefix[kind]}-{counters[kind]:04d}",
            status=Equipment.Status.ISSUED if issued else Equipment.Status.IN_STORE,
            issued_to_point=point, issued_to_guard=guard,
            issued_on=today - datetime.timedelta(days=rng.randint(30, 400)) if issued else None,
        )

    rows = []
    holders = rng.sample(guards, min(len(guards), max(k for *_x, k in EQUIPMENT_PLAN)))
    for kind, _prefix, per_point, to_guards in EQUIPMENT_PLAN:
        rows += [item(kind, point=p) for p in points for _ in range(per_point)]
        rows += [item(kind, guard=g) for g in holders[:to_guards]]
    posts = [p for p in points if p.kind != LiaisonPoint.Kind.KEY_UNIT] or points
    rows += [item(Equipment.Kind.MOTORCYCLE, point=p) for p in rng.sample(posts, min(MOTORCYCLES, len(posts)))]
    rows += [item(kind) for kind, n in IN_STORE.items() for _ in range(n)]
    created = bulk_create_with_history(rows, Equipment, batch_size=1000, default_user=officer)

    # Two guards who hold one baton each are removed: two open recalls.
    baton_only = holders[20:30] or holders[-2:]
    recalls = 0
    for guard, reason in zip(rng.sample(baton_only, min(2, len(baton_only))), REMOVAL_REASONS):
        guard_remove(guard=guard, reason=reason, by=officer)
        opened = EquipmentRecall.objects.filter(guard=guard, returned_on__isnull=True)
        recalls += opened.update(opened_on=today - datetime.timedelta(days=rng.randint(3, 20)))
    return len(created), recalls
