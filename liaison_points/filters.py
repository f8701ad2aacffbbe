"""Query-string filters for the liaison points API. Foreign keys filter by id as plain numbers, so a
filter never costs a query of its own."""
import django_filters

from liaison_points.models import LiaisonPoint, PoliceStation


class LiaisonPointFilter(django_filters.FilterSet):
    township = django_filters.NumberFilter(field_name="township_id")
    zone = django_filters.NumberFilter(field_name="zone_id")
    station = django_filters.NumberFilter(field_name="station_id")
    kind = django_filters.ChoiceFilter(choices=LiaisonPoint.Kind.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = LiaisonPoint
        fields = ["township", "zone", "station", "kind", "active"]


class StationFilter(django_filters.FilterSet):
    township = django_filters.NumberFilter(field_name="township_id")

    class Meta:
        model = PoliceStation
        fields = ["township"]
