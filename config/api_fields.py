"""Serializer fields, filters and small parsing helpers for periods and ids, shared by every app's API."""
import datetime
import re

import django_filters
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from config.dates import parse_quarter

QUARTER_HELP = _("A quarter such as 2027Q1.")


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


def int_param(request, name: str) -> int | None:
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


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
