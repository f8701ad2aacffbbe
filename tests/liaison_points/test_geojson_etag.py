"""The points GeoJSON is served with an ETag (issue #14): a repeat with If-None-Match is a 304 without
the body; any change to what it shows (a point, its township, its officer, its guards, also through
queryset.update() in services) changes the ETag."""
from decimal import Decimal

import pytest
from django.urls import reverse

from guards.models import Guard
from guards.services import guards_reattach
from tests import factories as f


def test_geojson_etag_304_and_a_new_etag_after_a_point_moves(api_for, guard, point):
    api = api_for(guard.user)
    url = reverse("liaison-points-geojson")
    first = api.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    point.latitude = Decimal(str(point.latitude)) + Decimal("0.01")
    point.save()
    moved = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert moved.status_code == 200 and moved["ETag"] != first["ETag"]
    assert moved.json()["features"][0]["geometry"]["coordinates"][1] == float(point.latitude)


# --- the ETag follows everything the response shows (liaison_points.versioning) ----------------


@pytest.fixture
def map_api(api_for, guard, point):
    """(api, first response) for a point with an officer and one attached guard."""
    point.responsible_officer = f.OfficerFactory(user__name="王警官", phone="13900000001")
    point.save()
    api = api_for(guard.user)
    return api, api.get(reverse("liaison-points-geojson"))


def _again(api, first):
    return api.get(reverse("liaison-points-geojson"), HTTP_IF_NONE_MATCH=first["ETag"])


def _properties(response) -> dict:
    return response.json()["features"][0]["properties"]


def test_geojson_etag_changes_when_the_officer_is_renamed(map_api, point):
    # given
    api, first = map_api
    user = point.responsible_officer.user
    # when
    user.name = "李警官"
    user.save(update_fields=["name"])
    # then
    response = _again(api, first)
    assert response.status_code == 200 and response["ETag"] != first["ETag"]
    assert _properties(response)["officer_name"] == "李警官"


def test_geojson_etag_changes_when_the_officer_phone_changes(map_api, point):
    api, first = map_api
    officer = point.responsible_officer
    officer.phone = "13900000002"
    officer.save()
    response = _again(api, first)
    assert response.status_code == 200 and _properties(response)["officer_phone"] == "13900000002"


def test_geojson_etag_changes_when_the_township_is_renamed(map_api, township):
    api, first = map_api
    township.name = "新城镇"
    township.save()
    response = _again(api, first)
    assert response.status_code == 200 and _properties(response)["township"] == "新城镇"


def test_geojson_etag_changes_when_a_guard_leaves_or_joins(map_api, guard, point):
    api, first = map_api
    assert _properties(first)["guard_count"] == 1
    guard.status = Guard.Status.SUSPENDED
    guard.save()
    response = _again(api, first)
    assert response.status_code == 200 and _properties(response)["guard_count"] == 0
    f.GuardFactory(liaison_point=point)
    f.GuardFactory(liaison_point=point)
    joined = _again(api, response)
    assert joined.status_code == 200 and _properties(joined)["guard_count"] == 2


def test_geojson_etag_changes_when_reattach_moves_guards_with_update(map_api, guard, point):
    # given: the guard is attached (behind the signals' back) to a closed point
    api, _first = map_api
    closed = f.LiaisonPointFactory(active=False, latitude="32.000000", longitude="111.000000")
    Guard.objects.filter(pk=guard.pk).update(liaison_point=closed)
    before = api.get(reverse("liaison-points-geojson"))
    assert _properties(before)["guard_count"] == 0
    # when: guards_reattach() writes with queryset.update()
    assert guards_reattach() == 1
    # then
    response = _again(api, before)
    assert response.status_code == 200 and _properties(response)["guard_count"] == 1


@pytest.mark.django_db(transaction=True)
def test_geojson_etag_changes_again_after_the_commit(map_api, point):
    # given a request that reads the map while a change is not yet committed
    from django.db import transaction

    api, first = map_api
    with transaction.atomic():
        point.name = "New name"
        point.save()
        during = _again(api, first)
    # then the commit moves the version on once more (once however many rows the transaction wrote)
    assert during.status_code == 200
    after = _again(api, during)
    assert after.status_code == 200 and after["ETag"] != during["ETag"]


def test_geojson_etag_stays_when_only_a_sign_in_is_recorded(map_api, point, guard):
    api, first = map_api
    for user in (point.responsible_officer.user, guard.user):
        user.save(update_fields=["last_login"])
    assert _again(api, first).status_code == 304
