"""The dashboard's action queue: what waits on an officer, each a count with the link to the list
filtered to exactly those rows — new tips awaiting triage, disputes due today or overdue, rosters
awaiting approval, equipment to recall (held by removed or suspended guards) and patrols past their
end still open. Counted within the user's scope (accounts/scoping.py) through each app's own
visibility selector, so the count and the linked list agree. An officer responsible for liaison
points sees the count at "my points" first, the county-wide one beside it (DESIGN.md: officers see
the whole county). Five queries."""
import datetime
from urllib.parse import urlencode

from django.db.models import Count, ExpressionWrapper, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from assessments.models import Equipment
from disputes.models import Tip
from disputes.selectors import dispute_list_visible_to, due_by_q, tip_list_visible_to
from liaison_points.models import LiaisonPoint
from patrol.models import Patrol
from patrol.selectors import patrol_list_visible_to
from training.models import TrainingRoster
from training.selectors import rosters_visible_to


def _url(name: str, **query) -> str:
    return reverse(name) + ("?" + urlencode(query) if query else "")


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def my_point_ids(user) -> list[int]:
    """The liaison points `user` is the responsible officer of: "my points"."""
    if not scope_for(user).is_officer:
        return []
    return list(LiaisonPoint.objects.filter(responsible_officer__user=user).order_by().values_list("pk", flat=True))


def _at_my_points(user) -> Q:
    """Rows of a liaison point `user` is the responsible officer of (as the lists' `mine=yes`)."""
    return Q(liaison_point__responsible_officer__user=user)


def patrols_past_end(*, user, now: datetime.datetime, mine: bool = False) -> QuerySet[Patrol]:
    """Patrols planned or under way whose planned end has passed, within `user`'s scope; `mine`:
    only those of the points `user` is responsible for. Oldest first."""
    qs = patrol_list_visible_to(user=user).filter(status__in=[Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY], planned_end__lt=now)
    if mine:
        qs = qs.filter(_at_my_points(user))
    return qs.order_by("planned_end", "pk")


def _counts(qs, user, *, officer: bool, with_points: bool = False) -> dict:
    """{"n": all rows, "mine": rows at `user`'s points} in one query; `with_points` adds "points",
    how many points `user` is responsible for, as a scalar subquery of the same statement (so the
    queue costs no query more than before: 0 * COUNT keeps it an aggregate over any number of rows)."""
    if not officer:
        return {**qs.order_by().aggregate(n=Count("pk")), "mine": 0, "points": 0}
    fields = {"n": Count("pk"), "mine": Count("pk", filter=_at_my_points(user))}
    if with_points:
        points = LiaisonPoint.objects.filter(responsible_officer__user=user).order_by().values("responsible_officer")
        points = Subquery(points.annotate(c=Count("pk")).values("c")[:1], output_field=IntegerField())
        fields["points"] = ExpressionWrapper(Count("pk") * 0 + Coalesce(points, 0), output_field=IntegerField())
    return qs.order_by().aggregate(**fields)


def dashboard_action_queue(*, user, now: datetime.datetime | None = None) -> list[dict]:
    """[{"key", "label", "count", "url", "mine", "mine_url"}] in the order of the queue.

    `count`/`url` are the user's whole scope (county-wide for officers). An officer responsible for
    liaison points also gets, for what belongs to a point (tips, disputes, patrols), `mine` — the
    count at their points — and `mine_url`, the list filtered to them; `mine` is None otherwise
    (rosters are per company, equipment per guard or point but listed county-wide). Five queries."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    scope = scope_for(user)
    officer = scope.is_officer
    tips = _counts(tip_list_visible_to(user=user).filter(status=Tip.Status.RECEIVED), user, officer=officer, with_points=True)
    disputes = _counts(dispute_list_visible_to(user=user).filter(due_by_q(_end_of_day(today), now)), user, officer=officer)
    rosters = rosters_visible_to(user).filter(status=TrainingRoster.Status.SUBMITTED).count()
    # Equipment goes to "recall pending" when its holder is removed or suspended (assessments.receivers).
    equipment = Equipment.objects.filter(status=Equipment.Status.RECALL)
    if not scope.is_officer:
        equipment = scope.apply(equipment, company="issued_to_guard__company_id", guard="issued_to_guard_id")
    recall = equipment.count()
    # The link opens the list of exactly those patrols, whatever their week.
    patrols = _counts(patrols_past_end(user=user, now=now), user, officer=officer)
    points = tips["points"]

    def mine(counts: dict, name: str, **query) -> dict:
        if not points:
            return {"mine": None, "mine_url": None}
        return {"mine": counts["mine"], "mine_url": _url(name, **query, mine="yes")}

    return [
        {"key": "tips", "label": _("New tips awaiting triage"), "count": tips["n"],
         "url": _url("disputes:tip-list", status=Tip.Status.RECEIVED), **mine(tips, "disputes:tip-list", status=Tip.Status.RECEIVED)},
        {"key": "disputes", "label": _("Disputes due today or overdue"), "count": disputes["n"],
         "url": _url("disputes:dispute-list", due="today"), **mine(disputes, "disputes:dispute-list", due="today")},
        {"key": "rosters", "label": _("Rosters awaiting approval"), "count": rosters,
         "url": _url("training:roster-list", status=TrainingRoster.Status.SUBMITTED), "mine": None, "mine_url": None},
        {"key": "equipment", "label": _("Equipment to recall"), "count": recall,
         "url": _url("assessments:equipment-list", status=Equipment.Status.RECALL), "mine": None, "mine_url": None},
        {"key": "patrols", "label": _("Patrols past their end still open"), "count": patrols["n"],
         "url": _url("bulletins:queue-patrols"), **mine(patrols, "bulletins:queue-patrols")},
    ]
