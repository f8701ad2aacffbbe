"""Serializer fields, filters and small parsing helpers for periods and ids, shared by every app's API."""
import datetime

import django_filters
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from config.dates import in_date_range, parse_iso_week, parse_month, parse_quarter, year_range

MAX_ID = 2**63 - 1  # the widest id column; anything larger overflows the database driver
MAX_COUNT = 2**31 - 1  # a count (people, seats, cases) fits PostgreSQL's integer column
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
WEEK_PATTERN = r"^\d{4}-?W\d{1,2}$"

QUARTER_HELP = _("A quarter such as 2027Q1.")


@extend_schema_field({"type": "string", "nullable": True})
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
    """'2026-11' → the first day of that month (years DATE_YEAR_MIN..DATE_YEAR_MAX)."""

    default_error_messages = {"invalid_month": _("Give a month such as 2026-11.")}

    def to_internal_value(self, data):
        try:
            return parse_month(super().to_internal_value(data))
        except ValueError:
            self.fail("invalid_month")

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


def _year_error() -> str:
    low, high = year_range()
    return gettext("Give a date between the years %(low)s and %(high)s.") % {"low": low, "high": high}


class DateField(serializers.DateField):
    """A date within the office's year range (config/dates.py): year 1 or 9999 is a 400 on the field.
    Every ModelSerializer uses it for model DateFields (config/apps.py)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not in_date_range(day):
            raise serializers.ValidationError(_year_error(), code="date_range")
        return day


class DateTimeField(serializers.DateTimeField):
    """A date and time within the office's year range; see DateField."""

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not in_date_range(moment):
            raise serializers.ValidationError(_year_error(), code="date_range")
        return moment


def IdField(**kwargs):  # noqa: N802 - reads as a field class at the call site
    """A row id in a request body: 1..2**63-1, else a 400 on the field (never an overflow)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def CountField(**kwargs):  # noqa: N802
    """A count (people reached, seats...): 0..2**31-1, so it fits every database's integer column."""
    kwargs.setdefault("min_value", 0)
    kwargs.setdefault("max_value", MAX_COUNT)
    return serializers.IntegerField(**kwargs)


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """A row id in the query string: a whole number in the id range, else a 400 on that parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IsoWeekFormField(forms.CharField):
    """'2026-W47' → the Monday of that week (a date); outside the year range is invalid too."""

    default_error_messages = {"invalid": _("Give an ISO week such as 2026-W47.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_iso_week(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


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
