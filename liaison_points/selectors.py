from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from liaison_points.geo import NearestIndex
from liaison_points.models import LiaisonPoint, Officer, PoliceStation, Township, Zone


def township_list() -> QuerySet[Township]:
    return Township.objects.all()


def zone_list() -> QuerySet[Zone]:
    return Zone.objects.all()


def station_list() -> QuerySet[PoliceStation]:
    return PoliceStation.objects.select_related("township")


def officer_list() -> QuerySet[Officer]:
    return Officer.objects.select_related("user", "station")


def liaison_point_list(*, with_guard_counts: bool = True) -> QuerySet[LiaisonPoint]:
    """Points with township, zone, station and officer joined; optionally the number of active
    guards attached (the point's coverage) as `guard_count`, in the same query.

    The count is a correlated subquery on the (liaison_point, status) index rather than a join and
    GROUP BY, so a page of 50 points counts 50 points' guards, not the whole province's."""
    qs = LiaisonPoint.objects.select_related("township", "zone", "station", "responsible_officer__user")
    if with_guard_counts:
        # The guard model is reached through the reverse relation: this app never imports guards.
        Guard = LiaisonPoint._meta.get_field("guards").related_model
        counted = (
            Guard.objects.filter(liaison_point=OuterRef("pk"), status="active")
            .order_by()
            .values("liaison_point")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = qs.annotate(guard_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
    return qs


def liaison_point_list_by_code() -> QuerySet[LiaisonPoint]:
    """The point list page's rows: liaison_point_list (with guard counts) in code order."""
    return liaison_point_list().order_by("code")


def liaison_point_guards(*, point: LiaisonPoint) -> QuerySet:
    """The guards attached to `point`, with their company, by status then name (the point page)."""
    return point.guards.select_related("company").order_by("status", "name", "id")


def nearest_active_point_index() -> NearestIndex:
    """A nearest-point index over every active liaison point (one query)."""
    rows = list(LiaisonPoint.objects.filter(active=True).values_list("id", "latitude", "longitude"))
    return NearestIndex(rows)


def liaison_point_nearest_active(*, latitude, longitude) -> LiaisonPoint | None:
    point_id = nearest_active_point_index().nearest(float(latitude), float(longitude))
    return LiaisonPoint.objects.filter(pk=point_id).first() if point_id else None


def liaison_point_route(*, latitude, longitude) -> LiaisonPoint | None:
    """The liaison point responsible for a place (disputes and tips are routed with this).

    Inside a zone's polygon, the nearest active point of that zone; otherwise (no zone polygon
    contains the place, or zones have no polygons) the nearest active point of the county.
    Two queries at most: zones with their active points, then the chosen point."""
    from shapely.geometry import Point, shape

    from liaison_points.geo import haversine_m

    lat, lng = float(latitude), float(longitude)
    here = Point(lng, lat)
    rows = (
        LiaisonPoint.objects.filter(active=True, zone__area__isnull=False)
        .values_list("id", "latitude", "longitude", "zone_id", "zone__area")
        .order_by("zone_id", "id")
    )
    zones: dict[int, tuple[dict, list]] = {}
    for point_id, p_lat, p_lng, zone_id, area in rows:
        zones.setdefault(zone_id, (area, []))[1].append((point_id, float(p_lat), float(p_lng)))
    for area, points in zones.values():
        try:
            geometry = shape(area.get("geometry", area) if isinstance(area, dict) else area)
        except Exception:  # a malformed stored area must not stop routing
            continue
        if geometry.contains(here) or geometry.touches(here):
            point_id = min(points, key=lambda p: haversine_m(lat, lng, p[1], p[2]))[0]
            return liaison_point_list(with_guard_counts=False).get(pk=point_id)
    point_id = nearest_active_point_index().nearest(lat, lng)
    return liaison_point_list(with_guard_counts=False).filter(pk=point_id).first() if point_id else None
