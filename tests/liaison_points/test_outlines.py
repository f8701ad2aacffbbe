"""Township and zone outlines for maps without tiles (liaison_points/outlines.py, served at
/api/v1/townships/outlines/ with an ETag): drawn from the project's own data, cached, answered 304
when unchanged, rebuilt when a point, a zone or a township changes."""
from decimal import Decimal

import pytest
from shapely.geometry import Point, shape

from tests import factories as f

URL = "/api/v1/townships/outlines/"


@pytest.fixture
def county(db):
    town = f.TownshipFactory(name="城关镇")
    other = f.TownshipFactory(name="黄龙镇")
    f.TownshipFactory(name="空镇")  # no points: no outline
    drawn = f.ZoneFactory(name="东城联防区", area={"type": "Polygon", "coordinates": [[
        [111.59, 32.26], [111.62, 32.26], [111.62, 32.29], [111.59, 32.29], [111.59, 32.26]]]})
    undrawn = f.ZoneFactory(name="西城联防区")
    f.LiaisonPointFactory(township=town, zone=drawn, latitude=Decimal("32.27"), longitude=Decimal("111.60"))
    f.LiaisonPointFactory(township=town, zone=undrawn, latitude=Decimal("32.30"), longitude=Decimal("111.55"))
    f.LiaisonPointFactory(township=town, zone=undrawn, latitude=Decimal("32.31"), longitude=Decimal("111.56"))
    lone = f.LiaisonPointFactory(township=other, latitude=Decimal("32.50"), longitude=Decimal("111.90"))
    f.LiaisonPointFactory(township=other, active=False, latitude=Decimal("33.50"), longitude=Decimal("112.90"))
    return {"town": town, "other": other, "drawn": drawn, "undrawn": undrawn, "lone": lone}


def test_outlines_surround_the_points_and_carry_labels(api_for, officer, county):
    response = api_for(officer).get(URL)
    assert response.status_code == 200 and response["ETag"].startswith('"')
    features = {f["properties"]["name"]: f for f in response.json()["features"]}
    assert set(features) == {"城关镇", "黄龙镇", "东城联防区", "西城联防区"}
    assert [f["properties"]["kind"] for f in response.json()["features"]] == ["township", "township", "zone", "zone"]
    town = shape(features["城关镇"]["geometry"])
    for lat, lng in ((32.27, 111.60), (32.30, 111.55), (32.31, 111.56)):
        assert town.contains(Point(lng, lat))
    lone = shape(features["黄龙镇"]["geometry"])  # one point still makes an area (~600 m around it)
    assert lone.contains(Point(111.90, 32.50)) and not lone.contains(Point(112.90, 33.50))  # closed points are left out
    assert 0.004 < (lone.bounds[3] - lone.bounds[1]) / 2 < 0.007
    # A zone with an area keeps its own; one without is drawn around its points.
    assert shape(features["东城联防区"]["geometry"]).bounds == pytest.approx((111.59, 32.26, 111.62, 32.29))
    assert shape(features["西城联防区"]["geometry"]).contains(Point(111.555, 32.305))
    for feature in features.values():
        lat, lng = feature["properties"]["label"]
        assert shape(feature["geometry"]).contains(Point(lng, lat))


def test_etag_answers_304_without_queries(api_for, officer, county, django_assert_num_queries):
    client = api_for(officer)
    etag = client.get(URL)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag
    with django_assert_num_queries(0):  # cached
        assert client.get(URL).json()["features"]


@pytest.mark.parametrize("change", ["point", "zone", "township"])
def test_a_change_gives_a_new_etag(api_for, officer, county, change):
    client = api_for(officer)
    etag = client.get(URL)["ETag"]
    if change == "point":
        county["lone"].latitude = Decimal("32.55")
        county["lone"].save()
    elif change == "zone":
        county["undrawn"].name = "西城新区"
        county["undrawn"].save()
    else:
        county["other"].name = "黄龙新镇"
        county["other"].save()
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_outlines_need_a_sign_in(api_for, county):
    assert api_for(None).get(URL).status_code in (401, 403)


def test_the_maps_are_told_where_the_outlines_are(client_for, officer, county):
    page = client_for(officer).get("/dashboard/").content.decode()
    assert f'data-outlines-url="{URL}"' in page
