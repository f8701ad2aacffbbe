"""Outlines of the townships and zones for maps without tiles (police intranets often have no tile
server): a GeoJSON FeatureCollection the maps draw beneath their markers, so a marker keeps its
context when the tiles fail.

Townships have no stored area, so a township's outline is drawn around its active liaison points
(their convex hull, widened by OUTLINE_MARGIN_M so a single point still makes an area); a zone has
its own area when one was drawn, else the same hull of its points. Each feature carries its kind,
name and a label position (a point inside the outline).

Built in three queries and cached in the shared cache with an ETag, under the routing version
(liaison_points.routing: replaced whenever a point or a zone is saved or deleted) — a township's
change drops it through the receiver below. A client that sends the ETag back gets 304 with no
query at all."""
import hashlib
import json
import logging
import math

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from liaison_points.models import LiaisonPoint, Township, Zone

log = logging.getLogger(__name__)
CACHE_KEY = "liaison_points:outlines:v1"
OUTLINE_MARGIN_M = 600
_M_PER_DEGREE = 111_320


def _hull(points: list[tuple[float, float]]):
    """The hull (lng, lat) of `points`, widened by the margin (in degrees, the longitude scaled by
    the latitude, so the margin is about OUTLINE_MARGIN_M everywhere)."""
    from shapely import affinity
    from shapely.geometry import MultiPoint

    lat0 = sum(lat for _lng, lat in points) / len(points)
    scale = max(math.cos(math.radians(lat0)), 0.01)
    # Widen in a plane where a degree of longitude is as long as one of latitude, then scale back.
    flat = MultiPoint([(lng * scale, lat) for lng, lat in points]).convex_hull.buffer(OUTLINE_MARGIN_M / _M_PER_DEGREE, quad_segs=4)
    return affinity.scale(flat, xfact=1 / scale, yfact=1, origin=(0, 0))


def _rounded(geometry) -> dict:
    from shapely import set_precision
    from shapely.geometry import mapping

    return json.loads(json.dumps(mapping(set_precision(geometry, 0.00001))))


def _feature(kind: str, pk: int, name: str, geometry) -> dict:
    label = geometry.representative_point()
    return {
        "type": "Feature",
        "id": f"{kind}-{pk}",
        "geometry": _rounded(geometry),
        "properties": {"kind": kind, "id": pk, "name": name, "label": [round(label.y, 5), round(label.x, 5)]},
    }


def build_outlines() -> dict:
    """The FeatureCollection: townships first (drawn beneath), then zones. Three queries."""
    from shapely.geometry import shape

    by_township: dict[int, list] = {}
    by_zone: dict[int, list] = {}
    rows = LiaisonPoint.objects.filter(active=True).values_list("township_id", "zone_id", "longitude", "latitude").order_by("id")
    for township_id, zone_id, lng, lat in rows:
        by_township.setdefault(township_id, []).append((float(lng), float(lat)))
        if zone_id is not None:
            by_zone.setdefault(zone_id, []).append((float(lng), float(lat)))
    features = []
    for pk, name in Township.objects.filter(pk__in=by_township).order_by("code").values_list("pk", "name"):
        features.append(_feature("township", pk, name, _hull(by_township[pk])))
    for pk, name, area in Zone.objects.order_by("name").values_list("pk", "name", "area"):
        geometry = None
        if area:
            try:
                geometry = shape(area.get("geometry", area) if isinstance(area, dict) and area.get("type") == "Feature" else area)
            except Exception:  # an unreadable stored area: fall back to the points
                log.warning("Zone %s has an unreadable area; its outline is drawn around its points.", pk)
        if (geometry is None or geometry.is_empty) and by_zone.get(pk):
            geometry = _hull(by_zone[pk])
        if geometry is not None and not geometry.is_empty:
            features.append(_feature("zone", pk, name, geometry))
    return {"type": "FeatureCollection", "features": features}


def _version() -> str | None:
    from liaison_points.routing import VERSION_KEY

    try:
        return cache.get(VERSION_KEY)
    except Exception:
        return None


def outlines(*, build: bool = True) -> tuple[str | None, dict | None]:
    """(etag, collection). The cached copy when it is still of the current routing version, else
    built afresh (three queries) and cached. With build=False, (etag, None) when only the ETag is
    known from the cache — enough to answer a conditional request."""
    version = _version()
    try:
        cached = cache.get(CACHE_KEY)
    except Exception:
        cached = None
    if cached and version is not None and cached["version"] == version:
        return cached["etag"], cached["body"] if build else None
    if not build:
        return None, None
    body = build_outlines()
    etag = '"' + hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32] + '"'
    if version is None:  # no routing version yet: make one, so later changes are seen
        from liaison_points.routing import _shared_version

        version = _shared_version()
    if version is not None:
        try:
            cache.set(CACHE_KEY, {"version": version, "etag": etag, "body": body}, timeout=None)
        except Exception:
            log.warning("The outlines could not be cached.", exc_info=True)
    return etag, body


def forget_outlines() -> None:
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        log.warning("The cached outlines could not be dropped.", exc_info=True)


@receiver([post_save, post_delete], sender=Township, dispatch_uid="outlines_township_changed")
def _forget_on_township_change(sender, **kwargs):
    forget_outlines()
