from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, When
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
    """The nearest-point index over every active liaison point: this process's cached copy
    (liaison_points.routing), rebuilt when points change."""
    from liaison_points.routing import routing_table

    return routing_table().index


def liaison_point_nearest_active(*, latitude, longitude) -> LiaisonPoint | None:
    point_id = nearest_active_point_index().nearest(float(latitude), float(longitude))
    return LiaisonPoint.objects.filter(pk=point_id).first() if point_id else None


def liaison_point_route(*, latitude, longitude) -> LiaisonPoint | None:
    """The liaison point responsible for a place (disputes, tips and check-ins are routed with this).

    Inside a zone's area, the nearest active point of that zone; otherwise (no zone area contains
    the place, or zones have no areas) the nearest active point of the county. The decision reads
    the process's routing table (liaison_points.routing, no query when warm), which also holds the
    chosen point's own row as read when it was built (intake needs its id and name; pages re-read
    what they show)."""
    from liaison_points.routing import routing_table

    table = routing_table()
    return table.point(table.route(float(latitude), float(longitude)))


def liaison_point_for_township(township: Township) -> LiaisonPoint | None:
    """The liaison point that takes what is known only by its township (no map position): the
    township's active central police office, else its active point with the lowest code."""
    points = liaison_point_list(with_guard_counts=False).filter(township=township, active=True)
    return points.order_by(
        Case(When(kind=LiaisonPoint.Kind.CENTRAL, then=0), default=1, output_field=IntegerField()), "code"
    ).first()


def township_in_address(address: str) -> Township | None:
    """The township whose full name appears in `address` (the longest name when several do)."""
    address = (address or "").strip()
    if not address:
        return None
    found = [t for t in Township.objects.order_by("code") if t.name and t.name in address]
    return max(found, key=lambda t: len(t.name)) if found else None
