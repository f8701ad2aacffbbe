"""Query-string filters for the patrol API. Foreign keys filter by id as plain numbers (the querysets
are already scoped, so an id outside the user's scope simply matches nothing). Dates are days in the
office's time zone (Asia/Shanghai), and a week is an ISO week such as 2026-W47; a malformed value is
a 400 with the filter's name as the field."""
import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field

from config.api_fields import WEEK_PATTERN, IdFilter, IsoWeekFormField
from config.dates import local_day_start, week_bounds
from patrol.models import CheckIn, Checkpoint, Patrol, PatrolKind, RecurringPlan, VenueInspection


@extend_schema_field({"type": "string", "pattern": WEEK_PATTERN, "example": "2026-W47"})
class IsoWeekFilter(django_filters.Filter):
    """Rows whose `field_name` (a datetime) falls in the given ISO week, local time."""

    field_class = IsoWeekFormField

    def filter(self, qs, value):
        if value is None:
            return qs
        start, end = week_bounds(value)
        return qs.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})


class LocalDayFilter(django_filters.DateFilter):
    """A datetime field compared with a whole local day: `after` = from the start of that day,
    `before` = up to the end of that day (both inclusive, as people read a date range)."""

    def __init__(self, *args, bound: str, **kwargs):
        self.bound = bound
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.bound == "after":
            return qs.filter(**{f"{self.field_name}__gte": local_day_start(value)})
        return qs.filter(**{f"{self.field_name}__lt": local_day_start(value + datetime.timedelta(days=1))})


class PatrolFilter(django_filters.FilterSet):
    liaison_point = IdFilter(field_name="liaison_point_id")
    township = IdFilter(field_name="liaison_point__township_id")
    leader = IdFilter(field_name="leader_id")
    lead_company = IdFilter(field_name="lead_company_id", help_text=_("Patrols led by this unit."))
    zone = IdFilter(field_name="zone_id")
    status = django_filters.ChoiceFilter(choices=Patrol.Status.choices)
    kind = django_filters.ChoiceFilter(choices=PatrolKind.choices)
    plan = IdFilter(field_name="plan_id")
    date_after = LocalDayFilter(field_name="planned_start", bound="after", help_text=_("Planned to start on or after this day."))
    date_before = LocalDayFilter(field_name="planned_start", bound="before", help_text=_("Planned to start on or before this day."))
    week = IsoWeekFilter(field_name="planned_start", help_text=_("ISO week of the planned start, e.g. 2026-W47."))

    class Meta:
        model = Patrol
        fields = ["liaison_point", "township", "leader", "lead_company", "zone", "status", "kind", "plan", "date_after", "date_before", "week"]


class CheckInFilter(django_filters.FilterSet):
    patrol = IdFilter(field_name="patrol_id")
    guard = IdFilter(field_name="guard_id")
    company = IdFilter(field_name="guard__company_id")
    liaison_point = IdFilter(field_name="patrol__liaison_point_id")
    status = django_filters.ChoiceFilter(choices=CheckIn.Status.choices)
    source = django_filters.ChoiceFilter(choices=CheckIn.Source.choices)
    date_after = LocalDayFilter(field_name="at", bound="after", help_text=_("Checked in on or after this day."))
    date_before = LocalDayFilter(field_name="at", bound="before", help_text=_("Checked in on or before this day."))
    week = IsoWeekFilter(field_name="at", help_text=_("ISO week of the check-in, e.g. 2026-W47."))

    class Meta:
        model = CheckIn
        fields = ["patrol", "guard", "company", "liaison_point", "status", "source", "date_after", "date_before", "week"]


class InspectionFilter(django_filters.FilterSet):
    township = IdFilter(field_name="township_id")
    liaison_point = IdFilter(field_name="liaison_point_id")
    unit = IdFilter(field_name="unit_id", help_text=_("The unit responsible for the venue's security."))
    trade = django_filters.ChoiceFilter(choices=VenueInspection.Trade.choices)
    violation_found = django_filters.BooleanFilter()
    violation_kind = django_filters.ChoiceFilter(choices=VenueInspection.ViolationKind.choices)
    rectified = django_filters.BooleanFilter(
        field_name="rectified_on", lookup_expr="isnull", exclude=True, help_text=_("Has a rectification date.")
    )
    date_after = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte")

    class Meta:
        model = VenueInspection
        fields = ["township", "liaison_point", "unit", "trade", "violation_found", "violation_kind", "rectified", "date_after", "date_before"]


class CheckpointFilter(django_filters.FilterSet):
    liaison_point = IdFilter(field_name="liaison_point_id")
    township = IdFilter(field_name="liaison_point__township_id")
    active = django_filters.BooleanFilter()

    class Meta:
        model = Checkpoint
        fields = ["liaison_point", "township", "active"]


class PlanFilter(django_filters.FilterSet):
    liaison_point = IdFilter(field_name="liaison_point_id")
    township = IdFilter(field_name="liaison_point__township_id")
    active = django_filters.BooleanFilter()

    class Meta:
        model = RecurringPlan
        fields = ["liaison_point", "township", "active"]
