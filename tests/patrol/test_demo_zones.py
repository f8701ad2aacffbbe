"""The issue 13 demo on top of the patrol history: unit-led zone patrols with rotation, a daily
zone plan, and activity counts on patrols and tips — idempotent."""
import datetime

import pytest

from disputes.demo_activity import seed_tip_activity
from patrol.demo_zones import seed_zone_patrols
from patrol.models import Patrol, PatrolMember, RecurringPlan
from tests import factories as f
from tests.factories import local_dt

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def history(db, township, time_machine):
    time_machine.move_to(local_dt(2026, 11, 20, 12), tick=False)
    zone = f.ZoneFactory(name="城东片区")
    point = f.LiaisonPointFactory(township=township, zone=zone, code="Z1")
    units = [f.SecurityCompanyFactory(name=n) for n in ("A保安", "B物业", "C医院")]
    guards = {u.pk: f.GuardFactory.create_batch(2, company=u, liaison_point=point) for u in units}
    for day in range(1, 19):  # November's patrols so far, every unit's guards on each team
        start = local_dt(2026, 11, day, 19)
        patrol = f.PatrolFactory(liaison_point=point, status="done", planned_start=start, actual_start=start,
                                 actual_end=start + datetime.timedelta(hours=2))
        for team in guards.values():
            PatrolMember.objects.create(patrol=patrol, guard=team[day % 2])
    for i in range(40):
        f.TipFactory(status="closed", finished_at=local_dt(2026, 11, 1 + i % 18, 10))
    return zone, point, units


def test_demo_makes_unit_led_zone_patrols_in_rotation_and_a_zone_plan(history):
    zone, point, units = history
    stats = seed_zone_patrols(seed=2024, today=TODAY)

    past = list(Patrol.objects.filter(zone=zone, plan__isnull=True).order_by("planned_start"))
    assert stats["unit-led zone patrols"] == len(past) == 18
    assert all(p.leader_id is None and p.team_leader.company_id == p.lead_company_id for p in past)
    assert {p.lead_company for p in past} == set(units)
    assert past[0].lead_company != past[1].lead_company != past[2].lead_company
    plan = RecurringPlan.objects.get(zone=zone)
    assert plan.leader_id is None and plan.lead_rotation == [u.pk for u in units]
    assert stats["zone plan patrols"] == 28 and plan.patrols.filter(lead_company__isnull=False).count() == 28
    assert stats["patrols with activity counts"] > 0

    assert seed_zone_patrols(seed=2024, today=TODAY) == {}  # a second run adds nothing


def test_demo_tip_activity_counts_once(history):
    first = seed_tip_activity(seed=2024)
    assert first["tips with activity counts"] > 0
    assert seed_tip_activity(seed=2024) == {}
