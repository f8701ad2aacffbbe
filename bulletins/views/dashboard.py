"""The county dashboard: headline counts, the certificates expiring soonest, the map of points and
the bulletin's figures for the week so far.

It lives in bulletins because only bulletins may read every app; config/page_urls.py still names it
`liaison_points:dashboard`, next to the point pages."""
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from bulletins import selectors


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


@role_required("officer")
def dashboard(request):
    today = timezone.localdate()
    context = {
        "figures": selectors.dashboard_figures(today=today),
        "expiring": selectors.dashboard_expiring_certificates(today=today),
        "map_labels": _map_labels(),
        "week_panel": selectors.dashboard_week_panel(today=today),
    }
    return render(request, "bulletins/dashboard.html", context)
