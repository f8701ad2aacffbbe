"""Patrols in the API (/api/v1/patrols/): the scoped list and detail, planning, the lifecycle
actions (officers; start and finish also a unit-led patrol's team leader and unit managers), the
roll-call and missed-checkpoint actions, and the guard's `check-in`."""
import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config import api_fields
from config.activity import ACTIVITY_FIELDS, ACTIVITY_MAX

from accounts.permissions import IsOfficer, IsOfficerOrReadOnly
from accounts.role_schema import OfficerOnlyFieldsSchema
from accounts.scoping import scope_for
from guards.models import SecurityCompany
from liaison_points.models import LiaisonPoint, Zone
from patrol.api.checkpoints import ExplainMissSerializer, PlannedCheckpointSerializer
from patrol.api.common import IsGuard, PositionSerializer, datetime_field, id_list, leader_field, officer_of
from patrol.api.coverage import PatrolMapActions
from patrol.api.plans import ZoneTeamInputSerializer, ZoneTeamSerializer
from patrol.api.rollcall import CheckInResultSerializer, MarkSerializer, RollCallEventSerializer, RollCallRowSerializer
from patrol.filters import PatrolFilter
from patrol.models import Patrol, PatrolKind, PublicityTopic
from patrol.selectors import (
    patrol_checkpoints, patrol_list_visible_to, patrol_plain_visible_to, patrol_roll_call, patrol_roll_call_events,
)
from patrol.services.lifecycle import patrol_require_runner
from patrol.services.rules import rollcall_window
from patrol.services import (
    checkin_mark,
    checkin_record,
    checkin_window,
    checkpoint_explain_miss,
    patrol_cancel,
    patrol_finish,
    patrol_plan,
    patrol_set_team,
    patrol_start,
    zone_patrol_propose,
)

# --- output ------------------------------------------------------------------------------------


class PatrolListSerializer(serializers.ModelSerializer):
    liaison_point_code = serializers.CharField(source="liaison_point.code", read_only=True)
    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True)
    township = serializers.IntegerField(source="liaison_point.township_id", read_only=True)
    township_name = serializers.CharField(source="liaison_point.township.name", read_only=True)
    leader_name = serializers.CharField(source="leader.user.__str__", read_only=True, allow_null=True, default=None)
    lead_company_name = serializers.CharField(source="lead_company.name", read_only=True, allow_null=True, default=None)
    team_leader_name = serializers.CharField(source="team_leader.name", read_only=True, allow_null=True, default=None)
    member_count = serializers.IntegerField(read_only=True, help_text=_("Guards on the team."))
    present_count = serializers.IntegerField(read_only=True, help_text=_("Team members checked in present or late."))

    class Meta:
        model = Patrol
        fields = [
            "id", "liaison_point", "liaison_point_code", "liaison_point_name", "township", "township_name",
            "leader", "leader_name", "lead_company", "lead_company_name", "team_leader", "team_leader_name", "zone",
            "kind", "status", "planned_start", "planned_end", "actual_start", "actual_end",
            "cancel_reason", "publicity_topics", "people_reached", *ACTIVITY_FIELDS, "plan", "member_count", "present_count",
        ]
        read_only_fields = fields


class PatrolDetailSerializer(PatrolListSerializer):
    """A patrol as a manager or a guard reads it: everything but the officers' notes (the page shows
    them to officers only). Officers get PatrolOfficerDetailSerializer."""

    team = serializers.SerializerMethodField(help_text=_("Team and roll-call; a manager sees their own company's guards only."))
    checkpoints = serializers.SerializerMethodField(help_text=_("Planned checkpoints, visited or missed."))
    checkin_opens = serializers.SerializerMethodField()
    checkin_closes = serializers.SerializerMethodField()
    rollcall_closes = serializers.SerializerMethodField(help_text=_("Marks are accepted until the end plus the grace period."))
    roll_call_log = serializers.SerializerMethodField(help_text=_("Every manual mark and override: who, when, why."))

    class Meta(PatrolListSerializer.Meta):
        fields = [
            *PatrolListSerializer.Meta.fields, "area", "overdue_flagged_at", "checkin_opens", "checkin_closes",
            "rollcall_closes", "team", "checkpoints", "roll_call_log", "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RollCallEventSerializer(many=True))
    def get_roll_call_log(self, patrol) -> list[dict]:
        request = self.context.get("request")
        return RollCallEventSerializer(patrol_roll_call_events(patrol=patrol, user=request.user if request else None), many=True).data

    def get_rollcall_closes(self, patrol) -> datetime.datetime:
        return datetime_field.to_representation(rollcall_window(patrol)[1])

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
        return datetime_field.to_representation(checkin_window(patrol)[0])

    def get_checkin_closes(self, patrol) -> datetime.datetime:
        return datetime_field.to_representation(checkin_window(patrol)[1])


class PatrolOfficerDetailSerializer(PatrolDetailSerializer):
    """A patrol as an officer reads it: the detail plus the officers' notes."""

    class Meta(PatrolDetailSerializer.Meta):
        fields = [*PatrolDetailSerializer.Meta.fields, "notes"]
        read_only_fields = fields


def patrol_detail_serializer_for(user) -> type[PatrolDetailSerializer]:
    """The detail serializer of `user`'s role: officers see the notes, everyone else does not."""
    return PatrolOfficerDetailSerializer if scope_for(user).is_officer else PatrolDetailSerializer


class PatrolDetailForRoleSerializer(OfficerOnlyFieldsSchema, PatrolOfficerDetailSerializer):
    """Schema only: what a read, start or finish answers: the officer's detail, or without the notes
    for a manager or guard (a unit-led patrol's runners, its team, a manager of one of its guards)."""

    officer_only_fields = ("notes",)


# --- input -------------------------------------------------------------------------------------


def _count_field():
    return serializers.IntegerField(min_value=0, max_value=ACTIVITY_MAX, required=False, default=0)


class PatrolInputSerializer(serializers.Serializer):
    liaison_point = serializers.PrimaryKeyRelatedField(queryset=LiaisonPoint.objects.all())
    leader = leader_field()
    lead_company = serializers.PrimaryKeyRelatedField(
        queryset=SecurityCompany.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("The lead unit of a patrol without an officer (give `team_leader` too; leave `leader` out)."),
    )
    team_leader = api_fields.IdField(required=False, allow_null=True, default=None, help_text=_("The lead unit's guard who leads the team."))
    zone = serializers.PrimaryKeyRelatedField(
        queryset=Zone.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("A zone patrol counts toward every liaison point of the zone."),
    )
    planned_start = api_fields.DateTimeField()
    planned_end = api_fields.DateTimeField()
    kind = serializers.ChoiceField(choices=PatrolKind.choices, default=PatrolKind.FOOT)
    area = serializers.JSONField(required=False, allow_null=True, help_text=_("Grid cell or route: a GeoJSON (Multi)Polygon or (Multi)LineString."))
    guards = id_list(_("Guard ids of the team."))
    lead_guards = id_list(_("Guard ids of the lead unit (also on the team)."))
    checkpoints = id_list(_("Checkpoint ids of this liaison point to visit."))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class FinishSerializer(serializers.Serializer):
    publicity_topics = serializers.ListField(child=serializers.ChoiceField(choices=PublicityTopic.choices), required=False, default=list)
    people_reached = api_fields.CountField(required=False, default=0)
    suspects_caught = _count_field()
    fugitives_assisted = _count_field()
    residents_helped = _count_field()
    three_defences_guided = _count_field()
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TeamSerializer(serializers.Serializer):
    guards = id_list(_("Guard ids of the team."))
    lead_guards = id_list(_("Guard ids of the lead unit."))


# --- viewset -----------------------------------------------------------------------------------


@extend_schema_view(retrieve=extend_schema(responses={200: PatrolDetailForRoleSerializer}))
class PatrolViewSet(PatrolMapActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Patrols within the user's scope. Officers plan them and drive the lifecycle through the
    actions (a unit-led patrol's team leader and lead unit's managers may `start` and `finish` it);
    a guard on the team checks in with `check-in`. No PUT/DELETE: a patrol is cancelled
    with a reason, never deleted."""

    permission_classes = [IsOfficerOrReadOnly]
    filterset_class = PatrolFilter
    # `notes` are officers' only, so only an officer's search looks in them (see search_fields below).
    officer_search_fields = ["liaison_point__code", "liaison_point__name", "notes"]
    ordering_fields = ["planned_start", "status", "member_count", "present_count", "liaison_point__code"]
    ordering = ["-planned_start", "-id"]

    def get_queryset(self) -> QuerySet[Patrol]:
        return patrol_list_visible_to(user=self.request.user)

    @property
    def search_fields(self) -> list[str]:
        # A manager's or guard's search must not match (and so reveal) words of the officers' notes.
        request = getattr(self, "request", None)
        if request is not None and scope_for(request.user).is_officer:
            return self.officer_search_fields
        return [name for name in self.officer_search_fields if name != "notes"]

    def get_serializer_class(self):
        if self.action in ("list", "geojson"):
            return PatrolListSerializer
        return patrol_detail_serializer_for(self.request.user if getattr(self, "request", None) else None)

    def _detail(self, patrol: Patrol, code: int = status.HTTP_200_OK) -> Response:
        patrol = self.get_queryset().get(pk=patrol.pk)  # re-read with counts after the write
        serializer_class = patrol_detail_serializer_for(self.request.user)
        return Response(serializer_class(patrol, context=self.get_serializer_context()).data, status=code)

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=PatrolInputSerializer, responses={201: PatrolOfficerDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(PatrolInputSerializer)
        if data["lead_company"] is not None:  # led by a unit: the officer is not defaulted to the requester
            leader = data.get("leader")
        else:
            leader = officer_of(request.user, data.get("leader"))
        patrol = patrol_plan(
            liaison_point=data["liaison_point"], leader=leader, lead_company=data["lead_company"],
            team_leader_id=data["team_leader"], zone=data["zone"],
            planned_start=data["planned_start"], planned_end=data["planned_end"], kind=data["kind"],
            area=data.get("area"), guard_ids=data["guards"], lead_guard_ids=data["lead_guards"],
            checkpoint_ids=data["checkpoints"], notes=data["notes"], by=request.user,
        )
        return self._detail(patrol, status.HTTP_201_CREATED)

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

    # lifecycle (officers; a unit-led patrol's team leader and lead unit's managers start and finish it) --

    def _runnable(self) -> Patrol:
        """The patrol of a start or finish: 404 outside the user's scope, 403 when the user sees it
        but may not run it (patrol_may_run), before any input is read."""
        patrol = self.get_object()
        patrol_require_runner(patrol=patrol, by=self.request.user)
        return patrol

    @extend_schema(
        summary="Start a planned patrol (officers; for a unit-led patrol also its team leader and the lead unit's managers)",
        request=None, responses={200: PatrolDetailForRoleSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def start(self, request, pk=None):
        return self._detail(patrol_start(patrol=self._runnable(), by=request.user))

    @extend_schema(
        summary="Finish a patrol under way (no-shows become absent, points are credited); who may: as for start. "
        "`notes` are officers' only",
        request=FinishSerializer, responses={200: PatrolDetailForRoleSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def finish(self, request, pk=None):
        patrol = self._runnable()
        data = self._input(FinishSerializer)
        return self._detail(patrol_finish(patrol=patrol, by=request.user, **data))

    @extend_schema(summary="Cancel a planned or running patrol, with a reason",
                   request=CancelSerializer, responses={200: PatrolOfficerDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def cancel(self, request, pk=None):
        patrol = self.get_object()
        data = self._input(CancelSerializer)
        return self._detail(patrol_cancel(patrol=patrol, reason=data["reason"], by=request.user))

    @extend_schema(summary="Replace the team of a patrol that has not started",
                   request=TeamSerializer, responses={200: PatrolOfficerDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def team(self, request, pk=None):
        patrol = self.get_object()
        data = self._input(TeamSerializer)
        return self._detail(patrol_set_team(patrol=patrol, guard_ids=data["guards"], lead_guard_ids=data["lead_guards"], by=request.user))

    @extend_schema(summary="Mark a team member present, late or absent", request=MarkSerializer, responses={200: PatrolOfficerDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def mark(self, request, pk=None):
        patrol = self.get_object()
        data = self._input(MarkSerializer)
        checkin_mark(patrol=patrol, guard_id=data["guard"], status=data["status"], reason=data["reason"], by=request.user)
        return self._detail(patrol)

    @extend_schema(summary="Say why a planned checkpoint was missed", request=ExplainMissSerializer, responses={200: PatrolOfficerDetailSerializer})
    @action(detail=True, methods=["post"], url_path="explain-miss", permission_classes=[IsOfficer])
    def explain_miss(self, request, pk=None):
        patrol = self.get_object()
        data = self._input(ExplainMissSerializer)
        checkpoint_explain_miss(patrol=patrol, checkpoint_id=data["checkpoint"], reason=data["reason"], by=request.user)
        return self._detail(patrol)

    # the guard's phone ------------------------------------------------------------------------

    @extend_schema(summary="Check in to one of my patrols (guards), with the phone's position if any",
                   request=PositionSerializer, responses={200: CheckInResultSerializer})
    @action(detail=True, methods=["post"], url_path="check-in", permission_classes=[IsGuard])
    def check_in(self, request, pk=None):
        patrol = patrol_plain_visible_to(user=request.user, pk=pk)  # scoped: a guard sees only the patrols they are on
        if patrol is None:
            raise Http404
        data = self._input(PositionSerializer)
        guard = request.user.guard_profile
        # The scope that found the patrol is this guard's own: it holds only the patrols they are on.
        on_team = scope_for(request.user).guard_id == guard.pk
        check_in = checkin_record(patrol=patrol, guard=guard, team_checked=on_team, **data)
        return Response(CheckInResultSerializer(check_in).data)
