"""The routing table is kept per process and rebuilt when points or zones change: it routes exactly
as a fresh computation does, costs no query when warm, and sees a point open, close or move and a
zone's area change at once."""
import random

import pytest

from liaison_points import routing
from liaison_points.geo import haversine_m
from liaison_points.selectors import liaison_point_route
from liaison_points.services import liaison_point_save, liaison_point_set_active
from tests import factories as f

SQUARE = {"type": "Polygon", "coordinates": [[[111.50, 32.20], [111.56, 32.20], [111.56, 32.26], [111.50, 32.26], [111.50, 32.20]]]}


def _uncached_route(lat, lng):
    """Routing written out plainly from the database, for comparison."""
    from shapely.geometry import Point, shape

    from liaison_points.models import LiaisonPoint, Zone

    active = list(LiaisonPoint.objects.filter(active=True).order_by("id"))
    for zone in Zone.objects.exclude(area__isnull=True).order_by("id"):
        members = [p for p in active if p.zone_id == zone.pk]
        if members and shape(zone.area).covers(Point(lng, lat)):
            return min(members, key=lambda p: haversine_m(lat, lng, float(p.latitude), float(p.longitude))).pk
    return min(active, key=lambda p: haversine_m(lat, lng, float(p.latitude), float(p.longitude))).pk if active else None


@pytest.fixture
def county(db):
    zone = f.ZoneFactory(area=SQUARE)
    rng = random.Random(7)
    points = [
        f.LiaisonPointFactory(latitude=f"{32.15 + rng.random() * 0.2:.6f}", longitude=f"{111.45 + rng.random() * 0.2:.6f}",
                              zone=zone if i % 3 == 0 else None)
        for i in range(24)
    ]
    return zone, points


def test_routes_as_a_fresh_computation_does(county):
    rng = random.Random(11)
    for _ in range(200):
        lat, lng = 32.14 + rng.random() * 0.22, 111.44 + rng.random() * 0.22
        assert liaison_point_route(latitude=lat, longitude=lng).pk == _uncached_route(lat, lng)


def test_a_warm_table_costs_no_query_per_route(county, django_assert_num_queries):
    liaison_point_route(latitude=32.23, longitude=111.53)
    with django_assert_num_queries(0):  # the chosen point's row comes with the table
        point = liaison_point_route(latitude=32.23, longitude=111.53)
    assert point.name == type(point).objects.get(pk=point.pk).name


def test_a_renamed_point_is_routed_with_its_new_name(county):
    zone, points = county
    point = liaison_point_route(latitude=32.23, longitude=111.53)
    point.name = "Renamed here"
    liaison_point_save(point=point)
    assert liaison_point_route(latitude=32.23, longitude=111.53).name == "Renamed here"


def test_a_point_closing_opening_or_moving_is_seen_at_once(county):
    zone, points = county
    lat, lng = float(points[5].latitude), float(points[5].longitude)
    assert liaison_point_route(latitude=lat, longitude=lng).pk == points[5].pk

    liaison_point_set_active(point=points[5], active=False)
    assert liaison_point_route(latitude=lat, longitude=lng).pk == _uncached_route(lat, lng) != points[5].pk

    liaison_point_set_active(point=points[5], active=True)
    assert liaison_point_route(latitude=lat, longitude=lng).pk == points[5].pk

    mover = points[7]
    mover.latitude, mover.longitude = f"{lat + 0.00001:.6f}", f"{lng:.6f}"
    liaison_point_save(point=mover)
    points[5].refresh_from_db()
    assert liaison_point_route(latitude=lat, longitude=lng).pk == _uncached_route(lat, lng)


def test_a_zone_area_change_is_seen_at_once(county):
    zone, points = county
    inside = (32.23, 111.53)
    assert liaison_point_route(latitude=inside[0], longitude=inside[1]).zone_id == zone.pk

    zone.area = None
    zone.save()
    assert liaison_point_route(latitude=inside[0], longitude=inside[1]).pk == _uncached_route(*inside)
    zone.area = SQUARE
    zone.save()
    assert liaison_point_route(latitude=inside[0], longitude=inside[1]).zone_id == zone.pk


def test_another_process_rebuilds_when_the_shared_version_moves(county, settings, django_assert_num_queries):
    # given this process's table is warm
    liaison_point_route(latitude=32.23, longitude=111.53)
    # when another process announces a change (it replaced the shared version token)
    from django.core.cache import cache

    cache.set(routing.VERSION_KEY, "changed elsewhere", timeout=None)
    # then, once this process compares versions again (at most every ROUTING_VERSION_CHECK_SECONDS),
    # the next route rebuilds (points, zones) before choosing
    with django_assert_num_queries(0):
        liaison_point_route(latitude=32.23, longitude=111.53)
    routing._table.checked_at -= settings.ROUTING_VERSION_CHECK_SECONDS  # the monotonic clock moved on
    with django_assert_num_queries(2):
        liaison_point_route(latitude=32.23, longitude=111.53)


def test_the_shared_version_is_read_once_per_interval_not_per_route(county, settings, monkeypatch):
    liaison_point_route(latitude=32.23, longitude=111.53)
    reads = []
    monkeypatch.setattr(routing, "_shared_version", lambda: reads.append(1) or routing._table.version)
    for _ in range(50):
        liaison_point_route(latitude=32.23, longitude=111.53)
    assert reads == []
    routing._table.checked_at -= settings.ROUTING_VERSION_CHECK_SECONDS
    for _ in range(50):
        liaison_point_route(latitude=32.23, longitude=111.53)
    assert reads == [1]


def test_a_table_older_than_the_limit_is_rebuilt_even_without_news(county, settings, django_assert_num_queries):
    liaison_point_route(latitude=32.23, longitude=111.53)
    settings.ROUTING_MAX_AGE_SECONDS = 60
    routing._table.built_at -= 120  # the table's age runs on the monotonic clock: age the copy itself

    with django_assert_num_queries(2):
        liaison_point_route(latitude=32.23, longitude=111.53)
