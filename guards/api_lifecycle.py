"""REST API for the guard lifecycle (/api/v1/): training sessions, quarterly rosters, the points
ledger and rules, monthly payouts, quarterly assessments, equipment and recalls, certificate exams.

Same conventions as guards/api.py: every list and detail goes through a scoping selector
(guards.selectors_lifecycle; outside the scope = 404), every write with a rule calls one service in
guards.services (a wrong role = 403, a refused transition = 409, bad input = 400 with field errors),
and every state change is an @action that answers with the fresh record."""
import csv
import datetime
import io
import re

import django_filters
from django import forms
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.permissions import IsOfficer, IsOfficerOrReadOnly, is_manager, is_officer
from accounts.scoping import scope_for
from config.dates import iso_week_label, parse_iso_week, parse_quarter, week_start
from config.exceptions import DomainError
from guards.models import (
    Assessment,
    CertificateExam,
    DutyArea,
    Equipment,
    EquipmentRecall,
    Guard,
    PayoutLine,
    PayoutRun,
    PointEntry,
    PointRule,
    RosterEntry,
    TrainingRoster,
    TrainingSession,
)
from guards.selectors import company_list_visible_to
from guards.selectors_lifecycle import (
    assessment_list_visible_to,
    equipment_list_visible_to,
    equipment_recall_list_visible_to,
    exam_list_visible_to,
    payout_company_totals,
    payout_line_list_visible_to,
    payout_run_list_visible_to,
    point_entry_list_visible_to,
    point_rule_list,
    points_weekly_totals,
    roster_detail_visible_to,
    roster_list_visible_to,
    roster_quarter_sessions,
    roster_unplaced_guards,
    training_session_list,
)
from guards.services import (
    assessments_run,
    equipment_issue,
    equipment_return,
    exam_record,
    payout_approve,
    payout_compute,
    point_rule_update,
    points_award,
    roster_approve,
    roster_lock,
    roster_move_entry,
    roster_record_attendance,
    roster_return,
    roster_submit,
    rosters_compile,
    training_session_save,
)
from liaison_points.filters import IdFilter
from liaison_points.models import LiaisonPoint

QUARTER_HELP = _("A quarter such as 2027Q1.")


class IsOfficerOrManager(BasePermission):
    message = _("Only officers and company managers may see this.")

    def has_permission(self, request, view):
        return is_officer(request.user) or is_manager(request.user)


# --- shared fields and filters ------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class UserNameField(serializers.Field):
    """A user's display name (read-only); null when there is no user."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, user):
        return str(user)


class QuarterField(serializers.CharField):
    """'2027Q1' (also '2027-q1'), normalised to '2027Q1'."""

    default_error_messages = {"invalid_quarter": _("Give a quarter such as 2027Q1.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", QUARTER_HELP)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return parse_quarter(value)[0]
        except ValueError:
            self.fail("invalid_quarter")


class MonthField(serializers.CharField):
    """'2026-11' → the first day of that month."""

    default_error_messages = {"invalid_month": _("Give a month such as 2026-11.")}

    def to_internal_value(self, data):
        value = super().to_internal_value(data).strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not 2000 <= int(match.group(1)) <= 2100 or not 1 <= int(match.group(2)) <= 12:
            self.fail("invalid_month")
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)

    def to_representation(self, value):
        return f"{value:%Y-%m}" if isinstance(value, datetime.date) else value


class _QuarterFormField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return parse_quarter(value)[0]
        except ValueError:
            raise forms.ValidationError(gettext("Give a quarter such as 2027Q1.")) from None


class QuarterFilter(django_filters.CharFilter):
    """A quarter in the query string; a malformed one is a 400 on that parameter."""

    field_class = _QuarterFormField


def _int_param(request, name: str) -> int | None:
    """An optional whole-number id in the query string; anything else is a 400 on that parameter."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
        if not 1 <= value <= 2**63 - 1:
            raise ValueError
    except ValueError:
        raise serializers.ValidationError({name: [gettext("Give a whole number.")]}) from None
    return value


# --- training sessions --------------------------------------------------------------------------


class TrainingSessionFilter(django_filters.FilterSet):
    quarter = QuarterFilter()
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = TrainingSession
        fields = ["quarter", "held_from", "held_to"]


class TrainingSessionSerializer(serializers.ModelSerializer):
    quarter = QuarterField()
    subject_areas = serializers.ListField(
        child=serializers.ChoiceField(choices=DutyArea.choices), allow_empty=False,
        help_text=_("One or more duty areas."),
    )
    seated = serializers.IntegerField(read_only=True, help_text=_("Guards seated in this session (all companies)."))

    class Meta:
        model = TrainingSession
        fields = ["id", "quarter", "held_on", "place", "subject_areas", "capacity", "trainer", "seated"]


class TrainingSessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Training sessions of each quarter. Everyone signed in reads them (managers plan around
    them); officers create and change them (a session cannot shrink below the guards seated)."""

    serializer_class = TrainingSessionSerializer
    permission_classes = [IsOfficerOrReadOnly]
    filterset_class = TrainingSessionFilter
    search_fields = ["place", "trainer"]
    ordering_fields = ["held_on", "capacity", "seated"]
    ordering = ["held_on", "id"]

    def get_queryset(self):
        return training_session_list()

    def perform_create(self, serializer):
        session = training_session_save(**serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=session.pk)

    def perform_update(self, serializer):
        session = training_session_save(session=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=session.pk)


# --- rosters ------------------------------------------------------------------------------------


class RosterFilter(django_filters.FilterSet):
    quarter = QuarterFilter()
    company = IdFilter(field_name="company_id")
    status = django_filters.ChoiceFilter(choices=TrainingRoster.Status.choices)

    class Meta:
        model = TrainingRoster
        fields = ["quarter", "company", "status"]


class RosterSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    entry_count = serializers.IntegerField(read_only=True)
    unplaced_count = serializers.SerializerMethodField()
    decided_by_name = UserNameField(source="decided_by")

    class Meta:
        model = TrainingRoster
        fields = [
            "id", "company", "company_name", "quarter", "status", "return_reason", "entry_count", "unplaced_count",
            "compiled_at", "submitted_at", "decided_at", "decided_by", "decided_by_name",
        ]
        read_only_fields = fields

    def get_unplaced_count(self, roster) -> int:
        return len(roster.unplaced or [])


class RosterEntrySerializer(serializers.ModelSerializer):
    guard_name = serializers.CharField(source="guard.name", read_only=True)
    post = serializers.CharField(source="guard.post", read_only=True)
    session_held_on = serializers.DateField(source="session.held_on", read_only=True)
    session_place = serializers.CharField(source="session.place", read_only=True)

    class Meta:
        model = RosterEntry
        fields = ["id", "guard", "guard_name", "post", "session", "session_held_on", "session_place", "attended", "carried_over"]
        read_only_fields = fields


class UnplacedGuardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    post = serializers.CharField()


class RosterSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    held_on = serializers.DateField()
    place = serializers.CharField()
    capacity = serializers.IntegerField()
    seated = serializers.IntegerField(help_text=_("Seats taken by all companies."))
    company_seated = serializers.IntegerField(help_text=_("Seats taken by this roster's guards."))


class RosterDetailSerializer(RosterSerializer):
    entries = RosterEntrySerializer(many=True, read_only=True)
    unplaced_guards = UnplacedGuardSerializer(many=True, read_only=True, help_text=_("Guards no session had a seat for."))
    sessions = RosterSessionSerializer(many=True, read_only=True, source="quarter_sessions", help_text=_("The quarter's sessions, for moving guards."))

    class Meta(RosterSerializer.Meta):
        fields = RosterSerializer.Meta.fields + ["entries", "unplaced_guards", "sessions"]
        read_only_fields = fields


class RosterReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text=_("Why the roster goes back to the manager."))


class MoveSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("A roster entry of this roster."))
    session = serializers.PrimaryKeyRelatedField(queryset=TrainingSession.objects.all(), help_text=_("The session to move the guard to."))


class AttendanceSerializer(serializers.Serializer):
    attendance = serializers.DictField(
        child=serializers.BooleanField(), allow_empty=False,
        help_text=_("Roster entry id → attended (true) or absent (false)."),
    )

    def validate_attendance(self, value):
        try:
            return {int(key): attended for key, attended in value.items()}
        except (TypeError, ValueError):
            raise serializers.ValidationError(gettext("Roster entry ids are whole numbers.")) from None


class QuarterInputSerializer(serializers.Serializer):
    quarter = QuarterField()


class RosterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quarterly training rosters. Officers see every company's; a manager only their company's
    (another company's is a 404); guards none. The manager moves guards between sessions and
    submits; an officer approves or returns it with a reason, records attendance and locks it."""

    serializer_class = RosterSerializer
    filterset_class = RosterFilter
    search_fields = ["company__name"]
    ordering_fields = ["quarter", "status", "company__name", "submitted_at"]
    ordering = ["-quarter", "company__name", "id"]

    def get_queryset(self):
        if self.action == "retrieve":
            return roster_detail_visible_to(user=self.request.user)
        return roster_list_visible_to(user=self.request.user)

    def get_serializer_class(self):
        return RosterDetailSerializer if self.action != "list" else RosterSerializer

    def _detail(self, pk: int) -> Response:
        roster = roster_detail_visible_to(user=self.request.user).get(pk=pk)
        return Response(self._detail_data(roster))

    def _detail_data(self, roster: TrainingRoster) -> dict:
        roster.unplaced_guards = roster_unplaced_guards(roster=roster)
        roster.quarter_sessions = roster_quarter_sessions(roster=roster)
        return RosterDetailSerializer(roster, context=self.get_serializer_context()).data

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail_data(self.get_object()))

    @extend_schema(request=None, responses={200: RosterDetailSerializer}, summary="Submit the roster for approval (its company's manager or an officer)")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        roster = self.get_object()
        roster_submit(roster=roster, by=request.user)
        return self._detail(roster.pk)

    @extend_schema(request=None, responses={200: RosterDetailSerializer}, summary="Approve a submitted roster (officers)")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        roster = self.get_object()
        roster_approve(roster=roster, by=request.user)
        return self._detail(roster.pk)

    @extend_schema(request=RosterReturnSerializer, responses={200: RosterDetailSerializer}, summary="Return a submitted roster to the manager with a reason (officers)")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_roster(self, request, pk=None):
        roster = self.get_object()
        data = _valid(RosterReturnSerializer, request)
        roster_return(roster=roster, reason=data["reason"], by=request.user)
        return self._detail(roster.pk)

    @extend_schema(request=MoveSerializer, responses={200: RosterDetailSerializer}, summary="Move a guard to another session with a free seat")
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        roster = self.get_object()
        data = _valid(MoveSerializer, request)
        entry = RosterEntry.objects.filter(roster=roster, pk=data["entry"]).first()
        if entry is None:
            raise serializers.ValidationError({"entry": [gettext("Unknown roster entry.")]})
        roster_move_entry(entry=entry, session=data["session"], by=request.user)
        return self._detail(roster.pk)

    @extend_schema(request=AttendanceSerializer, responses={200: RosterDetailSerializer}, summary="Record attendance per entry (officers, approved rosters)")
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        roster = self.get_object()
        data = _valid(AttendanceSerializer, request)
        roster_record_attendance(roster=roster, attendance=data["attendance"], by=request.user)
        return self._detail(roster.pk)

    @extend_schema(request=None, responses={200: RosterDetailSerializer}, summary="Lock an approved roster once all attendance is recorded (officers)")
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        roster = self.get_object()
        roster_lock(roster=roster, by=request.user)
        return self._detail(roster.pk)

    @extend_schema(request=QuarterInputSerializer, responses={200: RosterSerializer(many=True)}, summary="Compile every company's roster for a quarter (officers)")
    @action(detail=False, methods=["post"], permission_classes=[IsOfficer], pagination_class=None, filterset_class=None)
    def compile(self, request):
        data = _valid(QuarterInputSerializer, request)
        rosters = rosters_compile(quarter=data["quarter"])
        qs = roster_list_visible_to(user=request.user).filter(pk__in=[r.pk for r in rosters]).order_by("company__name", "id")
        return Response(RosterSerializer(qs, many=True, context=self.get_serializer_context()).data)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- points -------------------------------------------------------------------------------------


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
    occurred_on = serializers.DateField(required=False, help_text=_("Defaults to today."))

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
        data = _valid(PointAwardSerializer, request)
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


# --- payouts ------------------------------------------------------------------------------------


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

    def get_queryset(self):
        return payout_run_list_visible_to(user=self.request.user).order_by("-month")

    def _lines(self, run: PayoutRun):
        lines = payout_line_list_visible_to(user=self.request.user, run=run)
        company = _int_param(self.request, "company")
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
        data = _valid(PayoutComputeSerializer, request)
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
        company = _int_param(request, "company")
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
        writer.writerow([f"{v:.2f}" if hasattr(v, "quantize") else v for v in row])
    return out.getvalue().encode("utf-8")


def _xlsx(rows, *, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title)
    for row in rows:
        sheet.append([float(v) if hasattr(v, "quantize") else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- assessments --------------------------------------------------------------------------------


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
        data = _valid(AssessmentRunSerializer, request)
        counts = assessments_run(quarter=data["quarter"], apply=data["apply"], by=request.user)
        return Response({"quarter": data["quarter"], "applied": data["apply"], "counts": counts})


# --- equipment ----------------------------------------------------------------------------------


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
    issued_to_point_name = serializers.CharField(source="issued_to_point.name", read_only=True, allow_null=True, default=None)
    issued_to_guard_name = serializers.CharField(source="issued_to_guard.name", read_only=True, allow_null=True, default=None)
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
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Defaults to today."))


class EquipmentReturnSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Defaults to today."))


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
        data = _valid(EquipmentIssueSerializer, request)
        equipment_issue(equipment=item, point=data["point"], guard=data["guard"], on=data["on"], by=request.user)
        return self._item(item.pk)

    @extend_schema(request=EquipmentReturnSerializer, responses={200: EquipmentSerializer}, summary="Take an item back into store (closes its open recall)")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_item(self, request, pk=None):
        item = self.get_object()
        data = _valid(EquipmentReturnSerializer, request)
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


# --- certificate exams --------------------------------------------------------------------------


class ExamFilter(django_filters.FilterSet):
    guard = IdFilter(field_name="guard_id")
    company = IdFilter(field_name="guard__company_id")
    passed = django_filters.BooleanFilter()
    taken_from = django_filters.DateFilter(field_name="taken_on", lookup_expr="gte")
    taken_to = django_filters.DateFilter(field_name="taken_on", lookup_expr="lte")

    class Meta:
        model = CertificateExam
        fields = ["guard", "company", "passed", "taken_from", "taken_to"]


class ExamSerializer(serializers.ModelSerializer):
    guard_name = serializers.CharField(source="guard.name", read_only=True)
    company = serializers.IntegerField(source="guard.company_id", read_only=True)
    company_name = serializers.CharField(source="guard.company.name", read_only=True)
    certificate_number = serializers.CharField(source="guard.certificate_number", read_only=True)
    certificate_expires_on = serializers.DateField(source="guard.certificate_expires_on", read_only=True, allow_null=True)

    class Meta:
        model = CertificateExam
        fields = [
            "id", "guard", "guard_name", "company", "company_name", "taken_on", "score", "passed", "certificate_number",
            "certificate_expires_on", "created_at",
        ]
        read_only_fields = fields


class ExamInputSerializer(serializers.Serializer):
    guard = serializers.PrimaryKeyRelatedField(queryset=Guard.objects.all())
    taken_on = serializers.DateField()
    score = serializers.IntegerField(min_value=0, max_value=100)


class ExamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Monthly certificate exam results. Officers record them (a pass issues or renews the guard
    certificate); managers read their company's, a guard their own."""

    serializer_class = ExamSerializer
    permission_classes = [IsOfficerOrReadOnly]
    filterset_class = ExamFilter
    search_fields = ["guard__name"]
    ordering_fields = ["taken_on", "score"]
    ordering = ["-taken_on", "-id"]

    def get_queryset(self):
        return exam_list_visible_to(user=self.request.user)

    @extend_schema(request=ExamInputSerializer, responses={201: ExamSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(ExamInputSerializer, request)
        exam = exam_record(guard=data["guard"], taken_on=data["taken_on"], score=data["score"], by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=exam.pk)).data, status=status.HTTP_201_CREATED)
