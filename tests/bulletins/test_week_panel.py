"""Issue 14: the dashboard's "this week so far" reads only the parts of the bulletin it shows (not the
whole compile), with the same figures as the bulletin; the bulletin's top guards sum the ledger per
guard before joining the winners, with the same order and ties as before."""
import datetime

import pytest
import time_machine
from django.core.cache import cache

from bulletins.figures import bulletin_figures
from bulletins.models import TrendWeek
from bulletins.selectors import dashboard_week_panel
from bulletins.trends import dashboard_trends
from rewards.figures import top_guards
from rewards.models import PointEntry
from tests import factories as f
from tests.bulletins.conftest import MONDAY, _done_patrol
from tests.factories import local_dt

SATURDAY_NOON = local_dt(2026, 11, 21, 12)  # 2026-W47, day 6 of 7


@pytest.fixture
def frozen():
    with time_machine.travel(SATURDAY_NOON, tick=False):
        yield


def test_week_panel_equals_the_bulletin_figures(known_week, frozen):
    # given the bulletin's known week, on its Saturday
    figures = bulletin_figures(monday=MONDAY)
    headline = figures["headline"]

    # when
    panel = dashboard_week_panel(today=SATURDAY_NOON.date())

    # then
    assert (panel["week"], panel["days"], panel["last_week"]) == ("2026-W47", 6, "2026-W46")
    for key in ("patrols_done", "attendance_rate", "disputes_new", "disputes_overdue", "tips_received", "tips_verified", "cases_solved"):
        assert panel[key] == headline[key], key
    assert [(p["name"], p["done"]) for p in panel["points_below_minimum"]] == [(p["name"], p["done"]) for p in figures["patrols"]["below_minimum"]]
    assert panel["patrol_minimum"] == figures["patrols"]["minimum"] == 3
    for key in ("scheduled", "present", "late", "absent"):
        assert panel["roll_call"][key] == figures["roll_call"][key], key


def test_week_panel_query_count_is_flat_at_two_sizes(known_week, frozen, django_assert_num_queries):
    # As on the dashboard, the trends (which give the week before's attendance) are read first.
    dashboard_trends(today=SATURDAY_NOON.date())
    # 1-2 this week's coverage, 3-4 roll-call, 5-6 disputes, 7 tips
    with django_assert_num_queries(7):
        dashboard_week_panel(today=SATURDAY_NOON.date())
    cache.clear()
    TrendWeek.objects.all().delete()
    guards = f.GuardFactory.create_batch(3, company=known_week["red"])
    for i in range(3):  # three times the points, with their patrols, roll-call, disputes and tips
        point = f.LiaisonPointFactory(township=known_week["north"])
        for day in (16, 18, 20):
            _done_patrol(point, local_dt(2026, 11, day, 19), guards, ["present", "late", "absent"])
        f.DisputeFactory(liaison_point=point, reported_at=local_dt(2026, 11, 17, 9))
        f.TipFactory(liaison_point=point, received_at=local_dt(2026, 11, 18, 10))
    dashboard_trends(today=SATURDAY_NOON.date())
    with django_assert_num_queries(7):
        panel = dashboard_week_panel(today=SATURDAY_NOON.date())
    assert panel["patrols_done"]["now"] == 5 + 9
    with django_assert_num_queries(0):  # cached for a minute
        dashboard_week_panel(today=SATURDAY_NOON.date())


# --- top guards -----------------------------------------------------------------------------------

def _points(guard, points, day=MONDAY, kind="commendation"):
    PointEntry.objects.create(guard=guard, kind=kind, points=points, occurred_on=day)


@pytest.fixture
def ledger(db):
    red, blue = f.SecurityCompanyFactory(name="红盾保安"), f.SecurityCompanyFactory(name="蓝盾保安")
    guards = {name: f.GuardFactory(company=company, name=name) for name, company in
              [("A", red), ("B", red), ("C", blue), ("D", blue), ("E", blue), ("F", red)]}
    _points(guards["A"], 10)
    _points(guards["A"], -3, day=MONDAY + datetime.timedelta(days=2), kind="deduction")  # summed: 7
    _points(guards["B"], 5)
    _points(guards["C"], 5, day=MONDAY + datetime.timedelta(days=6))  # Sunday: still the week
    _points(guards["D"], 5)
    _points(guards["E"], -2, kind="deduction")  # below zero: never listed
    _points(guards["F"], 50, day=MONDAY - datetime.timedelta(days=1))  # the Sunday before: another week
    return guards


def test_top_guards_sum_the_week_per_guard_and_order_by_points_then_name(ledger):
    rows = top_guards(monday=MONDAY, limit=10)

    assert [(r["guard"], r["points"], r["company"]) for r in rows] == [
        ("A", 7, "红盾保安"), ("B", 5, "红盾保安"), ("C", 5, "蓝盾保安"), ("D", 5, "蓝盾保安"),
    ]
    assert rows[0]["guard_id"] == ledger["A"].pk and rows[0]["company_id"] == ledger["A"].company_id


def test_top_guards_tie_at_the_cut_off_goes_to_the_name(ledger):
    # B, C and D tie at 5 for the second place: the names decide, as they did before
    assert [r["guard"] for r in top_guards(monday=MONDAY, limit=2)] == ["A", "B"]
    assert [r["guard"] for r in top_guards(monday=MONDAY, limit=3)] == ["A", "B", "C"]
    assert [r["guard"] for r in top_guards(monday=MONDAY, limit=1)] == ["A"]


def test_top_guards_of_one_company_and_of_an_empty_week(ledger):
    assert [r["guard"] for r in top_guards(monday=MONDAY, limit=10, company_id=ledger["C"].company_id)] == ["C", "D"]
    assert top_guards(monday=MONDAY + datetime.timedelta(days=14)) == []


def test_top_guards_is_one_query_at_two_sizes(ledger, django_assert_num_queries):
    with django_assert_num_queries(1):
        top_guards(monday=MONDAY, limit=3)
    for guard in f.GuardFactory.create_batch(12):
        _points(guard, 3)
    with django_assert_num_queries(1):
        rows = top_guards(monday=MONDAY, limit=3)
    assert [r["guard"] for r in rows] == ["A", "B", "C"]
