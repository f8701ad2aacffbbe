"""Where a place belongs: the routing of disputes, tips, check-ins and guards to liaison points.

Routing needs every active point's position and every zone's area. Reading and parsing those on
each request cost most of a tip's intake at province scale (2,000 points: ~60 ms of JSON parsing per
tip), so each process keeps them parsed — a nearest-point index and the zones' prepared shapes — and
rebuilds them when they change:

- a version token in the shared cache is replaced whenever a point or a zone is saved or deleted
  (receivers below; services that write with queryset.update() call routing_invalidate()), and every
  process compares its copy's token with the shared one (one cache read) before using it, at most
  once per ROUTING_VERSION_CHECK_SECONDS: a burst of tips or check-ins pays one cache round trip a
  second, not one each, and another process's change reaches this one within that time (the
  process that made the change drops its own copy at once);
- a copy older than ROUTING_MAX_AGE_SECONDS is rebuilt anyway, so a change made behind Django's back
  (SQL, a restore) is picked up within that time;
- with the cache unreachable, the copy is still used until that age (routing keeps working)."""
import copy
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from liaison_points.geo import NearestIndex, haversine_m
from liaison_points.models import LiaisonPoint, Zone

log = logging.getLogger(__name__)
VERSION_KEY = "liaison_points:routing:version"


@dataclass
class _Zone:
    shape: object  # a prepared shapely geometry
    points: list[tuple[int, float, float]]


@dataclass
class RoutingTable:
    version: str | None
    built_at: float
    index: NearestIndex
    checked_at: float = 0.0  # when the shared version was last compared (monotonic clock)
    zones: list[_Zone] = field(default_factory=list)
    points: dict[int, LiaisonPoint] = field(default_factory=dict)  # the active points' rows as read at build

    def point(self, pk: int | None) -> LiaisonPoint | None:
        """The active point `pk` as read when the table was built (a copy the caller may change):
        as fresh as the routing itself, since any saved point moves the version on. No query."""
        row = self.points.get(pk)
        return copy.copy(row) if row is not None else None

    def nearest(self, lat: float, lng: float) -> int | None:
        return self.index.nearest(lat, lng)

    def route(self, lat: float, lng: float) -> int | None:
        """Inside a zone's area, the nearest active point of that zone; otherwise the nearest active
        point of the county. No query."""
        from shapely.geometry import Point

        here = Point(lng, lat)
        for zone in self.zones:
            if zone.shape.covers(here):
                return min(zone.points, key=lambda p: haversine_m(lat, lng, p[1], p[2]))[0]
        return self.index.nearest(lat, lng)


_lock = threading.Lock()
_table: RoutingTable | None = None


def _build(version: str | None) -> RoutingTable:
    from shapely.geometry import shape
    from shapely.prepared import prep

    points = {p.pk: p for p in LiaisonPoint.objects.filter(active=True).order_by("id")}
    rows = [(p.pk, p.latitude, p.longitude, p.zone_id) for p in points.values()]
    index = NearestIndex([(pk, lat, lng) for pk, lat, lng, _zone in rows])
    by_zone: dict[int, list] = {}
    for pk, lat, lng, zone_id in rows:
        if zone_id is not None:
            by_zone.setdefault(zone_id, []).append((pk, float(lat), float(lng)))
    zones = []
    for zone_id, area in Zone.objects.filter(pk__in=by_zone, area__isnull=False).order_by("id").values_list("id", "area"):
        try:
            geometry = shape(area.get("geometry", area) if isinstance(area, dict) else area)
        except Exception:  # a malformed stored area must not stop routing
            log.warning("Zone %s has an unreadable area; routing ignores it.", zone_id)
            continue
        zones.append(_Zone(shape=prep(geometry), points=by_zone[zone_id]))
    now = time.monotonic()
    return RoutingTable(version=version, built_at=now, checked_at=now, index=index, zones=zones, points=points)


def _shared_version() -> str | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY)
        return version
    except Exception:  # the cache is down: keep the local copy until it is too old
        log.warning("Routing cannot read its version from the cache.", exc_info=True)
        return None


def routing_table() -> RoutingTable:
    """This process's routing table, rebuilt (two queries) when the shared version moved on or it
    is older than ROUTING_MAX_AGE_SECONDS. The shared version is read at most once per
    ROUTING_VERSION_CHECK_SECONDS."""
    global _table
    table = _table
    now = time.monotonic()
    fresh = table is not None and now - table.built_at < settings.ROUTING_MAX_AGE_SECONDS
    if fresh and now - table.checked_at < settings.ROUTING_VERSION_CHECK_SECONDS:
        return table
    version = _shared_version()
    if fresh and (version is None or table.version == version):
        table.checked_at = now
        return table
    with _lock:
        table = _build(version)
        _table = table
    return table


def routing_invalidate() -> None:
    """Points or zones changed: every process rebuilds its table before routing again."""
    global _table
    _table = None
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        log.warning("Routing could not announce a change through the cache; other processes catch up within %ss.",
                    settings.ROUTING_MAX_AGE_SECONDS, exc_info=True)


@receiver([post_save, post_delete], sender=LiaisonPoint, dispatch_uid="routing_point_changed")
@receiver([post_save, post_delete], sender=Zone, dispatch_uid="routing_zone_changed")
def _invalidate_on_change(sender, **kwargs):
    routing_invalidate()


def routing_version() -> str | None:
    """The shared version token of the points and zones (None with the cache down): it changes
    whenever a point or a zone is saved or deleted. The GeoJSON API's ETag is built on it."""
    return _shared_version()
