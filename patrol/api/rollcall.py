"""Roll-call in the API: the team rows of a patrol's detail, the input of the officer's `mark`
action, and the read-only list of check-ins (/api/v1/check-ins/)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from accounts.audit import AuditedListMixin, AuditEvent, audit_record
from accounts.scoping import scope_for
from config.api_fields import IdField
from config.serializer_cache import CachedFieldsMixin
from patrol.filters import CheckInFilter
from patrol.models import CheckIn, RollCallEvent
from patrol.selectors import checkin_list_visible_to
from patrol.services.rules import checkin_message


class RollCallCheckInSerializer(CachedFieldsMixin, serializers.ModelSerializer):
    flagged = serializers.BooleanField(read_only=True, help_text=_("A phone check-in far from the patrol or too inaccurate, not confirmed by an officer."))

    class Meta:
        model = CheckIn
        fields = ["id", "status", "at", "latitude", "longitude", "accuracy", "distance", "position_state", "flagged", "source"]
        read_only_fields = fields


class CheckInResultSerializer(RollCallCheckInSerializer):
    """The guard's own check-in, with what the phone shows (the patrol named, any flag)."""

    message = serializers.SerializerMethodField()

    class Meta(RollCallCheckInSerializer.Meta):
        fields = [*RollCallCheckInSerializer.Meta.fields, "message"]
        read_only_fields = fields

    def get_message(self, check_in) -> str:
        return checkin_message(check_in)


class RollCallEventSerializer(serializers.ModelSerializer):
    """A manual mark or an override of the roll-call: who, when, why."""

    guard_name = serializers.CharField(source="guard.name", read_only=True)
    by_name = serializers.SerializerMethodField()

    class Meta:
        model = RollCallEvent
        fields = ["id", "guard", "guard_name", "kind", "from_status", "to_status", "reason", "by", "by_name", "at"]
        read_only_fields = fields

    def get_by_name(self, event) -> str | None:
        return str(event.by) if event.by_id else None


class RollCallRowSerializer(serializers.Serializer):
    """One team member with their check-in (null until they check in or are marked)."""

    guard = serializers.IntegerField(source="guard.pk")
    guard_name = serializers.CharField(source="guard.name")
    company = serializers.IntegerField(source="guard.company_id")
    company_name = serializers.CharField(source="guard.company.name")
    role = serializers.CharField(source="member.role")
    check_in = RollCallCheckInSerializer(allow_null=True)


class MarkSerializer(serializers.Serializer):
    guard = IdField()
    status = serializers.CharField(help_text=_("present, late or absent"))
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200,
        help_text=_("Why; required to change an existing record (the guard's own check-in, an automatic absence, an earlier mark)."),
    )


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
            "company", "company_name", "at", "status", "source", "latitude", "longitude", "accuracy", "distance",
            "position_state", "marked_by",
        ]
        read_only_fields = fields


class CheckInViewSet(AuditedListMixin, viewsets.ReadOnlyModelViewSet):
    """Roll-call rows, read-only: guards check in and officers mark through the patrol's actions.
    The rows carry where each guard was (the phone's position): an officer's or a manager's read of
    them writes one audit line per list page or row; a guard reading their own writes none."""

    serializer_class = CheckInSerializer
    audited_model = CheckIn
    audited_field = "position"
    filterset_class = CheckInFilter
    search_fields = ["guard__name"]
    ordering_fields = ["at", "status", "guard__name"]
    ordering = ["-at", "-id"]

    def get_queryset(self):
        return checkin_list_visible_to(user=self.request.user)

    def audits_list_read(self) -> bool:
        return not scope_for(self.request.user).is_guard  # other people's positions are in the answer

    def retrieve(self, request, *args, **kwargs):
        check_in = self.get_object()
        data = self.get_serializer(check_in).data
        if self.audits_list_read():
            audit_record(request=request, kind=AuditEvent.Kind.VIEW_CONFIDENTIAL, obj=check_in, detail={"field": "position", "via": "api"})
        return Response(data)
