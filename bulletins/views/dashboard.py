"""The county dashboard: headline counts, the action queue, the trends of the last 12 weeks, the
certificates expiring soonest, the map of points and the bulletin's figures for the week so far.

It lives in bulletins because only bulletins may read every app; config/page_urls.py still names it
`liaison_points:dashboard`, next to the point pages."""
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from bulletins import selectors
from bulletins.charts import line_chart


def _map_labels() -> dict:
    return {
        "officer": _("Officer"),
        "guards": _("Guards"),
        "open": _("Open page"),
        "closed": _("Closed"),
        "loading": _("Loading…"),
        "count": _("%(n)s points on the map"),
        "failed": _("The map data could not be loaded."),
    }


def _trend_charts(trends: dict) -> list[dict]:
    """One SVG chart per series of `selectors.dashboard_trends`, with its latest value."""
    weeks = trends["weeks"]
    specs = [
        ("patrols_done", _("Night patrols done"), "", None, "#1d4ed8"),
        ("points_covered", _("Points reaching the weekly minimum (%(n)s)") % {"n": trends["minimum"]}, "", None, "#0e9384"),
        ("disputes_resolved", _("Disputes resolved"), "", None, "#b54708"),
        ("tips_verified", _("Tips confirmed"), "", None, "#6938ef"),
        ("roll_call_rate", _("Roll-call rate"), "%", 100, "#b42318"),
    ]
    charts = []
    for key, title, unit, y_max, colour in specs:
        points = [(w["week"], w[key]) for w in weeks]
        latest = weeks[-1][key] if weeks else None
        charts.append({
            "key": key, "title": title, "unit": unit, "latest": latest,
            "svg": line_chart(title=title, points=points, unit=unit, y_max=y_max, colour=colour, chart_id=f"trend-{key}"),
        })
    return charts


@role_required("officer")
def dashboard(request):
    today = timezone.localdate()
    trends = selectors.dashboard_trends(today=today)
    context = {
        "figures": selectors.dashboard_figures(today=today),
        "queue": selectors.dashboard_action_queue(user=request.user),
        "trends": trends,
        "charts": _trend_charts(trends),
        "expiring": selectors.dashboard_expiring_certificates(today=today),
        "map_labels": _map_labels(),
        "week_panel": selectors.dashboard_week_panel(today=today),
    }
    return render(request, "bulletins/dashboard.html", context)
