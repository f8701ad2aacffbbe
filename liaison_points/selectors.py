from django.db.models import Count, Q, QuerySet

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
    guards attached (the point's coverage) as `guard_count`, in the same query."""
    qs = LiaisonPoint.objects.select_related("township", "zone", "station", "responsible_officer__user")
    if with_guard_counts:
        qs = qs.annotate(guard_count=Count("guards", filter=Q(guards__status="active")))
    return qs


def nearest_active_point_index() -> NearestIndex:
    """A nearest-point index over every active liaison point (one query)."""
    rows = list(LiaisonPoint.objects.filter(active=True).values_list("id", "latitude", "longitude"))
    return NearestIndex(rows)


def liaison_point_nearest_active(*, latitude, longitude) -> LiaisonPoint | None:
    point_id = nearest_active_point_index().nearest(float(latitude), float(longitude))
    return LiaisonPoint.objects.filter(pk=point_id).first() if point_id else None
