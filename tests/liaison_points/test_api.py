"""/api/v1/ townships, zones, stations, officers, liaison-points (+ geojson)."""
from decimal import Decimal

import pytest

from accounts.models import User
from guards.models import Guard
from liaison_points.models import LiaisonPoint, Township, Zone
from tests import factories as f

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[111.5, 32.2], [111.7, 32.2], [111.7, 32.4], [111.5, 32.4], [111.5, 32.2]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[111.5, 32.2], [111.7, 32.4], [111.7, 32.2], [111.5, 32.4], [111.5, 32.2]]]}


def fresh(user):
    """The same account re-read, so no per-request cache from an earlier call skews a query count."""
    return User.objects.get(pk=user.pk)


def point_payload(township, station, /, **overrides):
    data = {
        "code": "LP-NEW",
        "name": "New post",
        "kind": "post",
        "township": township.pk,
        "station": station.pk,
        "latitude": "32.300000",
        "longitude": "111.650000",
    }
    return {**data, **overrides}


# --- townships ---------------------------------------------------------------------------------


def test_township_list_when_guard_signed_in(api_for, guard, township):
    response = api_for(guard.user).get("/api/v1/townships/")

    assert response.status_code == 200
    assert [t["name"] for t in response.json()["results"]] == [township.name]


def test_township_list_when_anonymous_is_refused(api_for, township):
    assert api_for(None).get("/api/v1/townships/").status_code == 401  # anonymous: 401 with WWW-Authenticate, not 403


def test_township_create_when_officer(api_for, officer):
    response = api_for(officer).post("/api/v1/townships/", {"code": "T900", "name": "Shimen"}, format="json")

    assert response.status_code == 201
    assert Township.objects.filter(code="T900", name="Shimen").exists()


@pytest.mark.parametrize("who", ["manager", "guard", "outsider"])
def test_township_create_when_not_officer_is_403(api_for, who, request):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user

    response = api_for(user).post("/api/v1/townships/", {"code": "T901", "name": "Nope"}, format="json")

    assert response.status_code == 403
    assert not Township.objects.filter(code="T901").exists()


def test_township_create_when_duplicate_is_400(api_for, officer, township):
    response = api_for(officer).post("/api/v1/townships/", {"code": "T999", "name": township.name}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()


def test_township_delete_when_in_use_is_409(api_for, officer, point):
    response = api_for(officer).delete(f"/api/v1/townships/{point.township_id}/")

    assert response.status_code == 409
    assert Township.objects.filter(pk=point.township_id).exists()


def test_township_list_query_count_is_flat(api_for, officer, django_assert_num_queries):
    f.TownshipFactory.create_batch(2)
    # 1 count, 2 page
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        assert api.get("/api/v1/townships/").status_code == 200
    f.TownshipFactory.create_batch(10)
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/townships/").json()["results"]) == 13  # + the officer's station's


# --- zones -------------------------------------------------------------------------------------


def test_zone_create_when_area_is_polygon(api_for, officer):
    response = api_for(officer).post("/api/v1/zones/", {"name": "East", "area": SQUARE}, format="json")

    assert response.status_code == 201
    assert Zone.objects.get(name="East").area["type"] == "Polygon"


def test_zone_create_when_area_is_feature_keeps_geometry(api_for, officer):
    feature = {"type": "Feature", "properties": {}, "geometry": SQUARE}

    response = api_for(officer).post("/api/v1/zones/", {"name": "West", "area": feature}, format="json")

    assert response.status_code == 201
    assert response.json()["area"] == SQUARE


@pytest.mark.parametrize(
    "area",
    [
        BOWTIE,
        {"type": "Point", "coordinates": [111.6, 32.27]},
        {"type": "Polygon", "coordinates": [[[1, 2]]]},
        {"type": "Polygon", "coordinates": [[[300, 32.2], [301, 32.2], [301, 33], [300, 32.2]]]},
        {"no": "type"},
        "{not json",
        [1, 2, 3],
    ],
)
def test_zone_create_when_area_is_bad_is_400_on_area(api_for, officer, area):
    response = api_for(officer).post("/api/v1/zones/", {"name": "Bad", "area": area}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["area"]
    assert not Zone.objects.filter(name="Bad").exists()


def test_zone_create_when_manager_is_403(api_for, manager):
    assert api_for(manager).post("/api/v1/zones/", {"name": "X"}, format="json").status_code == 403


def test_zone_list_query_count_is_flat(api_for, guard, django_assert_num_queries):
    f.ZoneFactory.create_batch(2, area=SQUARE)
    api = api_for(fresh(guard.user))
    with django_assert_num_queries(2):
        api.get("/api/v1/zones/")
    f.ZoneFactory.create_batch(10, area=SQUARE)
    api = api_for(fresh(guard.user))
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/zones/").json()["results"]) == 12


# --- stations ----------------------------------------------------------------------------------


def test_station_list_when_filtered_by_township(api_for, manager, point):
    f.PoliceStationFactory()  # another township

    response = api_for(manager).get("/api/v1/stations/", {"township": point.township_id})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(s["id"], s["township_name"]) for s in rows] == [(point.station_id, point.township.name)]


def test_station_update_when_officer(api_for, officer, point):
    response = api_for(officer).patch(f"/api/v1/stations/{point.station_id}/", {"phone": "0710-1234567"}, format="json")

    assert response.status_code == 200
    point.station.refresh_from_db()
    assert point.station.phone == "0710-1234567"


def test_station_list_query_count_is_flat(api_for, officer, django_assert_num_queries):
    f.PoliceStationFactory.create_batch(2)
    # 1 count, 2 stations joined to township
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        api.get("/api/v1/stations/")
    f.PoliceStationFactory.create_batch(10)
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        api.get("/api/v1/stations/")


# --- officers ----------------------------------------------------------------------------------


def test_officer_list_when_officer(api_for, officer):
    response = api_for(officer).get("/api/v1/officers/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["username"] == "officer"
    assert row["name"] == str(officer)
    assert row["badge_number"] == officer.officer_profile.badge_number


@pytest.mark.parametrize("who", ["manager", "guard", "outsider"])
def test_officer_list_when_not_officer_is_403(api_for, who, request):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user

    assert api_for(user).get("/api/v1/officers/").status_code == 403


def test_officer_endpoint_when_writing_is_405(api_for, officer):
    assert api_for(officer).post("/api/v1/officers/", {}, format="json").status_code == 405


def test_officer_list_query_count_is_flat(api_for, officer, django_assert_num_queries):
    f.OfficerFactory.create_batch(1)
    # 1 count, 2 officers joined to user and station
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        api.get("/api/v1/officers/")
    f.OfficerFactory.create_batch(10)
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/officers/").json()["results"]) == 12


# --- liaison points ----------------------------------------------------------------------------


def test_point_list_shows_guard_count_and_officer_name(api_for, manager, point, guard, other_guard):
    # given the point has a responsible officer and two active guards and one removed
    officer_profile = f.OfficerFactory(user__name="Li Wei", phone="13900000000")
    point.responsible_officer = officer_profile
    point.save()
    f.GuardFactory(liaison_point=point, status=Guard.Status.REMOVED)

    # when
    response = api_for(manager).get("/api/v1/liaison-points/")

    # then
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["guard_count"] == 2
    assert row["responsible_officer"] == officer_profile.pk
    assert row["responsible_officer_name"] == "Li Wei"
    assert row["township_name"] == point.township.name
    assert row["latitude"] == "32.270000"


def test_point_list_filters(api_for, officer, point):
    # given a second point that differs in every filtered field
    zone = f.ZoneFactory()
    other = f.LiaisonPointFactory(
        code="ZZ-9", name="Hospital gate", address="12 Renmin Road", kind=LiaisonPoint.Kind.KEY_UNIT, zone=zone, active=False
    )
    api = api_for(officer)

    def codes(**params):
        response = api.get("/api/v1/liaison-points/", params)
        assert response.status_code == 200
        return [row["code"] for row in response.json()["results"]]

    # then
    assert codes(township=other.township_id) == ["ZZ-9"]
    assert codes(station=point.station_id) == [point.code]
    assert codes(zone=zone.pk) == ["ZZ-9"]
    assert codes(kind="unit") == ["ZZ-9"]
    assert codes(active="true") == [point.code]
    assert codes(active="false") == ["ZZ-9"]
    assert codes(search="renmin") == ["ZZ-9"]
    assert codes(search="hospital") == ["ZZ-9"]
    assert codes(search="zz-9") == ["ZZ-9"]
    assert codes(ordering="-code") == ["ZZ-9", point.code]


def test_point_list_when_filter_value_is_bad_is_400(api_for, officer, point):
    response = api_for(officer).get("/api/v1/liaison-points/", {"township": "abc", "kind": "castle"})

    assert response.status_code == 400
    assert set(response.json()) == {"township", "kind"}


def test_point_create_when_officer_reattaches_nearby_guards(api_for, officer, point, guard):
    # given a guard attached automatically to `point`, posted 3 km north of it
    guard.post_latitude, guard.point_pinned = Decimal("32.300000"), False
    guard.save()
    station = point.station

    # when an officer opens a point right at the guard's post
    response = api_for(officer).post(
        "/api/v1/liaison-points/",
        point_payload(point.township, station, latitude="32.300000", longitude="111.600000"),
        format="json",
    )

    # then the guard follows the nearest active point
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["guard_count"] == 1
    guard.refresh_from_db()
    assert guard.liaison_point_id == body["id"]


def test_point_update_when_closed_hands_guards_to_nearest_open_point(api_for, officer, point, guard):
    # given another active point further away
    far = f.LiaisonPointFactory(latitude="32.400000", longitude="111.600000")

    # when
    response = api_for(officer).patch(f"/api/v1/liaison-points/{point.pk}/", {"active": False}, format="json")

    # then
    assert response.status_code == 200
    assert response.json()["guard_count"] == 0
    guard.refresh_from_db()
    assert guard.liaison_point_id == far.pk


def test_point_create_when_coordinates_have_many_digits_rounds_them(api_for, officer, point):
    payload = point_payload(point.township, point.station, latitude=32.123456789, longitude=111.98765432)

    response = api_for(officer).post("/api/v1/liaison-points/", payload, format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["latitude"], response.json()["longitude"]) == ("32.123457", "111.987654")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"latitude": 95}, "latitude"),
        ({"latitude": "-90.5"}, "latitude"),
        ({"latitude": "1e100"}, "latitude"),
        ({"longitude": "abc"}, "longitude"),
        ({"longitude": 181}, "longitude"),
        ({"longitude": "NaN"}, "longitude"),
        ({"township": 999999}, "township"),
        ({"station": "x"}, "station"),
        ({"kind": "castle"}, "kind"),
        ({"code": ""}, "code"),
        ({"opened_on": "2024-13-45"}, "opened_on"),
    ],
)
def test_point_create_when_input_is_bad_is_400_on_field(api_for, officer, point, overrides, field):
    payload = point_payload(point.township, point.station, **overrides)

    response = api_for(officer).post("/api/v1/liaison-points/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not LiaisonPoint.objects.filter(code="LP-NEW").exists()


def test_point_create_when_code_taken_is_400(api_for, officer, point):
    payload = point_payload(point.township, point.station, code=point.code)

    response = api_for(officer).post("/api/v1/liaison-points/", payload, format="json")

    assert response.status_code == 400
    assert "code" in response.json()


@pytest.mark.parametrize("who", ["manager", "guard", "outsider"])
def test_point_write_when_not_officer_is_403(api_for, who, request, point):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user
    api = api_for(user)

    assert api.post("/api/v1/liaison-points/", point_payload(point.township, point.station), format="json").status_code == 403
    assert api.patch(f"/api/v1/liaison-points/{point.pk}/", {"active": False}, format="json").status_code == 403
    point.refresh_from_db()
    assert point.active


def test_point_delete_is_405(api_for, officer, point):
    assert api_for(officer).delete(f"/api/v1/liaison-points/{point.pk}/").status_code == 405
    assert LiaisonPoint.objects.filter(pk=point.pk).exists()


def _points_with_guards(n):
    for officer_profile in f.OfficerFactory.create_batch(n):
        p = f.LiaisonPointFactory(responsible_officer=officer_profile, zone=f.ZoneFactory())
        f.GuardFactory.create_batch(2, liaison_point=p)


def test_point_list_query_count_is_flat(api_for, manager, django_assert_num_queries):
    _points_with_guards(2)
    # 1 count, 2 points joined to township/zone/station/officer+user with guard counts
    api = api_for(fresh(manager))
    with django_assert_num_queries(2):
        api.get("/api/v1/liaison-points/")
    _points_with_guards(10)
    api = api_for(fresh(manager))
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/liaison-points/").json()["results"]) == 12


# --- geojson -----------------------------------------------------------------------------------


def test_point_geojson_is_a_feature_collection(api_for, guard, point):
    officer_profile = f.OfficerFactory(user__name="Li Wei", phone="13900000000")
    point.responsible_officer = officer_profile
    point.save()

    response = api_for(guard.user).get("/api/v1/liaison-points/geojson/")

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [111.6, 32.27]}
    assert feature["properties"] == {
        "id": point.pk,
        "code": point.code,
        "name": point.name,
        "kind": "post",
        "kind_label": "Patrol post",
        "township": point.township.name,
        "officer_name": "Li Wei",
        "officer_phone": "13900000000",
        "guard_count": 1,
        "active": True,
        "url": f"/points/{point.pk}/",
    }


def test_point_geojson_honours_filters_and_is_not_paginated(api_for, officer, point, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 2}
    f.LiaisonPointFactory.create_batch(3, township=point.township, station=point.station)
    f.LiaisonPointFactory(active=False)
    api = api_for(officer)

    everything = api.get("/api/v1/liaison-points/geojson/").json()
    in_township = api.get("/api/v1/liaison-points/geojson/", {"township": point.township_id, "active": "true"}).json()

    assert "results" not in everything
    assert len(everything["features"]) == 5
    assert len(in_township["features"]) == 4
    assert {feat["properties"]["township"] for feat in in_township["features"]} == {point.township.name}


def test_point_geojson_query_count_is_flat(api_for, manager, django_assert_num_queries):
    _points_with_guards(2)
    # 1 points joined to township/zone/station/officer+user with guard counts (no count: unpaginated);
    # the ETag comes from the cache (liaison_points.versioning), no query
    api = api_for(fresh(manager))
    with django_assert_num_queries(1):
        api.get("/api/v1/liaison-points/geojson/")
    _points_with_guards(10)
    api = api_for(fresh(manager))
    with django_assert_num_queries(1):
        assert len(api.get("/api/v1/liaison-points/geojson/").json()["features"]) == 12
