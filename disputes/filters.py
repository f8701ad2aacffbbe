"""Query-string filters for the disputes and tips API (ids as plain numbers: no query per filter)."""
import django_filters
from django.utils import timezone

from config.api_fields import IdFilter
from config.dates import local_day_start
from disputes.models import Dispute, DisputeCategory, Tip
from disputes.selectors import overdue_q


class _DateRange(django_filters.FilterSet):
    """`from` / `to` as local calendar days, both inclusive."""

    date_field = "reported_at"
    date_from = django_filters.DateFilter(method="filter_from", label="from (YYYY-MM-DD, inclusive)")
    date_to = django_filters.DateFilter(method="filter_to", label="to (YYYY-MM-DD, inclusive)")

    def filter_from(self, qs, name, value):
        return qs.filter(**{f"{self.date_field}__gte": local_day_start(value)})

    def filter_to(self, qs, name, value):
        import datetime

        return qs.filter(**{f"{self.date_field}__lt": local_day_start(value + datetime.timedelta(days=1))})


class DisputeFilter(_DateRange):
    status = django_filters.MultipleChoiceFilter(choices=Dispute.Status.choices)
    category = django_filters.MultipleChoiceFilter(choices=DisputeCategory.choices)
    point = IdFilter(field_name="liaison_point_id")
    township = IdFilter(field_name="liaison_point__township_id")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    open = django_filters.BooleanFilter(method="filter_open")
    needs_position = django_filters.BooleanFilter(
        field_name="latitude", lookup_expr="isnull", label="needs_position (taken by township or address: position to be added)",
    )

    class Meta:
        model = Dispute
        fields = ["status", "category", "point", "township", "overdue", "open", "needs_position"]

    def filter_overdue(self, qs, name, value):
        q = overdue_q(timezone.now())
        return qs.filter(q) if value else qs.exclude(q)

    def filter_open(self, qs, name, value):
        return qs.filter(status__in=Dispute.OPEN_STATUSES) if value else qs.exclude(status__in=Dispute.OPEN_STATUSES)


class TipFilter(_DateRange):
    date_field = "received_at"
    status = django_filters.MultipleChoiceFilter(choices=Tip.Status.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Tip.Kind.choices)
    outcome = django_filters.ChoiceFilter(choices=[c for c in Tip.Outcome.choices if c[0]])
    point = IdFilter(field_name="liaison_point_id")
    township = IdFilter(field_name="liaison_point__township_id")
    dispute = IdFilter(field_name="dispute_id")

    class Meta:
        model = Tip
        fields = ["status", "kind", "outcome", "point", "township", "dispute"]
