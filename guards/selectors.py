import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.scoping import scope_for
from guards.models import CompanyManager, DutyPolicy, Guard, SecurityCompany
from guards.policy import duty_policy


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
    """A guard's duty status on a day. `ok`: may be put on a team (deployable, perhaps with
    warnings); `blocks` say why not, `warnings` what the planner should know (both translated)."""

    ok: bool
    blocks: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    YES, WITH_WARNINGS, NO = "yes", "with warnings", "no"

    @property
    def status(self) -> str:
        """`yes` / `with warnings` / `no`."""
        if not self.ok:
            return self.NO
        return self.WITH_WARNINGS if self.warnings else self.YES

    @property
    def reasons(self) -> tuple[str, ...]:
        return (*self.blocks, *self.warnings)

    @property
    def reason(self) -> str:
        """The blocking reasons (or, for a deployable guard, the warnings), joined for one line."""
        return "; ".join(self.blocks or self.warnings)

    @property
    def warning_text(self) -> str:
        return "; ".join(self.warnings)


def _gate_findings(guard: Guard, on: datetime.date) -> list[tuple[str, str]]:
    """(gate, reason) for every duty gate the guard falls foul of on `on`."""
    found = []
    if guard.status == Guard.Status.REMOVED:
        found.append(("removed", gettext("removed from the scheme")))
    if guard.status == Guard.Status.SUSPENDED:
        found.append(("suspended", gettext("suspended")))
    if guard.last_assessment_outcome == "remove":
        found.append(("failed_assessment", gettext("failed the last assessment")))
    if guard.certificate_status == Guard.CertificateStatus.REVOKED:
        found.append(("certificate", gettext("certificate revoked")))
    elif guard.certificate_status == Guard.CertificateStatus.NONE or guard.certificate_expires_on is None:
        found.append(("certificate", gettext("no guard certificate")))
    elif guard.certificate_expires_on < on:
        found.append(("certificate", gettext("certificate expired on %(day)s") % {"day": guard.certificate_expires_on.isoformat()}))
    if guard.training_missed_quarter:
        found.append(("training", gettext("missed the %(quarter)s training; must attend a session") % {"quarter": guard.training_missed_quarter}))
    return found


def guard_deployability(*, guard: Guard, on: datetime.date | None = None, policy: DutyPolicy | None = None) -> Deployability:
    """Whether `guard` may be put on duty on `on`: yes, yes with warnings, or no, with the reasons.

    Each gate (removed, suspended, failed assessment, certificate, training) blocks or only warns as
    the office policy says (guards.DutyPolicy; defaults: the first three block, certificate and
    training warn). Reads the guard row and the cached policy (pass `policy` in loops): the roster and
    assessment services keep `training_missed_quarter` and `last_assessment_outcome` on the row."""
    on = on or timezone.localdate()
    policy = policy or duty_policy()
    blocks, warnings = [], []
    for gate, reason in _gate_findings(guard, on):
        (blocks if getattr(policy, gate) == DutyPolicy.Mode.BLOCK else warnings).append(reason)
    return Deployability(not blocks, tuple(blocks), tuple(warnings))


def guard_deployability_map(*, guards, on: datetime.date | None = None) -> dict[int, Deployability]:
    policy = duty_policy()
    return {g.pk: guard_deployability(guard=g, on=on, policy=policy) for g in guards}
