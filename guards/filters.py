"""Query-string filters for the companies and guards API. Foreign keys filter by id as plain numbers:
the queryset is already scoped, so an id outside the user's scope simply matches nothing."""
import django_filters

from guards.models import Guard, SecurityCompany
from liaison_points.filters import IdFilter


class CompanyFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter()
    kind = django_filters.ChoiceFilter(choices=SecurityCompany.Kind.choices)

    class Meta:
        model = SecurityCompany
        fields = ["active", "kind"]


class GuardFilter(django_filters.FilterSet):
    company = IdFilter(field_name="company_id")
    liaison_point = IdFilter(field_name="liaison_point_id")
    township = IdFilter(field_name="liaison_point__township_id")
    status = django_filters.ChoiceFilter(choices=Guard.Status.choices)
    certificate_status = django_filters.ChoiceFilter(choices=Guard.CertificateStatus.choices)
    point_pinned = django_filters.BooleanFilter()

    class Meta:
        model = Guard
        fields = ["company", "liaison_point", "township", "status", "certificate_status", "point_pinned"]
