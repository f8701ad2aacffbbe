"""The dashboard's 12-week trends (bulletins/trends.py, drawn by bulletins/charts.py) and its action
queue (bulletins/action_queue.py): figures with known data and a frozen clock, equal week by week to
the bulletin's own figure functions; the SVG well-formed; the action queue's counts, links and
scoping; the dashboard's query count flat at two data sizes."""
import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Equipment
from bulletins import trends
from bulletins.models import TrendWeek
from bulletins.action_queue import dashboard_action_queue
from bulletins.charts import line_chart
from disputes.figures import dispute_week_figures, tip_week_figures
from disputes.models import Dispute, Tip
from patrol.figures import patrol_week_figures, roll_call_week_figures
from patrol.models import CheckIn, Patrol, PositionState
from tests import factories as f
from tests.factories import local_dt
from training.models import TrainingRoster

NOW = local_dt(2026, 11, 19, 12, 0)  # Thursday of 2026-W47 (Monday 16 November)
MONDAY = datetime.date(2026, 11, 16)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _patrol(point, monday, *, day=1, hour=19, status=Patrol.Status.DONE, zone=None, **extra):
    start = local_dt(monday.year, monday.month, monday.day, hour, 0) + datetime.timedelta(days=day)
    if "leader" not in extra:
        extra["leader"] = point.responsible_officer or f.OfficerFactory()
    return f.PatrolFactory(liaison_point=point, planned_start=start, status=status, zone=zone, **extra)


def _check_in(patrol, guard, status="present", *, source=CheckIn.Source.OFFICER, position_state=""):
    f.PatrolMemberFactory(patrol=patrol, guard=guard)
    return CheckIn.objects.create(patrol=patrol, guard=guard, at=patrol.planned_start, status=status, source=source,
                                  position_state=position_state)


def _week(n_back: int) -> datetime.date:
    return MONDAY - datetime.timedelta(weeks=n_back)


@pytest.fixture
def county(db, frozen):
    """Three points (two in a zone), a guard, and activity in several of the last 12 weeks."""
    township = f.TownshipFactory(name="城关镇")
    zone = f.ZoneFactory(name="东城小区联防")
    a = f.LiaisonPointFactory(township=township, zone=zone, latitude=Decimal("32.27"), longitude=Decimal("111.60"))
    b = f.LiaisonPointFactory(township=township, zone=zone, latitude=Decimal("32.28"), longitude=Decimal("111.61"))
    c = f.LiaisonPointFactory(township=township, latitude=Decimal("32.30"), longitude=Decimal("111.65"))
    guard = f.GuardFactory(liaison_point=a)
    other = f.GuardFactory(liaison_point=c)
    # This week: a has 3 night patrols (covered), c 2 night and 1 day (not covered).
    for day in (0, 1, 2):
        p = _patrol(a, _week(0), day=day)
        _check_in(p, guard)
    for day in (0, 1):
        _patrol(c, _week(0), day=day)
    _patrol(c, _week(0), day=2, hour=10)  # a day patrol: counted apart, never toward the minimum
    _patrol(c, _week(0), day=2, hour=20, status=Patrol.Status.MISSED)
    # Three weeks ago: 2 zone patrols at a and 1 at b → a and b reach 3 through the zone; c none.
    for day in (0, 3):
        p = _patrol(a, _week(3), day=day, zone=zone)
        _check_in(p, guard, "late")
        _check_in(p, other, "present", source=CheckIn.Source.GUARD, position_state=PositionState.FAR)
    p = _patrol(b, _week(3), day=4, zone=zone)
    _check_in(p, guard, "absent")
    # Eleven weeks ago (the first week shown): one night patrol at c, one check-in with no position.
    p = _patrol(c, _week(11), day=6, hour=23)
    _check_in(p, other, "present", source=CheckIn.Source.GUARD, position_state=PositionState.NONE)
    # Twelve weeks ago: outside the trends.
    _patrol(c, _week(12), day=1)
    # Disputes resolved and tips verified in weeks 0, 2 and 12 back.
    for weeks_back, n in ((0, 2), (2, 1), (12, 4)):
        at = local_dt(_week(weeks_back).year, _week(weeks_back).month, _week(weeks_back).day, 9, 0)
        for _ in range(n):
            f.DisputeFactory(liaison_point=a, reported_at=at - datetime.timedelta(days=3), status=Dispute.Status.RESOLVED, finished_at=at)
            f.TipFactory(liaison_point=b, received_at=at - datetime.timedelta(days=1), status=Tip.Status.VERIFIED, verified_at=at)
    return {"a": a, "b": b, "c": c, "zone": zone, "guard": guard}


def test_trends_of_known_data(county):
    weeks = trends.dashboard_trends(today=NOW.date())["weeks"]
    assert [w["week"] for w in weeks][0] == "2026-W36" and weeks[-1]["week"] == "2026-W47" and len(weeks) == 12
    assert weeks[-1]["current"] and not weeks[0]["current"]
    this, three_back, first = weeks[-1], weeks[-4], weeks[0]
    assert (this["patrols_done"], this["points_covered"]) == (5, 1)
    assert this["roll_call_rate"] == 100.0
    assert (this["disputes_resolved"], this["tips_verified"]) == (2, 2)
    # Zone patrols: a counts its 2 and b's 1; b its 1 and a's 2 → both reach 3; c does not.
    assert (three_back["patrols_done"], three_back["points_covered"]) == (3, 2)
    # 5 team places: late (counts), far (does not), late, far, absent → 2 of 5.
    assert three_back["roll_call_rate"] == 40.0
    assert (weeks[-3]["disputes_resolved"], weeks[-3]["tips_verified"]) == (1, 1)
    assert (first["patrols_done"], first["roll_call_rate"]) == (1, 100.0)  # no position still counts as present
    assert weeks[-2] == {**weeks[-2], "patrols_done": 0, "points_covered": 0, "roll_call_rate": None, "disputes_resolved": 0}


def test_trends_equal_the_bulletin_figures_week_by_week(county):
    weeks = trends.dashboard_trends(today=NOW.date())["weeks"]
    for week in weeks:
        monday = week["monday"]
        patrols = patrol_week_figures(monday=monday)
        roll_call = roll_call_week_figures(monday=monday)
        assert week["patrols_done"] == patrols["done"], week["week"]
        assert week["points_covered"] == len(patrols["by_point"]) - len(patrols["below_minimum"]), week["week"]
        assert week["disputes_resolved"] == dispute_week_figures(monday=monday)["resolved"], week["week"]
        assert week["tips_verified"] == tip_week_figures(monday=monday)["verified"], week["week"]
        assert (week["roll_call_rate"] or 0.0) == roll_call["attendance_rate"], week["week"]


def test_trend_queries_are_grouped_and_past_weeks_cached(county, django_assert_num_queries):
    # 1 the stored weeks (none), 2-7 the 11 past weeks, 8-9 stored (delete, insert), 10-15 this week
    with django_assert_num_queries(15):
        trends.dashboard_trends(today=NOW.date())
    with django_assert_num_queries(0):  # both cached
        trends.dashboard_trends(today=NOW.date())
    cache.delete(f"{trends._past_key(MONDAY)}:now:{NOW.date().isoformat()}")
    with django_assert_num_queries(6):  # this week again; the completed weeks stay cached
        trends.dashboard_trends(today=NOW.date())
    cache.clear()
    with django_assert_num_queries(1 + 6):  # an empty cache: the completed weeks are read as stored
        stored = trends.dashboard_trends(today=NOW.date())["weeks"]
    assert stored == trends.dashboard_trends(today=NOW.date())["weeks"]
    assert TrendWeek.objects.count() == 11
    # More data does not mean more queries.
    for _ in range(5):
        _patrol(f.LiaisonPointFactory(), _week(5))
    trends.forget_past_weeks(NOW.date())
    with django_assert_num_queries(15):
        weeks = trends.dashboard_trends(today=NOW.date())["weeks"]
    assert weeks[-6]["patrols_done"] == 5


def test_next_week_rolls_the_cache_over(county):
    trends.dashboard_trends(today=NOW.date())
    with time_machine.travel(NOW + datetime.timedelta(days=7), tick=False):
        weeks = trends.dashboard_trends(today=(NOW + datetime.timedelta(days=7)).date())["weeks"]
    assert weeks[-1]["week"] == "2026-W48" and weeks[-2]["patrols_done"] == 5  # last week, now a past week


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_svg_chart_is_well_formed_with_titles_and_no_inline_style():
    points = [("2026-W46", 3), ("2026-W47", None), ("2026-W48", 7.5), ("<b>&", 1)]
    svg = str(line_chart(title="巡逻 <x> & \"y\"", points=points, unit="%", chart_id="t"))
    root = _parse(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == '巡逻 <x> & "y"'
    titles = [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle")]
    assert titles == ["2026-W46: 3%", "2026-W48: 7.5%", "<b>&: 1%"]  # the missing week has no point
    assert len(list(root.iter(f"{SVG}polyline"))) == 1  # the gap breaks the line; a lone point draws none
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "W46" in labels and "0%" in labels and "10%" in labels  # week labels and the y axis (top rounded up to 10)
    assert "style=" not in svg


def test_svg_chart_of_no_data_is_still_well_formed():
    root = _parse(str(line_chart(title="Empty", points=[("2026-W47", None)])))
    assert not list(root.iter(f"{SVG}circle")) and root.find(f"{SVG}title").text == "Empty"


# --- the action queue ------------------------------------------------------------------------------

@pytest.fixture
def queue_data(db, frozen, point, company, other_company):
    guard = f.GuardFactory(liaison_point=point, company=company)
    f.TipFactory.create_batch(2, liaison_point=point)  # received: awaiting triage
    f.TipFactory(liaison_point=point, status=Tip.Status.VERIFIED, verified_at=NOW)
    f.DisputeFactory(liaison_point=point, reported_at=NOW - datetime.timedelta(days=10))  # overdue
    f.DisputeFactory(liaison_point=point, reported_at=NOW - datetime.timedelta(days=6, hours=20))  # due later today
    f.DisputeFactory(liaison_point=point, reported_at=NOW - datetime.timedelta(days=1))  # due in 6 days
    f.DisputeFactory(liaison_point=point, reported_at=NOW - datetime.timedelta(days=10), status=Dispute.Status.RESOLVED,
                     finished_at=NOW)
    TrainingRoster.objects.create(company=company, quarter="2026Q4", status=TrainingRoster.Status.SUBMITTED)
    TrainingRoster.objects.create(company=other_company, quarter="2026Q4", status=TrainingRoster.Status.SUBMITTED)
    TrainingRoster.objects.create(company=company, quarter="2026Q3", status=TrainingRoster.Status.APPROVED)
    Equipment.objects.create(kind="baton", serial_number="B-1", status=Equipment.Status.RECALL, issued_to_guard=guard)
    Equipment.objects.create(kind="radio", serial_number="R-1", status=Equipment.Status.ISSUED, issued_to_guard=guard)
    open_patrol = _patrol(point, MONDAY, day=1, status=Patrol.Status.UNDER_WAY)  # Tuesday 19:00-22:00: past its end
    _patrol(point, MONDAY - datetime.timedelta(weeks=2), day=0, status=Patrol.Status.PLANNED)
    _patrol(point, MONDAY, day=3, status=Patrol.Status.PLANNED)  # tonight: not past its end
    _patrol(point, MONDAY, day=0, status=Patrol.Status.DONE)
    return {"guard": guard, "open_patrol": open_patrol}


def test_action_queue_counts_and_links(queue_data, officer, client_for):
    queue = {item["key"]: item for item in dashboard_action_queue(user=officer)}
    assert {k: v["count"] for k, v in queue.items()} == {"tips": 2, "disputes": 2, "rosters": 2, "equipment": 1, "patrols": 2}
    assert queue["patrols"]["url"] == "/bulletins/queue/patrols/"  # exactly those patrols, whatever their week (H8)
    c = client_for(officer)
    # Each link opens the list filtered to those rows.
    tips = c.get(queue["tips"]["url"])
    assert tips.status_code == 200 and tips.context["page"].paginator.count == 2
    disputes = c.get(queue["disputes"]["url"])
    assert disputes.status_code == 200 and disputes.context["page"].paginator.count == 2
    rosters = c.get(queue["rosters"]["url"])
    assert rosters.status_code == 200 and rosters.context["page"].paginator.count == 2
    equipment = c.get(queue["equipment"]["url"])
    assert equipment.status_code == 200 and [i.serial_number for i in equipment.context["page"]] == ["B-1"]
    patrols = c.get(queue["patrols"]["url"])
    assert patrols.status_code == 200 and patrols.context["page"].paginator.count == 2
    assert queue_data["open_patrol"].pk in [p.pk for p in patrols.context["page"]]
    week = c.get("/patrols/?week=2026-W47&past_end=open")
    assert week.status_code == 200 and week.context["count"] == 1
    assert [p.pk for d in week.context["days"] for p in d["patrols"]] == [queue_data["open_patrol"].pk]


def test_action_queue_is_scoped(queue_data, manager):
    queue = {item["key"]: item["count"] for item in dashboard_action_queue(user=manager)}
    # A manager sees their company's roster, equipment and patrols, and no tips or disputes.
    assert queue["rosters"] == 1 and queue["equipment"] == 1 and queue["tips"] == 0 and queue["disputes"] == 0


def test_dashboard_shows_the_queue_and_the_charts(queue_data, officer, client_for):
    page = client_for(officer).get("/dashboard/").content.decode()
    assert "Waiting for action" in page and "Trends of the last 12 weeks" in page
    assert 'href="/disputes/all/?due=today"' in page and 'href="/guards/rosters/?status=submitted"' in page
    assert page.count('class="trend-chart"') == 5
    start = page.index("<svg", page.index('data-trend="roll_call_rate"'))
    root = _parse(page[start:page.index("</svg>", start) + len("</svg>")])
    assert root.find(f"{SVG}title").text == "Roll-call rate"


def test_dashboard_is_chinese_by_default(queue_data, officer, client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation

    translation.activate("zh-hans")
    client.force_login(officer)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert "待办事项" in page and "近12周趋势" in page and "待研判的新线索" in page and "点名到岗率" in page


def test_dashboard_query_count_is_flat_at_two_sizes(queue_data, officer, client_for, django_assert_num_queries, point):
    c = client_for(officer)
    with CaptureQueriesContext(connection) as small:
        c.get("/dashboard/")
    cache.clear()
    TrendWeek.objects.all().delete()  # cold: nothing cached, no completed week stored
    for i in range(6):
        p = f.LiaisonPointFactory()
        for weeks_back in range(0, 12, 3):
            patrol = _patrol(p, _week(weeks_back), day=i % 7)
            _check_in(patrol, f.GuardFactory(liaison_point=p))
        f.DisputeFactory(liaison_point=p, reported_at=NOW - datetime.timedelta(days=9))
        f.TipFactory(liaison_point=p)
    with django_assert_num_queries(len(small.captured_queries)):
        c.get("/dashboard/")
