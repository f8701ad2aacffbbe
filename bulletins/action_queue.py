"""The dashboard's action queue: what waits on an officer, each a count with the link to the list
filtered to exactly those rows — new tips awaiting triage, disputes due today or overdue, rosters
awaiting approval, equipment to recall (held by removed or suspended guards) and patrols past their
end still open. Counted within the user's scope (accounts/scoping.py) through each app's own
visibility selector, so the count and the linked list agree. Five queries."""
import datetime
from urllib.parse import urlencode

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from assessments.models import Equipment
from config.dates import iso_week_label, week_start
from disputes.models import Tip
from disputes.selectors import dispute_list_visible_to, due_by_q, tip_list_visible_to
from patrol.models import Patrol
from patrol.selectors import patrol_list_visible_to
from training.models import TrainingRoster
from training.selectors import rosters_visible_to


def _url(name: str, **query) -> str:
    return reverse(name) + ("?" + urlencode(query) if query else "")


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def dashboard_action_queue(*, user, now: datetime.datetime | None = None) -> list[dict]:
    """[{"key", "label", "count", "url"}] in the order of the queue."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    scope = scope_for(user)
    tips = tip_list_visible_to(user=user).filter(status=Tip.Status.RECEIVED).order_by().count()
    disputes = dispute_list_visible_to(user=user).filter(due_by_q(_end_of_day(today), now)).order_by().count()
    rosters = rosters_visible_to(user).filter(status=TrainingRoster.Status.SUBMITTED).count()
    # Equipment goes to "recall pending" when its holder is removed or suspended (assessments.receivers).
    equipment = Equipment.objects.filter(status=Equipment.Status.RECALL)
    if not scope.is_officer:
        equipment = scope.apply(equipment, company="issued_to_guard__company_id", guard="issued_to_guard_id")
    recall = equipment.count()
    # The week page lists one week: the link opens the week of the oldest such patrol.
    open_patrols = patrol_list_visible_to(user=user).filter(
        status__in=[Patrol.Status.PLANNED, Patrol.Status.UNDER_WAY], planned_end__lt=now
    ).order_by().aggregate(n=Count("id"), oldest=Min("planned_start"))
    oldest_week = iso_week_label(week_start(timezone.localtime(open_patrols["oldest"]).date() if open_patrols["oldest"] else today))
    return [
        {"key": "tips", "label": _("New tips awaiting triage"), "count": tips,
         "url": _url("disputes:tip-list", status=Tip.Status.RECEIVED)},
        {"key": "disputes", "label": _("Disputes due today or overdue"), "count": disputes,
         "url": _url("disputes:dispute-list", due="today")},
        {"key": "rosters", "label": _("Rosters awaiting approval"), "count": rosters,
         "url": _url("training:roster-list", status=TrainingRoster.Status.SUBMITTED)},
        {"key": "equipment", "label": _("Equipment to recall"), "count": recall,
         "url": _url("assessments:equipment-list", status=Equipment.Status.RECALL)},
        {"key": "patrols", "label": _("Patrols past their end still open"), "count": open_patrols["n"],
         "url": _url("patrol:week", week=oldest_week, past_end="open")},
    ]
