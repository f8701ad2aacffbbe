"""Joint assessment API: /api/v1/unit-assessments/ (list, detail; `run` for officers) and
/api/v1/interviews/ (list, ?open=true; `record` and `follow-up` for officers). Managers read their
own unit's; guards are refused."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api_permissions import IsOfficerOrManager
from accounts.permissions import IsOfficer
from assessments.joint import (
    interview_follow_up,
    interview_list_visible_to,
    interview_record,
    unit_assessment_list_visible_to,
    unit_assessments_run,
)
from assessments.models import Interview, UnitAssessment
from config import api_fields
from config.api_fields import QuarterField, UserNameField, validated


class UnitAssessmentSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    interview = serializers.SerializerMethodField()

    class Meta:
        model = UnitAssessment
        fields = ["id", "company", "company_name", "quarter", "responsible_leader", "score", "components", "outcome", "interview", "updated_at"]
        read_only_fields = fields

    def get_interview(self, row) -> int | None:
        interview = getattr(row, "interview", None) if hasattr(row, "interview") else None
        return interview.pk if interview else None


class InterviewSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    guard_name = serializers.CharField(source="guard.name", read_only=True, allow_null=True, default=None)
    followed_up_by_name = UserNameField(source="followed_up_by")
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Interview
        fields = [
            "id", "company", "company_name", "guard", "guard_name", "quarter", "reason", "held_on", "attendees", "agreed",
            "follow_up_due", "is_open", "followed_up_on", "followed_up_by", "followed_up_by_name", "follow_up_note", "created_at",
        ]
        read_only_fields = fields


class RunSerializer(serializers.Serializer):
    quarter = QuarterField()


class InterviewRecordSerializer(serializers.Serializer):
    held_on = api_fields.DateField()
    attendees = serializers.CharField(max_length=300)
    agreed = serializers.CharField(max_length=4000)
    follow_up_due = api_fields.DateField(required=False, allow_null=True)


class FollowUpSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)


class UnitAssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UnitAssessmentSerializer
    permission_classes = [IsOfficerOrManager]
    filter_backends = []
    filterset_class = None  # lets an action say filterset_class=None (its body is not a filtered list)

    def get_queryset(self):
        qs = unit_assessment_list_visible_to(user=self.request.user).order_by("-quarter", "company__name", "id")
        quarter = self.request.query_params.get("quarter")
        return qs.filter(quarter=quarter.upper()) if quarter else qs

    @extend_schema(request=RunSerializer, responses={200: UnitAssessmentSerializer(many=True)}, summary="Assess every unit for a quarter (officers)")
    @action(detail=False, methods=["post"], permission_classes=[IsOfficer], pagination_class=None, filterset_class=None)
    def run(self, request):
        quarter = validated(RunSerializer, request)["quarter"]
        unit_assessments_run(quarter=quarter, by=request.user)
        rows = unit_assessment_list_visible_to(user=request.user).filter(quarter=quarter).order_by("company__name")
        return Response(UnitAssessmentSerializer(rows, many=True).data)


class InterviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InterviewSerializer
    permission_classes = [IsOfficerOrManager]
    filter_backends = []

    def get_queryset(self):
        open_only = self.request.query_params.get("open") in ("1", "true", "yes")
        return interview_list_visible_to(user=self.request.user, open_only=open_only).order_by("followed_up_on", "follow_up_due", "-id")

    @extend_schema(parameters=[OpenApiParameter("open", bool, description=str(_("Only interviews not yet followed up.")))])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=InterviewRecordSerializer, responses={200: InterviewSerializer}, summary="Record an interview (officers)")
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def record(self, request, pk=None):
        data = validated(InterviewRecordSerializer, request)
        interview_record(interview=self.get_object(), by=request.user, **data)
        return Response(InterviewSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=FollowUpSerializer, responses={200: InterviewSerializer}, summary="Record the follow-up (officers; 409 the second time)")
    @action(detail=True, methods=["post"], url_path="follow-up", permission_classes=[IsOfficer])
    def follow_up(self, request, pk=None):
        data = validated(FollowUpSerializer, request)
        interview_follow_up(interview=self.get_object(), note=data["note"], by=request.user)
        return Response(InterviewSerializer(self.get_queryset().get(pk=pk)).data)
