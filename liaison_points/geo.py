"""Positions without GeoDjango: latitude/longitude decimals, GeoJSON areas checked with shapely,
and nearest-point search over a small planar projection (accurate to well under 1% at county and
province scale, which is all that choosing the nearest point needs)."""
import json
import math
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

EARTH_RADIUS_M = 6_371_000

latitude_validators = [
    MinValueValidator(Decimal("-90"), message=_("Latitude must be between -90 and 90.")),
    MaxValueValidator(Decimal("90"), message=_("Latitude must be between -90 and 90.")),
]
longitude_validators = [
    MinValueValidator(Decimal("-180"), message=_("Longitude must be between -180 and 180.")),
    MaxValueValidator(Decimal("180"), message=_("Longitude must be between -180 and 180.")),
]


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


class NearestIndex:
    """Nearest of a fixed set of points, for one or many queries.

    Built once from (key, lat, lng) rows; queries run through shapely's STRtree, so attaching
    50,000 guards to 2,000 points is a single vectorised call."""

    def __init__(self, rows: Sequence[tuple[int, float, float]]):
        import numpy as np
        from shapely import STRtree, points

        self.keys = [row[0] for row in rows]
        if not rows:
            self._tree = None
            return
        self._lat0 = math.radians(sum(float(r[1]) for r in rows) / len(rows))
        self._coords = np.array([self._project(float(r[1]), float(r[2])) for r in rows])
        self._tree = STRtree(points(self._coords))

    def _project(self, lat: float, lng: float) -> tuple[float, float]:
        return (math.radians(lng) * math.cos(self._lat0), math.radians(lat))

    def nearest(self, lat: float, lng: float) -> int | None:
        result = self.nearest_many([(lat, lng)])
        return result[0]

    def nearest_many(self, positions: Sequence[tuple[float, float]]) -> list[int | None]:
        if self._tree is None or not positions:
            return [None] * len(positions)
        import numpy as np
        from shapely import points

        queries = points(np.array([self._project(float(lat), float(lng)) for lat, lng in positions]))
        # query_nearest returns (input index, tree index) pairs; ties return several: keep the first.
        idx = self._tree.query_nearest(queries, all_matches=False)
        found: list[int | None] = [None] * len(positions)
        for qi, ti in zip(idx[0].tolist(), idx[1].tolist()):
            if found[qi] is None:
                found[qi] = self.keys[ti]
        return found


def parse_geojson_geometry(value, *, allowed: Sequence[str] = ("Polygon", "MultiPolygon")):
    """Validate a GeoJSON geometry (dict or JSON text) and return (dict, shapely geometry).

    Raises ValidationError with a message a desk officer can act on."""
    from shapely.geometry import shape

    if value in (None, "", {}):
        return None, None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            raise ValidationError(_("This is not valid GeoJSON (it could not be read as JSON).")) from None
    if not isinstance(value, dict) or "type" not in value:
        raise ValidationError(_("GeoJSON must be an object with a 'type'."))
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    if value.get("type") not in allowed:
        raise ValidationError(
            _("Geometry type must be one of %(allowed)s, not %(got)s."),
            params={"allowed": ", ".join(allowed), "got": value.get("type")},
        )
    try:
        geom = shape(value)
    except Exception:  # shapely raises several types for malformed coordinates
        raise ValidationError(_("The GeoJSON coordinates are malformed.")) from None
    if geom.is_empty or not geom.is_valid:
        raise ValidationError(_("The shape is empty or crosses itself."))
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValidationError(_("Coordinates must be longitude, latitude within the valid ranges."))
    # Only the geometry is kept: members beside type and coordinates (a "\u0000" key, a megabyte of
    # properties) never reach the JSON column, where PostgreSQL refuses NUL characters.
    return {"type": value["type"], "coordinates": value["coordinates"]}, geom
