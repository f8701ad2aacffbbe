"""REST API of the bulletins app (/api/v1/bulletins/, /case-figures/, /bulletin-recipients/).

Officers read every bulletin with its figures and act on it (compile, suggestions, send, deliveries).
A company's manager lists the sent bulletins and reads each as their company's copy (their lines in
full, other companies only as county totals). Guards get 403. Case figures and recipients are for
officers. Writes go through bulletins.services; a refused action is a 409 (sent bulletin) or a 400."""
import re

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.permissions import IsOfficer, is_manager, is_officer
from accounts.scoping import scope_for
from bulletins import selectors, services
from bulletins.figures import manager_copy
from bulletins.forms import MAX_CSV_BYTES
from bulletins.models import (
    BulletinDelivery,
    BulletinRecipient,
    CaseFigure,
    WeeklyBulletin,
)
from config.dates import iso_week_label, parse_iso_week, week_start
from config.exceptions import DomainError
from liaison_points.filters import IdFilter
from liaison_points.models import Township

_WEEK_LABEL = re.compile(r"^\d{4}-?[Ww]\d{1,2}$")


class IsOfficerOrManager(BasePermission):
    message = gettext_lazy("Bulletins are for officers and company managers.")

    def has_permission(self, request, view):
        return is_officer(request.user) or is_manager(request.user)


@extend_schema_field(OpenApiTypes.STR)
class WeekField(serializers.Field):
    """An ISO week '2026-W47' (or any date in it, '2026-11-18') in, its label out."""

    default_error_messages = {"invalid": gettext_lazy("Enter an ISO week such as 2026-W47 or a date in the week.")}

    def to_internal_value(self, data):
        import datetime

        value = str(data or "").strip()
        try:
            if "w" in value.lower():
                return parse_iso_week(value)
            return week_start(datetime.date.fromisoformat(value))
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value):
        return iso_week_label(value)


# --- bulletins ----------------------------------------------------------------------------------


class DeliveryStatsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    sending = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    total = serializers.IntegerField()


class BulletinSerializer(serializers.ModelSerializer):
    week = serializers.CharField(source="week_label", read_only=True)
    figures = serializers.SerializerMethodField()
    deliveries = serializers.SerializerMethodField()

    class Meta:
        model = WeeklyBulletin
        fields = ["id", "week", "week_start", "status", "compiled_at", "sent_at", "officer_suggestions", "figures", "deliveries"]
        read_only_fields = fields

    def get_figures(self, bulletin) -> dict:
        company_id = self.context.get("company_id")
        if company_id is not None and bulletin.figures:
            return manager_copy(bulletin.figures, company_id=company_id)
        return bulletin.figures

    def get_deliveries(self, bulletin) -> dict | None:
        """Delivery counts by status (officers only; null for a manager)."""
        if self.context.get("company_id") is not None:
            return None
        return selectors.delivery_stats(bulletin)


class DeliverySerializer(serializers.ModelSerializer):
    recipient_name = serializers.CharField(source="recipient.name", read_only=True, allow_null=True)
    company_name = serializers.CharField(source="company.name", read_only=True, allow_null=True)

    class Meta:
        model = BulletinDelivery
        fields = ["id", "email", "recipient", "recipient_name", "company", "company_name", "language", "status",
                  "attempts", "last_error", "claimed_at", "sent_at"]
        read_only_fields = fields


class CompileInputSerializer(serializers.Serializer):
    week = WeekField(help_text=gettext_lazy("ISO week such as 2026-W47, or a date in the week."))


class SuggestionsInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=4000)


class BulletinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Weekly bulletins. Look one up by id or by week label (`/bulletins/2026-W47/`).
    Officers: every bulletin with its figures and delivery counts, plus the actions `compile`
    (collection; {week}), `suggestions` ({text}), `send` (idempotent) and `deliveries`.
    Managers: the sent bulletins, each as their company's copy."""

    serializer_class = BulletinSerializer
    lookup_value_regex = r"[0-9]+|[0-9]{4}-?[Ww][0-9]{1,2}"
    filter_backends = []

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [IsOfficerOrManager()]
        return [IsOfficer()]

    def get_queryset(self):
        return selectors.bulletin_list_visible_to(user=self.request.user)

    def get_serializer_context(self):
        scope = scope_for(self.request.user)
        return {**super().get_serializer_context(), "company_id": scope.company_id if scope.is_manager else None}

    def get_object(self):
        value = self.kwargs["pk"]
        qs = self.get_queryset()
        if _WEEK_LABEL.match(value):
            try:
                bulletin = qs.filter(week_start=parse_iso_week(value)).first()
            except ValueError:
                bulletin = None
        else:
            bulletin = qs.filter(pk=int(value)).first() if len(value) < 19 else None
        if bulletin is None:
            raise Http404
        self.check_object_permissions(self.request, bulletin)
        return bulletin

    def _detail(self, bulletin, code=status.HTTP_200_OK):
        bulletin = self.get_queryset().get(pk=bulletin.pk)
        return Response(self.get_serializer(bulletin).data, status=code)

    @extend_schema(request=CompileInputSerializer, responses={200: BulletinSerializer, 201: BulletinSerializer},
                   summary="Compile (or recompile) a week's bulletin; a sent one is kept as it went out (409)")
    @action(detail=False, methods=["post"])
    def compile(self, request):
        data = CompileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        monday = data.validated_data["week"]
        if not selectors.week_has_begun(monday):
            raise DomainError(_("Week %(week)s has not started yet: it can be compiled from Monday %(day)s.")
                              % {"week": iso_week_label(monday), "day": monday.isoformat()}, field="week")
        existing = WeeklyBulletin.objects.filter(week_start=monday).values_list("status", flat=True).first()
        if existing == WeeklyBulletin.Status.SENT:
            raise DomainError(_("This bulletin has been sent; a sent bulletin is kept as it went out."), conflict=True)
        bulletin = services.bulletin_compile(monday=monday)
        return self._detail(bulletin, status.HTTP_200_OK if existing else status.HTTP_201_CREATED)

    @extend_schema(request=SuggestionsInputSerializer, responses={200: BulletinSerializer}, summary="Set the officer's work suggestions (draft only)")
    @action(detail=True, methods=["post"])
    def suggestions(self, request, pk=None):
        bulletin = self.get_object()
        data = SuggestionsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(services.bulletin_set_suggestions(bulletin=bulletin, text=data.validated_data["text"]))

    @extend_schema(
        request=None, summary="Send to every active recipient not yet sent it (idempotent)",
        responses={200: inline_serializer("BulletinSendResult", {"created": serializers.IntegerField(), "deliveries": DeliveryStatsSerializer()})},
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        bulletin = self.get_object()
        created = services.bulletin_send(bulletin=bulletin, by=request.user)
        return Response({"created": created, "deliveries": selectors.delivery_stats(WeeklyBulletin.objects.get(pk=bulletin.pk))})

    @extend_schema(responses={200: DeliverySerializer(many=True)}, summary="Deliveries of this bulletin")
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        bulletin = self.get_object()
        rows = selectors.delivery_list(bulletin=bulletin)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


# --- case figures -------------------------------------------------------------------------------


class CaseFigureFilter(django_filters.FilterSet):
    week = django_filters.CharFilter(method="filter_week", label="week (2026-W47 or a date in the week)")
    township = IdFilter(field_name="township_id")

    class Meta:
        model = CaseFigure
        fields = ["week", "township"]

    def filter_week(self, qs, name, value):
        try:
            monday = WeekField().to_internal_value(value)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"week": exc.detail}) from None
        return qs.filter(week_start=monday)


class CaseFigureSerializer(serializers.ModelSerializer):
    week = WeekField(source="week_start")
    township = serializers.PrimaryKeyRelatedField(queryset=Township.objects.all())
    township_name = serializers.CharField(source="township.name", read_only=True)
    count = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    entered_by = serializers.CharField(source="entered_by.__str__", read_only=True, allow_null=True)

    class Meta:
        model = CaseFigure
        fields = ["id", "week", "week_start", "township", "township_name", "count", "entered_by", "updated_at"]
        read_only_fields = ["id", "week_start", "updated_at"]


class CaseFigureUpdateSerializer(CaseFigureSerializer):
    """Correcting a figure changes its count; its township and week stay."""

    week = WeekField(source="week_start", read_only=True)
    township = serializers.PrimaryKeyRelatedField(read_only=True)


class CaseImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("CSV with columns week, township, count (UTF-8 or GB18030)."))

    def validate_file(self, upload):
        if upload.size > MAX_CSV_BYTES:
            raise serializers.ValidationError(_("The file is larger than 2 MB; split it."))
        return upload


class CaseFigureViewSet(viewsets.ModelViewSet):
    """Weekly preventable-case counts per township (officers). Create or correct one through the
    same rule as the page (a week that has begun, a whole number); `import` takes a CSV whole or
    not at all: a bad file is a 400 listing every bad line, and nothing is imported."""

    permission_classes = [IsOfficer]
    filterset_class = CaseFigureFilter
    ordering_fields = ["week_start", "count"]
    search_fields = []

    def get_queryset(self):
        return selectors.case_figure_list()

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return CaseFigureUpdateSerializer
        if self.action == "import_csv":
            return CaseImportSerializer
        return CaseFigureSerializer

    def _set(self, *, township, monday, count):
        # A refused week or count is a Django ValidationError: the exception handler makes it a 400
        # under `week` / `count`, the serializer's own field names.
        return services.case_figure_set(township=township, monday=monday, count=count, by=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = self._set(township=data["township"], monday=data["week_start"], count=data["count"])

    def perform_update(self, serializer):
        figure = serializer.instance
        count = serializer.validated_data.get("count", figure.count)
        serializer.instance = self._set(township=figure.township, monday=figure.week_start, count=count)

    @extend_schema(
        request={"multipart/form-data": CaseImportSerializer},
        responses={200: inline_serializer("CaseImportResult", {"created": serializers.IntegerField(), "updated": serializers.IntegerField()}),
                   400: OpenApiTypes.OBJECT},
        summary="Import a CSV whole or not at all",
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import",
            parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def import_csv(self, request):
        data = CaseImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.case_figures_import(data=data.validated_data["file"].read(), by=request.user)
        except DjangoValidationError as exc:
            errors = exc.message_dict.get("file", exc.messages) if hasattr(exc, "error_dict") else exc.messages
            return Response({"file": errors, "imported": 0, "detail": _("Nothing was imported.")}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated})


# --- recipients ---------------------------------------------------------------------------------


class RecipientSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True, allow_null=True)

    class Meta:
        model = BulletinRecipient
        fields = ["id", "name", "email", "kind", "company", "company_name", "language", "active"]



class RecipientViewSet(viewsets.ModelViewSet):
    """Who receives the weekly bulletin (officers). `sync` adds every officer and company manager
    with an email address who is not on the list yet."""

    permission_classes = [IsOfficer]
    serializer_class = RecipientSerializer
    search_fields = ["name", "email"]
    ordering_fields = ["name", "email", "kind"]
    filterset_fields = ["kind", "active", "language"]

    def get_queryset(self):
        return selectors.recipient_list()

    def perform_create(self, serializer):
        serializer.instance = services.recipient_save(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.recipient_save(recipient=serializer.instance, **serializer.validated_data)

    @extend_schema(request=None, responses={200: inline_serializer("RecipientSyncResult", {"added": serializers.IntegerField()})},
                   summary="Add every officer and manager who has an email address")
    @action(detail=False, methods=["post"])
    def sync(self, request):
        return Response({"added": services.recipients_sync()})
