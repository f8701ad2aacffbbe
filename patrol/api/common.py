"""Pieces shared by the patrol API modules: the guard-only permission, scope checks inside
serializers, the leading-officer default, page links, the ?week= parameter and id-list inputs."""
import datetime

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from accounts.permissions import is_guard
from accounts.scoping import Scope, scope_for
from config.api_fields import IdField
from config.serializer_cache import CachedFieldsMixin
from config.dates import parse_iso_week, week_start
from guards.models import Guard
from liaison_points.api import CoordinateField
from liaison_points.models import Officer


class IsGuard(BasePermission):
    """Only a signed-in guard bound to a guard record (the phone page's user)."""

    message = _("Only a guard's own account may do this.")

    def has_permission(self, request, view):
        return is_guard(request.user)


def serializer_scope(serializer) -> Scope:
    request = serializer.context.get("request")
    return scope_for(request.user if request else None)


def guard_in_scope(scope: Scope, guard: Guard | None) -> bool:
    if guard is None:
        return False
    if scope.everything:
        return True
    if scope.guard_id is not None:
        return guard.pk == scope.guard_id
    return scope.company_id is not None and guard.company_id == scope.company_id


def officer_of(user, given: Officer | None, field: str = "leader") -> Officer:
    """The officer given, else the requesting officer's own profile."""
    if given is not None:
        return given
    officer = getattr(user, "officer_profile", None)
    if officer is None:
        raise serializers.ValidationError({field: [_("Choose the leading officer (your account has no officer profile).")]})
    return officer


def page_path(name: str, args: list, fallback: str) -> str:
    """The path of a page, or `fallback` under the script prefix when pages are not mounted (an
    API-only deployment, or not built yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return get_script_prefix() + fallback


def page_url_pattern(name: str, fallback: str) -> str:
    """A page's path with `{pk}` to fill per row, so a list costs one reverse(), not one per row."""
    try:
        return reverse(name, args=[0]).removesuffix("0/") + "{pk}/"
    except NoReverseMatch:
        return get_script_prefix() + fallback


datetime_field = serializers.DateTimeField()


def week_param(request) -> datetime.date:
    """The Monday of ?week=2026-W47, or of this week when absent; a malformed week is a 400."""
    value = request.query_params.get("week")
    if not value:
        return week_start(timezone.localdate())
    try:
        return parse_iso_week(value)
    except ValueError:
        raise serializers.ValidationError({"week": [_("Give an ISO week such as 2026-W47.")]}) from None


def id_list(help_text: str):
    return serializers.ListField(child=IdField(), required=False, default=list, help_text=help_text)


def leader_field():
    """The leading officer, by id; when left out, `officer_of` takes the requesting officer."""
    return serializers.PrimaryKeyRelatedField(
        queryset=Officer.objects.all(), required=False, allow_null=True,
        help_text=_("The leading officer; defaults to the requesting officer."),
    )


class PositionSerializer(CachedFieldsMixin, serializers.Serializer):
    latitude = CoordinateField(axis="latitude", required=False, allow_null=True, default=None)
    longitude = CoordinateField(axis="longitude", required=False, allow_null=True, default=None)
    accuracy = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=0, max_value=1_000_000,
        help_text=_("The phone's stated accuracy in metres (coords.accuracy)."),
    )
