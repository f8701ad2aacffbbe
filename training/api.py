"""Training API: sessions, quarterly rosters (with submit, approve, return, move, attendance, lock) and certificate exams."""
import django_filters
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsOfficer, IsOfficerOrReadOnly
from config import api_fields
from config.api_fields import MAX_ID, QuarterField, QuarterFilter, UserNameField, validated
from guards.models import Guard
from liaison_points.filters import IdFilter
from training.models import (
    CertificateExam,
    DutyArea,
    RosterEntry,
    TrainingRoster,
    TrainingSession,
)
from training.selectors import (
    exam_list_visible_to,
    roster_detail_visible_to,
    roster_list_visible_to,
    roster_quarter_sessions,
    roster_unplaced_guards,
    training_session_list,
)
from training.services import (
    exam_record,
    roster_approve,
    roster_lock,
    roster_move_entries,
    roster_move_entry,
    roster_record_attendance,
    roster_return,
    roster_submit,
    rosters_compile,
    training_session_save,
)


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
        fields = ["id", "kind", "quarter", "held_on", "place", "subject_areas", "capacity", "trainer", "seated"]


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
    session_held_on = api_fields.DateField(source="session.held_on", read_only=True)
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
    held_on = api_fields.DateField()
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


class BulkMoveSerializer(serializers.Serializer):
    entries = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False, max_length=2000,
        help_text=_("Roster entries of this roster to move (all or none move)."),
    )
    session = serializers.PrimaryKeyRelatedField(queryset=TrainingSession.objects.all(), help_text=_("The session to move them to."))


class BulkMoveSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    seats_taken = serializers.IntegerField(help_text=_("Seats taken by every company."))
    capacity = serializers.IntegerField()
    company_seated = serializers.IntegerField(help_text=_("Seats taken by this roster's guards."))


class BulkMoveResultSerializer(serializers.Serializer):
    moved = serializers.ListField(child=serializers.IntegerField(), help_text=_("The entries that changed session."))
    session = BulkMoveSessionSerializer(help_text=_("The session they were moved to."))
    sessions = BulkMoveSessionSerializer(many=True, help_text=_("Every session of the quarter with its seats after the move."))
    message = serializers.CharField()


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
        data = validated(RosterReturnSerializer, request)
        roster_return(roster=roster, reason=data["reason"], by=request.user)
        return self._detail(roster.pk)

    @extend_schema(request=MoveSerializer, responses={200: RosterDetailSerializer}, summary="Move a guard to another session with a free seat")
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        roster = self.get_object()
        data = validated(MoveSerializer, request)
        entry = RosterEntry.objects.filter(roster=roster, pk=data["entry"]).first()
        if entry is None:
            raise serializers.ValidationError({"entry": [gettext("Unknown roster entry.")]})
        roster_move_entry(entry=entry, session=data["session"], by=request.user)
        return self._detail(roster.pk)

    @extend_schema(
        request=BulkMoveSerializer, responses={200: BulkMoveResultSerializer},
        summary="Move several guards to one session at once (all or none; a refusal names the guard)",
    )
    @action(detail=True, methods=["post"], url_path="bulk-move", url_name="bulk-move")
    def bulk_move(self, request, pk=None):
        roster = self.get_object()
        data = validated(BulkMoveSerializer, request)
        moved = roster_move_entries(roster=roster, entry_ids=data["entries"], session=data["session"], by=request.user)
        sessions = [
            {"id": s.pk, "seats_taken": s.seated, "capacity": s.capacity, "company_seated": s.company_seated}
            for s in roster_quarter_sessions(roster=roster)
        ]
        target = next(s for s in sessions if s["id"] == data["session"].pk)
        message = ngettext("%(n)d guard moved to the session on %(day)s.", "%(n)d guards moved to the session on %(day)s.", len(moved)) % {
            "n": len(moved), "day": data["session"].held_on.isoformat(),
        }
        return Response({"moved": [e.pk for e in moved], "session": target, "sessions": sessions, "message": message})

    @extend_schema(request=AttendanceSerializer, responses={200: RosterDetailSerializer}, summary="Record attendance per entry (officers, approved rosters)")
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        roster = self.get_object()
        data = validated(AttendanceSerializer, request)
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
        data = validated(QuarterInputSerializer, request)
        rosters = rosters_compile(quarter=data["quarter"])
        qs = roster_list_visible_to(user=request.user).filter(pk__in=[r.pk for r in rosters]).order_by("company__name", "id")
        return Response(RosterSerializer(qs, many=True, context=self.get_serializer_context()).data)


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
    certificate_expires_on = api_fields.DateField(source="guard.certificate_expires_on", read_only=True, allow_null=True)

    class Meta:
        model = CertificateExam
        fields = [
            "id", "guard", "guard_name", "company", "company_name", "taken_on", "score", "passed", "certificate_number",
            "certificate_expires_on", "created_at",
        ]
        read_only_fields = fields


class ExamInputSerializer(serializers.Serializer):
    guard = serializers.PrimaryKeyRelatedField(queryset=Guard.objects.all())
    taken_on = api_fields.DateField()
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
        data = validated(ExamInputSerializer, request)
        exam = exam_record(guard=data["guard"], taken_on=data["taken_on"], score=data["score"], by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=exam.pk)).data, status=status.HTTP_201_CREATED)
