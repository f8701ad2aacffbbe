"""Reads of the bulletins app for the pages and the API: the archive with delivery counts, one
bulletin as its viewer may see it, deliveries, recipients, the case-figure grid of a week and the
dashboard's county figures and "this week so far" panel. Each runs a fixed number of queries (tested).
The `*_get` readers are for pages: a row that does not exist is a 404."""
import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.scoping import scope_for
from bulletins.action_queue import dashboard_action_queue  # noqa: F401 (a dashboard read, re-exported)
from bulletins.figures import _change
from bulletins.models import BulletinDelivery, BulletinRecipient, CaseFigure, WeeklyBulletin
from bulletins.trends import dashboard_trends  # a dashboard read: re-exported, and the week panel reads it
from config.dates import iso_week_label, parse_iso_week, week_start
from disputes.figures import dispute_weeks_figures, tip_weeks_figures
from guards.forms import CertificateState
from guards.models import Guard, SecurityCompany
from liaison_points.models import LiaisonPoint, Township
from patrol.figures import roll_call_weeks_figures
from patrol.selectors import patrol_week_coverage

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


def bulletin_get(*, monday: datetime.date) -> WeeklyBulletin:
    """The week's bulletin for an officer's action on it, or 404."""
    return get_object_or_404(WeeklyBulletin, week_start=monday)


def bulletin_status_of_week(*, monday: datetime.date) -> str | None:
    """The status of the week's bulletin, None when it was never compiled. One query."""
    return WeeklyBulletin.objects.filter(week_start=monday).values_list("status", flat=True).first()


def bulletin_send_preview(*, bulletin: WeeklyBulletin) -> tuple[list[BulletinRecipient], int]:
    """What sending would do: the active recipients who have no copy of `bulletin` yet, and how many
    addresses already have one. Two queries."""
    already = set(bulletin.deliveries.values_list("email", flat=True))
    new = [r for r in recipient_list().filter(active=True) if r.email.lower() not in already]
    return new, len(already)


def company_get(*, pk: int) -> SecurityCompany:
    """The company whose copy of the bulletin is shown, or 404."""
    return get_object_or_404(SecurityCompany, pk=pk)


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


def delivery_get(*, pk: int, monday: datetime.date) -> BulletinDelivery:
    """One delivery of the week's bulletin, or 404."""
    return get_object_or_404(BulletinDelivery, pk=pk, bulletin__week_start=monday)


def recipient_list() -> QuerySet:
    return BulletinRecipient.objects.select_related("company").order_by("-active", "kind", "name")


def recipient_get(*, pk: int) -> BulletinRecipient:
    return get_object_or_404(BulletinRecipient, pk=pk)


def recipient_companies_for_preview() -> list[tuple[int, str]]:
    """Companies an officer may preview the bulletin as (id, name), one query."""
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


def case_figure_template_townships() -> list[tuple[str, str]]:
    """(code, name) of every township by code, the rows of the CSV to fill in. One query."""
    return list(Township.objects.order_by("code").values_list("code", "name"))


# Dashboard ------------------------------------------------------------------------------------

def dashboard_figures(*, today: datetime.date) -> dict:
    """The county's headline counts: active points, guards and companies, and the active guards'
    certificates (expiring within the warning window, expired, the rate certified). Three queries."""
    active = Q(status=Guard.Status.ACTIVE)
    guards = Guard.objects.aggregate(
        active=Count("pk", filter=active),
        certified=Count("pk", filter=active & CertificateState.q(CertificateState.VALID, today)),
        expiring=Count("pk", filter=active & CertificateState.q(CertificateState.EXPIRING, today)),
        expired=Count("pk", filter=active & CertificateState.q(CertificateState.EXPIRED, today)),
    )
    return {
        "points_active": LiaisonPoint.objects.filter(active=True).count(),
        "guards_active": guards["active"],
        "companies": SecurityCompany.objects.filter(active=True).count(),
        "expiring": guards["expiring"],
        "expired": guards["expired"],
        "certificate_rate": round(100 * guards["certified"] / guards["active"]) if guards["active"] else None,
    }


def dashboard_expiring_certificates(*, today: datetime.date, limit: int = 10) -> list[Guard]:
    """The active guards whose certificates expire soonest (within the warning window), with their
    company. One query."""
    return list(
        Guard.objects.filter(CertificateState.q(CertificateState.EXPIRING, today), status=Guard.Status.ACTIVE)
        .select_related("company")
        .order_by("certificate_expires_on", "name")[:limit]
    )


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
    """The panel's few figures, from the same functions the bulletin composes (so they agree with
    it), but only those parts: not the whole compile. Seven queries: this week's coverage (2), this
    week's roll-call (2), disputes (2) and tips. Night patrols done in both weeks and the week
    before's attendance are the trends' (the same figures, tested), which the dashboard has just
    read (cached, or stored for the week before)."""
    monday = week_start(today)
    previous = monday - datetime.timedelta(days=7)
    mondays = [monday, previous]
    minimum = settings.PATROLS_PER_WEEK_MIN
    below = [{"point_id": row.point_id, "code": row.code, "name": row.name, "done": row.done}
             for row in patrol_week_coverage(monday=monday) if row.below(minimum)]
    roll_call = roll_call_weeks_figures(mondays=[monday])[monday]
    last_week, this_week = dashboard_trends(today=today)["weeks"][-2:]
    disputes, tips = dispute_weeks_figures(mondays=mondays), tip_weeks_figures(mondays=mondays)

    def compared(now, before) -> dict:
        return {"now": now, "before": before, "change": _change(now, before)}

    return {
        "week": iso_week_label(monday),
        "monday": monday,
        "today": today,
        "days": (today - monday).days + 1,
        "patrols_done": compared(this_week["patrols_done"], last_week["patrols_done"]),
        "points_below_minimum": below,
        "patrol_minimum": minimum,
        "attendance_rate": compared(roll_call["attendance_rate"], last_week["roll_call_rate"] or 0.0),
        "roll_call": roll_call,
        "disputes_new": compared(disputes[monday]["new"], disputes[previous]["new"]),
        "disputes_overdue": compared(disputes[monday]["overdue"], disputes[previous]["overdue"]),
        "tips_received": compared(tips[monday]["received"], tips[previous]["received"]),
        "tips_verified": compared(tips[monday]["verified"], tips[previous]["verified"]),
        "cases_solved": compared(tips[monday]["cases_solved"], tips[previous]["cases_solved"]),
        "last_week": iso_week_label(previous),
    }
