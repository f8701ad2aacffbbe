"""Query-string filters for the liaison points API. Foreign keys filter by id as plain numbers, so a
filter never costs a query of its own."""
import django_filters
from django import forms

from liaison_points.models import LiaisonPoint, PoliceStation

_MAX_ID = 2**63 - 1  # the widest id column; anything larger would overflow the database driver


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number in the id range, else a 400 on that parameter (never a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", _MAX_ID)
        super().__init__(*args, **kwargs)


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
