from django.db.models import QuerySet

from accounts.scoping import scope_for
from guards.models import CompanyManager, Guard, SecurityCompany


def company_list_visible_to(*, user) -> QuerySet[SecurityCompany]:
    return scope_for(user).apply(SecurityCompany.objects.all(), company="pk")


def guard_list_visible_to(*, user) -> QuerySet[Guard]:
    """Guards the user may see: officers all, managers their company's, a guard only themselves."""
    qs = Guard.objects.select_related("company", "liaison_point", "liaison_point__township")
    return scope_for(user).apply(qs, company="company_id", guard="pk")


def manager_list() -> QuerySet[CompanyManager]:
    return CompanyManager.objects.select_related("user", "company")
