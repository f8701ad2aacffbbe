"""Officer pages for liaison points: roles, forms through liaison_point_save, flat query counts."""
from decimal import Decimal

import pytest

from liaison_points.models import LiaisonPoint
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = ["/dashboard/", "/points/", "/points/{pk}/", "/points/new/", "/points/{pk}/edit/"]


def _urls(point):
    return [url.format(pk=point.pk) for url in PAGES]


def _point_form_data(township, station, **overrides):
    data = {
        "code": "LP-NEW",
        "name": "North gate post",
        "kind": LiaisonPoint.Kind.PATROL_POST,
        "township": township.pk,
        "station": station.pk,
        "latitude": "32.280000",
        "longitude": "111.610000",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_point_pages_render_for_officer(client_for, officer, point, guard):
    client = client_for(officer)
    for url in _urls(point):
        response = client.get(url)
        assert response.status_code == 200, url


def test_home_sends_officer_to_dashboard(client_for, officer):
    response = client_for(officer).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_point_pages_forbidden_for_other_roles(request, client_for, point, who):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user
    client = client_for(user)
    for url in _urls(point):
        assert client.get(url).status_code == 403, url


def test_point_pages_redirect_anonymous_to_login(client_for, point):
    client = client_for(None)
    for url in _urls(point):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_dashboard_shows_county_counts_and_map(client_for, officer, point, guard):
    # given: a second, closed point
    f.LiaisonPointFactory(active=False)
    # when
    response = client_for(officer).get("/dashboard/")
    # then
    assert response.context["figures"]["points_active"] == 1
    assert response.context["figures"]["guards_active"] == 1
    body = response.content.decode()
    assert 'data-geojson-url="/api/v1/liaison-points/geojson/"' in body
    assert "JPO.dashboardMap" in body


def test_point_list_filters_by_township_kind_and_search(client_for, officer, point):
    other = f.LiaisonPointFactory(name="River school", kind=LiaisonPoint.Kind.KEY_UNIT)
    client = client_for(officer)

    by_township = client.get("/points/", {"township": point.township_id}).context["page"].object_list
    by_kind = client.get("/points/", {"kind": "unit"}).context["page"].object_list
    by_search = client.get("/points/", {"q": "river"}).context["page"].object_list
    closed = client.get("/points/", {"active": "no"}).context["page"].object_list

    assert [p.pk for p in by_township] == [point.pk]
    assert [p.pk for p in by_kind] == [other.pk]
    assert [p.pk for p in by_search] == [other.pk]
    assert list(closed) == []


def test_point_list_paginates_by_50(client_for, officer, township):
    f.LiaisonPointFactory.create_batch(51, township=township)
    client = client_for(officer)
    assert len(client.get("/points/").context["page"].object_list) == 50
    assert len(client.get("/points/", {"page": 2}).context["page"].object_list) == 1


def test_point_create_saves_through_service(client_for, officer, township):
    station = f.PoliceStationFactory(township=township)
    response = client_for(officer).post("/points/new/", _point_form_data(township, station))
    point = LiaisonPoint.objects.get(code="LP-NEW")
    assert response.status_code == 302
    assert response["Location"] == f"/points/{point.pk}/"
    assert point.latitude == Decimal("32.280000")


def test_point_create_with_bad_latitude_shows_field_error(client_for, officer, township):
    station = f.PoliceStationFactory(township=township)
    response = client_for(officer).post("/points/new/", _point_form_data(township, station, latitude="95"))
    assert response.status_code == 200
    assert "latitude" in response.context["form"].errors
    assert "Latitude must be between -90 and 90." in response.content.decode()
    assert not LiaisonPoint.objects.filter(code="LP-NEW").exists()


def test_point_update_moves_point(client_for, officer, point):
    data = _point_form_data(point.township, point.station, code=point.code, name="Renamed", latitude="32.300000")
    response = client_for(officer).post(f"/points/{point.pk}/edit/", data)
    point.refresh_from_db()
    assert response.status_code == 302
    assert point.name == "Renamed"
    assert point.latitude == Decimal("32.300000")


def test_point_list_query_count_is_flat(client_for, officer, township, django_assert_num_queries):
    client = client_for(officer)
    f.LiaisonPointFactory.create_batch(2, township=township)
    # 1 session, 2 user, 3 page count, 4 points joined to township/zone/station/officer with guard
    # counts, 5 townships select, 6 zones select
    with django_assert_num_queries(6):
        client.get("/points/")
    f.LiaisonPointFactory.create_batch(10, township=township)
    with django_assert_num_queries(6):
        client.get("/points/")


def test_point_detail_query_count_is_flat(client_for, officer, point, django_assert_num_queries):
    client = client_for(officer)
    f.GuardFactory.create_batch(2, liaison_point=point)
    # 1 session, 2 user, 3 point joined with guard count, 4 guards count, 5 guards page with company
    with django_assert_num_queries(5):
        client.get(f"/points/{point.pk}/")
    f.GuardFactory.create_batch(10, liaison_point=point)
    with django_assert_num_queries(5):
        client.get(f"/points/{point.pk}/")


def test_dashboard_query_count_is_flat(client_for, officer, point, django_assert_num_queries):
    client = client_for(officer)
    f.GuardFactory.create_batch(2, liaison_point=point)
    client.get("/dashboard/")  # the week panel (bulletins) is cached for a minute: counted in tests/bulletins
    # 1 session, 2 user, 3 guard counts, 4 expiring guards, 5 active points, 6 companies,
    # 7-11 the action queue (tips, disputes, rosters, equipment, patrols); the trends are cached
    with django_assert_num_queries(11):
        client.get("/dashboard/")
    f.GuardFactory.create_batch(10, liaison_point=point)
    f.LiaisonPointFactory.create_batch(10)
    with django_assert_num_queries(11):
        client.get("/dashboard/")
