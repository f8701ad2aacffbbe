"""Points ledger API: entries (with awards and weekly totals) and point rules."""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsOfficerOrReadOnly
from config import api_fields
from config.api_fields import UserNameField, validated
from config.dates import iso_week_label, parse_iso_week, week_start
from guards.models import Guard
from liaison_points.filters import IdFilter
from rewards.models import PointEntry, PointRule
from rewards.selectors import (
    point_entry_list_visible_to,
    point_rule_list,
    points_weekly_totals,
)
from rewards.services import point_rule_update, points_award


class PointEntryFilter(django_filters.FilterSet):
    guard = IdFilter(field_name="guard_id")
    company = IdFilter(field_name="guard__company_id")
    kind = django_filters.ChoiceFilter(choices=PointRule.Kind.choices)
    date_from = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = PointEntry
        fields = ["guard", "company", "kind", "date_from", "date_to"]


class PointEntrySerializer(serializers.ModelSerializer):
    guard_name = serializers.CharField(source="guard.name", read_only=True)
    company = serializers.IntegerField(source="guard.company_id", read_only=True)
    company_name = serializers.CharField(source="guard.company.name", read_only=True)
    created_by_name = UserNameField(source="created_by")

    class Meta:
        model = PointEntry
        fields = [
            "id", "guard", "guard_name", "company", "company_name", "kind", "points", "reason", "source_type", "source_id",
            "occurred_on", "created_by", "created_by_name", "created_at",
        ]
        read_only_fields = fields


class PointAwardSerializer(serializers.Serializer):
    """An officer's manual commendation or deduction."""

    guard = serializers.PrimaryKeyRelatedField(queryset=Guard.objects.all())
    kind = serializers.ChoiceField(choices=[PointRule.Kind.COMMENDATION, PointRule.Kind.DEDUCTION])
    points = serializers.IntegerField(
        min_value=1, max_value=1000, help_text=_("How many points, as a positive number: a deduction subtracts them."),
    )
    reason = serializers.CharField(max_length=200)
    occurred_on = api_fields.DateField(required=False, help_text=_("Defaults to today."))

    def validate_occurred_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(gettext("This date is in the future."))
        return value


class WeeklyTotalSerializer(serializers.Serializer):
    week = serializers.CharField(help_text=_("ISO week, such as 2026-W47."))
    guard = serializers.IntegerField(source="guard_id")
    guard_name = serializers.CharField(source="guard__name")
    company = serializers.IntegerField(source="guard__company_id")
    company_name = serializers.CharField(source="guard__company__name")
    points = serializers.IntegerField(source="total", help_text=_("Net points of the week."))
    earned = serializers.IntegerField()
    deducted = serializers.IntegerField(help_text=_("Zero or negative."))
    entries = serializers.IntegerField()


class PointEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The points ledger: officers see every guard's lines, managers their company's guards', a
    guard their own. Officers add manual commendations and deductions; everything else is credited
    by the activity that earned it."""

    serializer_class = PointEntrySerializer
    permission_classes = [IsOfficerOrReadOnly]
    filterset_class = PointEntryFilter
    search_fields = ["guard__name", "reason"]
    ordering_fields = ["occurred_on", "points", "guard__name"]
    ordering = ["-occurred_on", "-id"]

    def get_queryset(self):
        return point_entry_list_visible_to(user=self.request.user)

    @extend_schema(request=PointAwardSerializer, responses={201: PointEntrySerializer})
    def create(self, request, *args, **kwargs):
        data = validated(PointAwardSerializer, request)
        points = data["points"] if data["kind"] == PointRule.Kind.COMMENDATION else -data["points"]
        entry = points_award(
            guard_id=data["guard"].pk, kind=data["kind"], points=points, reason=data["reason"].strip(),
            occurred_on=data.get("occurred_on"), by=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Points per guard for one ISO week",
        parameters=[OpenApiParameter("week", str, description=str(_("ISO week such as 2026-W47; defaults to this week.")))],
        responses={200: WeeklyTotalSerializer(many=True)},
        filters=True,
    )
    @action(detail=False, methods=["get"])
    def weekly(self, request):
        raw = request.query_params.get("week")
        try:
            monday = parse_iso_week(raw) if raw else week_start(timezone.localdate())
        except ValueError:
            raise serializers.ValidationError({"week": [gettext("Give an ISO week such as 2026-W47.")]}) from None
        totals = points_weekly_totals(entries=self.filter_queryset(self.get_queryset()), monday=monday)
        label = iso_week_label(monday)
        page = self.paginate_queryset(totals)
        rows = [{**row, "week": label} for row in (page if page is not None else totals)]
        data = WeeklyTotalSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class PointRuleSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PointRule
        fields = ["id", "kind", "kind_display", "points", "active"]
        read_only_fields = ["kind"]


class PointRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """How many points each activity earns. Everyone reads; officers change points and active."""

    serializer_class = PointRuleSerializer
    permission_classes = [IsOfficerOrReadOnly]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return point_rule_list()

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = point_rule_update(
            rule=serializer.instance, points=data.get("points"), active=data.get("active"), by=self.request.user
        )
