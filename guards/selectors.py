import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.scoping import scope_for
from guards.models import CompanyManager, Guard, SecurityCompany


def company_list_visible_to(*, user) -> QuerySet[SecurityCompany]:
    return scope_for(user).apply(SecurityCompany.objects.all(), company="pk")


def guard_list_visible_to(*, user) -> QuerySet[Guard]:
    """Guards the user may see: officers all, managers their company's, a guard only themselves."""
    qs = Guard.objects.select_related("company", "liaison_point", "liaison_point__township")
    return scope_for(user).apply(qs, company="company_id", guard="pk")


def company_list_with_counts_visible_to(*, user, on: datetime.date | None = None) -> QuerySet[SecurityCompany]:
    """Companies the user may see, each with `guard_count` (active guards) and `certified_count`
    (active guards whose certificate is valid on `on`), in the same query."""
    on = on or timezone.localdate()
    active = Q(guards__status=Guard.Status.ACTIVE)
    certified = active & Q(guards__certificate_status=Guard.CertificateStatus.VALID, guards__certificate_expires_on__gte=on)
    return company_list_visible_to(user=user).annotate(
        guard_count=Count("guards", filter=active),
        certified_count=Count("guards", filter=certified),
    )


def manager_list() -> QuerySet[CompanyManager]:
    return CompanyManager.objects.select_related("user", "company")


@dataclass(frozen=True)
class Deployability:
    ok: bool
    reason: str = ""


def guard_deployability(*, guard: Guard, on: datetime.date | None = None) -> Deployability:
    """Whether `guard` may be put on duty on `on`, and if not, why (shown to the planner).

    Reads only the guard row, so it costs no query: the roster and assessment services keep
    `training_missed_quarter` and `last_assessment_outcome` up to date on it."""
    on = on or timezone.localdate()
    if guard.status == Guard.Status.SUSPENDED:
        return Deployability(False, gettext("suspended"))
    if guard.status == Guard.Status.REMOVED:
        return Deployability(False, gettext("removed from the scheme"))
    if guard.certificate_status == Guard.CertificateStatus.REVOKED:
        return Deployability(False, gettext("certificate revoked"))
    if guard.certificate_status == Guard.CertificateStatus.NONE or guard.certificate_expires_on is None:
        return Deployability(False, gettext("no guard certificate"))
    if guard.last_assessment_outcome == "remove":
        return Deployability(False, gettext("failed the last assessment"))
    if guard.training_missed_quarter:
        return Deployability(
            False, gettext("missed the %(quarter)s training; must attend a session first") % {"quarter": guard.training_missed_quarter}
        )
    if guard.certificate_expires_on < on:
        return Deployability(
            False, gettext("certificate expired on %(day)s") % {"day": guard.certificate_expires_on.isoformat()}
        )
    return Deployability(True)


def guard_deployability_map(*, guards, on: datetime.date | None = None) -> dict[int, Deployability]:
    return {g.pk: guard_deployability(guard=g, on=on) for g in guards}


