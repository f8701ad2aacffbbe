"""Reads of the bulletins app for the pages and the API: the archive with delivery counts, one
bulletin as its viewer may see it, deliveries, recipients, the case-figure grid of a week and the
dashboard's "this week so far" panel. Each runs a fixed number of queries (tested)."""
import datetime

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.scoping import scope_for
from bulletins.figures import bulletin_figures
from bulletins.models import BulletinDelivery, BulletinRecipient, CaseFigure, WeeklyBulletin
from config.dates import iso_week_label, parse_iso_week, week_start
from liaison_points.models import Township

_STATUSES = [s for s, _label in BulletinDelivery.Status.choices]


def week_monday(label: str) -> datetime.date:
    """'2026-W47' → its Monday, or 404 (a URL naming no week)."""
    try:
        return parse_iso_week(label)
    except ValueError:
        raise Http404("No such week.") from None


def week_has_begun(monday: datetime.date, today: datetime.date | None = None) -> bool:
    return monday <= (today or timezone.localdate())


def bulletin_list_visible_to(*, user) -> QuerySet:
    """Officers see every bulletin; a company's manager only those sent. Annotated with delivery
    counts by status (sent / pending / failed / sending / total) in the same query."""
    qs = WeeklyBulletin.objects.select_related("sent_by").annotate(
        **{f"deliveries_{s}": Count("deliveries", filter=Q(deliveries__status=s)) for s in _STATUSES},
        deliveries_total=Count("deliveries"),
    ).order_by("-week_start")
    scope = scope_for(user)
    if scope.is_officer:
        return qs
    if scope.is_manager:
        return qs.filter(status=WeeklyBulletin.Status.SENT)
    return qs.none()


def bulletin_get_visible_to(*, user, monday: datetime.date) -> WeeklyBulletin | None:
    """The bulletin of the week as `user` may see it, or None (not compiled, or not sent for a manager)."""
    return bulletin_list_visible_to(user=user).filter(week_start=monday).first()


def delivery_stats(bulletin: WeeklyBulletin) -> dict:
    """Counts by status, read from the list annotation when present, else one query."""
    if hasattr(bulletin, "deliveries_total"):
        stats = {s: getattr(bulletin, f"deliveries_{s}") for s in _STATUSES}
    else:
        rows = dict(bulletin.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        stats = {s: rows.get(s, 0) for s in _STATUSES}
    stats["total"] = sum(stats[s] for s in _STATUSES)
    return stats


def delivery_list(*, bulletin: WeeklyBulletin) -> QuerySet:
    return BulletinDelivery.objects.filter(bulletin=bulletin).select_related("company", "recipient").order_by("status", "email")


def recipient_list() -> QuerySet:
    return BulletinRecipient.objects.select_related("company").order_by("-active", "kind", "name")


def recipient_companies_for_preview() -> list[tuple[int, str]]:
    """Companies an officer may preview the bulletin as (id, name), one query."""
    from guards.models import SecurityCompany

    return list(SecurityCompany.objects.order_by("name").values_list("pk", "name"))


def case_figure_grid(*, monday: datetime.date) -> list[dict]:
    """Every township with its figure of the week and of the week before. Two queries."""
    previous = monday - datetime.timedelta(days=7)
    figures = {
        (f.township_id, f.week_start): f
        for f in CaseFigure.objects.filter(week_start__in=[monday, previous]).select_related("entered_by")
    }
    rows = []
    for township in Township.objects.order_by("code"):
        now, before = figures.get((township.pk, monday)), figures.get((township.pk, previous))
        rows.append({
            "township": township,
            "figure": now,
            "count": now.count if now else None,
            "previous": before.count if before else None,
            "change": (now.count - before.count) if now and before else None,
        })
    return rows


def case_figure_list() -> QuerySet:
    return CaseFigure.objects.select_related("township", "entered_by").order_by("-week_start", "township__code")


WEEK_PANEL_CACHE_SECONDS = 60


def dashboard_week_panel(*, today: datetime.date | None = None) -> dict:
    """The dashboard's "this week so far": the bulletin's figures for the current ISO week up to
    now, with the whole week before for comparison. A fixed number of queries (the figures'),
    cached for a minute: every officer's dashboard shows the same county figures."""
    today = today or timezone.localdate()
    key = f"bulletins:week-panel:{today.isoformat()}"
    panel = cache.get(key)
    if panel is None:
        panel = _week_panel(today)
        cache.set(key, panel, WEEK_PANEL_CACHE_SECONDS)
    return panel


def _week_panel(today: datetime.date) -> dict:
    monday = week_start(today)
    figures = bulletin_figures(monday=monday)
    headline = figures["headline"]
    return {
        "week": iso_week_label(monday),
        "monday": monday,
        "today": today,
        "days": (today - monday).days + 1,
        "patrols_done": headline["patrols_done"],
        "points_below_minimum": figures["patrols"]["below_minimum"],
        "patrol_minimum": figures["patrols"]["minimum"],
        "attendance_rate": headline["attendance_rate"],
        "roll_call": figures["roll_call"],
        "disputes_new": headline["disputes_new"],
        "disputes_overdue": headline["disputes_overdue"],
        "tips_received": headline["tips_received"],
        "tips_verified": headline["tips_verified"],
        "cases_solved": headline["cases_solved"],
        "last_week": iso_week_label(monday - datetime.timedelta(days=7)),
    }
