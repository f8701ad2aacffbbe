"""Measures the operations that grow with a year of activity (bench/activity.py): patrols,
roll-call, disputes, tips, points, the bulletin's compile and the dashboard."""
from report import Report, clients_for, count_queries, officer_account, run_cases, timed, url_or_none


def _activity_week():
    """The Monday of the week in the middle of the generated year, and its ISO label."""
    from django.db.models import Max, Min
    from django.utils import timezone

    from config.dates import iso_week_label, week_start
    from patrol.models import Patrol

    span = Patrol.objects.aggregate(first=Min("planned_start"), last=Max("planned_start"))
    if span["first"] is None:
        return None, None
    first, last = (timezone.localdate(span[k]) for k in ("first", "last"))
    monday = week_start(first + (last - first) / 2)
    return monday, iso_week_label(monday)


def bench_activity(report: Report, runs: int) -> None:
    """Patrols, roll-call, disputes, tips, points and the weekly bulletin on a year of activity."""
    import datetime

    from django.core.cache import cache

    from bulletins.figures import bulletin_figures
    from config.dates import local_day_start
    from patrol.models import Patrol

    officer = officer_account()
    monday, week = _activity_week()
    if officer is None or monday is None:
        report.skip("activity", "no officer account" if officer is None else "no patrols (--activity-weeks 0)")
        return
    start, end = local_day_start(monday), local_day_start(monday + datetime.timedelta(days=7))
    patrol = Patrol.objects.filter(status=Patrol.Status.DONE, planned_start__gte=start, planned_start__lt=end).order_by("pk").first()
    api, pages = clients_for(officer)
    in_week = Patrol.objects.filter(planned_start__gte=start, planned_start__lt=end).count()
    print(f"  (week {week}: {in_week:,} patrols)", flush=True)

    cases = []
    for what, name, params, kwargs in [
        (f"GET patrols API ?week={week}, page 1", "patrols-list", {"week": week}, {}),
        ("GET check-ins API, page 1, 7-day date range", "check-ins-list",
         {"date_after": monday.isoformat(), "date_before": (monday + datetime.timedelta(days=6)).isoformat()}, {}),
        (f"GET patrols geojson ?week={week}", "patrols-geojson", {"week": week}, {}),
        (f"GET patrols coverage ?week={week}", "patrols-coverage", {"week": week}, {}),
        ("GET patrol detail API (done patrol, team + checkpoints)", "patrols-detail", {}, {"args": [patrol.pk] if patrol else [0]}),
        ("GET disputes API, page 1", "disputes-list", {}, {}),
        ("GET disputes API ?overdue=true, page 1", "disputes-list", {"overdue": "true"}, {}),
        ("GET tips API, page 1", "tips-list", {}, {}),
        (f"GET points weekly API ?week={week}, page 1", "points-weekly", {"week": week}, {}),
    ]:
        url = url_or_none(name, **kwargs)
        if url is None:
            report.skip(what, f"no URL named {name}")
        else:
            cases.append((what, api, url, params))
    week_page = url_or_none("patrol:week")
    if week_page:
        cases.append((f"GET patrol week page (HTML) ?week={week}", pages, week_page, {"week": week}))
    run_cases(report, runs, cases)

    # The bulletin's compile: every figure of a mid-year week and the week before.
    seconds, queries = [], None
    for _ in range(max(3, runs // 2)):
        t, (queries, _figures) = timed(lambda: count_queries(lambda: bulletin_figures(monday=monday)))
        seconds.append(t)
    report.add(f"bulletin_figures(monday={monday}) (the compile)", seconds, queries)
    report.explain_if_slow("bulletin_figures", seconds, lambda: bulletin_figures(monday=monday))

    dashboard = url_or_none("liaison_points:dashboard")
    if dashboard:
        run_cases(report, max(3, runs // 2), [("GET dashboard (HTML), cache cleared (this week's figures computed)", pages, dashboard, {})],
                   before=cache.clear)
        run_cases(report, runs, [("GET dashboard (HTML), week panel cached", pages, dashboard, {})])
    else:
        report.skip("GET dashboard", "no URL named liaison_points:dashboard")
