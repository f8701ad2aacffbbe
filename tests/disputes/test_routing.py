"""Routing a place to its liaison point: inside a zone's polygon, else the nearest active point;
officers can reassign with a reason."""
import pytest
from django.core.exceptions import ValidationError

from disputes.models import DisputeEvent
from disputes.services import dispute_reassign, dispute_report
from liaison_points.selectors import liaison_point_route
from tests import factories as f

pytestmark = pytest.mark.django_db

# A square zone around (32.30, 111.70).
SQUARE = {"type": "Polygon", "coordinates": [[[111.69, 32.29], [111.71, 32.29], [111.71, 32.31], [111.69, 32.31], [111.69, 32.29]]]}


@pytest.fixture
def geography(township):
    zone = f.ZoneFactory(area=SQUARE)
    # Inside the zone's polygon, but the nearest point to the test place is *outside* the zone.
    zone_far = f.LiaisonPointFactory(township=township, zone=zone, latitude="32.309000", longitude="111.709000")
    zone_near = f.LiaisonPointFactory(township=township, zone=zone, latitude="32.300500", longitude="111.700500")
    outside_close = f.LiaisonPointFactory(township=township, latitude="32.291500", longitude="111.689500")
    return {"zone": zone, "zone_far": zone_far, "zone_near": zone_near, "outside_close": outside_close}


def test_route_inside_polygon_picks_nearest_point_of_that_zone(geography):
    # given a place inside the zone, nearer (straight line) to a point outside the zone
    # when
    point = liaison_point_route(latitude="32.291000", longitude="111.691000")
    # then the zone's own point wins, and of the zone's points the nearest
    assert point == geography["zone_near"]


def test_route_outside_every_polygon_picks_nearest_active_point(geography):
    point = liaison_point_route(latitude="32.250000", longitude="111.650000")
    assert point == geography["outside_close"]


def test_route_ignores_closed_points(geography):
    geography["zone_near"].active = False
    geography["zone_near"].save()
    assert liaison_point_route(latitude="32.300000", longitude="111.700000") == geography["zone_far"]


def test_route_without_zones_uses_nearest(township):
    near = f.LiaisonPointFactory(township=township, latitude="32.100000", longitude="111.100000")
    f.LiaisonPointFactory(township=township, latitude="32.500000", longitude="111.500000")
    assert liaison_point_route(latitude="32.110000", longitude="111.120000") == near


def test_route_with_no_active_points_is_none(db):
    assert liaison_point_route(latitude="32.1", longitude="111.1") is None


def test_dispute_report_routes_and_logs(officer, geography):
    dispute = dispute_report(by=officer, category="neighbours", title="Noise", place="Block 3", latitude="32.300000", longitude="111.700000", parties=[{"name": "张三"}])
    assert dispute.liaison_point == geography["zone_near"]
    event = dispute.events.get()
    assert event.kind == DisputeEvent.Kind.REPORTED and event.actor == officer and event.to_point == geography["zone_near"]


def test_guard_report_without_position_uses_post(guard, township):
    near_post = f.LiaisonPointFactory(township=township, latitude=guard.post_latitude, longitude=guard.post_longitude)
    dispute = dispute_report(by=guard.user, category="family", title="Shouting", place="Gate", parties=[{"name": "张三"}])
    assert dispute.reporting_guard == guard and dispute.reported_by_kind == "guard"
    assert (dispute.latitude, dispute.longitude) == (guard.post_latitude, guard.post_longitude)
    assert dispute.liaison_point in (near_post, guard.liaison_point)


def test_reassign_moves_point_and_records_reason(officer, geography):
    dispute = dispute_report(by=officer, category="land", title="Fence", place="Field", latitude="32.300000", longitude="111.700000", parties=[{"name": "张三"}])
    dispute_reassign(dispute=dispute, point=geography["outside_close"], by=officer, reason="Officer on leave")
    dispute.refresh_from_db()
    assert dispute.liaison_point == geography["outside_close"]
    event = dispute.events.get(kind=DisputeEvent.Kind.REASSIGNED)
    assert (event.from_point, event.to_point, event.note) == (geography["zone_near"], geography["outside_close"], "Officer on leave")


def test_reassign_without_reason_is_refused(officer, geography):
    dispute = dispute_report(by=officer, category="land", title="Fence", place="Field", latitude="32.300000", longitude="111.700000", parties=[{"name": "张三"}])
    with pytest.raises(ValidationError) as exc:
        dispute_reassign(dispute=dispute, point=geography["outside_close"], by=officer, reason="  ")
    assert "reason" in exc.value.message_dict


def test_reassign_to_closed_point_is_refused(officer, geography):
    dispute = dispute_report(by=officer, category="land", title="Fence", place="Field", latitude="32.300000", longitude="111.700000", parties=[{"name": "张三"}])
    geography["outside_close"].active = False
    geography["outside_close"].save()
    with pytest.raises(ValidationError):
        dispute_reassign(dispute=dispute, point=geography["outside_close"], by=officer, reason="x")
