"""The map and the week in the API: `patrols/geojson/` (a week's patrols as GeoJSON) and
`patrols/coverage/` (done and planned patrols per liaison point against the weekly minimum)."""
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsOfficer
from config.dates import iso_week_label
from patrol.api.common import datetime_field, page_url_pattern, week_param
from patrol.filters import PatrolFilter
from patrol.models import Patrol
from patrol.selectors import patrol_week_coverage
from patrol.services.rules import night_hours_label

_WEEK_PARAM = OpenApiParameter("week", str, description="ISO week, e.g. 2026-W47 (default: this week)")

_FEATURE_FIELDS = (
    "pk", "area", "status", "kind", "planned_start", "planned_end", "member_count", "present_count",
    "liaison_point_id", "liaison_point__name", "liaison_point__latitude", "liaison_point__longitude",
)


class CoverageRowSerializer(serializers.Serializer):
    """The schema of one point's row; the rows themselves are built as plain dicts (`_coverage_rows`):
    a province week has 2,000 points, and a serializer per row cost more than the query."""
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    township = serializers.CharField()
    done = serializers.IntegerField(help_text="Night patrols done: these count toward the weekly minimum.")
    day_done = serializers.IntegerField(help_text="Day patrols done, counted apart.")
    missed = serializers.IntegerField(help_text="Patrols never started.")
    planned = serializers.IntegerField()
    below_minimum = serializers.BooleanField()


class CoverageSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="ISO week, e.g. 2026-W47.")
    monday = serializers.DateField()
    minimum = serializers.IntegerField(help_text="Night patrols done a week that every active point needs.")
    night_hours = serializers.CharField()
    points = CoverageRowSerializer(many=True, help_text="Every active liaison point, by code.")
    below_minimum = CoverageRowSerializer(many=True, help_text="The points of `points` below the minimum.")


def _coverage_rows(monday, minimum: int) -> list[dict]:
    return [
        {"id": row.point_id, "code": row.code, "name": row.name, "township": row.township, "done": row.done,
         "day_done": row.day_done, "missed": row.missed, "planned": row.planned, "below_minimum": row.done < minimum}
        for row in patrol_week_coverage(monday=monday)
    ]


def _patrol_features(patrols, url_pattern: str) -> list[dict]:
    """Map features from plain rows: a province week has thousands of patrols, so no model objects
    and the status labels translated once, not per feature."""
    labels = {value: str(label) for value, label in Patrol.Status.choices}
    to_text = datetime_field.to_representation
    features = []
    for row in patrols.values(*_FEATURE_FIELDS):
        geometry = row["area"] or {
            "type": "Point", "coordinates": [float(row["liaison_point__longitude"]), float(row["liaison_point__latitude"])],
        }
        features.append({
            "type": "Feature",
            "id": row["pk"],
            "geometry": geometry,
            "properties": {
                "id": row["pk"],
                "liaison_point": row["liaison_point_id"],
                "point_name": row["liaison_point__name"],
                "status": row["status"],
                "status_label": labels.get(row["status"], row["status"]),
                "kind": row["kind"],
                "planned_start": to_text(row["planned_start"]),
                "planned_end": to_text(row["planned_end"]),
                "team_size": row["member_count"],
                "present_count": row["present_count"],
                "url": url_pattern.format(pk=row["pk"]),
            },
        })
    return features


class PatrolMapActions:
    """The map and week actions of PatrolViewSet (which provides the scoped queryset and filters)."""

    @extend_schema(
        summary="A week's patrols as a GeoJSON FeatureCollection (for the map)",
        description="The patrol's area when drawn, else its liaison point as a Point; coordinates are [lng, lat]. "
        "Same filters as the list; without `week`, `date_after` or `date_before` it is this week. Not paginated.",
        responses={200: OpenApiTypes.OBJECT},
        filters=True,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request):
        patrols = self.filter_queryset(self.get_queryset())
        if not {"week", "date_after", "date_before"} & set(request.query_params):
            monday = week_param(request)
            patrols = PatrolFilter.base_filters["week"].filter(patrols, monday)
        url_pattern = page_url_pattern("patrol:detail", "patrols/{pk}/")
        return Response({"type": "FeatureCollection", "features": _patrol_features(patrols, url_pattern)})

    @extend_schema(
        summary="Done and planned patrols per active liaison point in a week, and the points below the minimum",
        parameters=[_WEEK_PARAM],
        responses={200: CoverageSerializer},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[], permission_classes=[IsOfficer])
    def coverage(self, request):
        monday = week_param(request)
        minimum = settings.PATROLS_PER_WEEK_MIN
        rows = _coverage_rows(monday, minimum)
        return Response({
            "week": iso_week_label(monday),
            "monday": monday.isoformat(),
            "minimum": minimum,
            "night_hours": night_hours_label(),
            "points": rows,
            "below_minimum": [row for row in rows if row["below_minimum"]],
        })
