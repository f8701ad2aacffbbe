"""Venue inspections in the API (/api/v1/inspections/): police data, officers only."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from accounts.permissions import IsOfficer
from config.api_fields import MAX_ID
from patrol.filters import InspectionFilter
from patrol.models import VenueInspection
from patrol.selectors import inspection_list
from patrol.services import inspection_save


# Its schema differs by direction (ids in, {id, name} out): config/schema.py, InspectorsFieldSchema.
class InspectorsField(serializers.Field):
    """In: a list of officer ids. Out: [{id, name}] (from the prefetched officers)."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError(_("Give a list of officer ids."))
        try:
            ids = [int(i) for i in data if not isinstance(i, bool)]
            if len(ids) != len(data) or not all(1 <= i <= MAX_ID for i in ids):
                raise ValueError
            return ids
        except (TypeError, ValueError, OverflowError):
            raise serializers.ValidationError(_("Officer ids are numbers.")) from None

    def to_representation(self, manager):
        return [{"id": o.pk, "name": str(o.user)} for o in manager.all()]


class InspectionSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    inspectors = InspectorsField(required=False, help_text=_("Officer ids; shown as [{id, name}]."))
    rectified = serializers.SerializerMethodField()

    class Meta:
        model = VenueInspection
        fields = [
            "id", "venue", "trade", "township", "township_name", "liaison_point", "liaison_point_name", "address",
            "unit", "unit_name", "inspected_on", "inspectors", "violation_found", "violation_kind", "rectification_due", "rectified_on",
            "rectified", "notes", "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_rectified(self, inspection) -> bool:
        return inspection.rectified_on is not None


class InspectionViewSet(viewsets.ModelViewSet):
    """Venue inspections by the police joint group: officers only (police data). Writes go through
    inspection_save, so the violation/rectification rules and history apply."""

    serializer_class = InspectionSerializer
    permission_classes = [IsOfficer]
    filterset_class = InspectionFilter
    search_fields = ["venue", "address"]
    ordering_fields = ["inspected_on", "venue", "trade"]
    ordering = ["-inspected_on", "-id"]

    def get_queryset(self):
        return inspection_list()

    def _save(self, serializer, inspection=None):
        fields = dict(serializer.validated_data)
        inspectors = fields.pop("inspectors", None)
        saved = inspection_save(inspection=inspection, inspector_ids=inspectors, by=self.request.user, **fields)
        serializer.instance = self.get_queryset().get(pk=saved.pk)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)
