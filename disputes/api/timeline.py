"""A dispute's record: its mediation sessions (read and add) and its timeline of events."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.audit import AuditEvent, audit_record
from disputes import services
from disputes.models import MediationSession
from disputes.selectors import dispute_sessions, dispute_timeline
from guards.models import Guard


class SessionSerializer(serializers.ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.__str__", read_only=True, allow_null=True)
    helping_guard = serializers.PrimaryKeyRelatedField(queryset=Guard.objects.all(), required=False, allow_null=True)

    class Meta:
        model = MediationSession
        fields = ["id", "held_at", "result", "parties_present", "notes", "helping_guard", "mediator", "mediator_name"]
        read_only_fields = ["mediator"]


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dispute = serializers.IntegerField(source="dispute_id")
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    from_point = serializers.IntegerField(source="from_point_id", allow_null=True)
    to_point = serializers.IntegerField(source="to_point_id", allow_null=True)
    actor = serializers.CharField(source="actor.__str__", allow_null=True, default=None)
    at = serializers.DateTimeField()
    note = serializers.CharField()


class DisputeRecordActions:
    """`sessions` and `timeline` of the disputes viewset."""

    @extend_schema(methods=["get"], responses={200: SessionSerializer(many=True)})
    @extend_schema(methods=["post"], request=SessionSerializer, responses={201: SessionSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def sessions(self, request, pk=None):
        dispute = self.get_object()
        if request.method == "GET":
            data = SessionSerializer(dispute_sessions(dispute=dispute), many=True).data
            if data:  # who was present at each session: read on the dispute's page, audited there too
                audit_record(request=request, kind=AuditEvent.Kind.VIEW_CONFIDENTIAL, obj=dispute,
                             detail={"field": "parties_present", "via": "api"})
            return Response(data)
        data = self._input(SessionSerializer, request)
        session = services.mediation_session_add(dispute=dispute, by=request.user, **data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: EventSerializer(many=True)}, summary="Timeline (with merged duplicates)")
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request, pk=None):
        return Response(EventSerializer(dispute_timeline(dispute=self.get_object()), many=True).data)
