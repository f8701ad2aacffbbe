"""/api/v1/tips/: list, read and report tips (multipart with `attachments`); outcomes, a hazard's
rectification and links to disputes are POST actions calling one service. Adding attachments
lives in `attachments`, the GeoJSON in `maps`."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config import api_fields
from config.activity import ACTIVITY_FIELDS, ACTIVITY_MAX
from config.serializer_cache import CachedFieldsMixin

from accounts.permissions import is_officer
from accounts.role_schema import OfficerOnlyFieldsSchema
from disputes import services
from disputes.api._shared import NoteSerializer, PartySerializer, ReportViewSet, transition_action
from disputes.api.attachments import AttachmentSerializer, TipAttachmentActions
from disputes.api.disputes import DisputeOfficerSerializer
from disputes.api.maps import TipMapActions
from disputes.filters import TipFilter
from disputes.models import Dispute, DisputeCategory, Tip
from disputes.selectors import dispute_list_visible_to, tip_attachments, tip_list_visible_to
from disputes.services.tip_workflow import REOPEN_REASON_MAX
from liaison_points.api import CoordinateField


class TipSerializer(CachedFieldsMixin, serializers.ModelSerializer):
    """What a guard reads back of their own tip: no other informant, no officer notes."""

    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True, allow_null=True)
    township = serializers.IntegerField(source="liaison_point.township_id", read_only=True, allow_null=True)
    attachment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Tip
        fields = [
            "id", "kind", "text", "place", "latitude", "longitude", "liaison_point", "liaison_point_name", "township",
            "status", "received_at", "verified_at", "finished_at", "outcome", "attachment_count",
        ]
        read_only_fields = fields


class TipOfficerSerializer(TipSerializer):
    source_guard_name = serializers.CharField(source="source_guard.name", read_only=True, allow_null=True)

    class Meta(TipSerializer.Meta):
        fields = TipSerializer.Meta.fields + [
            "source_kind", "source_guard", "source_guard_name", "volunteer_name", "volunteer_phone", "case_number",
            "outcome_note", "dispute", "rectification_by", "rectification_due", "rectified_at", *ACTIVITY_FIELDS,
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class TipInputSerializer(CachedFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=Tip.Kind.choices)
    text = serializers.CharField()
    place = serializers.CharField(max_length=200)
    latitude = CoordinateField(axis="latitude", required=False, allow_null=True, default=None)
    longitude = CoordinateField(axis="longitude", required=False, allow_null=True, default=None)
    source_kind = serializers.ChoiceField(choices=Tip.SourceKind.choices, required=False, help_text=_("Officers only."))
    volunteer_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    volunteer_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list,
        help_text=_("Photos or videos (JPEG, PNG, WebP, MP4, QuickTime), multipart."),
    )


class TipCloseSerializer(NoteSerializer):
    outcome = serializers.ChoiceField(choices=Tip.Outcome.choices, required=False, allow_blank=True, default="")
    case_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")
    # Counts left out keep what the tip holds (0 on a first close; a reopened tip's earlier counts).
    suspects_caught = serializers.IntegerField(min_value=0, max_value=ACTIVITY_MAX, required=False)
    fugitives_assisted = serializers.IntegerField(min_value=0, max_value=ACTIVITY_MAX, required=False)
    residents_helped = serializers.IntegerField(min_value=0, max_value=ACTIVITY_MAX, required=False)
    three_defences_guided = serializers.IntegerField(min_value=0, max_value=ACTIVITY_MAX, required=False)


class TipReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REOPEN_REASON_MAX, help_text=_("Why the tip is reopened; kept in its history."))


class RectificationSerializer(serializers.Serializer):
    rectification_by = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    rectification_due = api_fields.DateField(required=False, allow_null=True, default=None)
    rectified = serializers.BooleanField(required=False, default=False)
    photo = serializers.FileField(required=False, allow_null=True, allow_empty_file=True, default=None)


class LinkDisputeSerializer(serializers.Serializer):
    dispute = serializers.PrimaryKeyRelatedField(queryset=Dispute.objects.all())


class StartDisputeSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=DisputeCategory.choices)
    title = serializers.CharField(max_length=120)
    parties = PartySerializer(many=True, required=False, default=list)
    latitude = CoordinateField(axis="latitude", required=False, allow_null=True, default=None)
    longitude = CoordinateField(axis="longitude", required=False, allow_null=True, default=None)


def _transition(name: str, to: str, input_serializer, **doc):
    def perform(tip, by, data):
        return services.tip_transition(tip=tip, to=to, by=by, **data)

    return transition_action(name, input_serializer, TipOfficerSerializer, perform, **doc)


class TipForRoleSerializer(OfficerOnlyFieldsSchema, TipOfficerSerializer):
    """Schema only: a tip as a list, read or report answers it: an officer gets every field, a
    guard (their own tips) no source, case number or notes (`officer_only_fields`)."""

    officer_only_fields = tuple(name for name in TipOfficerSerializer.Meta.fields if name not in TipSerializer.Meta.fields)


@extend_schema_view(
    list=extend_schema(responses=TipForRoleSerializer(many=True)), retrieve=extend_schema(responses=TipForRoleSerializer),
)
class TipViewSet(TipAttachmentActions, TipMapActions, ReportViewSet):
    """Tips. Officers see everything including the source; a guard reports tips (multipart with
    `attachments`) and reads back their own. Managers: 403. Transitions: verify, act, close,
    unfounded, reopen; hazards: rectification; links: link-dispute, start-dispute; attachments (POST)."""

    filterset_class = TipFilter
    search_fields = ["place"]
    ordering_fields = ["received_at", "status", "kind"]
    ordering = ["-received_at", "-id"]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]
    input_class = TipInputSerializer
    output_class = TipSerializer
    officer_output_class = TipOfficerSerializer
    audited_model = Tip
    audited_field = "source"

    def get_queryset(self):
        return tip_list_visible_to(user=self.request.user)

    def _detail(self, tip, code=status.HTTP_200_OK):
        tip = self.get_queryset().get(pk=tip.pk)
        data = self.output_for_user()(tip, context=self.get_serializer_context()).data
        data["attachments"] = AttachmentSerializer(tip_attachments(tip=tip), many=True).data
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        tip = self.get_object()
        response = self._detail(tip)
        self.audit_confidential_view(tip)
        return response

    @extend_schema(request={"multipart/form-data": TipInputSerializer, "application/json": TipInputSerializer}, responses={201: TipForRoleSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(TipInputSerializer, request)
        files = request.FILES.getlist("attachments") if hasattr(request, "FILES") else []
        data.pop("attachments", None)
        if not is_officer(request.user):
            data.pop("source_kind", None)
        tip = services.tip_report(by=request.user, files=files, **data)
        if files:
            return self._detail(tip, status.HTTP_201_CREATED)
        # Nothing attached: the tip as written is the answer (its point and source are in hand), no re-read.
        tip.attachment_count = 0
        data = self.output_for_user()(tip, context=self.get_serializer_context()).data
        data["attachments"] = []
        return Response(data, status=status.HTTP_201_CREATED)

    verify = _transition("verify", Tip.Status.VERIFIED, NoteSerializer, summary="Verified (credits the source guard)")
    act = _transition("act", Tip.Status.ACTED, NoteSerializer, summary="Acted on")
    close = _transition("close", Tip.Status.CLOSED, TipCloseSerializer, summary="Close with an outcome")
    unfounded = _transition("unfounded", Tip.Status.UNFOUNDED, NoteSerializer, summary="Unfounded")
    reopen = transition_action(
        "reopen", TipReopenSerializer, TipOfficerSerializer,
        lambda tip, by, data: services.tip_reopen(tip=tip, by=by, reason=data["reason"]),
        summary="Reopen a closed or unfounded tip (closed → verified, unfounded → received)",
    )

    @extend_schema(request={"multipart/form-data": RectificationSerializer}, responses={200: TipOfficerSerializer})
    @action(detail=True, methods=["post"])
    def rectification(self, request, pk=None):
        tip = self.get_object()
        data = self._input(RectificationSerializer, request)
        return self._detail(services.tip_set_rectification(tip=tip, by=request.user, **data))

    link_dispute = transition_action(
        "link_dispute", LinkDisputeSerializer, TipOfficerSerializer,
        lambda tip, by, data: services.tip_link_dispute(tip=tip, dispute=data["dispute"], by=by), url_path="link-dispute",
    )

    @extend_schema(request=StartDisputeSerializer, responses={201: DisputeOfficerSerializer})
    @action(detail=True, methods=["post"], url_path="start-dispute")
    def start_dispute(self, request, pk=None):
        tip = self.get_object()
        data = self._input(StartDisputeSerializer, request)
        data["parties"] = [dict(p) for p in data.get("parties", [])]
        dispute = services.tip_start_dispute(tip=tip, by=request.user, **data)
        dispute = dispute_list_visible_to(user=request.user).get(pk=dispute.pk)
        return Response(DisputeOfficerSerializer(dispute, context={"now": timezone.now()}).data, status=status.HTTP_201_CREATED)
