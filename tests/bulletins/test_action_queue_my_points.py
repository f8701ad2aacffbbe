"""H8: the dashboard's action queue shows an officer responsible for liaison points the count at
"my points" first, with the county-wide count beside it (officers see the whole county, DESIGN.md
§2); each link opens the list filtered to exactly those rows — the patrols past their end as one
list across weeks. An officer without points, and a manager, see the queue as before."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulletins.action_queue import dashboard_action_queue
from disputes.models import Tip
from patrol.models import Patrol
from tests import factories as f
from tests.factories import local_dt

pytestmark = pytest.mark.django_db

NOW = local_dt(2026, 11, 19, 12, 0)  # Thursday of 2026-W47


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def county(frozen, officer, township):
    """Two points the officer is responsible for, one of someone else; work waiting at each."""
    me = officer.officer_profile
    mine = [f.LiaisonPointFactory(township=township, responsible_officer=me) for _ in range(2)]
    other = f.LiaisonPointFactory(township=township, responsible_officer=f.OfficerFactory())
    for p in (*mine, other, other):
        f.TipFactory(liaison_point=p)  # received: awaiting triage
        f.DisputeFactory(liaison_point=p, reported_at=NOW - datetime.timedelta(days=10))  # overdue
    f.TipFactory(liaison_point=mine[0], status=Tip.Status.VERIFIED)
    patrols = {
        "mine_old": _patrol(mine[0], days_ago=15, status=Patrol.Status.PLANNED),  # three weeks apart
        "mine_new": _patrol(mine[1], days_ago=1, status=Patrol.Status.UNDER_WAY),
        "other": _patrol(other, days_ago=2, status=Patrol.Status.PLANNED),
    }
    _patrol(mine[0], days_ago=1, status=Patrol.Status.DONE)
    _patrol(mine[0], days_ago=-1, status=Patrol.Status.PLANNED)  # tomorrow: not past its end
    return {"mine": mine, "other": other, "patrols": patrols}


def _patrol(point, *, days_ago: int, status):
    start = NOW.replace(hour=19) - datetime.timedelta(days=days_ago)
    return f.PatrolFactory(liaison_point=point, planned_start=start, status=status, leader=point.responsible_officer)


def _queue(user) -> dict:
    return {item["key"]: item for item in dashboard_action_queue(user=user)}


def test_an_officer_with_points_sees_my_points_first_and_county_beside(county, officer):
    queue = _queue(officer)
    assert {k: (v["mine"], v["count"]) for k, v in queue.items()} == {
        "tips": (2, 4), "disputes": (2, 4), "rosters": (None, 0), "equipment": (None, 0), "patrols": (2, 3),
    }
    assert queue["tips"]["mine_url"] == "/disputes/tips/?status=received&mine=yes"
    assert queue["disputes"]["mine_url"] == "/disputes/all/?due=today&mine=yes"
    assert queue["patrols"]["mine_url"] == "/bulletins/queue/patrols/?mine=yes"


def test_each_my_points_link_opens_exactly_those_rows(county, officer, client_for):
    queue, c = _queue(officer), client_for(officer)
    for key in ("tips", "disputes", "patrols"):
        mine = c.get(queue[key]["mine_url"])
        everything = c.get(queue[key]["url"])
        assert mine.status_code == everything.status_code == 200
        assert mine.context["page"].paginator.count == queue[key]["mine"]
        assert everything.context["page"].paginator.count == queue[key]["count"]
    listed = [p.pk for p in c.get(queue["patrols"]["mine_url"]).context["page"]]
    assert listed == [county["patrols"]["mine_old"].pk, county["patrols"]["mine_new"].pk]  # oldest first, across weeks


def test_the_dashboard_shows_my_points_and_the_county_link(county, officer, client_for):
    html = client_for(officer).get("/dashboard/").content.decode()
    assert 'href="/disputes/all/?due=today&amp;mine=yes"' in html and 'href="/disputes/all/?due=today"' in html
    assert "at my points" in html and "county-wide: 4" in html
    assert 'href="/bulletins/queue/patrols/?mine=yes"' in html


def test_an_officer_without_points_sees_the_county_queue(county, client_for, django_assert_num_queries):
    other = county["other"].responsible_officer.user
    lone = f.OfficerFactory().user
    with django_assert_num_queries(5):
        assert all(item["mine"] is None for item in dashboard_action_queue(user=lone))
    assert _queue(other)["tips"]["mine"] == 2
    html = client_for(lone).get("/dashboard/").content.decode()
    assert "at my points" not in html and 'href="/bulletins/queue/patrols/"' in html


def test_a_manager_gets_no_my_points_and_sees_only_their_patrols(county, manager, client_for):
    assert all(item["mine"] is None for item in dashboard_action_queue(user=manager))
    response = client_for(manager).get("/bulletins/queue/patrols/")
    assert response.status_code == 200 and response.context["page"].paginator.count == 0  # no guard of theirs on them


def test_the_patrol_list_is_for_officers_and_managers(county, guard, outsider, client_for):
    assert client_for(guard.user).get("/bulletins/queue/patrols/").status_code == 403
    assert client_for(outsider).get("/bulletins/queue/patrols/").status_code == 403
    assert client_for(None).get("/bulletins/queue/patrols/").status_code == 302  # to sign in


@pytest.mark.parametrize("query", ["?mine=maybe", "?page=abc", "?page=999", "?mine=yes&page=-1"])
def test_the_patrol_list_takes_odd_query_strings_without_a_500(county, officer, client_for, query):
    assert client_for(officer).get(f"/bulletins/queue/patrols/{query}").status_code == 200


@pytest.mark.parametrize("url,rows", [("/disputes/all/?mine=maybe", 4), ("/disputes/tips/?mine=1", 5)])
def test_a_bad_mine_value_is_not_a_500(county, officer, client_for, url, rows):
    response = client_for(officer).get(url)
    assert response.status_code == 200 and response.context["page"].paginator.count == rows  # invalid filters: unfiltered


def test_queue_query_count_is_flat(county, officer, django_assert_num_queries):
    # 1 tips (with the officer's number of points), 2 disputes, 3 rosters, 4 equipment, 5 patrols: as before "my points"
    with django_assert_num_queries(5):
        dashboard_action_queue(user=officer)
    for p in county["mine"]:
        f.TipFactory.create_batch(3, liaison_point=p)
        _patrol(p, days_ago=3, status=Patrol.Status.PLANNED)
    f.LiaisonPointFactory(responsible_officer=officer.officer_profile)
    with django_assert_num_queries(5):
        dashboard_action_queue(user=officer)


def test_patrol_list_query_count_is_flat(county, officer, client_for, django_assert_num_queries):
    c = client_for(officer)
    with CaptureQueriesContext(connection) as small:
        c.get("/bulletins/queue/patrols/?mine=yes")
    for p in county["mine"]:
        for days in range(3, 9):
            _patrol(p, days_ago=days, status=Patrol.Status.PLANNED)
    with django_assert_num_queries(len(small.captured_queries)):
        response = c.get("/bulletins/queue/patrols/?mine=yes")
    assert response.context["page"].paginator.count == 14
