"""/api/v1/disputes/: list, read and report disputes; every state change is a POST action calling
one service. Sessions and the timeline live in `timeline`, nearby and GeoJSON in `maps`."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.role_schema import OfficerOnlyFieldsSchema
from disputes import services
from disputes.api._shared import NoteSerializer, PartySerializer, ReasonSerializer, ReportViewSet, transition_action
from disputes.api.maps import DisputeMapActions
from disputes.api.timeline import DisputeRecordActions
from disputes.filters import DisputeFilter
from disputes.models import Dispute, DisputeCategory
from disputes.selectors import can_see_sources, dispute_list_visible_to
from guards.models import Guard
from liaison_points.api import CoordinateField
from liaison_points.models import LiaisonPoint, Township


class DisputeSerializer(serializers.ModelSerializer):
    """What a guard may read of a dispute they reported."""

    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True, allow_null=True)
    township = serializers.IntegerField(source="liaison_point.township_id", read_only=True, allow_null=True)
    township_name = serializers.CharField(source="liaison_point.township.name", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    needs_position = serializers.BooleanField(read_only=True, help_text=_("Taken from an address or a township: the map position is to be added."))

    class Meta:
        model = Dispute
        fields = [
            "id", "category", "title", "place", "latitude", "longitude", "needs_position", "liaison_point", "liaison_point_name",
            "township", "township_name", "reported_by_kind", "status", "escalated_to", "reported_at", "accepted_at",
            "finished_at", "first_response_due", "resolution_due", "overdue", "merged_into",
        ]
        read_only_fields = fields

    def get_overdue(self, dispute) -> str:
        """'' on time, 'response' (not accepted in time) or 'resolution' (open past its due date)."""
        return dispute.overdue_kind(self.context.get("now"))


class DisputeOfficerSerializer(DisputeSerializer):
    """Everything, parties and reporter included: officers only."""

    parties = PartySerializer(source="party_rows", many=True, read_only=True)
    reporting_guard_name = serializers.CharField(source="reporting_guard.name", read_only=True, allow_null=True)
    helped_by_name = serializers.CharField(source="helped_by.name", read_only=True, allow_null=True)

    class Meta(DisputeSerializer.Meta):
        fields = DisputeSerializer.Meta.fields + [
            "description", "parties", "reporting_guard", "reporting_guard_name", "reporter_name", "reporter_phone",
            "agreement", "outcome_note", "helped_by", "helped_by_name", "created_at", "updated_at",
        ]
        read_only_fields = fields


class DisputeForRoleSerializer(OfficerOnlyFieldsSchema, DisputeOfficerSerializer):
    """Schema only: a dispute as a list, read or report answers it: an officer gets every field, a
    guard (their own reports) no parties, reporter or outcome (`officer_only_fields`)."""

    officer_only_fields = tuple(name for name in DisputeOfficerSerializer.Meta.fields if name not in DisputeSerializer.Meta.fields)


class DisputeInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=DisputeCategory.choices)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=200)
    latitude = CoordinateField(axis="latitude", required=False, allow_null=True, default=None)
    longitude = CoordinateField(axis="longitude", required=False, allow_null=True, default=None)
    township = serializers.PrimaryKeyRelatedField(
        queryset=Township.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("Without a position: the township the caller named (else the one named in `place`). The dispute goes to its liaison point and waits for its position."),
    )
    parties = PartySerializer(many=True, required=False, default=list, help_text=_("At least one party."))
    reported_by_kind = serializers.ChoiceField(
        choices=Dispute.ReporterKind.choices, required=False,
        help_text=_("Officers only: entered for themselves or for a resident. A guard always reports as a guard."),
    )
    reporter_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class ResolveSerializer(NoteSerializer):
    agreement = serializers.CharField()
    helped_by = serializers.PrimaryKeyRelatedField(queryset=Guard.objects.all(), required=False, allow_null=True, default=None)


class EscalateSerializer(NoteSerializer):
    escalated_to = serializers.ChoiceField(choices=Dispute.EscalatedTo.choices)


class ReassignSerializer(ReasonSerializer):
    liaison_point = serializers.PrimaryKeyRelatedField(queryset=LiaisonPoint.objects.all())


class DisputePositionSerializer(serializers.Serializer):
    latitude = CoordinateField(axis="latitude")
    longitude = CoordinateField(axis="longitude")


class MergeSerializer(NoteSerializer):
    into = serializers.PrimaryKeyRelatedField(queryset=Dispute.objects.all(), help_text=_("The dispute to keep."))


def _transition(name: str, to: str, input_serializer, **doc):
    def perform(dispute, by, data):
        return services.dispute_transition(
            dispute=dispute, to=to, by=by, note=data.get("note", ""), escalated_to=data.get("escalated_to", ""),
            agreement=data.get("agreement", ""), helped_by=data.get("helped_by"),
        )

    return transition_action(name, input_serializer, DisputeOfficerSerializer, perform, **doc)


@extend_schema_view(
    list=extend_schema(responses=DisputeForRoleSerializer(many=True)), retrieve=extend_schema(responses=DisputeForRoleSerializer),
)
class DisputeViewSet(DisputeRecordActions, DisputeMapActions, ReportViewSet):
    """Disputes. `GET` for officers (everything) and guards (their own reports, no parties); `POST`
    reports one (routed to a liaison point from its position). Transitions are POST actions:
    accept, mediate, resolve, escalate, close, reopen, reassign, merge, sessions."""

    filterset_class = DisputeFilter
    search_fields = ["title", "place"]
    ordering_fields = ["reported_at", "resolution_due", "first_response_due", "status", "category"]
    ordering = ["-reported_at", "-id"]
    input_class = DisputeInputSerializer
    output_class = DisputeSerializer
    officer_output_class = DisputeOfficerSerializer
    audited_model = Dispute
    audited_field = "parties"

    def get_queryset(self):
        qs = dispute_list_visible_to(user=self.request.user)
        return qs.prefetch_related("party_rows") if can_see_sources(self.request.user) else qs

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _detail(self, dispute, code=status.HTTP_200_OK):
        dispute = self.get_queryset().get(pk=dispute.pk)
        return Response(self.output_for_user()(dispute, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=DisputeInputSerializer, responses={201: DisputeForRoleSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(DisputeInputSerializer, request)
        data["parties"] = [dict(p) for p in data.get("parties", [])]
        dispute = services.dispute_report(by=request.user, **data)
        return self._detail(dispute, status.HTTP_201_CREATED)

    accept = _transition("accept", Dispute.Status.ACCEPTED, NoteSerializer, summary="Accept (first response)")
    mediate = _transition("mediate", Dispute.Status.MEDIATING, NoteSerializer, summary="Start mediation")
    resolve = _transition("resolve", Dispute.Status.RESOLVED, ResolveSerializer, summary="Resolved with an agreement")
    escalate = _transition("escalate", Dispute.Status.ESCALATED, EscalateSerializer, summary="Escalate to police, court or another body")
    close = _transition("close", Dispute.Status.CLOSED, NoteSerializer, summary="Close without agreement")
    reopen = transition_action(
        "reopen", ReasonSerializer, DisputeOfficerSerializer,
        lambda dispute, by, data: services.dispute_reopen(dispute=dispute, by=by, reason=data["reason"]),
    )
    reassign = transition_action(
        "reassign", ReassignSerializer, DisputeOfficerSerializer,
        lambda dispute, by, data: services.dispute_reassign(dispute=dispute, point=data["liaison_point"], by=by, reason=data["reason"]),
    )
    merge = transition_action(
        "merge", MergeSerializer, DisputeOfficerSerializer,
        lambda dispute, by, data: services.dispute_merge(duplicate=dispute, into=data["into"], by=by, note=data["note"]),
        summary="Merge this duplicate into another dispute",
    )
    position = transition_action(
        "position", DisputePositionSerializer, DisputeOfficerSerializer,
        lambda dispute, by, data: services.dispute_set_position(dispute=dispute, by=by, latitude=data["latitude"], longitude=data["longitude"]),
        summary="Add or correct the map position (a dispute taken by township or address); adding it routes the dispute to the nearest point unless it was transferred by hand",
    )
