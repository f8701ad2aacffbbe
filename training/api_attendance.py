"""Attendance of sessions other than the quarterly rotation: /api/v1/session-attendance/ lists it
(scoped: officers all, managers their unit's guards, a guard their own; ?session= filters) and
`record` (officers) writes it for one session: {"session": id, "attendance": [{"guard": id, "attended": true}]}."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsOfficer
from config.api_fields import MAX_ID, int_param, validated
from training.attendance import (
    session_attendance_list_visible_to,
    session_attendance_record,
)
from training.models import SessionAttendance, TrainingSession


class SessionAttendanceSerializer(serializers.ModelSerializer):
    guard_name = serializers.CharField(source="guard.name", read_only=True)
    company = serializers.IntegerField(source="guard.company_id", read_only=True)
    session_kind = serializers.CharField(source="session.kind", read_only=True)
    session_held_on = serializers.DateField(source="session.held_on", read_only=True)

    class Meta:
        model = SessionAttendance
        fields = ["id", "session", "session_kind", "session_held_on", "guard", "guard_name", "company", "attended", "recorded_at"]
        read_only_fields = fields


class _Mark(serializers.Serializer):
    guard = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    attended = serializers.BooleanField()


class AttendanceRecordSerializer(serializers.Serializer):
    session = serializers.PrimaryKeyRelatedField(
        queryset=TrainingSession.objects.exclude(kind=TrainingSession.Kind.ROTATION),
        help_text=_("A business training, drill, exchange visit or mentoring session."),
    )
    attendance = _Mark(many=True, allow_empty=False, max_length=2000)


class SessionAttendanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SessionAttendanceSerializer
    filter_backends = []

    def get_queryset(self):
        qs = session_attendance_list_visible_to(user=self.request.user).order_by("-session__held_on", "guard__name", "id")
        session = int_param(self.request, "session")
        return qs.filter(session_id=session) if session else qs

    @extend_schema(request=AttendanceRecordSerializer, responses={200: SessionAttendanceSerializer(many=True)},
                   summary="Record who attended a non-rotation session (officers)")
    @action(detail=False, methods=["post"], permission_classes=[IsOfficer])
    def record(self, request):
        data = validated(AttendanceRecordSerializer, request)
        session = data["session"]
        session_attendance_record(session=session, attendance={m["guard"]: m["attended"] for m in data["attendance"]}, by=request.user)
        rows = session_attendance_list_visible_to(user=request.user, session=session).order_by("guard__name", "id")
        return Response(SessionAttendanceSerializer(rows, many=True).data)
