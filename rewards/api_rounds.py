"""Reward rounds API: /api/v1/reward-rounds/ — list, detail with lines, create (computes), recompute,
approve (409 the second time) and export (?format=csv|xlsx). Officers see and do everything; a
manager reads approved rounds with their unit's lines only; guards are refused."""
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.api_permissions import IsOfficerOrManager
from accounts.audit import AuditEvent, audit_record
from accounts.permissions import IsOfficer
from config.api_fields import UserNameField
from guards.policy import duty_policy
from rewards.exports import XLSX, round_file
from rewards.models import RewardRound, RewardRoundLine
from rewards.rounds import (
    reward_round_line_list_visible_to,
    reward_round_list_visible_to,
)
from rewards.services import (
    reward_round_approve,
    reward_round_compute,
    reward_round_create,
)


class RewardRoundLineSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    guard_name = serializers.CharField(source="guard.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RewardRoundLine
        fields = ["id", "kind", "rank", "company", "company_name", "guard", "guard_name", "points", "patrols", "per_guard", "amount"]
        read_only_fields = fields


class RewardRoundSerializer(serializers.ModelSerializer):
    approved_by_name = UserNameField(source="approved_by")

    class Meta:
        model = RewardRound
        fields = [
            "id", "name", "starts_on", "ends_on", "budget", "guard_places", "unit_places", "unit_award", "split", "unit_rule",
            "status", "total_amount", "computed_at", "approved_at", "approved_by", "approved_by_name",
        ]
        read_only_fields = ["status", "total_amount", "computed_at", "approved_at", "approved_by", "approved_by_name"]
        extra_kwargs = {
            "budget": {"min_value": 0}, "unit_award": {"min_value": 0},
            "guard_places": {"max_value": 500}, "unit_places": {"max_value": 50},
        }

    def validate(self, attrs):
        if attrs.get("starts_on") and attrs.get("ends_on") and attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError({"ends_on": [gettext("The period cannot end before it starts.")]})
        return attrs


class RewardRoundDetailSerializer(RewardRoundSerializer):
    lines = RewardRoundLineSerializer(many=True, read_only=True, source="scoped_lines")

    class Meta(RewardRoundSerializer.Meta):
        fields = RewardRoundSerializer.Meta.fields + ["lines"]


class RewardRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Reward rounds: the top guards by points and the outstanding unit(s) of a period, with the
    budget split (rules: rewards.rounds). 404 while the office does not run reward rounds."""

    serializer_class = RewardRoundSerializer
    permission_classes = [IsOfficerOrManager]
    filter_backends = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not duty_policy().reward_rounds_enabled:
            raise NotFound(gettext("The office does not run reward rounds."))

    def get_permissions(self):
        if self.action in ("create", "approve", "recompute"):
            return [IsOfficer()]
        return super().get_permissions()

    def get_queryset(self):
        return reward_round_list_visible_to(user=self.request.user).order_by("-ends_on", "-id")

    def _detail(self, rnd: RewardRound) -> Response:
        rnd.scoped_lines = list(reward_round_line_list_visible_to(user=self.request.user, round=rnd))
        return Response(RewardRoundDetailSerializer(rnd, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: RewardRoundDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(request=RewardRoundSerializer, responses={201: RewardRoundDetailSerializer}, summary="Open and compute a reward round (officers)")
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rnd = reward_round_create(by=request.user, **serializer.validated_data)
        response = self._detail(self.get_queryset().get(pk=rnd.pk))
        response.status_code = 201
        return response

    @extend_schema(request=None, responses={200: RewardRoundDetailSerializer}, summary="Recompute a draft round from the ledger (officers)")
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        rnd = reward_round_compute(round=self.get_object(), by=request.user)
        return self._detail(self.get_queryset().get(pk=rnd.pk))

    @extend_schema(request=None, responses={200: RewardRoundDetailSerializer}, summary="Approve a reward round (officers; 409 when already approved)")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        rnd = reward_round_approve(round=self.get_object(), by=request.user)
        return self._detail(self.get_queryset().get(pk=rnd.pk))

    @extend_schema(
        summary="Download a round's lines as CSV or XLSX (a manager: their unit's lines)",
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"], description=str(_("File format; csv by default.")))],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY), (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        rnd = self.get_object()
        fmt = (request.query_params.get("format") or "csv").lower()
        if fmt not in ("csv", "xlsx"):
            raise serializers.ValidationError({"format": [gettext("Choose csv or xlsx.")]})
        lines = reward_round_line_list_visible_to(user=request.user, round=rnd)
        response = round_file(rnd, lines, fmt=fmt)
        audit_record(request=request, kind=AuditEvent.Kind.EXPORT, obj=rnd, detail={"what": "reward round", "format": fmt, "via": "api"})
        return response

    def perform_content_negotiation(self, request, force=False):
        # ?format=csv|xlsx names the export's file type, not a DRF renderer.
        return super().perform_content_negotiation(request, force=force or self.action == "export")

    def handle_exception(self, exc):
        if self.action == "export":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
