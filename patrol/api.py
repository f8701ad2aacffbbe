"""REST API for patrols, roll-call check-ins, checkpoints, recurring plans and venue inspections
(/api/v1/).

Every list and detail goes through the scoping selectors (outside the scope = 404): officers see
the county, a manager the patrols their company's guards are on (and only their own guards'
roll-call), a guard their own patrols. Planning and every state change are officers' @actions that
call one service; a guard checks in (`patrols/<id>/check-in/`) and scans checkpoints
(`checkpoints/scan/`) from the phone. Inspections, checkpoints and plans are police data: officers only."""
import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.permissions import IsOfficer, IsOfficerOrReadOnly, is_guard
from accounts.scoping import Scope, scope_for
from config.dates import iso_week_label, parse_iso_week, week_start
from guards.models import Guard, SecurityCompany
from liaison_points.api import CoordinateField, ProtectedDestroyMixin
from liaison_points.models import LiaisonPoint, Officer, Zone
from patrol.filters import CheckInFilter, CheckpointFilter, InspectionFilter, PatrolFilter, PlanFilter
from patrol.models import CheckIn, Checkpoint, Patrol, PatrolCheckpoint, PatrolKind, RecurringPlan, VenueInspection
from patrol.selectors import (
    checkin_list_visible_to,
    checkpoint_list,
    inspection_list,
    patrol_checkpoints,
    patrol_list_visible_to,
    patrol_roll_call,
    patrol_week_coverage,
    plan_list,
)
from patrol.services import (
    checkin_mark,
    checkin_record,
    checkin_window,
    checkpoint_explain_miss,
    checkpoint_save,
    checkpoint_signed_code,
    checkpoint_visit,
    inspection_save,
    patrol_cancel,
    patrol_finish,
    patrol_plan,
    patrol_set_team,
    patrol_start,
    plan_create,
    plan_generate,
    zone_patrol_propose,
)


class IsGuard(BasePermission):
    """Only a signed-in guard bound to a guard record (the phone page's user)."""

    message = _("Only a guard's own account may do this.")

    def has_permission(self, request, view):
        return is_guard(request.user)


def _scope(serializer) -> Scope:
    request = serializer.context.get("request")
    return scope_for(request.user if request else None)


def _guard_in_scope(scope: Scope, guard: Guard | None) -> bool:
    if guard is None:
        return False
    if scope.everything:
        return True
    if scope.guard_id is not None:
        return guard.pk == scope.guard_id
    return scope.company_id is not None and guard.company_id == scope.company_id


def _officer_of(user, given: Officer | None, field: str = "leader") -> Officer:
    """The officer given, else the requesting officer's own profile."""
    if given is not None:
        return given
    officer = getattr(user, "officer_profile", None)
    if officer is None:
        raise serializers.ValidationError({field: [_("Choose the leading officer (your account has no officer profile).")]})
    return officer


def _page_url_pattern(name: str, fallback: str) -> str:
    """A page's path with `{pk}` to fill per row, so a list costs one reverse(), not one per row."""
    try:
        return reverse(name, args=[0]).removesuffix("0/") + "{pk}/"
    except NoReverseMatch:  # pages not mounted (an API-only deployment, or not built yet)
        return get_script_prefix() + fallback


_datetime_field = serializers.DateTimeField()


def _week_param(request) -> datetime.date:
    """The Monday of ?week=2026-W47, or of this week when absent; a malformed week is a 400."""
    value = request.query_params.get("week")
    if not value:
        return week_start(timezone.localdate())
    try:
        return parse_iso_week(value)
    except ValueError:
        raise serializers.ValidationError({"week": [_("Give an ISO week such as 2026-W47.")]}) from None


# --- patrols: output ---------------------------------------------------------------------------


class PatrolListSerializer(serializers.ModelSerializer):
    liaison_point_code = serializers.CharField(source="liaison_point.code", read_only=True)
    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True)
    township = serializers.IntegerField(source="liaison_point.township_id", read_only=True)
    township_name = serializers.CharField(source="liaison_point.township.name", read_only=True)
    leader_name = serializers.CharField(source="leader.user.__str__", read_only=True)
    member_count = serializers.IntegerField(read_only=True, help_text=_("Guards on the team."))
    present_count = serializers.IntegerField(read_only=True, help_text=_("Team members checked in present or late."))

    class Meta:
        model = Patrol
        fields = [
            "id", "liaison_point", "liaison_point_code", "liaison_point_name", "township", "township_name",
            "leader", "leader_name", "kind", "status", "planned_start", "planned_end", "actual_start", "actual_end",
            "cancel_reason", "publicity_topics", "people_reached", "plan", "member_count", "present_count",
        ]
        read_only_fields = fields


class RollCallCheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = ["id", "status", "at", "latitude", "longitude", "source"]
        read_only_fields = fields


class RollCallRowSerializer(serializers.Serializer):
    """One team member with their check-in (null until they check in or are marked)."""

    guard = serializers.IntegerField(source="guard.pk")
    guard_name = serializers.CharField(source="guard.name")
    company = serializers.IntegerField(source="guard.company_id")
    company_name = serializers.CharField(source="guard.company.name")
    role = serializers.CharField(source="member.role")
    check_in = RollCallCheckInSerializer(allow_null=True)


class PlannedCheckpointSerializer(serializers.ModelSerializer):
    checkpoint = serializers.IntegerField(source="checkpoint_id")
    name = serializers.CharField(source="checkpoint.name")
    checkpoint_latitude = serializers.DecimalField(source="checkpoint.latitude", max_digits=9, decimal_places=6)
    checkpoint_longitude = serializers.DecimalField(source="checkpoint.longitude", max_digits=9, decimal_places=6)
    visited = serializers.SerializerMethodField()
    missed = serializers.SerializerMethodField(help_text=_("Not visited by a patrol that is over."))
    visited_by = serializers.SerializerMethodField()
    visited_by_name = serializers.SerializerMethodField()

    class Meta:
        model = PatrolCheckpoint
        fields = [
            "checkpoint", "name", "checkpoint_latitude", "checkpoint_longitude", "visited", "visited_at",
            "visited_by", "visited_by_name", "latitude", "longitude", "missed", "missed_reason",
        ]
        read_only_fields = fields

    def get_visited(self, row) -> bool:
        return row.visited_at is not None

    def get_missed(self, row) -> bool:
        return row.visited_at is None and self.context.get("patrol_status") == Patrol.Status.DONE

    # Who scanned is attendance: a manager sees it for their own guards only.
    def get_visited_by(self, row) -> int | None:
        return row.visited_by_id if _guard_in_scope(_scope(self), row.visited_by) else None

    def get_visited_by_name(self, row) -> str | None:
        return row.visited_by.name if _guard_in_scope(_scope(self), row.visited_by) else None


class PatrolDetailSerializer(PatrolListSerializer):
    team = serializers.SerializerMethodField(help_text=_("Team and roll-call; a manager sees their own company's guards only."))
    checkpoints = serializers.SerializerMethodField(help_text=_("Planned checkpoints, visited or missed."))
    checkin_opens = serializers.SerializerMethodField()
    checkin_closes = serializers.SerializerMethodField()

    class Meta(PatrolListSerializer.Meta):
        fields = [*PatrolListSerializer.Meta.fields, "area", "notes", "checkin_opens", "checkin_closes", "team", "checkpoints", "created_at"]
        read_only_fields = fields

    @extend_schema_field(RollCallRowSerializer(many=True))
    def get_team(self, patrol) -> list[dict]:
        request = self.context.get("request")
        rows = patrol_roll_call(patrol=patrol, user=request.user if request else None)
        return RollCallRowSerializer(rows, many=True).data

    @extend_schema_field(PlannedCheckpointSerializer(many=True))
    def get_checkpoints(self, patrol) -> list[dict]:
        rows = patrol_checkpoints(patrol=patrol)
        return PlannedCheckpointSerializer(rows, many=True, context={**self.context, "patrol_status": patrol.status}).data

    def get_checkin_opens(self, patrol) -> datetime.datetime:
        return _datetime_field.to_representation(checkin_window(patrol)[0])

    def get_checkin_closes(self, patrol) -> datetime.datetime:
        return _datetime_field.to_representation(checkin_window(patrol)[1])


# --- patrols: input ----------------------------------------------------------------------------


def _id_list(help_text: str):
    return serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list, help_text=help_text)


class PatrolInputSerializer(serializers.Serializer):
    liaison_point = serializers.PrimaryKeyRelatedField(queryset=LiaisonPoint.objects.all())
    leader = serializers.PrimaryKeyRelatedField(
        queryset=Officer.objects.all(), required=False, allow_null=True,
        help_text=_("The leading officer; defaults to the requesting officer."),
    )
    planned_start = serializers.DateTimeField()
    planned_end = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=PatrolKind.choices, default=PatrolKind.FOOT)
    area = serializers.JSONField(required=False, allow_null=True, help_text=_("Grid cell or route: a GeoJSON (Multi)Polygon or (Multi)LineString."))
    guards = _id_list(_("Guard ids of the team."))
    lead_guards = _id_list(_("Guard ids of the lead unit (also on the team)."))
    checkpoints = _id_list(_("Checkpoint ids of this liaison point to visit."))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class FinishSerializer(serializers.Serializer):
    publicity_topics = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    people_reached = serializers.IntegerField(required=False, default=0)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TeamSerializer(serializers.Serializer):
    guards = _id_list(_("Guard ids of the team."))
    lead_guards = _id_list(_("Guard ids of the lead unit."))


class MarkSerializer(serializers.Serializer):
    guard = serializers.IntegerField(min_value=1)
    status = serializers.CharField(help_text=_("present, late or absent"))


class ExplainMissSerializer(serializers.Serializer):
    checkpoint = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PositionSerializer(serializers.Serializer):
    latitude = CoordinateField(axis="latitude", required=False, allow_null=True, default=None)
    longitude = CoordinateField(axis="longitude", required=False, allow_null=True, default=None)


class ZoneTeamInputSerializer(serializers.Serializer):
    zone = serializers.PrimaryKeyRelatedField(queryset=Zone.objects.all())
    lead_company = serializers.PrimaryKeyRelatedField(queryset=SecurityCompany.objects.all())
    date = serializers.DateField()
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


class CoverageRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="point_id")
    code = serializers.CharField()
    name = serializers.CharField()
    township = serializers.CharField()
    done = serializers.IntegerField()
    planned = serializers.IntegerField()
    below_minimum = serializers.BooleanField()


# --- patrols: viewset --------------------------------------------------------------------------


_WEEK_PARAM = OpenApiParameter("week", str, description="ISO week, e.g. 2026-W47 (default: this week)")


_FEATURE_FIELDS = (
    "pk", "area", "status", "kind", "planned_start", "planned_end", "member_count", "present_count",
    "liaison_point_id", "liaison_point__name", "liaison_point__latitude", "liaison_point__longitude",
)


def _patrol_features(patrols, url_pattern: str) -> list[dict]:
    """Map features from plain rows: a province week has thousands of patrols, so no model objects
    and the status labels translated once, not per feature."""
    labels = {value: str(label) for value, label in Patrol.Status.choices}
    to_text = _datetime_field.to_representation
    features = []
    for row in patrols.values(*_FEATURE_FIELDS):
        geometry = row["area"] or {
            "type": "Point", "coordinates": [float(row["liaison_point__longitude"]), float(row["liaison_point__latitude"])],
        }
        features.append({
            "type": "Feature",
            "id": row["pk"],
            "geometry": geometry,
            "properties": {
                "id": row["pk"],
                "liaison_point": row["liaison_point_id"],
                "point_name": row["liaison_point__name"],
                "status": row["status"],
                "status_label": labels.get(row["status"], row["status"]),
                "kind": row["kind"],
                "planned_start": to_text(row["planned_start"]),
                "planned_end": to_text(row["planned_end"]),
                "team_size": row["member_count"],
                "present_count": row["present_count"],
                "url": url_pattern.format(pk=row["pk"]),
            },
        })
    return features


class PatrolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Patrols within the user's scope. Officers plan them and drive the lifecycle through the
    actions; a guard on the team checks in with `check-in`. No PUT/DELETE: a patrol is cancelled
    with a reason, never deleted."""

    permission_classes = [IsOfficerOrReadOnly]
    filterset_class = PatrolFilter
    search_fields = ["liaison_point__code", "liaison_point__name", "notes"]
    ordering_fields = ["planned_start", "status", "member_count", "present_count", "liaison_point__code"]
    ordering = ["-planned_start", "-id"]

    def get_queryset(self) -> QuerySet[Patrol]:
        return patrol_list_visible_to(user=self.request.user)

    def get_serializer_class(self):
        return PatrolListSerializer if self.action in ("list", "geojson") else PatrolDetailSerializer

    def _detail(self, patrol: Patrol, code: int = status.HTTP_200_OK) -> Response:
        patrol = self.get_queryset().get(pk=patrol.pk)  # re-read with counts after the write
        return Response(PatrolDetailSerializer(patrol, context=self.get_serializer_context()).data, status=code)

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=PatrolInputSerializer, responses={201: PatrolDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(PatrolInputSerializer)
        patrol = patrol_plan(
            liaison_point=data["liaison_point"], leader=_officer_of(request.user, data.get("leader")),
            planned_start=data["planned_start"], planned_end=data["planned_end"], kind=data["kind"],
            area=data.get("area"), guard_ids=data["guards"], lead_guard_ids=data["lead_guards"],
            checkpoint_ids=data["checkpoints"], notes=data["notes"], by=request.user,
        )
        return self._detail(patrol, status.HTTP_201_CREATED)

    # lifecycle (officers) ---------------------------------------------------------------------

    @extend_schema(summary="Start a planned patrol", request=None, responses={200: PatrolDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def start(self, request, pk=None):
        return self._detail(patrol_start(patrol=self.get_object(), by=request.user))

    @extend_schema(summary="Finish a patrol under way (no-shows become absent, points are credited)",
                   request=FinishSerializer, responses={200: PatrolDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def finish(self, request, pk=None):
        patrol = self.get_object()
        data = self._input(FinishSerializer)
        return self._detail(patrol_finish(patrol=patrol, by=request.user, **data))

    @extend_schema(summary="Cancel a planned or running patrol, with a reason",
                   request=CancelSerializer, responses={200: PatrolDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def cancel(self, request, pk=None):
        patrol = self.get_object()
        data = self._input(CancelSerializer)
        return self._detail(patrol_cancel(patrol=patrol, reason=data["reason"], by=request.user))

    @extend_schema(summary="Replace the team of a patrol that has not started",
                   request=TeamSerializer, responses={200: PatrolDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def team(self, request, pk=None):
        patrol = self.get_object()
        data = self._input(TeamSerializer)
        return self._detail(patrol_set_team(patrol=patrol, guard_ids=data["guards"], lead_guard_ids=data["lead_guards"], by=request.user))

    @extend_schema(summary="Mark a team member present, late or absent", request=MarkSerializer, responses={200: PatrolDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def mark(self, request, pk=None):
        patrol = self.get_object()
        data = self._input(MarkSerializer)
        checkin_mark(patrol=patrol, guard_id=data["guard"], status=data["status"], by=request.user)
        return self._detail(patrol)

    @extend_schema(summary="Say why a planned checkpoint was missed", request=ExplainMissSerializer, responses={200: PatrolDetailSerializer})
    @action(detail=True, methods=["post"], url_path="explain-miss", permission_classes=[IsOfficer])
    def explain_miss(self, request, pk=None):
        patrol = self.get_object()
        data = self._input(ExplainMissSerializer)
        checkpoint_explain_miss(patrol=patrol, checkpoint_id=data["checkpoint"], reason=data["reason"], by=request.user)
        return self._detail(patrol)

    # the guard's phone ------------------------------------------------------------------------

    @extend_schema(summary="Check in to one of my patrols (guards), with the phone's position if any",
                   request=PositionSerializer, responses={200: RollCallCheckInSerializer})
    @action(detail=True, methods=["post"], url_path="check-in", permission_classes=[IsGuard])
    def check_in(self, request, pk=None):
        patrol = self.get_object()  # scoped: a guard sees only the patrols they are on
        data = self._input(PositionSerializer)
        check_in = checkin_record(patrol=patrol, guard=request.user.guard_profile, **data)
        return Response(RollCallCheckInSerializer(check_in).data)

    # the map and the week ---------------------------------------------------------------------

    @extend_schema(
        summary="A week's patrols as a GeoJSON FeatureCollection (for the map)",
        description="The patrol's area when drawn, else its liaison point as a Point; coordinates are [lng, lat]. "
        "Same filters as the list; without `week`, `date_after` or `date_before` it is this week. Not paginated.",
        responses={200: OpenApiTypes.OBJECT},
        filters=True,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request):
        patrols = self.filter_queryset(self.get_queryset())
        if not {"week", "date_after", "date_before"} & set(request.query_params):
            monday = _week_param(request)
            patrols = PatrolFilter.base_filters["week"].filter(patrols, monday)
        url_pattern = _page_url_pattern("patrol:detail", "patrols/{pk}/")
        return Response({"type": "FeatureCollection", "features": _patrol_features(patrols, url_pattern)})

    @extend_schema(
        summary="Done and planned patrols per active liaison point in a week, and the points below the minimum",
        parameters=[_WEEK_PARAM],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[], permission_classes=[IsOfficer])
    def coverage(self, request):
        monday = _week_param(request)
        minimum = settings.PATROLS_PER_WEEK_MIN
        rows = [
            {**CoverageRowSerializer({**row.__dict__, "below_minimum": row.below(minimum)}).data}
            for row in patrol_week_coverage(monday=monday)
        ]
        return Response({
            "week": iso_week_label(monday),
            "monday": monday.isoformat(),
            "minimum": minimum,
            "points": rows,
            "below_minimum": [row for row in rows if row["below_minimum"]],
        })

    @extend_schema(
        summary="Propose a zone patrol team: the lead unit's guards plus one guard from every other company of the zone",
        request=ZoneTeamInputSerializer,
        responses={200: ZoneTeamSerializer},
    )
    @action(detail=False, methods=["post"], url_path="propose-zone-team", filter_backends=[], permission_classes=[IsOfficer])
    def propose_zone_team(self, request):
        data = self._input(ZoneTeamInputSerializer)
        proposal = zone_patrol_propose(zone=data["zone"], lead_company=data["lead_company"], on=data["date"], lead_count=data["lead_count"])
        return Response(ZoneTeamSerializer({
            "lead": proposal.lead,
            "others": proposal.others,
            "guards": [g.pk for g in proposal.guards],
            "lead_guards": [g.pk for g in proposal.lead],
            "companies_without_guard": [{"id": c.pk, "name": c.name} for c in proposal.companies_without_guard],
        }).data)


# --- check-ins ---------------------------------------------------------------------------------


class CheckInSerializer(serializers.ModelSerializer):
    guard_name = serializers.CharField(source="guard.name", read_only=True)
    company = serializers.IntegerField(source="guard.company_id", read_only=True)
    company_name = serializers.CharField(source="guard.company.name", read_only=True)
    liaison_point = serializers.IntegerField(source="patrol.liaison_point_id", read_only=True)
    liaison_point_name = serializers.CharField(source="patrol.liaison_point.name", read_only=True)
    patrol_planned_start = serializers.DateTimeField(source="patrol.planned_start", read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id", "patrol", "patrol_planned_start", "liaison_point", "liaison_point_name", "guard", "guard_name",
            "company", "company_name", "at", "status", "source", "latitude", "longitude", "marked_by",
        ]
        read_only_fields = fields


class CheckInViewSet(viewsets.ReadOnlyModelViewSet):
    """Roll-call rows, read-only: guards check in and officers mark through the patrol's actions."""

    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    search_fields = ["guard__name"]
    ordering_fields = ["at", "status", "guard__name"]
    ordering = ["-at", "-id"]

    def get_queryset(self):
        return checkin_list_visible_to(user=self.request.user)


# --- checkpoints -------------------------------------------------------------------------------


class CheckpointSerializer(serializers.ModelSerializer):
    latitude = CoordinateField(axis="latitude")
    longitude = CoordinateField(axis="longitude")
    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True)
    qr_url = serializers.SerializerMethodField(help_text=_("The signed link the printed QR code carries."))
    qr_svg_url = serializers.SerializerMethodField(help_text=_("The printable QR code (SVG)."))

    class Meta:
        model = Checkpoint
        fields = ["id", "name", "liaison_point", "liaison_point_name", "latitude", "longitude", "active", "qr_url", "qr_svg_url"]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_qr_url(self, checkpoint) -> str:
        code = checkpoint_signed_code(checkpoint)
        try:
            path = reverse("patrol:scan", args=[code])
        except NoReverseMatch:  # the scan page is not mounted
            path = f"{get_script_prefix()}patrols/scan/{code}/"
        return self._absolute(path)

    def get_qr_svg_url(self, checkpoint) -> str:
        try:
            path = reverse("patrol:checkpoint-qr-svg", args=[checkpoint.pk])
        except NoReverseMatch:
            path = f"{get_script_prefix()}patrols/checkpoints/{checkpoint.pk}/qr.svg"
        return self._absolute(path)


class ScanInputSerializer(PositionSerializer):
    code = serializers.CharField(help_text=_("The signed code from the checkpoint's QR link."))


class ScanResultSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="checkpoint.name")
    visited_by_name = serializers.CharField(source="visited_by.name", allow_null=True)

    class Meta:
        model = PatrolCheckpoint
        fields = ["patrol", "checkpoint", "name", "visited_at", "visited_by", "visited_by_name", "latitude", "longitude"]
        read_only_fields = fields


class CheckpointViewSet(ProtectedDestroyMixin, viewsets.ModelViewSet):
    """Checkpoints on the liaison points' beats (officers). A checkpoint that patrols have planned
    cannot be deleted: set `active` to false. Guards record visits with `scan`."""

    serializer_class = CheckpointSerializer
    permission_classes = [IsOfficer]
    filterset_class = CheckpointFilter
    search_fields = ["name", "liaison_point__code", "liaison_point__name"]
    ordering_fields = ["name", "liaison_point__code"]
    ordering = ["liaison_point__code", "name"]
    protected_message = _("Patrols have planned this checkpoint; make it inactive instead.")

    def get_queryset(self):
        return checkpoint_list()

    def perform_create(self, serializer):
        serializer.instance = checkpoint_save(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = checkpoint_save(checkpoint=serializer.instance, **serializer.validated_data)

    @extend_schema(summary="Record a checkpoint visit from its scanned QR code (guards on a patrol under way)",
                   request=ScanInputSerializer, responses={200: ScanResultSerializer})
    @action(detail=False, methods=["post"], permission_classes=[IsGuard], filter_backends=[])
    def scan(self, request):
        serializer = ScanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = checkpoint_visit(guard=request.user.guard_profile, **serializer.validated_data)
        return Response(ScanResultSerializer(visit).data)


# --- recurring plans ---------------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True)
    leader_name = serializers.CharField(source="leader.user.__str__", read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = RecurringPlan
        fields = [
            "id", "liaison_point", "liaison_point_name", "leader", "leader_name", "kind", "weekdays", "start_time",
            "end_time", "starts_on", "ends_on", "area", "active", "member_count", "created_at",
        ]
        read_only_fields = fields


class PlanInputSerializer(serializers.Serializer):
    liaison_point = serializers.PrimaryKeyRelatedField(queryset=LiaisonPoint.objects.all())
    leader = serializers.PrimaryKeyRelatedField(
        queryset=Officer.objects.all(), required=False, allow_null=True,
        help_text=_("The leading officer; defaults to the requesting officer."),
    )
    weekdays = serializers.ListField(child=serializers.IntegerField(), help_text=_("0 = Monday … 6 = Sunday"))
    start_time = serializers.TimeField()
    end_time = serializers.TimeField(help_text=_("Earlier than the start time means the next day."))
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=PatrolKind.choices, default=PatrolKind.FOOT)
    area = serializers.JSONField(required=False, allow_null=True)
    guards = _id_list(_("Guard ids of the standing team."))
    checkpoints = _id_list(_("Checkpoint ids of this liaison point."))


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
        leader = _officer_of(request.user, data.pop("leader", None))
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


# --- venue inspections -------------------------------------------------------------------------


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class InspectorsField(serializers.Field):
    """In: a list of officer ids. Out: [{id, name}] (from the prefetched officers)."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError(_("Give a list of officer ids."))
        try:
            return [int(i) for i in data]
        except (TypeError, ValueError):
            raise serializers.ValidationError(_("Officer ids are numbers.")) from None

    def to_representation(self, manager):
        return [{"id": o.pk, "name": str(o.user)} for o in manager.all()]


class InspectionSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True, allow_null=True)
    inspectors = InspectorsField(required=False, help_text=_("Officer ids; shown as [{id, name}]."))
    rectified = serializers.SerializerMethodField()

    class Meta:
        model = VenueInspection
        fields = [
            "id", "venue", "trade", "township", "township_name", "liaison_point", "liaison_point_name", "address",
            "inspected_on", "inspectors", "violation_found", "violation_kind", "rectification_due", "rectified_on",
            "rectified", "notes", "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_rectified(self, inspection) -> bool:
        return inspection.rectified_on is not None


class InspectionViewSet(viewsets.ModelViewSet):
    """Venue inspections by the police joint group: officers only (police data). Writes go through
    inspection_save, so the violation/rectification rules and history apply."""

    serializer_class = InspectionSerializer
    permission_classes = [IsOfficer]
    filterset_class = InspectionFilter
    search_fields = ["venue", "address"]
    ordering_fields = ["inspected_on", "venue", "trade"]
    ordering = ["-inspected_on", "-id"]

    def get_queryset(self):
        return inspection_list()

    def _save(self, serializer, inspection=None):
        fields = dict(serializer.validated_data)
        inspectors = fields.pop("inspectors", None)
        saved = inspection_save(inspection=inspection, inspector_ids=inspectors, by=self.request.user, **fields)
        serializer.instance = self.get_queryset().get(pk=saved.pk)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)
