"""The bulletin compile's query rework (issue #14): the parts computed another way give what the
selectors and the plain ORM queries give, the per-point and overall guard-hours are one
statement on PostgreSQL, and what no line of the bulletin prints is not read."""
import datetime

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from bulletins.figures import bulletin_figures
from config.dates import week_bounds
from config.rows import plain_rows
from patrol.figures import guard_hours_weeks, patrol_weeks_figures
from patrol.models import CheckIn, Patrol
from patrol.selectors import patrol_week_coverage
from rewards.figures import top_guards
from tests import factories as f
from tests.bulletins.conftest import MONDAY, PREVIOUS, _done_patrol
from tests.bulletins.test_bench_sql import _zones_and_odd_patrols
from tests.bulletins.test_figures_snapshot import _busier
from tests.factories import local_dt
from training.figures import exam_by_compound_figures
from training.models import CertificateExam


@pytest.fixture
def zoned_week(known_week):
    """The known week, busier, with zone patrols; plus a zone whose patrols are held at a closed
    point and at a point of the zone with none of its own, and a cancelled one."""
    _busier(known_week)
    _zones_and_odd_patrols(known_week)
    zone = f.ZoneFactory()
    closed = f.LiaisonPointFactory(township=known_week["north"], zone=zone, active=False)
    quiet = f.LiaisonPointFactory(township=known_week["north"], zone=zone)
    held = f.LiaisonPointFactory(township=known_week["north"], zone=zone)
    for point, day in ((closed, 17), (held, 18), (held, 11)):
        patrol = _done_patrol(point, local_dt(2026, 11, day, 20), [known_week["r1"]], ["present"])
        Patrol.objects.filter(pk=patrol.pk).update(zone=zone)
    f.PatrolFactory(liaison_point=held, zone=zone, status=Patrol.Status.CANCELLED, planned_start=local_dt(2026, 11, 19, 19))
    f.PatrolFactory(liaison_point=quiet, zone=zone, status=Patrol.Status.MISSED, planned_start=local_dt(2026, 11, 20, 19))
    return {**known_week, "quiet": quiet}


def test_coverage_by_point_is_the_selectors(zoned_week):
    weeks = patrol_weeks_figures(mondays=[MONDAY, PREVIOUS])
    for monday in (MONDAY, PREVIOUS):
        expected = [(r.point_id, r.code, r.name, r.township, r.done, r.planned, r.day_done, r.missed)
                    for r in patrol_week_coverage(monday=monday)]
        got = [(p["point_id"], p["code"], p["name"], p["township"], p["done"], p["planned"], p["day_done"], p["missed"])
               for p in weeks[monday]["by_point"]]
        assert got == expected
    quiet = next(p for p in weeks[MONDAY]["by_point"] if p["point_id"] == zoned_week["quiet"].pk)
    # its zone's patrols held at the closed point and at another (not the cancelled one), and its own missed one
    assert (quiet["done"], quiet["planned"], quiet["missed"]) == (2, 3, 1)


def test_guard_hours_are_the_plain_orm_queries_week_by_week(zoned_week):
    from django.db.models import DurationField, ExpressionWrapper, F

    per_point, overall = guard_hours_weeks(mondays=[MONDAY, PREVIOUS])
    aggregates = {"guards": Count("guard_id", distinct=True),
                  "hours": Sum(ExpressionWrapper(F("patrol__actual_end") - F("patrol__actual_start"), output_field=DurationField()))}
    for i, monday in enumerate((MONDAY, PREVIOUS)):
        start, end = week_bounds(monday)
        attended = CheckIn.objects.filter(patrol__status=Patrol.Status.DONE, status__in=["present", "late"],
                                          patrol__planned_start__gte=start, patrol__planned_start__lt=end)
        expected = {r["patrol__liaison_point_id"]: (r["guards"], r["hours"])
                    for r in attended.values("patrol__liaison_point_id").annotate(**aggregates).order_by()}
        assert {point_id: weeks[i] for point_id, weeks in per_point.items() if weeks[i][0]} == expected
        assert overall[i] == tuple(attended.aggregate(**aggregates).values()) and overall[i][0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GROUPING SETS is PostgreSQL's")
def test_guard_hours_are_one_statement_on_postgresql(zoned_week):
    with CaptureQueriesContext(connection) as queries:
        bulletin_figures(monday=MONDAY)
    guard_hours = [q["sql"] for q in queries.captured_queries if "COUNT(DISTINCT c.guard_id)" in q["sql"]]
    assert len(guard_hours) == 1 and "GROUPING SETS" in guard_hours[0]


def test_plain_rows_are_the_orm_rows(zoned_week):
    qs = (Patrol.objects.values("liaison_point_id").annotate(n=Count("id"), people=Sum("people_reached")).order_by("liaison_point_id")
          .values_list("liaison_point_id", "n", "people"))
    assert plain_rows(qs) == list(qs) and len(qs) > 1


def test_exams_by_compound_counts_each_exam_once_and_lists_certified_compounds_with_an_exam(known_week):
    red = f.SecurityCompanyFactory(name="朱雀保安")
    sitter = f.GuardFactory(company=red, post="星河小区")
    f.GuardFactory.create_batch(2, company=red, post="星河小区")
    f.GuardFactory(company=red, post="锦绣苑", certificate_status="none", certificate_expires_on=None)
    for passed, day in ((False, 1), (True, 3), (True, -3)):  # two in the week, one the week before
        CertificateExam.objects.create(guard=sitter, taken_on=MONDAY + datetime.timedelta(days=day), score=80 if passed else 40,
                                       passed=passed)
    rows = {(r["company"], r["compound"]): (r["guards"], r["certified"], r["taken"], r["passed"])
            for r in exam_by_compound_figures(monday=MONDAY)}
    assert rows[("朱雀保安", "星河小区")] == (3, 3, 2, 1)  # all certified, listed for its exams
    assert rows[("朱雀保安", "锦绣苑")] == (1, 0, 0, 0)


def test_query_count_stays_flat_with_zones(zoned_week, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        bulletin_figures(monday=MONDAY)


def test_top_guards_are_read_for_the_week_only(zoned_week):
    """No headline compares top guards, so the week before's are not read (one ledger query)."""
    with CaptureQueriesContext(connection) as queries:
        figures = bulletin_figures(monday=MONDAY)
    assert sum('"rewards_pointentry"' in q["sql"] for q in queries.captured_queries) == 1
    assert figures["top_guards"] == top_guards(monday=MONDAY, limit=10) and figures["top_guards"]
