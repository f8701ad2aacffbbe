"""Roll-call in the API: the team rows of a patrol's detail, the input of the officer's `mark`
action, and the read-only list of check-ins (/api/v1/check-ins/)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from patrol.filters import CheckInFilter
from patrol.models import CheckIn
from patrol.selectors import checkin_list_visible_to


class RollCallCheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = ["id", "status", "at", "latitude", "longitude", "source"]
        read_only_fields = fields


class RollCallRowSerializer(serializers.Serializer):
    """One team member with their check-in (null until they check in or are marked)."""

    guard = serializers.IntegerField(source="guard.pk")
    guard_name = serializers.CharField(source="guard.name")
    company = serializers.IntegerField(source="guard.company_id")
    company_name = serializers.CharField(source="guard.company.name")
    role = serializers.CharField(source="member.role")
    check_in = RollCallCheckInSerializer(allow_null=True)


class MarkSerializer(serializers.Serializer):
    guard = serializers.IntegerField(min_value=1)
    status = serializers.CharField(help_text=_("present, late or absent"))


class CheckInSerializer(serializers.ModelSerializer):
    guard_name = serializers.CharField(source="guard.name", read_only=True)
    company = serializers.IntegerField(source="guard.company_id", read_only=True)
    company_name = serializers.CharField(source="guard.company.name", read_only=True)
    liaison_point = serializers.IntegerField(source="patrol.liaison_point_id", read_only=True)
    liaison_point_name = serializers.CharField(source="patrol.liaison_point.name", read_only=True)
    patrol_planned_start = serializers.DateTimeField(source="patrol.planned_start", read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id", "patrol", "patrol_planned_start", "liaison_point", "liaison_point_name", "guard", "guard_name",
            "company", "company_name", "at", "status", "source", "latitude", "longitude", "marked_by",
        ]
        read_only_fields = fields


class CheckInViewSet(viewsets.ReadOnlyModelViewSet):
    """Roll-call rows, read-only: guards check in and officers mark through the patrol's actions."""

    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    search_fields = ["guard__name"]
    ordering_fields = ["at", "status", "guard__name"]
    ordering = ["-at", "-id"]

    def get_queryset(self):
        return checkin_list_visible_to(user=self.request.user)
