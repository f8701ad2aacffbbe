"""The points GeoJSON is served with an ETag tied to the routing version (issue #14): a repeat with
If-None-Match is a 304 without the body; moving a point changes the ETag."""
from decimal import Decimal

from django.urls import reverse


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
