"""Map endpoints: disputes and tips as GeoJSON, and open disputes near a place (duplicate suggestions)."""
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api_fields import IdField
from disputes.api._shared import feature_collection, point_feature, url_or_none
from disputes.selectors import dispute_possible_duplicates
from liaison_points.api import CoordinateField

MAX_FEATURES = 5000


class _NearbySerializer(serializers.Serializer):
    latitude = CoordinateField(axis="latitude")
    longitude = CoordinateField(axis="longitude")
    exclude = IdField(required=False)


class _NearbyDisputeSerializer(serializers.Serializer):
    """One open dispute near the place (what `nearby` answers, a list of these)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    place = serializers.CharField()
    reported_at = serializers.DateTimeField()
    distance_m = serializers.IntegerField()
    url = serializers.CharField(allow_null=True)


class DisputeMapActions:
    """`nearby` and `geojson` of the disputes viewset."""

    @extend_schema(
        summary="Open disputes near a place and time (duplicate suggestions)",
        parameters=[OpenApiParameter(n, OpenApiTypes.NUMBER, required=n != "exclude") for n in ("latitude", "longitude", "exclude")],
        responses={200: _NearbyDisputeSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def nearby(self, request):
        params = _NearbySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        found = dispute_possible_duplicates(latitude=data["latitude"], longitude=data["longitude"], exclude_id=data.get("exclude"))
        return Response([
            {"id": d.pk, "title": d.title, "category": d.category, "status": d.status, "place": d.place,
             "reported_at": d.reported_at, "distance_m": d.distance_m, "url": url_or_none("disputes:dispute-detail", d.pk)}
            for d in found
        ])

    @extend_schema(summary="Disputes as a GeoJSON FeatureCollection (for the map)", responses={200: OpenApiTypes.OBJECT}, filters=True)
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request):
        now = timezone.now()
        rows = self.filter_queryset(self.get_queryset()).filter(latitude__isnull=False)[:MAX_FEATURES]
        return feature_collection(
            point_feature(d.pk, d.latitude, d.longitude, {
                "id": d.pk, "kind": "dispute", "name": f"#{d.pk} {d.title}", "category": d.category,
                "category_label": str(d.get_category_display()), "status": d.status,
                "status_label": str(d.get_status_display()), "overdue": d.overdue_kind(now),
                "url": url_or_none("disputes:dispute-detail", d.pk),
            })
            for d in rows
        )


class TipMapActions:
    """`geojson` of the tips viewset: tips with a position only."""

    @extend_schema(summary="Tips as a GeoJSON FeatureCollection (for the map)", responses={200: OpenApiTypes.OBJECT}, filters=True)
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request):
        rows = self.filter_queryset(self.get_queryset()).filter(latitude__isnull=False)[:MAX_FEATURES]
        return feature_collection(
            point_feature(t.pk, t.latitude, t.longitude, {
                "id": t.pk, "kind": "tip", "name": f"#{t.pk} {t.get_kind_display()}", "tip_kind": t.kind,
                "status": t.status, "status_label": str(t.get_status_display()), "url": url_or_none("disputes:tip-detail", t.pk),
            })
            for t in rows
        )
