"""Zone patrols (the Yanghe pattern, "每天由区域内单位牵头，其他联防单位各由1名保安员参与"): a zone's
member units are the units with guards attached to its active liaison points; every day one of them
leads (the order is the plan's `lead_rotation`, else the units by name) with `lead_count` guards
and every other unit sends one guard. A zone patrol counts toward every point of its zone."""
import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from guards.models import Guard, SecurityCompany
from guards.policy import duty_policy
from guards.selectors import guard_deployability
from liaison_points.models import Zone


@dataclass
class ZoneProposal:
    lead: list[Guard]
    others: list[Guard]
    companies_without_guard: list[SecurityCompany]

    @property
    def guards(self) -> list[Guard]:
        return [*self.lead, *self.others]


def zone_unit_list(*, zone: Zone | int) -> list[SecurityCompany]:
    """The zone's member units, by name: active units with a guard (not removed) attached to one of
    the zone's active points. One query."""
    return list(
        SecurityCompany.objects.filter(
            active=True, guards__liaison_point__zone=zone, guards__liaison_point__active=True,
        ).exclude(guards__status=Guard.Status.REMOVED).distinct().order_by("name", "id")
    )


def zone_rotation(*, zone: Zone | int, rotation: list[int] | None) -> list[int]:
    """The lead order: the plan's own list when set, else the zone's units by name."""
    return [int(i) for i in rotation] if rotation else [c.pk for c in zone_unit_list(zone=zone)]


def rotation_index(*, starts_on: datetime.date, weekdays: list[int], day: datetime.date) -> int:
    """How many of the plan's patrol days come before `day` since `starts_on`: the day's turn in the
    rotation. Counted from the plan's start, so regenerating gives every day the same lead unit."""
    days = (day - starts_on).days
    full_weeks, rest = divmod(days, 7)
    earlier = sum(1 for i in range(rest) if (starts_on + datetime.timedelta(days=i)).weekday() in weekdays)
    return full_weeks * len(set(weekdays)) + earlier


def zone_patrol_propose(
    *, zone: Zone, lead_company: SecurityCompany, on: datetime.date, lead_count: int = 2, fairness_days: int = 30
) -> ZoneProposal:
    """Propose a zone patrol team: `lead_count` guards of the lead unit plus one guard from every
    other company with guards attached to the zone's points. Within a company the deployable guard
    who patrolled least over the last `fairness_days` goes first, so duty rotates. Two queries."""
    since = timezone.make_aware(datetime.datetime.combine(on - datetime.timedelta(days=fairness_days), datetime.time.min))
    candidates = (
        Guard.objects.filter(liaison_point__zone=zone, liaison_point__active=True).exclude(status=Guard.Status.REMOVED)
        .select_related("company")
        .annotate(recent=Count("patrol_memberships", filter=Q(patrol_memberships__patrol__planned_start__gte=since)))
        .order_by("company__name", "recent", "name", "id")
    )
    policy = duty_policy()
    by_company: dict[int, list[Guard]] = {}
    companies: dict[int, SecurityCompany] = {}
    for g in candidates:
        if guard_deployability(guard=g, on=on, policy=policy).ok:
            by_company.setdefault(g.company_id, []).append(g)
        companies.setdefault(g.company_id, g.company)
    lead = by_company.get(lead_company.pk, [])[:lead_count]
    others = [gs[0] for cid, gs in by_company.items() if cid != lead_company.pk and gs]
    without = [c for cid, c in companies.items() if cid != lead_company.pk and not by_company.get(cid)]
    return ZoneProposal(lead=lead, others=others, companies_without_guard=without)
