import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from guards.models import Guard
from patrol.models import CheckIn, Patrol, PatrolMember
from patrol.selectors import (
    guard_patrols_on,
    patrol_list_visible_to,
    patrol_points_below_minimum,
    patrol_roll_call,
    patrol_week_coverage,
)
from patrol.services import plan_create, plan_generate, zone_patrol_propose
from tests import factories as f
from tests.factories import local_dt

MONDAY = datetime.date(2026, 11, 16)


@pytest.fixture
def leader(db):
    return f.OfficerFactory()


# recurrence --------------------------------------------------------------------------------

@pytest.fixture
def plan(point, leader, company):
    guards = f.GuardFactory.create_batch(2, company=company, liaison_point=point)
    cp = f.CheckpointFactory(liaison_point=point)
    return plan_create(
        liaison_point=point, leader=leader, weekdays=[1, 3, 5], start_time=datetime.time(19),
        end_time=datetime.time(22), starts_on=MONDAY, guard_ids=[g.pk for g in guards], checkpoint_ids=[cp.pk],
    )


def test_generate_makes_tue_thu_sat_patrols_for_coming_weeks(plan):
    result = plan_generate(plan=plan, weeks=2, today=MONDAY)
    starts = sorted(timezone.localtime(p.planned_start) for p in Patrol.objects.filter(plan=plan))
    assert [s.date() for s in starts] == [datetime.date(2026, 11, d) for d in (17, 19, 21, 24, 26, 28)]
    assert all(s.hour == 19 for s in starts)
    assert len(result.created) == 6
    assert PatrolMember.objects.filter(patrol__plan=plan).count() == 12
    assert all(p.planned_checkpoints.count() == 1 for p in Patrol.objects.filter(plan=plan))


def test_generate_twice_creates_no_duplicates(plan):
    plan_generate(plan=plan, weeks=2, today=MONDAY)
    second = plan_generate(plan=plan, weeks=3, today=MONDAY)
    assert len(second.created) == 3  # only the third week is new
    assert Patrol.objects.filter(plan=plan).count() == 9


def test_generate_over_midnight_ends_next_day(point, leader):
    night = plan_create(
        liaison_point=point, leader=leader, weekdays=[4], start_time=datetime.time(22), end_time=datetime.time(2), starts_on=MONDAY,
    )
    plan_generate(plan=night, weeks=1, today=MONDAY)
    p = Patrol.objects.get(plan=night)
    assert p.planned_end - p.planned_start == datetime.timedelta(hours=4)


def test_generate_leaves_out_guard_whose_certificate_expires_and_reports_it(plan, settings):
    settings.DUTY_POLICY_DEFAULTS = {**settings.DUTY_POLICY_DEFAULTS, "certificate": "block"}  # office policy: certificate blocks
    g = plan.members.first()
    Guard.objects.filter(pk=g.pk).update(certificate_expires_on=datetime.date(2026, 11, 20))
    result = plan_generate(plan=plan, weeks=1, today=MONDAY)
    on_team = {timezone.localtime(p.planned_start).date(): set(p.members.values_list("guard_id", flat=True)) for p in result.created}
    assert g.pk in on_team[datetime.date(2026, 11, 19)]
    assert g.pk not in on_team[datetime.date(2026, 11, 21)]
    assert result.skipped_guards == [(datetime.date(2026, 11, 21), g.name, "certificate expired on 2026-11-20")]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": ["x"]}, "weekdays"),
        ({"end_time": datetime.time(19)}, "end_time"),
        ({"ends_on": MONDAY - datetime.timedelta(days=1)}, "ends_on"),
        ({"guard_ids": [424242]}, "guards"),
    ],
)
def test_plan_create_bad_input(point, leader, kwargs, field):
    args = dict(liaison_point=point, leader=leader, weekdays=[1], start_time=datetime.time(19), end_time=datetime.time(22), starts_on=MONDAY)
    with pytest.raises(ValidationError) as exc:
        plan_create(**{**args, **kwargs})
    assert field in exc.value.message_dict


# zone patrols ------------------------------------------------------------------------------

def test_zone_patrol_proposes_lead_unit_plus_one_guard_per_other_company(township):
    zone = f.ZoneFactory()
    points = [f.LiaisonPointFactory(township=township, zone=zone) for _ in range(2)]
    outside = f.LiaisonPointFactory(township=township)  # not in the zone
    lead_co, co_b, co_c, co_d = (f.SecurityCompanyFactory() for _ in range(4))
    lead = f.GuardFactory.create_batch(3, company=lead_co, liaison_point=points[0])
    b1, b2 = f.GuardFactory.create_batch(2, company=co_b, liaison_point=points[1])
    f.GuardFactory(company=co_c, liaison_point=points[0], status=Guard.Status.SUSPENDED)  # C has nobody deployable
    f.GuardFactory(company=co_d, liaison_point=outside)  # D is not in the zone
    # b1 patrolled recently, so b2's turn
    f.PatrolMemberFactory(guard=b1, patrol=f.PatrolFactory(liaison_point=points[1], planned_start=local_dt(2026, 11, 10, 19)))

    proposal = zone_patrol_propose(zone=zone, lead_company=lead_co, on=datetime.date(2026, 11, 17), lead_count=2)

    assert len(proposal.lead) == 2 and {g.company_id for g in proposal.lead} == {lead_co.pk}
    assert [g.pk for g in proposal.others] == [b2.pk]
    assert proposal.companies_without_guard == [co_c]
    assert set(proposal.guards) <= set(lead) | {b2}


# coverage ----------------------------------------------------------------------------------

def test_week_coverage_counts_done_patrols_per_point_and_flags_points_below_three(township, django_assert_num_queries):
    busy, quiet, idle = (f.LiaisonPointFactory(township=township, code=c) for c in ("A", "B", "C"))
    f.LiaisonPointFactory(township=township, code="Z", active=False)  # closed points are not judged
    for day in (16, 18, 20):
        f.PatrolFactory(liaison_point=busy, status=Patrol.Status.DONE, planned_start=local_dt(2026, 11, day, 19))
    for day in (17, 19):
        f.PatrolFactory(liaison_point=quiet, status=Patrol.Status.DONE, planned_start=local_dt(2026, 11, day, 19))
    f.PatrolFactory(liaison_point=quiet, status=Patrol.Status.CANCELLED, planned_start=local_dt(2026, 11, 21, 19))
    f.PatrolFactory(liaison_point=quiet, status=Patrol.Status.PLANNED, planned_start=local_dt(2026, 11, 22, 19))
    # outside the week, in Asia/Shanghai time: Sunday 15th 23:30 and Monday 23rd 00:10
    f.PatrolFactory(liaison_point=idle, status=Patrol.Status.DONE, planned_start=local_dt(2026, 11, 15, 23, 30))
    f.PatrolFactory(liaison_point=idle, status=Patrol.Status.DONE, planned_start=local_dt(2026, 11, 23, 0, 10))

    with django_assert_num_queries(2):  # the week's patrols by point and zone, the active points
        rows = {r.code: (r.done, r.planned) for r in patrol_week_coverage(monday=MONDAY)}
    assert rows == {"A": (3, 3), "B": (2, 3), "C": (0, 0)}
    assert [r.code for r in patrol_points_below_minimum(monday=MONDAY)] == ["B", "C"]
    assert [r.code for r in patrol_points_below_minimum(monday=MONDAY, minimum=2)] == ["C"]


# scoping -----------------------------------------------------------------------------------

@pytest.fixture
def mixed_patrol(point, guard, other_guard):
    patrol = f.PatrolFactory(liaison_point=point)
    f.PatrolMemberFactory(patrol=patrol, guard=guard)
    f.PatrolMemberFactory(patrol=patrol, guard=other_guard)
    CheckIn.objects.create(patrol=patrol, guard=guard, at=patrol.planned_start, status="present", source="guard")
    CheckIn.objects.create(patrol=patrol, guard=other_guard, at=patrol.planned_start, status="late", source="guard")
    return patrol


def test_guard_sees_only_own_patrols(mixed_patrol, guard, point):
    f.PatrolFactory(liaison_point=point)  # a patrol without this guard
    assert list(patrol_list_visible_to(user=guard.user)) == [mixed_patrol]


def test_manager_sees_patrols_of_own_guards_and_only_own_attendance(mixed_patrol, manager, other_manager, guard, point):
    lonely = f.PatrolFactory(liaison_point=point)
    f.PatrolMemberFactory(patrol=lonely, guard=f.GuardFactory(company=f.SecurityCompanyFactory()))
    assert list(patrol_list_visible_to(user=manager)) == [mixed_patrol]
    rows = patrol_roll_call(patrol=mixed_patrol, user=manager)
    assert [r["guard"].pk for r in rows] == [guard.pk]
    assert rows[0]["check_in"].status == "present"


def test_officer_sees_all_and_outsider_nothing(mixed_patrol, officer, outsider, point):
    f.PatrolFactory(liaison_point=point)
    assert patrol_list_visible_to(user=officer).count() == 2
    assert patrol_list_visible_to(user=outsider).count() == 0
    assert len(patrol_roll_call(patrol=mixed_patrol, user=officer)) == 2


def test_patrol_list_query_count_is_flat(officer, point, company, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            p = f.PatrolFactory(liaison_point=point)
            f.PatrolMemberFactory(patrol=p, guard=f.GuardFactory(company=company))

    make(2)
    with django_assert_num_queries(1):
        rows = [(p.liaison_point.township.name, p.leader.user.name, p.member_count) for p in patrol_list_visible_to(user=officer)]
    assert len(rows) == 2
    make(10)
    with django_assert_num_queries(1):
        rows = [(p.liaison_point.township.name, p.leader.user.name, p.member_count) for p in patrol_list_visible_to(user=officer)]
    assert len(rows) == 12


def test_guard_today_lists_patrols_touching_the_day(guard, point):
    today = f.PatrolFactory(liaison_point=point, planned_start=local_dt(2026, 11, 17, 23), planned_end=local_dt(2026, 11, 18, 2))
    f.PatrolMemberFactory(patrol=today, guard=guard)
    tomorrow = f.PatrolFactory(liaison_point=point, planned_start=local_dt(2026, 11, 18, 19))
    f.PatrolMemberFactory(patrol=tomorrow, guard=guard)
    assert list(guard_patrols_on(guard_id=guard.pk, day=datetime.date(2026, 11, 17))) == [today]
    assert list(guard_patrols_on(guard_id=guard.pk, day=datetime.date(2026, 11, 18))) == [today, tomorrow]
