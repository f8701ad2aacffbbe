"""Planning in the API: recurring plans (/api/v1/patrol-plans/, officers) with `generate`, and the
input and output of the zone patrol proposal (`patrols/propose-zone-team/`)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config import api_fields

from accounts.permissions import IsOfficer
from guards.models import Guard, SecurityCompany
from liaison_points.models import LiaisonPoint, Zone
from patrol.api.common import id_list, leader_field, officer_of
from patrol.filters import PlanFilter
from patrol.models import PatrolKind, RecurringPlan
from patrol.selectors import plan_list
from patrol.services import plan_create, plan_generate


class ZoneTeamInputSerializer(serializers.Serializer):
    zone = serializers.PrimaryKeyRelatedField(queryset=Zone.objects.all())
    lead_company = serializers.PrimaryKeyRelatedField(queryset=SecurityCompany.objects.all())
    date = api_fields.DateField()
    lead_count = serializers.IntegerField(min_value=1, max_value=20, required=False, default=2)


class ProposedGuardSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name")

    class Meta:
        model = Guard
        fields = ["id", "name", "company", "company_name", "liaison_point", "post"]
        read_only_fields = fields


class ZoneTeamSerializer(serializers.Serializer):
    lead = ProposedGuardSerializer(many=True)
    others = ProposedGuardSerializer(many=True)
    guards = serializers.ListField(child=serializers.IntegerField(), help_text=_("All proposed ids, for `guards` when planning."))
    lead_guards = serializers.ListField(child=serializers.IntegerField(), help_text=_("The lead unit's ids, for `lead_guards`."))
    companies_without_guard = serializers.ListField(child=serializers.DictField())


class PlanSerializer(serializers.ModelSerializer):
    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True)
    leader_name = serializers.CharField(source="leader.user.__str__", read_only=True, allow_null=True, default=None)
    lead_company_name = serializers.CharField(source="lead_company.name", read_only=True, allow_null=True, default=None)
    lead_rotation = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = RecurringPlan
        fields = [
            "id", "liaison_point", "liaison_point_name", "leader", "leader_name", "lead_company", "lead_company_name",
            "zone", "lead_rotation", "lead_count", "kind", "weekdays", "start_time",
            "end_time", "starts_on", "ends_on", "area", "active", "member_count", "created_at",
        ]
        read_only_fields = fields


class PlanInputSerializer(serializers.Serializer):
    liaison_point = serializers.PrimaryKeyRelatedField(queryset=LiaisonPoint.objects.all())
    leader = leader_field()
    lead_company = serializers.PrimaryKeyRelatedField(
        queryset=SecurityCompany.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("A plan led by one unit (leave `leader` and `zone` out)."),
    )
    zone = serializers.PrimaryKeyRelatedField(
        queryset=Zone.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("A zone plan: every patrol day the next unit of `lead_rotation` leads (leave `leader` out)."),
    )
    lead_rotation = serializers.ListField(
        child=api_fields.IdField(), required=False, default=list, max_length=100,
        help_text=_("Unit ids in the order they lead; empty: the zone's units by name."),
    )
    lead_count = serializers.IntegerField(min_value=1, max_value=10, required=False, default=2)
    weekdays = serializers.ListField(child=serializers.IntegerField(), help_text=_("0 = Monday … 6 = Sunday"))
    start_time = serializers.TimeField()
    end_time = serializers.TimeField(help_text=_("Earlier than the start time means the next day."))
    starts_on = api_fields.DateField()
    ends_on = api_fields.DateField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=PatrolKind.choices, default=PatrolKind.FOOT)
    area = serializers.JSONField(required=False, allow_null=True)
    guards = id_list(_("Guard ids of the standing team."))
    checkpoints = id_list(_("Checkpoint ids of this liaison point."))


class GenerateInputSerializer(serializers.Serializer):
    weeks = serializers.IntegerField(min_value=1, max_value=26, required=False, default=4)


class GenerateResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    patrols = serializers.ListField(child=serializers.IntegerField())
    skipped_guards = serializers.ListField(child=serializers.DictField())


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Recurring patrol plans ("every Tue/Thu/Sat 19:00–22:00"), officers only; `generate` creates
    the coming weeks' patrols (running it twice creates nothing new)."""

    serializer_class = PlanSerializer
    permission_classes = [IsOfficer]
    filterset_class = PlanFilter
    ordering_fields = ["start_time", "starts_on", "liaison_point__code"]
    ordering = ["liaison_point__code", "start_time", "id"]

    def get_queryset(self):
        return plan_list()

    @extend_schema(request=PlanInputSerializer, responses={201: PlanSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        leader = data.pop("leader", None)
        if data["lead_company"] is None and data["zone"] is None:  # officer-led: the requester by default
            leader = officer_of(request.user, leader)
        plan = plan_create(
            leader=leader, guard_ids=data.pop("guards"), checkpoint_ids=data.pop("checkpoints"), by=request.user, **data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Generate the plan's patrols for the coming weeks", request=GenerateInputSerializer,
                   responses={200: GenerateResultSerializer})
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        plan = self.get_object()
        serializer = GenerateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = plan_generate(plan=plan, weeks=serializer.validated_data["weeks"])
        return Response(GenerateResultSerializer({
            "created": len(result.created),
            "patrols": [p.pk for p in result.created],
            "skipped_guards": [{"day": day.isoformat(), "guard": name, "reason": reason} for day, name, reason in result.skipped_guards],
        }).data)
