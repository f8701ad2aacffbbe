"""Checkpoints in the API: the planned checkpoints of a patrol's detail, the input of the
`explain-miss` action, and /api/v1/checkpoints/ (officers) with the guards' `scan`."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsOfficer
from config.api_fields import IdField
from liaison_points.api import CoordinateField, ProtectedDestroyMixin
from patrol.api.common import IsGuard, PositionSerializer, guard_in_scope, page_path, serializer_scope
from patrol.filters import CheckpointFilter
from patrol.models import Checkpoint, Patrol, PatrolCheckpoint
from patrol.selectors import checkpoint_list
from patrol.services import checkpoint_radius, checkpoint_save, checkpoint_signed_code, checkpoint_visit
from patrol.services.rules import visit_message


class PlannedCheckpointSerializer(serializers.ModelSerializer):
    checkpoint = serializers.IntegerField(source="checkpoint_id")
    name = serializers.CharField(source="checkpoint.name")
    checkpoint_latitude = serializers.DecimalField(source="checkpoint.latitude", max_digits=9, decimal_places=6)
    checkpoint_longitude = serializers.DecimalField(source="checkpoint.longitude", max_digits=9, decimal_places=6)
    visited = serializers.SerializerMethodField()
    missed = serializers.SerializerMethodField(help_text=_("Not visited by a patrol that is over."))
    visited_by = serializers.SerializerMethodField()
    visited_by_name = serializers.SerializerMethodField()

    class Meta:
        model = PatrolCheckpoint
        fields = [
            "checkpoint", "name", "checkpoint_latitude", "checkpoint_longitude", "visited", "visited_at",
            "visited_by", "visited_by_name", "latitude", "longitude", "accuracy", "distance", "position_state",
            "missed", "missed_reason",
        ]
        read_only_fields = fields

    def get_visited(self, row) -> bool:
        """Visited from within the checkpoint's radius (a flagged scan is shown with its distance, not counted)."""
        return row.counts

    def get_missed(self, row) -> bool:
        return not row.counts and self.context.get("patrol_status") == Patrol.Status.DONE

    # Who scanned is attendance: a manager sees it for their own guards only.
    def get_visited_by(self, row) -> int | None:
        return row.visited_by_id if guard_in_scope(serializer_scope(self), row.visited_by) else None

    def get_visited_by_name(self, row) -> str | None:
        return row.visited_by.name if guard_in_scope(serializer_scope(self), row.visited_by) else None


class ExplainMissSerializer(serializers.Serializer):
    checkpoint = IdField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CheckpointSerializer(serializers.ModelSerializer):
    latitude = CoordinateField(axis="latitude")
    longitude = CoordinateField(axis="longitude")
    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True)
    qr_url = serializers.SerializerMethodField(help_text=_("The signed link the printed QR code carries."))
    qr_svg_url = serializers.SerializerMethodField(help_text=_("The printable QR code (SVG)."))

    class Meta:
        model = Checkpoint
        fields = ["id", "name", "liaison_point", "liaison_point_name", "latitude", "longitude", "radius", "active", "qr_url", "qr_svg_url"]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_qr_url(self, checkpoint) -> str:
        code = checkpoint_signed_code(checkpoint)
        return self._absolute(page_path("patrol:scan", [code], f"patrols/scan/{code}/"))

    def get_qr_svg_url(self, checkpoint) -> str:
        return self._absolute(page_path("patrol:checkpoint-qr-svg", [checkpoint.pk], f"patrols/checkpoints/{checkpoint.pk}/qr.svg"))


class ScanInputSerializer(PositionSerializer):
    code = serializers.CharField(help_text=_("The signed code from the checkpoint's QR link."))
    patrol = IdField(
        required=False, allow_null=True, default=None,
        help_text=_("The patrol the scan is meant for; refused (409) when it is not the guard's patrol under way."),
    )


class ScanResultSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="checkpoint.name")
    visited_by_name = serializers.CharField(source="visited_by.name", allow_null=True)
    liaison_point_name = serializers.CharField(source="patrol.liaison_point.name")
    patrol_planned_start = serializers.DateTimeField(source="patrol.planned_start")
    patrol_planned_end = serializers.DateTimeField(source="patrol.planned_end")
    counts = serializers.BooleanField(help_text=_("Visited from within the checkpoint's radius; a flagged or position-less scan does not count."))
    message = serializers.SerializerMethodField(help_text=_("What the guard reads: the patrol and checkpoint, and any flag."))

    class Meta:
        model = PatrolCheckpoint
        fields = [
            "patrol", "liaison_point_name", "patrol_planned_start", "patrol_planned_end", "checkpoint", "name",
            "visited_at", "visited_by", "visited_by_name", "latitude", "longitude", "accuracy", "distance",
            "position_state", "counts", "message",
        ]
        read_only_fields = fields

    def get_message(self, visit) -> str:
        return visit_message(visit, checkpoint_radius(visit.checkpoint))


class CheckpointViewSet(ProtectedDestroyMixin, viewsets.ModelViewSet):
    """Checkpoints on the liaison points' beats (officers). A checkpoint that patrols have planned
    cannot be deleted: set `active` to false. Guards record visits with `scan`."""

    serializer_class = CheckpointSerializer
    permission_classes = [IsOfficer]
    filterset_class = CheckpointFilter
    search_fields = ["name", "liaison_point__code", "liaison_point__name"]
    ordering_fields = ["name", "liaison_point__code"]
    ordering = ["liaison_point__code", "name"]
    protected_message = _("Patrols have planned this checkpoint; make it inactive instead.")

    def get_queryset(self):
        return checkpoint_list()

    def perform_create(self, serializer):
        serializer.instance = checkpoint_save(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = checkpoint_save(checkpoint=serializer.instance, **serializer.validated_data)

    @extend_schema(summary="Record a checkpoint visit from its scanned QR code (guards on a patrol under way)",
                   request=ScanInputSerializer, responses={200: ScanResultSerializer})
    @action(detail=False, methods=["post"], permission_classes=[IsGuard], filter_backends=[])
    def scan(self, request):
        serializer = ScanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        visit = checkpoint_visit(
            guard=request.user.guard_profile, code=data["code"], latitude=data["latitude"], longitude=data["longitude"],
            accuracy=data["accuracy"], patrol_id=data["patrol"],
        )
        return Response(ScanResultSerializer(visit).data)
