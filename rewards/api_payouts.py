"""Monthly payout API: runs with their lines per company, compute, approve, CSV and XLSX export."""
import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.audit import AuditEvent, audit_record
from accounts.api_permissions import IsOfficerOrManager
from accounts.permissions import IsOfficer
from accounts.scoping import scope_for
from config.api_fields import MonthField, UserNameField, int_param, validated
from config.exports import safe_row
from guards.selectors import company_list_visible_to
from rewards.models import PayoutLine, PayoutRun
from rewards.selectors import (
    payout_company_totals,
    payout_line_list_visible_to,
    payout_run_list_visible_to,
)
from rewards.services import payout_approve, payout_compute


class PayoutRunSerializer(serializers.ModelSerializer):
    month = MonthField(read_only=True)
    total_points = serializers.IntegerField(source="scoped_points", read_only=True, help_text=_("For a manager: their company's."))
    total_amount = serializers.DecimalField(source="scoped_amount", max_digits=12, decimal_places=2, read_only=True)
    guard_count = serializers.IntegerField(source="scoped_guards", read_only=True)
    approved_by_name = UserNameField(source="approved_by")

    class Meta:
        model = PayoutRun
        fields = [
            "id", "month", "yuan_per_point", "status", "total_points", "total_amount", "guard_count", "computed_at",
            "approved_at", "approved_by", "approved_by_name",
        ]
        read_only_fields = fields


class PayoutLineSerializer(serializers.ModelSerializer):
    guard_name = serializers.CharField(source="guard.name", read_only=True)
    post = serializers.CharField(source="guard.post", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)

    class Meta:
        model = PayoutLine
        fields = ["id", "guard", "guard_name", "post", "company", "company_name", "points", "amount"]
        read_only_fields = fields


class PayoutCompanySerializer(serializers.Serializer):
    company = serializers.IntegerField(source="company_id")
    company_name = serializers.CharField(source="company__name")
    guards = serializers.IntegerField()
    points = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class PayoutRunDetailSerializer(PayoutRunSerializer):
    companies = PayoutCompanySerializer(many=True, read_only=True, source="company_totals")
    lines = PayoutLineSerializer(many=True, read_only=True, source="scoped_lines")

    class Meta(PayoutRunSerializer.Meta):
        fields = PayoutRunSerializer.Meta.fields + ["companies", "lines"]
        read_only_fields = fields


class PayoutComputeSerializer(serializers.Serializer):
    month = MonthField(help_text=_("The month to pay, such as 2026-11."))
    yuan_per_point = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, help_text=_("Defaults to the office's rate."),
    )


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_COMPANY_PARAM = OpenApiParameter("company", int, description=str(_("A company id: only that company's lines.")))


class PayoutRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly payouts. Officers compute (points × rate), approve and export them; a manager sees
    every month but only their company's lines and totals, and exports only their company."""

    serializer_class = PayoutRunSerializer
    permission_classes = [IsOfficerOrManager]
    filter_backends = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        from guards.policy import duty_policy

        if not duty_policy().payouts_enabled:  # the office does not run monthly payouts
            raise NotFound(gettext("The office does not run this reward scheme."))

    def get_queryset(self):
        return payout_run_list_visible_to(user=self.request.user).order_by("-month")

    def _lines(self, run: PayoutRun):
        lines = payout_line_list_visible_to(user=self.request.user, run=run)
        company = int_param(self.request, "company")
        return lines.filter(company_id=company) if company else lines

    def _detail(self, pk: int) -> Response:
        return Response(self._detail_data(self.get_queryset().get(pk=pk)))

    def _detail_data(self, run: PayoutRun) -> dict:
        lines = self._lines(run)
        run.company_totals = payout_company_totals(lines=lines)
        run.scoped_lines = list(lines)
        return PayoutRunDetailSerializer(run, context=self.get_serializer_context()).data

    @extend_schema(parameters=[_COMPANY_PARAM], responses={200: PayoutRunDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail_data(self.get_object()))

    @extend_schema(request=PayoutComputeSerializer, responses={200: PayoutRunDetailSerializer}, summary="Compute (or recompute) a month's payout (officers)")
    @action(detail=False, methods=["post"], permission_classes=[IsOfficer])
    def compute(self, request):
        data = validated(PayoutComputeSerializer, request)
        run = payout_compute(month=data["month"], yuan_per_point=data.get("yuan_per_point"))
        return self._detail(run.pk)

    @extend_schema(request=None, responses={200: PayoutRunDetailSerializer}, summary="Approve a computed payout (officers)")
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def approve(self, request, pk=None):
        run = self.get_object()
        payout_approve(run=run, by=request.user)
        return self._detail(run.pk)

    @extend_schema(
        summary="Download a payout's lines as CSV or XLSX (a manager: their company only)",
        parameters=[
            _COMPANY_PARAM,
            OpenApiParameter("format", str, enum=["csv", "xlsx"], description=str(_("File format; csv by default."))),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, _XLSX): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        run = self.get_object()
        fmt = (request.query_params.get("format") or "csv").lower()
        if fmt not in ("csv", "xlsx"):
            raise serializers.ValidationError({"format": [gettext("Choose csv or xlsx.")]})
        scope = scope_for(request.user)
        company = int_param(request, "company")
        if scope.is_manager:
            if company not in (None, scope.company_id):
                raise NotFound()
            company = scope.company_id
        lines = payout_line_list_visible_to(user=request.user, run=run)
        if company is not None:
            if not company_list_visible_to(user=request.user).filter(pk=company).exists():
                raise NotFound()
            lines = lines.filter(company_id=company)
        rows = _payout_rows(run, lines.order_by("company__name", "-points", "guard__name", "guard_id"))
        name = f"payout-{run.month:%Y-%m}-{company or 'all'}.{fmt}"
        if fmt == "xlsx":
            response = HttpResponse(_xlsx(rows, title=f"{run.month:%Y-%m}"), content_type=_XLSX)
        else:
            response = HttpResponse(_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        audit_record(request=request, kind=AuditEvent.Kind.EXPORT, obj=run,
                     detail={"what": "payout", "format": fmt, "company": company or "all", "via": "api"})
        return response

    def perform_content_negotiation(self, request, force=False):
        # ?format=csv|xlsx names the export's file type, not a DRF renderer: never a 404 for it.
        return super().perform_content_negotiation(request, force=force or self.action == "export")

    def handle_exception(self, exc):
        if self.action == "export":  # errors of the export are JSON like every other error
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


def _payout_rows(run: PayoutRun, lines) -> list[list]:
    header = [
        gettext("Month"), gettext("Company"), gettext("Guard"), gettext("Post"), gettext("Points"),
        gettext("Yuan per point"), gettext("Amount (yuan)"),
    ]
    rows = [header]
    total_points, total_amount = 0, 0
    for line in lines:
        rows.append([f"{run.month:%Y-%m}", line.company.name, line.guard.name, line.guard.post, line.points, run.yuan_per_point, line.amount])
        total_points += max(line.points, 0)
        total_amount += line.amount
    rows.append([gettext("Total"), "", "", "", total_points, "", total_amount])
    return rows


def _csv(rows) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 (Chinese names) only with a BOM
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(safe_row(f"{v:.2f}" if hasattr(v, "quantize") else v for v in row))
    return out.getvalue().encode("utf-8")


def _xlsx(rows, *, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title)
    for row in rows:
        sheet.append(safe_row(float(v) if hasattr(v, "quantize") else v for v in row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
