"""What the disputes and tips endpoints share: who may call them, the small input serializers,
the base viewset, state-change actions and GeoJSON features."""
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.audit import AuditedListMixin, AuditEvent, audit_record
from accounts.permissions import IsOfficer, is_guard, is_officer
from disputes.parties import DisputeParty, party_phone_validator
from disputes.selectors import can_see_sources


class IsOfficerOrGuard(BasePermission):
    message = _("Disputes and tips are for officers and the guards who report them.")

    def has_permission(self, request, view):
        return is_officer(request.user) or is_guard(request.user)


def url_or_none(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


class PartySerializer(serializers.Serializer):
    """One party row: a name or a description, a role, a Chinese mobile or landline when known."""

    name = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(choices=DisputeParty.Role.choices, default=DisputeParty.Role.PARTY)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="", validators=[party_phone_validator])


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ReportViewSet(AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Base of the disputes and tips viewsets. Officers and guards list, read, report and see the
    map; every other action is for officers. Subclasses name `input_class` (what `create` takes),
    the output serializers for guards and for officers, and `audited_model`/`audited_field` (what
    an officer's read shows: parties or source), audited per record read and per list page."""

    input_class: type[serializers.Serializer]
    output_class: type[serializers.Serializer]
    officer_output_class: type[serializers.Serializer]

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "geojson"):
            return [IsOfficerOrGuard()]
        return [IsOfficer()]

    def get_serializer_class(self):
        if self.action == "create":
            return self.input_class
        return self.output_for_user()

    def output_for_user(self) -> type[serializers.Serializer]:
        """Officers see parties and sources; a guard gets the reduced serializer."""
        return self.officer_output_class if can_see_sources(self.request.user) else self.output_class

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        data = self.get_serializer(item).data
        self.audit_confidential_view(item)
        return Response(data)

    def audit_confidential_view(self, item) -> None:
        """An officer's read of one record shows its parties or its source: audited (as the page)."""
        if can_see_sources(self.request.user):
            detail = {"field": self.audited_field, "via": "api"}
            audit_record(request=self.request, kind=AuditEvent.Kind.VIEW_CONFIDENTIAL, obj=item, detail=detail)

    def audits_list_read(self) -> bool:
        """An officer's list shows every row's parties or source: one audit line per page read."""
        return can_see_sources(self.request.user)

    def _input(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def transition_action(name: str, input_serializer, output_serializer, perform, *, url_path: str | None = None, **doc):
    """A POST action `name` on one item: parse `input_serializer`, call `perform(item, by, data)`
    (one service call returning the item), answer the item's detail. The schema annotation goes on
    after @action, which would otherwise replace it."""

    def handler(self, request, pk=None):
        item = self.get_object()
        data = self._input(input_serializer, request)
        return self._detail(perform(item, request.user, data))

    handler.__name__ = name
    routed = action(detail=True, methods=["post"], url_path=url_path)(handler)
    return extend_schema(request=input_serializer, responses={200: output_serializer}, **doc)(routed)


def point_feature(pk: int, latitude, longitude, properties: dict) -> dict:
    return {
        "type": "Feature",
        "id": pk,
        "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
        "properties": properties,
    }


def feature_collection(features) -> Response:
    return Response({"type": "FeatureCollection", "features": list(features)})
