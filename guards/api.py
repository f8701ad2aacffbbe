"""REST API for security companies and guards (/api/v1/).

Every list and detail goes through the scoping selectors (outside the scope = 404). Guards are
written through guards.services, so full_clean, nearest-point attachment and history apply; a
guard leaves the scheme by status, never by DELETE. Officers see resident ids in full, everyone
else masked."""
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.audit import AuditedListMixin, AuditEvent, audit_record
from accounts.permissions import IsOfficer, IsOfficerOrManagerWrite, IsOfficerOrReadOnly
from accounts.scoping import scope_for
from guards.filters import CompanyFilter, GuardFilter
from guards.models import Guard, SecurityCompany
from guards.policy import duty_policy
from guards.selectors import company_list_visible_to, company_list_with_counts_visible_to, guard_deployability, guard_list_visible_to
from guards.services import guard_create, guard_set_point, guard_update
from guards.validators import validate_national_id
from liaison_points.api import CoordinateField
from liaison_points.models import LiaisonPoint

# --- companies ----------------------------------------------------------------------------------


class CompanySerializer(serializers.ModelSerializer):
    guard_count = serializers.IntegerField(read_only=True, help_text=_("Active guards."))
    certified_count = serializers.IntegerField(read_only=True, help_text=_("Active guards with a valid certificate today."))

    class Meta:
        model = SecurityCompany
        fields = [
            "id", "name", "kind", "licence_number", "address", "phone", "responsible_leader", "responsible_leader_phone",
            "active", "guard_count", "certified_count",
        ]
        extra_kwargs = {"licence_number": {"validators": []}}  # unique when set: checked in validate()

    def validate(self, attrs):
        kind = attrs.get("kind", self.instance.kind if self.instance else SecurityCompany.Kind.COMPANY)
        licence = attrs.get("licence_number", self.instance.licence_number if self.instance else None)
        licence = (licence or "").strip() or None
        if "licence_number" in attrs or self.instance is None:
            attrs["licence_number"] = licence
        if kind == SecurityCompany.Kind.COMPANY and not licence:
            raise serializers.ValidationError({"licence_number": [_("A security company needs its licence number.")]})
        if licence and SecurityCompany.objects.filter(licence_number=licence).exclude(pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError({"licence_number": [_("Another unit has this licence number.")]})
        return attrs


class CompanyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Security companies. Managers read their own company; officers read and write all. No DELETE:
    a company leaves by `active` = false (its guards keep their history)."""

    serializer_class = CompanySerializer
    permission_classes = [IsOfficerOrReadOnly]
    filterset_class = CompanyFilter
    search_fields = ["name", "licence_number", "responsible_leader"]
    ordering_fields = ["name", "kind", "guard_count", "certified_count"]
    ordering = ["name"]

    def get_queryset(self):
        return company_list_with_counts_visible_to(user=self.request.user)

    def perform_create(self, serializer):
        company = serializer.save()
        serializer.instance = self.get_queryset().get(pk=company.pk)

    def perform_update(self, serializer):
        company = serializer.save()
        serializer.instance = self.get_queryset().get(pk=company.pk)


# --- guards -------------------------------------------------------------------------------------


class GuardSerializer(serializers.ModelSerializer):
    company = serializers.PrimaryKeyRelatedField(
        queryset=SecurityCompany.objects.none(),  # narrowed to the user's companies in get_fields()
        required=False,
        error_messages={"does_not_exist": _("Unknown company, or not one you manage.")},
        help_text=_("Required for officers; a manager's guards are always in the manager's company."),
    )
    company_name = serializers.CharField(source="company.name", read_only=True)
    liaison_point = serializers.PrimaryKeyRelatedField(
        queryset=LiaisonPoint.objects.all(), required=False, allow_null=True,
        help_text=_("Officers only: pin the guard to this point. Otherwise the nearest active point is used."),
    )
    liaison_point_code = serializers.CharField(source="liaison_point.code", read_only=True, allow_null=True)
    liaison_point_name = serializers.CharField(source="liaison_point.name", read_only=True, allow_null=True)
    township = serializers.IntegerField(source="liaison_point.township_id", read_only=True, allow_null=True)
    township_name = serializers.CharField(source="liaison_point.township.name", read_only=True, allow_null=True)
    post_latitude = CoordinateField(axis="latitude")
    post_longitude = CoordinateField(axis="longitude")
    certificate_valid = serializers.SerializerMethodField()
    deployable = serializers.SerializerMethodField(help_text=_("Duty status today under the office policy: yes, with warnings or no."))
    deployable_reasons = serializers.SerializerMethodField(help_text=_("Why not, or what the planner is warned of."))
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Guard
        fields = [
            "id", "company", "company_name", "name", "phone", "national_id", "post", "post_address",
            "post_latitude", "post_longitude", "liaison_point", "liaison_point_code", "liaison_point_name",
            "township", "township_name", "point_pinned", "certificate_number", "certificate_status",
            "certificate_expires_on", "certificate_valid", "deployable", "deployable_reasons", "status", "joined_on", "has_account",
            "created_at", "updated_at",
        ]
        read_only_fields = ["point_pinned", "created_at", "updated_at"]
        extra_kwargs = {
            # Uniqueness is checked by the service, whose refusal does not tell a manager that
            # another company employs this person (guards.services.national_id_taken_error).
            "national_id": {"help_text": _("18 characters. Shown masked except to officers."), "validators": [validate_national_id]},
        }

    @property
    def _scope(self):
        request = self.context.get("request")
        return scope_for(request.user if request else None)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["company"].queryset = company_list_visible_to(user=request.user)
        return fields

    def get_certificate_valid(self, guard) -> bool:
        return guard.certificate_valid_on()

    def _duty(self, guard):
        memo = self.context.setdefault("_duty", {})
        if guard.pk not in memo:
            if "_policy" not in self.context:
                self.context["_policy"] = duty_policy()
            memo[guard.pk] = guard_deployability(guard=guard, policy=self.context["_policy"])
        return memo[guard.pk]

    @extend_schema_field({"type": "string", "enum": ["yes", "with warnings", "no"]})
    def get_deployable(self, guard) -> str:
        return self._duty(guard).status

    def get_deployable_reasons(self, guard) -> list[str]:
        return list(self._duty(guard).reasons)

    def get_has_account(self, guard) -> bool:
        return guard.user_id is not None

    def validate_liaison_point(self, point):
        current = self.instance.liaison_point_id if self.instance else None
        if (point.pk if point else None) != current and not self._scope.is_officer:
            raise serializers.ValidationError(
                _("Only an officer may set the liaison point; otherwise the nearest active point is used.")
            )
        return point

    def validate(self, attrs):
        if self.instance is None and "company" not in attrs:
            scope = self._scope
            if not scope.is_manager:
                raise serializers.ValidationError({"company": [_("This field is required.")]})
            attrs["company_id"] = scope.company_id
        return attrs

    def to_representation(self, guard):
        data = super().to_representation(guard)
        if not self._scope.is_officer:
            data["national_id"] = guard.national_id_masked
        return data


class SetPointSerializer(serializers.Serializer):
    liaison_point = serializers.PrimaryKeyRelatedField(
        queryset=LiaisonPoint.objects.all(), allow_null=True,
        help_text=_("The point to pin the guard to, or null to follow the nearest active point again."),
    )


class GuardViewSet(
    AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Guards within the user's scope: officers all, managers their company's, a guard only
    themselves (read-only). No DELETE: a guard leaves by `status` = removed. An officer's read
    shows full resident ids: audited per guard read and per list page."""

    serializer_class = GuardSerializer
    audited_model = Guard
    audited_field = "national_id"
    permission_classes = [IsOfficerOrManagerWrite]
    filterset_class = GuardFilter
    search_fields = ["name", "phone", "post", "certificate_number"]
    ordering_fields = ["name", "joined_on", "certificate_expires_on", "status", "company__name"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return guard_list_visible_to(user=self.request.user)

    def audits_list_read(self) -> bool:
        return scope_for(self.request.user).is_officer  # the full resident ids are in the answer

    def retrieve(self, request, *args, **kwargs):
        guard = self.get_object()
        data = self.get_serializer(guard).data
        if scope_for(request.user).is_officer:  # the full resident id is in the answer
            audit_record(request=request, kind=AuditEvent.Kind.VIEW_CONFIDENTIAL, obj=guard, detail={"field": "national_id", "via": "api"})
        return Response(data)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        point = fields.pop("liaison_point", None)
        by = self.request.user
        with transaction.atomic():
            guard = guard_create(by=by, **fields)
            if point is not None:
                guard = guard_set_point(guard=guard, point=point, by=by)
        serializer.instance = self.get_queryset().get(pk=guard.pk)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        point_given = "liaison_point" in fields
        point = fields.pop("liaison_point", None)
        point_before = serializer.instance.liaison_point_id
        by = self.request.user
        with transaction.atomic():
            guard = guard_update(guard=serializer.instance, by=by, **fields)
            # Only a changed point is an officer's override; an unchanged one lets a moved post re-attach.
            if point_given and (point.pk if point else None) != point_before:
                guard = guard_set_point(guard=guard, point=point, by=by)
        serializer.instance = self.get_queryset().get(pk=guard.pk)

    @extend_schema(
        summary="Pin a guard to a liaison point, or hand them back to the nearest active point",
        request=SetPointSerializer,
        responses={200: GuardSerializer},
    )
    @action(detail=True, methods=["post"], url_path="set-point", permission_classes=[IsOfficer])
    def set_point(self, request, pk=None):
        guard = self.get_object()
        serializer = SetPointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        guard_set_point(guard=guard, point=serializer.validated_data["liaison_point"], by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=guard.pk)).data)
