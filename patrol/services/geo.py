"""Shape checks on the places a patrol service is given: a drawn grid cell or route (GeoJSON) and a
phone's position. Both report in the field-error form the services raise."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liaison_points.geo import parse_geojson_geometry

AREA_TYPES = ("Polygon", "MultiPolygon", "LineString", "MultiLineString")


def clean_area(area, errors: dict) -> dict | None:
    """The area as stored, or None with the reason put under `errors["area"]`."""
    try:
        value, _geom = parse_geojson_geometry(area, allowed=AREA_TYPES)
        return value
    except ValidationError as exc:
        errors["area"] = exc.messages
        return None


def _coordinate(value, bound: int) -> float | None:
    """`value` as a number within ±`bound`, else None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -bound <= number <= bound else None


def clean_position(latitude, longitude) -> tuple:
    """(lat, lng) rounded to six places, (None, None) when the phone sent none; ValidationError
    with field errors when half a position or an out-of-range number was sent."""
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": [_("Send both latitude and longitude, or neither.")]})
    if latitude is None:
        return None, None
    lat, lng = _coordinate(latitude, 90), _coordinate(longitude, 180)
    errors = {}
    if lat is None:
        errors["latitude"] = [_("Latitude must be a number between -90 and 90.")]
    if lng is None:
        errors["longitude"] = [_("Longitude must be a number between -180 and 180.")]
    if errors:
        raise ValidationError(errors)
    return round(lat, 6), round(lng, 6)
