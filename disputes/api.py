"""REST API for disputes and tips (/api/v1/disputes/, /api/v1/tips/).

Officers read and act on everything. A guard reports disputes and tips and reads back what they
reported (no parties, no other informants). Managers get 403: disputes' parties and tips' contents
and sources are not for security companies. Every state change is an @action calling one service;
a refused transition is a 409."""
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.permissions import IsOfficer, is_guard, is_officer
from disputes import services
from disputes.filters import DisputeFilter, TipFilter
from disputes.models import Dispute, DisputeCategory, MediationSession, Tip
from disputes.selectors import (
    can_see_sources,
    dispute_list_visible_to,
    dispute_possible_duplicates,
    dispute_timeline,
    tip_attachments,
    tip_list_visible_to,
)
from guards.models import Guard
from liaison_points.api import CoordinateField
from liaison_points.models import LiaisonPoint


class IsOfficerOrGuard(BasePermission):
    message = _("Disputes and tips are for officers and the guards who report them.")

    def has_permission(self, request, view):
        return is_officer(request.user) or is_guard(request.user)


def _url(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


# --- disputes -----------------------------------------------------------------------------------


class PartySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    role = serializers.CharField(max_length=32, required=False, allow_blank=True)


class DisputeSerializer(serializers.ModelSerializer):
    """What a guard may read of a dispute they reported."""

    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True, allow_null=True)
    township = serializers.IntegerField(source="liaison_point.township_id", read_only=True, allow_null=True)
    township_name = serializers.CharField(source="liaison_point.township.name", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = [
            "id", "category", "title", "place", "latitude", "longitude", "liaison_point", "liaison_point_name",
            "township", "township_name", "reported_by_kind", "status", "escalated_to", "reported_at", "accepted_at",
            "finished_at", "first_response_due", "resolution_due", "overdue", "merged_into",
        ]
        read_only_fields = fields

    def get_overdue(self, dispute) -> str:
        """'' on time, 'response' (not accepted in time) or 'resolution' (open past its due date)."""
        return dispute.overdue_kind(self.context.get("now"))


class DisputeOfficerSerializer(DisputeSerializer):
    """Everything, parties and reporter included: officers only."""

    parties = PartySerializer(many=True, read_only=True)
    reporting_guard_name = serializers.CharField(source="reporting_guard.name", read_only=True, allow_null=True)
    helped_by_name = serializers.CharField(source="helped_by.name", read_only=True, allow_null=True)

    class Meta(DisputeSerializer.Meta):
        fields = DisputeSerializer.Meta.fields + [
            "description", "parties", "reporting_guard", "reporting_guard_name", "reporter_name", "reporter_phone",
            "agreement", "outcome_note", "helped_by", "helped_by_name", "created_at", "updated_at",
        ]
        read_only_fields = fields


class DisputeInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=DisputeCategory.choices)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=200)
    latitude = CoordinateField(axis="latitude", required=False, allow_null=True, default=None)
    longitude = CoordinateField(axis="longitude", required=False, allow_null=True, default=None)
    parties = PartySerializer(many=True, required=False, default=list)
    reported_by_kind = serializers.ChoiceField(
        choices=Dispute.ReporterKind.choices, required=False,
        help_text=_("Officers only: entered for themselves or for a resident. A guard always reports as a guard."),
    )
    reporter_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ResolveSerializer(NoteSerializer):
    agreement = serializers.CharField()
    helped_by = serializers.PrimaryKeyRelatedField(queryset=Guard.objects.all(), required=False, allow_null=True, default=None)


class EscalateSerializer(NoteSerializer):
    escalated_to = serializers.ChoiceField(choices=Dispute.EscalatedTo.choices)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ReassignSerializer(ReasonSerializer):
    liaison_point = serializers.PrimaryKeyRelatedField(queryset=LiaisonPoint.objects.all())


class MergeSerializer(NoteSerializer):
    into = serializers.PrimaryKeyRelatedField(queryset=Dispute.objects.all(), help_text=_("The dispute to keep."))


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


def _transition_action(name: str, to: str, input_serializer, **extra_doc):
    @extend_schema(request=input_serializer, responses={200: DisputeOfficerSerializer}, **extra_doc)
    def handler(self, request, pk=None):
        dispute = self.get_object()
        data = self._input(input_serializer, request)
        dispute = services.dispute_transition(
            dispute=dispute, to=to, by=request.user, note=data.get("note", ""), escalated_to=data.get("escalated_to", ""),
            agreement=data.get("agreement", ""), helped_by=data.get("helped_by"),
        )
        return self._detail(dispute)

    handler.__name__ = name
    return handler


class DisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Disputes. `GET` for officers (everything) and guards (their own reports, no parties); `POST`
    reports one (routed to a liaison point from its position). Transitions are POST actions:
    accept, mediate, resolve, escalate, close, reopen, reassign, merge, sessions."""

    filterset_class = DisputeFilter
    search_fields = ["title", "place"]
    ordering_fields = ["reported_at", "resolution_due", "first_response_due", "status", "category"]
    ordering = ["-reported_at", "-id"]

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "geojson"):
            return [IsOfficerOrGuard()]
        return [IsOfficer()]

    def get_queryset(self):
        return dispute_list_visible_to(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return DisputeInputSerializer
        return DisputeOfficerSerializer if can_see_sources(self.request.user) else DisputeSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _input(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _detail(self, dispute, code=status.HTTP_200_OK):
        dispute = self.get_queryset().get(pk=dispute.pk)
        serializer_class = DisputeOfficerSerializer if can_see_sources(self.request.user) else DisputeSerializer
        return Response(serializer_class(dispute, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=DisputeInputSerializer, responses={201: DisputeOfficerSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(DisputeInputSerializer, request)
        data["parties"] = [dict(p) for p in data.get("parties", [])]
        dispute = services.dispute_report(by=request.user, **data)
        return self._detail(dispute, status.HTTP_201_CREATED)

    accept = action(detail=True, methods=["post"])(_transition_action("accept", Dispute.Status.ACCEPTED, NoteSerializer, summary="Accept (first response)"))
    mediate = action(detail=True, methods=["post"])(_transition_action("mediate", Dispute.Status.MEDIATING, NoteSerializer, summary="Start mediation"))
    resolve = action(detail=True, methods=["post"])(_transition_action("resolve", Dispute.Status.RESOLVED, ResolveSerializer, summary="Resolved with an agreement"))
    escalate = action(detail=True, methods=["post"])(_transition_action("escalate", Dispute.Status.ESCALATED, EscalateSerializer, summary="Escalate to police, court or another body"))
    close = action(detail=True, methods=["post"])(_transition_action("close", Dispute.Status.CLOSED, NoteSerializer, summary="Close without agreement"))

    @extend_schema(request=ReasonSerializer, responses={200: DisputeOfficerSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        dispute = self.get_object()
        data = self._input(ReasonSerializer, request)
        return self._detail(services.dispute_reopen(dispute=dispute, by=request.user, reason=data["reason"]))

    @extend_schema(request=ReassignSerializer, responses={200: DisputeOfficerSerializer})
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        dispute = self.get_object()
        data = self._input(ReassignSerializer, request)
        return self._detail(services.dispute_reassign(dispute=dispute, point=data["liaison_point"], by=request.user, reason=data["reason"]))

    @extend_schema(request=MergeSerializer, responses={200: DisputeOfficerSerializer}, summary="Merge this duplicate into another dispute")
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        dispute = self.get_object()
        data = self._input(MergeSerializer, request)
        return self._detail(services.dispute_merge(duplicate=dispute, into=data["into"], by=request.user, note=data["note"]))

    @extend_schema(methods=["get"], responses={200: SessionSerializer(many=True)})
    @extend_schema(methods=["post"], request=SessionSerializer, responses={201: SessionSerializer})
    @action(detail=True, methods=["get", "post"])
    def sessions(self, request, pk=None):
        dispute = self.get_object()
        if request.method == "GET":
            rows = dispute.sessions.select_related("mediator")
            return Response(SessionSerializer(rows, many=True).data)
        data = self._input(SessionSerializer, request)
        session = services.mediation_session_add(dispute=dispute, by=request.user, **data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: EventSerializer(many=True)}, summary="Timeline (with merged duplicates)")
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        return Response(EventSerializer(dispute_timeline(dispute=self.get_object()), many=True).data)

    @extend_schema(
        summary="Open disputes near a place and time (duplicate suggestions)",
        parameters=[OpenApiParameter(n, OpenApiTypes.NUMBER, required=n != "exclude") for n in ("latitude", "longitude", "exclude")],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def nearby(self, request):
        params = _NearbySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        found = dispute_possible_duplicates(latitude=data["latitude"], longitude=data["longitude"], exclude_id=data.get("exclude"))
        return Response([
            {"id": d.pk, "title": d.title, "category": d.category, "status": d.status, "place": d.place,
             "reported_at": d.reported_at, "distance_m": d.distance_m, "url": _url("disputes:dispute-detail", d.pk)}
            for d in found
        ])

    @extend_schema(summary="Disputes as a GeoJSON FeatureCollection (for the map)", responses={200: OpenApiTypes.OBJECT}, filters=True)
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request):
        now = timezone.now()
        rows = self.filter_queryset(self.get_queryset())[:5000]
        features = [
            {
                "type": "Feature",
                "id": d.pk,
                "geometry": {"type": "Point", "coordinates": [float(d.longitude), float(d.latitude)]},
                "properties": {
                    "id": d.pk, "kind": "dispute", "name": f"#{d.pk} {d.title}", "category": d.category,
                    "category_label": str(d.get_category_display()), "status": d.status,
                    "status_label": str(d.get_status_display()), "overdue": d.overdue_kind(now),
                    "url": _url("disputes:dispute-detail", d.pk),
                },
            }
            for d in rows
        ]
        return Response({"type": "FeatureCollection", "features": features})


class _NearbySerializer(serializers.Serializer):
    latitude = CoordinateField(axis="latitude")
    longitude = CoordinateField(axis="longitude")
    exclude = serializers.IntegerField(required=False)


# --- tips ---------------------------------------------------------------------------------------


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    purpose = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str | None:
        return _url("disputes:tip-attachment", attachment.pk)


class TipSerializer(serializers.ModelSerializer):
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
            "outcome_note", "dispute", "rectification_by", "rectification_due", "rectified_at", "created_at", "updated_at",
        ]
        read_only_fields = fields


class TipInputSerializer(serializers.Serializer):
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


class RectificationSerializer(serializers.Serializer):
    rectification_by = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    rectification_due = serializers.DateField(required=False, allow_null=True, default=None)
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


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    purpose = serializers.ChoiceField(choices=["report", "rectification"], required=False, default="report")


def _tip_transition_action(name: str, to: str, input_serializer, **doc):
    @extend_schema(request=input_serializer, responses={200: TipOfficerSerializer}, **doc)
    def handler(self, request, pk=None):
        tip = self.get_object()
        data = self._input(input_serializer, request)
        tip = services.tip_transition(tip=tip, to=to, by=request.user, **data)
        return self._detail(tip)

    handler.__name__ = name
    return handler


class TipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Tips. Officers see everything including the source; a guard reports tips (multipart with
    `attachments`) and reads back their own. Managers: 403. Transitions: verify, act, close,
    unfounded; hazards: rectification; links: link-dispute, start-dispute; attachments (POST)."""

    filterset_class = TipFilter
    search_fields = ["place"]
    ordering_fields = ["received_at", "status", "kind"]
    ordering = ["-received_at", "-id"]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "geojson"):
            return [IsOfficerOrGuard()]
        return [IsOfficer()]

    def get_queryset(self):
        return tip_list_visible_to(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return TipInputSerializer
        return TipOfficerSerializer if can_see_sources(self.request.user) else TipSerializer

    def _input(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _detail(self, tip, code=status.HTTP_200_OK):
        tip = self.get_queryset().get(pk=tip.pk)
        output = TipOfficerSerializer if can_see_sources(self.request.user) else TipSerializer
        data = output(tip, context=self.get_serializer_context()).data
        data["attachments"] = AttachmentSerializer(tip_attachments(tip=tip), many=True).data
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(request={"multipart/form-data": TipInputSerializer, "application/json": TipInputSerializer}, responses={201: TipOfficerSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(TipInputSerializer, request)
        files = request.FILES.getlist("attachments") if hasattr(request, "FILES") else []
        data.pop("attachments", None)
        if not is_officer(request.user):
            data.pop("source_kind", None)
        tip = services.tip_report(by=request.user, files=files, **data)
        return self._detail(tip, status.HTTP_201_CREATED)

    verify = action(detail=True, methods=["post"])(_tip_transition_action("verify", Tip.Status.VERIFIED, NoteSerializer, summary="Verified (credits the source guard)"))
    act = action(detail=True, methods=["post"], url_path="act")(_tip_transition_action("act", Tip.Status.ACTED, NoteSerializer, summary="Acted on"))
    close = action(detail=True, methods=["post"])(_tip_transition_action("close", Tip.Status.CLOSED, TipCloseSerializer, summary="Close with an outcome"))
    unfounded = action(detail=True, methods=["post"])(_tip_transition_action("unfounded", Tip.Status.UNFOUNDED, NoteSerializer, summary="Unfounded"))

    @extend_schema(request={"multipart/form-data": RectificationSerializer}, responses={200: TipOfficerSerializer})
    @action(detail=True, methods=["post"])
    def rectification(self, request, pk=None):
        tip = self.get_object()
        data = self._input(RectificationSerializer, request)
        return self._detail(services.tip_set_rectification(tip=tip, by=request.user, **data))

    @extend_schema(request=LinkDisputeSerializer, responses={200: TipOfficerSerializer})
    @action(detail=True, methods=["post"], url_path="link-dispute")
    def link_dispute(self, request, pk=None):
        tip = self.get_object()
        data = self._input(LinkDisputeSerializer, request)
        return self._detail(services.tip_link_dispute(tip=tip, dispute=data["dispute"], by=request.user))

    @extend_schema(request=StartDisputeSerializer, responses={201: DisputeOfficerSerializer})
    @action(detail=True, methods=["post"], url_path="start-dispute")
    def start_dispute(self, request, pk=None):
        tip = self.get_object()
        data = self._input(StartDisputeSerializer, request)
        data["parties"] = [dict(p) for p in data.get("parties", [])]
        dispute = services.tip_start_dispute(tip=tip, by=request.user, **data)
        dispute = dispute_list_visible_to(user=request.user).get(pk=dispute.pk)
        return Response(DisputeOfficerSerializer(dispute, context={"now": timezone.now()}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        tip = self.get_object()
        data = self._input(UploadSerializer, request)
        attachment = services.tip_attachment_add(tip=tip, upload=data["file"], by=request.user, purpose=data["purpose"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Tips as a GeoJSON FeatureCollection (for the map)", responses={200: OpenApiTypes.OBJECT}, filters=True)
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request):
        rows = self.filter_queryset(self.get_queryset()).filter(latitude__isnull=False)[:5000]
        features = [
            {
                "type": "Feature",
                "id": t.pk,
                "geometry": {"type": "Point", "coordinates": [float(t.longitude), float(t.latitude)]},
                "properties": {
                    "id": t.pk, "kind": "tip", "name": f"#{t.pk} {t.get_kind_display()}", "tip_kind": t.kind,
                    "status": t.status, "status_label": str(t.get_status_display()), "url": _url("disputes:tip-detail", t.pk),
                },
            }
            for t in rows
        ]
        return Response({"type": "FeatureCollection", "features": features})

