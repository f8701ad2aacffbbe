"""The officer's (and manager's) week of patrols, with the coverage of the liaison points."""
import datetime
from collections import OrderedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from config.dates import iso_week_label, parse_iso_week, week_start
from accounts.audit import audit_export
from config.exports import CHUNK, export_file, export_format, export_refused
from patrol.exports import patrol_columns
from patrol.forms import WeekFilterForm, week_days
from patrol.models import Patrol
from patrol.selectors import patrol_list_for_week, patrol_week_coverage
from patrol.services.rules import night_hours_label

WEEK_PAGE_LIMIT = 400  # patrols drawn on the week grid
COVERAGE_LIST_LIMIT = 60  # above this many points, coverage lists only those below the minimum


def _coverage(monday: datetime.date) -> dict:
    minimum = settings.PATROLS_PER_WEEK_MIN
    rows = [{"row": r, "below": r.below(minimum)} for r in patrol_week_coverage(monday=monday)]
    below = [item for item in rows if item["below"]]
    # With many points, list only those below the minimum; the rest are summed up.
    listed = below if len(rows) > COVERAGE_LIST_LIMIT else rows
    return {
        "minimum": minimum, "rows": listed, "below": len(below), "met_hidden": len(rows) - len(listed),
        "night_hours": night_hours_label(),
    }


@login_required
def patrol_week(request):
    scope = scope_for(request.user)
    if scope.is_guard:
        return redirect("patrol:my")
    if not (scope.is_officer or scope.is_manager):
        raise PermissionDenied
    today = timezone.localdate()
    monday = week_start(today)
    fmt = export_format(request)
    if request.GET.get("week"):
        try:
            monday = parse_iso_week(request.GET["week"])
        except ValueError:
            if fmt:
                return HttpResponseBadRequest(_("“%(week)s” is not a week such as 2026-W47; nothing was exported.") % {"week": request.GET["week"]},
                                              content_type="text/plain; charset=utf-8")
            messages.error(request, _("“%(week)s” is not a week such as 2026-W47; showing this week.") % {"week": request.GET["week"]})
    filters = WeekFilterForm(request.GET or None)
    patrols = filters.apply(patrol_list_for_week(user=request.user, monday=monday))
    if fmt:  # the week's patrols as filtered, all of them (the grid stops at WEEK_PAGE_LIMIT)
        if filters.is_bound and not filters.is_valid():
            return export_refused(filters)
        audit_export(request=request, model=Patrol, what=f"patrols-{iso_week_label(monday)}", fmt=fmt)
        return export_file(rows=patrols.iterator(chunk_size=CHUNK), columns=patrol_columns(), fmt=fmt, name=f"patrols-{iso_week_label(monday)}")
    # A province week holds thousands of patrols: show at most WEEK_PAGE_LIMIT and ask for a
    # township or point (one row more is fetched to know, so no extra COUNT query).
    shown = list(patrols[: WEEK_PAGE_LIMIT + 1])
    truncated = len(shown) > WEEK_PAGE_LIMIT
    by_day = OrderedDict((day, []) for day in week_days(monday))
    for patrol in shown[:WEEK_PAGE_LIMIT]:
        by_day.setdefault(timezone.localtime(patrol.planned_start).date(), []).append(patrol)
    days = [{"date": day, "patrols": rows, "today": day == today} for day, rows in by_day.items()]
    context = {
        "filters": filters,
        "days": days,
        "count": sum(len(d["patrols"]) for d in days),
        "truncated": truncated,
        "week": iso_week_label(monday),
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "prev_week": iso_week_label(monday - datetime.timedelta(days=7)),
        "next_week": iso_week_label(monday + datetime.timedelta(days=7)),
        "this_week": iso_week_label(week_start(today)),
        "coverage": _coverage(monday) if scope.is_officer else None,
        "can_plan": scope.is_officer,
    }
    return render(request, "patrol/week.html", context)
