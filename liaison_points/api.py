"""REST API for townships, zones, police stations, officers and liaison points (/api/v1/).

Everyone signed in reads the map of the county; only officers change it. Liaison points are saved
through liaison_point_save, so guards re-attach when a point opens, closes or moves; points are
closed (active=false), never deleted."""
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsOfficer, IsOfficerOrReadOnly
from config.exceptions import DomainError
from liaison_points.filters import LiaisonPointFilter, StationFilter
from liaison_points.geo import latitude_validators, longitude_validators, parse_geojson_geometry
from liaison_points.models import LiaisonPoint, Officer, PoliceStation, Township, Zone
from liaison_points.selectors import liaison_point_list, officer_list, station_list, township_list, zone_list
from liaison_points.services import liaison_point_save

_MICRODEGREE = Decimal("0.000001")


class CoordinateField(serializers.DecimalField):
    """Latitude or longitude in degrees. Phones and map clicks send more digits than the 6 we keep
    (about 0.1 m), so extra digits are rounded rather than refused; the range is checked first so
    95 or 1e100 get "must be between -90 and 90", not a message about digits."""

    def __init__(self, *, axis: str, **kwargs):
        validators = latitude_validators if axis == "latitude" else longitude_validators
        super().__init__(max_digits=None, decimal_places=6, validators=list(validators), **kwargs)

    def validate_precision(self, value):
        self.run_validators(value)
        return value.quantize(_MICRODEGREE, rounding=ROUND_HALF_UP)


class ProtectedDestroyMixin:
    """DELETE of a row that others still point at is a 409 with a reason, not a 500."""

    protected_message = _("This record is still in use and cannot be deleted.")

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError:
            raise DomainError(str(self.protected_message), conflict=True) from None


# --- townships, zones, stations, officers -------------------------------------------------------


class TownshipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Township
        fields = ["id", "code", "name"]


class TownshipViewSet(ProtectedDestroyMixin, viewsets.ModelViewSet):
    serializer_class = TownshipSerializer
    permission_classes = [IsOfficerOrReadOnly]
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    protected_message = _("This township still has police stations or liaison points.")

    def get_queryset(self):
        return township_list()

    @extend_schema(
        summary="Township and zone outlines as a GeoJSON FeatureCollection (maps without tiles)",
        description=(
            "A township's outline is drawn around its active liaison points; a zone's is its area, else drawn "
            "around its points. Each feature has properties kind ('township' or 'zone'), id, name and label "
            "([lat, lng] inside the outline). Sent with an ETag: a request with If-None-Match gets 304."
        ),
        responses={200: OpenApiTypes.OBJECT, 304: None},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def outlines(self, request):
        from liaison_points.outlines import outlines

        sent = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",") if tag.strip()]
        if sent:
            etag, _body = outlines(build=False)
            if etag and (etag in sent or "*" in sent):
                return Response(status=304, headers={"ETag": etag, "Cache-Control": "private, no-cache"})
        etag, body = outlines()
        return Response(body, headers={"ETag": etag, "Cache-Control": "private, no-cache"})


class ZoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Zone
        fields = ["id", "name", "description", "area"]

    def validate_area(self, value):
        try:
            area, _geometry = parse_geojson_geometry(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return area


class ZoneViewSet(ProtectedDestroyMixin, viewsets.ModelViewSet):
    serializer_class = ZoneSerializer
    permission_classes = [IsOfficerOrReadOnly]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return zone_list()


class StationSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = PoliceStation
        fields = ["id", "name", "township", "township_name", "address", "phone"]


class StationViewSet(ProtectedDestroyMixin, viewsets.ModelViewSet):
    serializer_class = StationSerializer
    permission_classes = [IsOfficerOrReadOnly]
    filterset_class = StationFilter
    search_fields = ["name", "address"]
    ordering_fields = ["name"]
    protected_message = _("This police station still has liaison points.")

    def get_queryset(self):
        return station_list()


class OfficerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.__str__", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True, allow_null=True)

    class Meta:
        model = Officer
        fields = ["id", "user", "name", "username", "station", "station_name", "badge_number", "phone"]


class OfficerViewSet(viewsets.ReadOnlyModelViewSet):
    """Officers of the bureau, for officers only (their phones are not for companies or guards)."""

    serializer_class = OfficerSerializer
    permission_classes = [IsOfficer]
    search_fields = ["user__name", "user__username", "badge_number"]
    ordering_fields = ["user__name", "badge_number"]

    def get_queryset(self):
        return officer_list()


# --- liaison points ---------------------------------------------------------------------------


class LiaisonPointSerializer(serializers.ModelSerializer):
    latitude = CoordinateField(axis="latitude")
    longitude = CoordinateField(axis="longitude")
    township_name = serializers.CharField(source="township.name", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True, allow_null=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    responsible_officer_name = serializers.SerializerMethodField()
    guard_count = serializers.IntegerField(read_only=True, help_text=_("Active guards attached to this point."))

    class Meta:
        model = LiaisonPoint
        fields = [
            "id", "code", "name", "kind", "township", "township_name", "zone", "zone_name", "station", "station_name",
            "responsible_officer", "responsible_officer_name", "address", "latitude", "longitude", "opened_on",
            "active", "inbox_emails", "guard_count",
        ]

    def get_responsible_officer_name(self, point) -> str | None:
        officer = point.responsible_officer
        return str(officer.user) if officer else None


def _point_url_pattern() -> str:
    """The page of a point, `/points/<id>/` under the site's prefix, as a pattern to fill per row."""
    try:
        return reverse("liaison_points:point-detail", args=[0]).removesuffix("0/") + "{pk}/"
    except NoReverseMatch:  # pages not mounted (an API-only deployment)
        return "/points/{pk}/"


def _point_feature(point: LiaisonPoint, url_pattern: str) -> dict:
    officer = point.responsible_officer
    return {
        "type": "Feature",
        "id": point.pk,
        "geometry": {"type": "Point", "coordinates": [float(point.longitude), float(point.latitude)]},
        "properties": {
            "id": point.pk,
            "code": point.code,
            "name": point.name,
            "kind": point.kind,
            "kind_label": str(point.get_kind_display()),
            "township": point.township.name,
            "officer_name": str(officer.user) if officer else None,
            "officer_phone": (officer.phone or None) if officer else None,
            "guard_count": point.guard_count,
            "active": point.active,
            "url": url_pattern.format(pk=point.pk),
        },
    }


class LiaisonPointViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Liaison points with their coverage (`guard_count`). There is no DELETE: a point is closed by
    setting `active` to false, which hands its guards to the nearest open point."""

    serializer_class = LiaisonPointSerializer
    permission_classes = [IsOfficerOrReadOnly]
    filterset_class = LiaisonPointFilter
    search_fields = ["code", "name", "address"]
    ordering_fields = ["code", "name", "kind", "guard_count", "township__code", "opened_on"]
    ordering = ["code"]

    def get_queryset(self):
        return liaison_point_list()

    def perform_create(self, serializer):
        point = liaison_point_save(point=LiaisonPoint(**serializer.validated_data))
        serializer.instance = self.get_queryset().get(pk=point.pk)

    def perform_update(self, serializer):
        point = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(point, name, value)
        liaison_point_save(point=point)
        serializer.instance = self.get_queryset().get(pk=point.pk)

    @extend_schema(
        summary="Liaison points as a GeoJSON FeatureCollection (for the map)",
        description="Same filters, search and ordering as the list; not paginated. Coordinates are [lng, lat].",
        responses={200: OpenApiTypes.OBJECT},
        filters=True,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request):
        etag = _geojson_etag(request)
        if etag and etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            response = Response(status=304)
        else:
            points = self.filter_queryset(self.get_queryset())
            url_pattern = _point_url_pattern()
            response = Response({"type": "FeatureCollection", "features": [_point_feature(p, url_pattern) for p in points]})
        if etag:
            response["ETag"] = etag
            response["Cache-Control"] = "private, no-cache"  # the browser keeps it and asks again (If-None-Match)
        return response


def _geojson_etag(request) -> str | None:
    """The GeoJSON's version: the map version (liaison_points.versioning: replaced whenever a point,
    its township, its officer or a guard changes), the routing token (bulk loads replace it), the
    query and the language. None with the cache down (no conditional GET then). No query."""
    import hashlib

    from django.utils.translation import get_language

    from liaison_points.routing import routing_version
    from liaison_points.versioning import map_version

    version, map_ = routing_version(), map_version()
    if version is None or map_ is None:
        return None
    key = f"{version}|{map_}|{request.get_full_path()}|{get_language()}"
    return '"' + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest() + '"'

