"""Query-string filters for the liaison points API. Foreign keys filter by id as plain numbers, so a
filter never costs a query of its own."""
import django_filters

from config.api_fields import IdFilter  # noqa: F401 - other apps' filters import it from here
from liaison_points.models import LiaisonPoint, PoliceStation


class LiaisonPointFilter(django_filters.FilterSet):
    township = IdFilter(field_name="township_id")
    zone = IdFilter(field_name="zone_id")
    station = IdFilter(field_name="station_id")
    kind = django_filters.ChoiceFilter(choices=LiaisonPoint.Kind.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = LiaisonPoint
        fields = ["township", "zone", "station", "kind", "active"]


class StationFilter(django_filters.FilterSet):
    township = IdFilter(field_name="township_id")

    class Meta:
        model = PoliceStation
        fields = ["township"]
