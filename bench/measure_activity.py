"""Measures the operations that grow with a year of activity (bench/activity.py): patrols,
roll-call, disputes, tips, points, the bulletin's compile and the dashboard."""
import statistics

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
    for case in [
        (f"GET patrols API ?week={week}, page 1", "patrols-list", {"week": week}, {}),
        ("GET check-ins API, page 1, 7-day date range", "check-ins-list",
         {"date_after": monday.isoformat(), "date_before": (monday + datetime.timedelta(days=6)).isoformat()}, {}),
        (f"GET patrols geojson ?week={week}", "patrols-geojson", {"week": week}, {}),
        (f"GET patrols coverage ?week={week}", "patrols-coverage", {"week": week}, {}, "≤ 60 ms"),
        ("GET patrol detail API (done patrol, team + checkpoints)", "patrols-detail", {}, {"args": [patrol.pk] if patrol else [0]}),
        ("GET disputes API, page 1", "disputes-list", {}, {}),
        ("GET disputes API ?overdue=true, page 1", "disputes-list", {"overdue": "true"}, {}),
        ("GET tips API, page 1", "tips-list", {}, {}),
        (f"GET points weekly API ?week={week}, page 1", "points-weekly", {"week": week}, {}),
    ]:
        what, name, params, kwargs, *target = case
        url = url_or_none(name, **kwargs)
        if url is None:
            report.skip(what, f"no URL named {name}")
        else:
            cases.append((what, api, url, params, *target))
    week_page = url_or_none("patrol:week")
    if week_page:
        cases.append((f"GET patrol week page (HTML) ?week={week}", pages, week_page, {"week": week}))
    run_cases(report, runs, cases)

    bench_bulletin(report, max(3, runs // 2), monday)

    dashboard = url_or_none("liaison_points:dashboard")
    if dashboard:
        run_cases(report, max(3, runs // 2),
                  [("GET dashboard (HTML), cache cleared (this week's figures computed)", pages, dashboard, {}, "≤ 200 ms")],
                  before=cache.clear)
        run_cases(report, runs, [("GET dashboard (HTML), week panel cached", pages, dashboard, {})])
    else:
        report.skip("GET dashboard", "no URL named liaison_points:dashboard")


def bench_bulletin(report: Report, runs: int, monday) -> None:
    """The bulletin's compile (every figure of the week and the week before) against its reference
    measured in the same run, runs interleaved: the six parts as hand-written SQL (bench/bulletin_sql.py),
    checked to give the same figures."""
    from bulletin_sql import bulletin_sql_figures, compare

    from bulletins.figures import bulletin_figures

    compiled, by_hand, queries, sql_queries = [], [], None, None
    figures = ours = None
    for _ in range(runs):
        t, (queries, figures) = timed(lambda: count_queries(lambda: bulletin_figures(monday=monday)))
        compiled.append(t)
        t, (sql_queries, ours) = timed(lambda: count_queries(lambda: bulletin_sql_figures(monday)))
        by_hand.append(t)
    differences = compare(figures, ours)
    check = "OK" if not differences else f"MISMATCH ({len(differences)}: " + "; ".join(differences[:5]) + ")"
    reference = statistics.median(by_hand)
    ratio = statistics.median(compiled) / reference
    report.add(f"hand-written SQL, the bulletin's six parts (bench/bulletin_sql.py), {monday}", by_hand, sql_queries,
               f"(equality with bulletin_figures: {check})")
    report.add(f"bulletin_figures(monday={monday}) (the compile)", compiled, queries,
               reference=f"{reference * 1000:.0f} ms (hand SQL, {sql_queries} statements)", ratio=f"×{ratio:.2f}",
               target="≤ 1.5× hand SQL, ≤ 20 queries")
    print(f"  bulletin / hand-written SQL: ×{ratio:.2f}; equality check: {check}", flush=True)
    report.explain_if_slow("bulletin_figures", compiled, lambda: bulletin_figures(monday=monday))
