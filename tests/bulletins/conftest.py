import datetime
from decimal import Decimal

import pytest

from bulletins.models import CaseFigure
from rewards.models import PayoutLine, PayoutRun, PointEntry
from training.models import CertificateExam
from patrol.models import CheckIn, Patrol, VenueInspection
from tests import factories as f
from tests.factories import local_dt

MONDAY = datetime.date(2026, 11, 16)  # 2026-W47
PREVIOUS = MONDAY - datetime.timedelta(days=7)


def _done_patrol(point, start, guards, statuses, hours=3, people=0, topics=()):
    patrol = f.PatrolFactory(
        liaison_point=point, status=Patrol.Status.DONE, planned_start=start, planned_end=start + datetime.timedelta(hours=hours),
        actual_start=start, actual_end=start + datetime.timedelta(hours=hours), people_reached=people, publicity_topics=list(topics),
    )
    for g, status in zip(guards, statuses):
        f.PatrolMemberFactory(patrol=patrol, guard=g)
        CheckIn.objects.create(patrol=patrol, guard=g, at=start, status=status, source="guard")
    return patrol


@pytest.fixture
def known_week(db, settings):
    """A county week with known activity (and a quieter week before), so every figure is known."""
    settings.PATROLS_PER_WEEK_MIN = 3
    north = f.TownshipFactory(code="T1", name="城关镇")
    south = f.TownshipFactory(code="T2", name="石花镇")
    busy = f.LiaisonPointFactory(township=north, code="P1", name="城关联勤点")
    weak = f.LiaisonPointFactory(township=south, code="P2", name="石花联勤点")
    f.LiaisonPointFactory(township=south, code="P3", name="Closed", active=False)
    red, blue = f.SecurityCompanyFactory(name="红盾保安"), f.SecurityCompanyFactory(name="蓝盾保安")
    r1, r2 = f.GuardFactory(company=red, name="赵一"), f.GuardFactory(company=red, name="钱二")
    b1 = f.GuardFactory(company=blue, name="孙三")
    f.GuardFactory(company=blue, name="李四", certificate_status="none", certificate_expires_on=None)  # blue: 1 of 2 certified

    # section 1: cases
    for t, now, before in [(north, 5, 3), (south, 2, 4)]:
        CaseFigure.objects.create(township=t, week_start=MONDAY, count=now)
        CaseFigure.objects.create(township=t, week_start=PREVIOUS, count=before)

    # section 2 and 3: patrols and roll-call. busy: 3 patrols (Mon, Wed, Fri), weak: 2 (Tue, Thu)
    _done_patrol(busy, local_dt(2026, 11, 16, 19), [r1, r2, b1], ["present", "present", "late"], people=40, topics=["anti_fraud"])
    _done_patrol(busy, local_dt(2026, 11, 18, 19), [r1, b1], ["present", "absent"])
    _done_patrol(busy, local_dt(2026, 11, 20, 19), [r2], ["present"], hours=2)
    _done_patrol(weak, local_dt(2026, 11, 17, 20), [r1, r2], ["absent", "present"])
    _done_patrol(weak, local_dt(2026, 11, 19, 20), [b1], ["present"], people=10, topics=["traffic"])
    f.PatrolFactory(liaison_point=weak, status=Patrol.Status.CANCELLED, planned_start=local_dt(2026, 11, 21, 19))
    # the week before: one patrol at busy
    _done_patrol(busy, local_dt(2026, 11, 10, 19), [r1], ["present"])

    # section 4: 158 inspections, 27 with violations, 20 of those rectified
    VenueInspection.objects.bulk_create(
        VenueInspection(
            venue=f"V{i}", trade="hotel", township=north, inspected_on=MONDAY + datetime.timedelta(days=i % 7),
            violation_found=i < 27, violation_kind="fire_safety" if i < 27 else "",
            rectification_due=MONDAY + datetime.timedelta(days=10) if i < 27 else None,
            rectified_on=MONDAY + datetime.timedelta(days=6) if i < 20 else None,
        )
        for i in range(158)
    )
    VenueInspection.objects.create(venue="Old", trade="hotel", township=north, inspected_on=PREVIOUS)

    # section 5: exams: 4 taken, 3 passed
    for g, score in [(r1, 90), (r2, 75), (b1, 66), (r1, 40)]:
        CertificateExam.objects.create(guard=g, taken_on=MONDAY + datetime.timedelta(days=2), score=score, passed=score >= 60)

    # rewards: a payout approved on Wednesday: 3,500 yuan to 15 guards (and one guard with nothing)
    run = PayoutRun.objects.create(
        month=datetime.date(2026, 10, 1), yuan_per_point=Decimal("10"), status="approved", approved_at=local_dt(2026, 11, 18, 10)
    )
    paid = [f.GuardFactory(company=red) for _ in range(15)]
    for i, g in enumerate(paid):
        PayoutLine.objects.create(run=run, guard=g, company=red, points=70 if i == 0 else 20, amount=Decimal("700") if i == 0 else Decimal("200"))
    PayoutLine.objects.create(run=run, guard=b1, company=blue, points=-3, amount=Decimal("0"))

    # top guards: points this week
    for g, pts in [(r1, 12), (b1, 9), (r2, 4)]:
        PointEntry.objects.create(guard=g, kind="commendation", points=pts, occurred_on=MONDAY + datetime.timedelta(days=1))

    # disputes: 3 new this week; 2 resolved this week after 2 and 4 days; 1 overdue at the week's end
    for day in (16, 17, 18):
        f.DisputeFactory(liaison_point=busy, reported_at=local_dt(2026, 11, day, 9), status="accepted")
    for reported, days in [(local_dt(2026, 11, 15, 9), 2), (local_dt(2026, 11, 14, 9), 4)]:
        f.DisputeFactory(liaison_point=busy, reported_at=reported, status="resolved", finished_at=reported + datetime.timedelta(days=days))
    f.DisputeFactory(liaison_point=weak, reported_at=local_dt(2026, 11, 1, 9), status="mediating")  # overdue (7-day due)

    # tips: 5 received, 2 verified, 1 case solved, 1 hazard rectified
    for day in (16, 17, 18, 19, 20):
        f.TipFactory(liaison_point=busy, received_at=local_dt(2026, 11, day, 10))
    f.TipFactory(liaison_point=busy, received_at=local_dt(2026, 11, 10, 10), verified_at=local_dt(2026, 11, 17, 10), status="verified")
    f.TipFactory(
        liaison_point=busy, received_at=local_dt(2026, 11, 9, 10), verified_at=local_dt(2026, 11, 16, 10), status="closed",
        outcome="case_solved", case_number="A2026-118", finished_at=local_dt(2026, 11, 20, 10),
    )
    f.TipFactory(
        liaison_point=weak, kind="hazard", received_at=local_dt(2026, 11, 2, 10), status="closed", outcome="hazard_rectified",
        rectified_at=local_dt(2026, 11, 19, 10), finished_at=local_dt(2026, 11, 19, 12),
    )
    return {"red": red, "blue": blue, "busy": busy, "weak": weak, "r1": r1, "b1": b1, "north": north}
