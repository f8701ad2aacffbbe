"""Assessment and equipment API: quarterly assessments (run, apply), equipment (issue, return) and recalls."""
import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsOfficer, IsOfficerOrReadOnly
from assessments.models import Assessment, Equipment, EquipmentRecall
from assessments.selectors import (
    assessment_list_visible_to,
    equipment_list_visible_to,
    equipment_recall_list_visible_to,
)
from assessments.services import assessments_run, equipment_issue, equipment_return
from config import api_fields
from config.api_fields import QuarterField, QuarterFilter, validated
from config.exceptions import DomainError
from guards.models import Guard
from liaison_points.filters import IdFilter
from liaison_points.models import LiaisonPoint


class AssessmentFilter(django_filters.FilterSet):
    quarter = QuarterFilter()
    outcome = django_filters.ChoiceFilter(choices=Assessment.Outcome.choices)
    company = IdFilter(field_name="guard__company_id")
    guard = IdFilter(field_name="guard_id")
    applied = django_filters.BooleanFilter(field_name="applied_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Assessment
        fields = ["quarter", "outcome", "company", "guard", "applied"]


class AssessmentSerializer(serializers.ModelSerializer):
    guard_name = serializers.CharField(source="guard.name", read_only=True)
    company = serializers.IntegerField(source="guard.company_id", read_only=True)
    company_name = serializers.CharField(source="guard.company.name", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "guard", "guard_name", "company", "company_name", "quarter", "score", "components", "outcome", "applied_at", "created_at"]
        read_only_fields = fields


class AssessmentRunSerializer(serializers.Serializer):
    quarter = QuarterField()
    apply = serializers.BooleanField(default=False, help_text=_("Apply the outcomes: guards below the warning score are removed."))


class AssessmentRunResultSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    applied = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("Guards per outcome."))


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quarterly assessments: officers see all, managers their company's, a guard their own.
    Officers run them (scores are recomputed until applied)."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    search_fields = ["guard__name"]
    ordering_fields = ["quarter", "score", "guard__name"]
    ordering = ["-quarter", "guard__name", "id"]

    def get_queryset(self):
        return assessment_list_visible_to(user=self.request.user)

    @extend_schema(request=AssessmentRunSerializer, responses={200: AssessmentRunResultSerializer}, summary="Assess every guard for a quarter (officers)")
    @action(detail=False, methods=["post"], permission_classes=[IsOfficer], pagination_class=None, filterset_class=None)
    def run(self, request):
        data = validated(AssessmentRunSerializer, request)
        counts = assessments_run(quarter=data["quarter"], apply=data["apply"], by=request.user)
        return Response({"quarter": data["quarter"], "applied": data["apply"], "counts": counts})


class EquipmentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Equipment.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Equipment.Status.choices)
    guard = IdFilter(field_name="issued_to_guard_id")
    point = IdFilter(field_name="issued_to_point_id")
    company = IdFilter(field_name="issued_to_guard__company_id")

    class Meta:
        model = Equipment
        fields = ["kind", "status", "guard", "point", "company"]


class EquipmentSerializer(serializers.ModelSerializer):
    issued_to_point_name = serializers.CharField(source="issued_to_point.name", read_only=True, allow_null=True)
    issued_to_guard_name = serializers.CharField(source="issued_to_guard.name", read_only=True, allow_null=True)
    recall_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Equipment
        fields = [
            "id", "kind", "serial_number", "status", "issued_to_point", "issued_to_point_name", "issued_to_guard",
            "issued_to_guard_name", "issued_on", "recall_open",
        ]
        read_only_fields = ["status", "issued_to_point", "issued_to_guard", "issued_on"]


class EquipmentIssueSerializer(serializers.Serializer):
    point = serializers.PrimaryKeyRelatedField(queryset=LiaisonPoint.objects.all(), required=False, allow_null=True, default=None)
    guard = serializers.PrimaryKeyRelatedField(queryset=Guard.objects.all(), required=False, allow_null=True, default=None)
    on = api_fields.DateField(required=False, allow_null=True, default=None, help_text=_("Defaults to today."))


class EquipmentReturnSerializer(serializers.Serializer):
    on = api_fields.DateField(required=False, allow_null=True, default=None, help_text=_("Defaults to today."))


class EquipmentViewSet(viewsets.ModelViewSet):
    """The equipment register. Officers add items, issue them to a point or a guard and take them
    back; managers read the items their company's guards hold, a guard their own. An item that was
    ever recalled, or is out of store, cannot be deleted."""

    serializer_class = EquipmentSerializer
    permission_classes = [IsOfficerOrReadOnly]
    filterset_class = EquipmentFilter
    search_fields = ["serial_number", "issued_to_guard__name", "issued_to_point__name"]
    ordering_fields = ["kind", "serial_number", "status", "issued_on"]
    ordering = ["kind", "serial_number"]

    def get_queryset(self):
        return equipment_list_visible_to(user=self.request.user)

    def perform_create(self, serializer):
        item = serializer.save()
        serializer.instance = self.get_queryset().get(pk=item.pk)

    def perform_update(self, serializer):
        item = serializer.save()
        serializer.instance = self.get_queryset().get(pk=item.pk)

    def perform_destroy(self, instance):
        if instance.status != Equipment.Status.IN_STORE or instance.recalls.exists():
            raise DomainError(gettext("Only an item in store that was never recalled can be deleted."), conflict=True)
        instance.delete()

    def _item(self, pk: int) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=EquipmentIssueSerializer, responses={200: EquipmentSerializer}, summary="Issue an item in store to a liaison point or a guard")
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        item = self.get_object()
        data = validated(EquipmentIssueSerializer, request)
        equipment_issue(equipment=item, point=data["point"], guard=data["guard"], on=data["on"], by=request.user)
        return self._item(item.pk)

    @extend_schema(request=EquipmentReturnSerializer, responses={200: EquipmentSerializer}, summary="Take an item back into store (closes its open recall)")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_item(self, request, pk=None):
        item = self.get_object()
        data = validated(EquipmentReturnSerializer, request)
        equipment_return(equipment=item, on=data["on"], by=request.user)
        return self._item(item.pk)


class EquipmentRecallFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(field_name="returned_on", lookup_expr="isnull", label=_("still out"))
    guard = IdFilter(field_name="guard_id")
    company = IdFilter(field_name="guard__company_id")
    equipment = IdFilter(field_name="equipment_id")

    class Meta:
        model = EquipmentRecall
        fields = ["open", "guard", "company", "equipment"]


class EquipmentRecallSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="equipment.kind", read_only=True)
    serial_number = serializers.CharField(source="equipment.serial_number", read_only=True)
    guard_name = serializers.CharField(source="guard.name", read_only=True)
    company = serializers.IntegerField(source="guard.company_id", read_only=True)
    company_name = serializers.CharField(source="guard.company.name", read_only=True)
    open = serializers.SerializerMethodField()

    class Meta:
        model = EquipmentRecall
        fields = [
            "id", "equipment", "kind", "serial_number", "guard", "guard_name", "company", "company_name", "opened_on",
            "returned_on", "note", "open",
        ]
        read_only_fields = fields

    def get_open(self, recall) -> bool:
        return recall.returned_on is None


class EquipmentRecallViewSet(viewsets.ReadOnlyModelViewSet):
    """Equipment recalled from removed guards, open until the item is back in store (the
    equipment `return` action closes it)."""

    serializer_class = EquipmentRecallSerializer
    filterset_class = EquipmentRecallFilter
    search_fields = ["equipment__serial_number", "guard__name"]
    ordering_fields = ["opened_on", "returned_on"]
    ordering = ["-opened_on", "-id"]

    def get_queryset(self):
        return equipment_recall_list_visible_to(user=self.request.user)
