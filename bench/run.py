"""Province-scale benchmark (`make bench`): 2,000 liaison points and 50,000 guards in a throwaway
SQLite database, then the medians of several runs of the operations that grow with that data, with
their query counts. It prints figures and asserts nothing about time.

    .venv/bin/python bench/run.py [--runs 5] [--data auto|seed_demo|builtin] [--activity-weeks 52] [--keep]

`--data auto` builds the data set with `manage.py seed_demo --scale province` when that command
exists, else with the plain bulk_create generator below (`builtin`). On top, bench/activity.py writes
`--activity-weeks` weeks of patrols, check-ins, points, disputes and tips (about 3.5 million rows for
a year), and the patrol, roll-call, dispute, points and bulletin operations are measured on them.
Any median over SLOW_SECONDS comes with its slowest SQL query and that query's plan."""
import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
POINTS = 2_000
GUARDS = 50_000
# Hubei, roughly: where the builtin generator scatters points and posts.
LAT_RANGE = (29.05, 33.25)
LNG_RANGE = (108.40, 116.10)
# A median above this gets its slowest SQL query and that query's plan printed.
SLOW_SECONDS = 1.0


def _configure(db_path: Path) -> None:
    """Production-like settings on a private SQLite file, before Django is imported."""
    sys.path.insert(0, str(BASE_DIR))
    for name in ("REDIS_URL", "EMAIL_URL", "SECRET_KEY_FILE"):
        os.environ.pop(name, None)  # Celery eager, email to files: nothing outside this process
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{db_path}",
        VAR_DIR=str(db_path.parent / "var"),
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")  # whitenoise
    django.setup()
    from django.conf import settings

    # Pages reference static files; the bench measures views, not a collectstatic manifest.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _count_queries(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


# --- Data -------------------------------------------------------------------------------------------

def build_with_seed_demo() -> None:
    import io

    from django.core.management import call_command

    call_command("seed_demo", scale="province", seed=2024, verbosity=0, stdout=io.StringIO())


def build_builtin(seed: int = 2024) -> None:
    """Plain bulk_create: townships, stations, 2,000 points, 60 companies, 50,000 guards."""
    import datetime
    from decimal import Decimal

    from accounts.models import Role, User
    from guards.models import Guard, SecurityCompany
    from guards.validators import national_id_check_digit
    from liaison_points.models import LiaisonPoint, PoliceStation, Township

    rng = random.Random(seed)

    def coord(lo_hi) -> Decimal:
        return Decimal(f"{rng.uniform(*lo_hi):.6f}")

    townships = Township.objects.bulk_create(Township(code=f"BT{i:03d}", name=f"Bench township {i}") for i in range(200))
    stations = PoliceStation.objects.bulk_create(
        PoliceStation(name=f"Bench station {i}", township=townships[i]) for i in range(len(townships))
    )
    LiaisonPoint.objects.bulk_create(
        LiaisonPoint(code=f"BP{i:05d}", name=f"Bench point {i}", township=townships[i % 200], station=stations[i % 200],
                     latitude=coord(LAT_RANGE), longitude=coord(LNG_RANGE))
        for i in range(POINTS)
    )
    companies = SecurityCompany.objects.bulk_create(
        SecurityCompany(name=f"Bench company {i}", licence_number=f"BLIC{i:05d}") for i in range(60)
    )
    born0, today = datetime.date(1965, 1, 1), datetime.date.today()

    def national_id(n: int) -> str:
        first17 = f"420625{born0 + datetime.timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
        return first17 + national_id_check_digit(first17)

    Guard.objects.bulk_create(
        (Guard(company=companies[i % 60], name=f"Guard {i:05d}", phone=f"139{i:08d}", national_id=national_id(i),
               post=f"Post {i}", post_latitude=coord(LAT_RANGE), post_longitude=coord(LNG_RANGE),
               certificate_status=Guard.CertificateStatus.VALID if i % 5 else Guard.CertificateStatus.NONE,
               certificate_expires_on=today + datetime.timedelta(days=365) if i % 5 else None,
               status=Guard.Status.ACTIVE if i % 50 else Guard.Status.SUSPENDED)
         for i in range(GUARDS)),
        batch_size=2000,
    )
    if not User.objects.filter(username="officer").exists():
        User.objects.create_user(username="officer", password=None, role=Role.OFFICER, name="Bench officer")


# --- Measurements ---------------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.rows = []

    def add(self, what: str, seconds: list[float], queries: int | None, note: str = "") -> None:
        self.rows.append((what, statistics.median(seconds), min(seconds), max(seconds), len(seconds), queries, note))
        median_ms = statistics.median(seconds) * 1000
        q = "-" if queries is None else str(queries)
        print(f"  {what:<58} median {median_ms:9.1f} ms  (min {min(seconds) * 1000:.1f}, max {max(seconds) * 1000:.1f}, "
              f"n={len(seconds)})  queries {q}  {note}", flush=True)

    def explain_if_slow(self, what: str, seconds: list[float], fn, before=None) -> None:
        """Over SLOW_SECONDS: run once more, capturing the queries, and print the slowest one's time
        and query plan, so a slow figure comes with its cause."""
        if statistics.median(seconds) < SLOW_SECONDS:
            return
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if before:
            before()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default=None)
        if slowest is None:
            return
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            cursor.execute(explain + slowest["sql"])
            plan = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
        print(f"    slowest query of {what!r}: {float(slowest['time']) * 1000:.0f} ms of "
              f"{sum(float(q['time']) for q in ctx.captured_queries) * 1000:.0f} ms in SQL\n"
              f"      {slowest['sql'][:600]}{' …' if len(slowest['sql']) > 600 else ''}\n"
              + "\n".join(f"      plan: {line}" for line in plan), flush=True)

    def skip(self, what: str, why: str) -> None:
        self.rows.append((what, None, None, None, 0, None, why))
        print(f"  {what:<58} skipped: {why}", flush=True)

    def markdown(self) -> str:
        lines = ["| operation | median | min | max | runs | queries |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for what, med, lo, hi, n, q, note in self.rows:
            if med is None:
                lines.append(f"| {what} | skipped: {note} | | | | |")
            else:
                lines.append(f"| {what} | {med * 1000:.0f} ms | {lo * 1000:.0f} ms | {hi * 1000:.0f} ms | {n} | {q} |")
        return "\n".join(lines)


def bench_reattach(report: Report, runs: int) -> None:
    from django.db.models import Count

    from guards.models import Guard
    from guards.services import guards_reattach
    from liaison_points.models import LiaisonPoint

    # Full: every guard unattached, so all 50,000 are computed, loaded and written (with history).
    full, queries = [], None
    for _ in range(max(2, runs // 2)):
        Guard.objects.update(liaison_point=None, point_pinned=False)
        seconds, (q, changed) = _timed(lambda: _count_queries(guards_reattach))
        full.append(seconds)
        queries = q
    report.add(f"guards_reattach, all {GUARDS:,} guards move", full, queries, f"({changed:,} changed)")

    # Steady state: nothing moved since the last run; every guard is still checked.
    steady = []
    for _ in range(runs):
        seconds, (q, changed) = _timed(lambda: _count_queries(guards_reattach))
        assert changed == 0
        steady.append(seconds)
    report.add(f"guards_reattach, nothing to change ({GUARDS:,} checked)", steady, q)

    # One point closes: its guards move to their next-nearest point (what a real closure costs).
    busiest = (LiaisonPoint.objects.filter(active=True)
               .annotate(n=Count("guards"))
               .order_by("-n").values_list("pk", flat=True)[:runs])
    closing = []
    for pk in busiest:
        LiaisonPoint.objects.filter(pk=pk).update(active=False)
        seconds, (q, changed) = _timed(lambda: _count_queries(guards_reattach))
        closing.append(seconds)
        LiaisonPoint.objects.filter(pk=pk).update(active=True)
        guards_reattach()
    report.add("guards_reattach, one busy point closes", closing, q, f"(last run moved {changed} guards)")


def _officer():
    from accounts.models import User

    return User.objects.filter(role="officer", is_active=True).order_by("pk").first()


def _url(name: str, **kwargs) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, **kwargs)
    except NoReverseMatch:
        return None


def bench_requests(report: Report, runs: int) -> None:
    from django.db.models import Count, Q
    from django.test import Client
    from rest_framework.test import APIClient

    from guards.models import Guard, SecurityCompany
    from liaison_points.models import Township

    officer = _officer()
    if officer is None:
        report.skip("API and pages", "no officer account in the data set")
        return
    api = APIClient()
    api.force_authenticate(user=officer)
    pages = Client()
    pages.force_login(officer)

    wanted = {"status": Guard.Status.ACTIVE, "certificate_status": Guard.CertificateStatus.VALID}
    company = (SecurityCompany.objects.annotate(n=Count("guards", filter=Q(**{f"guards__{k}": v for k, v in wanted.items()})))
               .order_by("-n").first())
    township = Township.objects.filter(liaison_points__guards__isnull=False).order_by("pk").first()
    try:
        guards_url, points_url = _url("guards-list"), _url("liaison-points-list")
        geojson_url, page_url = _url("liaison-points-geojson"), _url("guards:guard-list")
    except Exception as exc:  # noqa: BLE001 -- a broken URLconf is reported, not hidden
        report.skip("API and pages", f"the URLs do not load: {type(exc).__name__}: {exc}")
        return

    cases = []
    if guards_url:
        cases += [
            ("GET guards API, page 1, no filter", api, guards_url, {}),
            ("GET guards API, page 1, status+certificate+company filters", api, guards_url,
             {**wanted, "company": company.pk}),
            ("GET guards API, page 1, township filter + search", api, guards_url,
             {"township": township.pk if township else 0, "search": "1"}),
        ]
    else:
        report.skip("GET guards API", "/api/v1/guards/ does not exist yet")
    if points_url:
        cases.append(("GET liaison-points API, page 1 (with guard counts)", api, points_url, {}))
    if geojson_url:
        cases.append((f"GET liaison-points geojson, all {POINTS:,} points", api, geojson_url, {}))
    else:
        report.skip("GET liaison-points geojson", "the endpoint does not exist yet")
    if page_url:
        cases.append(("GET guards page (HTML), page 1", pages, page_url, {}))

    _run_cases(report, runs, cases)


def _run_cases(report: Report, runs: int, cases: list, before=None) -> None:
    """GET each (what, client, url, params) once to warm up, then `runs` timed times; `before` runs
    untimed ahead of every request (e.g. clearing a cache)."""
    for what, client, url, params in cases:
        try:
            if before:
                before()
            response = client.get(url, params)  # warm-up (caches, first-query compilation)
        except Exception as exc:  # noqa: BLE001 -- the view raised: report it and go on with the others
            report.skip(what, f"{type(exc).__name__}: {exc}")
            continue
        if response.status_code != 200:
            report.skip(what, f"HTTP {response.status_code}")
            continue
        def request(client=client, url=url, params=params):
            return client.get(url, params)

        seconds, q = [], None
        for _ in range(runs):
            if before:
                before()
            t, (q, response) = _timed(lambda: _count_queries(request))
            seconds.append(t)
        size = len(response.content)
        report.add(what, seconds, q, f"({size / 1024:.0f} KiB)")
        report.explain_if_slow(what, seconds, request, before)


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
    from django.test import Client
    from rest_framework.test import APIClient

    from bulletins.figures import bulletin_figures
    from config.dates import local_day_start
    from patrol.models import Patrol

    officer = _officer()
    monday, week = _activity_week()
    if officer is None or monday is None:
        report.skip("activity", "no officer account" if officer is None else "no patrols (--activity-weeks 0)")
        return
    start, end = local_day_start(monday), local_day_start(monday + datetime.timedelta(days=7))
    patrol = Patrol.objects.filter(status=Patrol.Status.DONE, planned_start__gte=start, planned_start__lt=end).order_by("pk").first()
    api = APIClient()
    api.force_authenticate(user=officer)
    pages = Client()
    pages.force_login(officer)
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
        url = _url(name, **kwargs)
        if url is None:
            report.skip(what, f"no URL named {name}")
        else:
            cases.append((what, api, url, params))
    week_page = _url("patrol:week")
    if week_page:
        cases.append((f"GET patrol week page (HTML) ?week={week}", pages, week_page, {"week": week}))
    _run_cases(report, runs, cases)

    # The bulletin's compile: every figure of a mid-year week and the week before.
    seconds, queries = [], None
    for _ in range(max(3, runs // 2)):
        t, (queries, _figures) = _timed(lambda: _count_queries(lambda: bulletin_figures(monday=monday)))
        seconds.append(t)
    report.add(f"bulletin_figures(monday={monday}) (the compile)", seconds, queries)
    report.explain_if_slow("bulletin_figures", seconds, lambda: bulletin_figures(monday=monday))

    dashboard = _url("liaison_points:dashboard")
    if dashboard:
        _run_cases(report, max(3, runs // 2), [("GET dashboard (HTML), cache cleared (this week's figures computed)", pages, dashboard, {})],
                   before=cache.clear)
        _run_cases(report, runs, [("GET dashboard (HTML), week panel cached", pages, dashboard, {})])
    else:
        report.skip("GET dashboard", "no URL named liaison_points:dashboard")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per operation (median reported); default 5")
    parser.add_argument("--data", choices=["auto", "seed_demo", "builtin"], default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and print its path")
    parser.add_argument("--activity-weeks", type=int, default=52, metavar="N",
                        help="weeks of patrols, roll-call, disputes and tips to generate (bench/activity.py); 0 for none; default 52")
    parser.add_argument("--skip-reattach", action="store_true", help="leave out the guards_reattach measurements (minutes)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="jpo-bench-"))
    try:
        _configure(workdir / "bench.sqlite3")
        from django.core.management import call_command, get_commands
        from django.db import connection

        from guards.models import Guard
        from liaison_points.models import LiaisonPoint

        print(f"Joint Patrol Office benchmark: Python {platform.python_version()}, SQLite {connection.Database.sqlite_version}, "
              f"{os.cpu_count()} cores; database {workdir / 'bench.sqlite3'}", flush=True)
        seconds, _ = _timed(lambda: call_command("migrate", verbosity=0))
        print(f"  migrate: {seconds:.1f} s", flush=True)

        use_seed = args.data == "seed_demo" or (args.data == "auto" and "seed_demo" in get_commands())
        builder = build_with_seed_demo if use_seed else build_builtin
        seconds, _ = _timed(builder)
        print(f"  data ({'seed_demo --scale province' if use_seed else 'builtin bulk_create'}): "
              f"{LiaisonPoint.objects.count():,} points, {Guard.objects.count():,} guards in {seconds:.1f} s", flush=True)

        if args.activity_weeks > 0:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from activity import seed_activity

            seconds, counts = _timed(lambda: seed_activity(weeks=args.activity_weeks))
            print(f"  activity ({args.activity_weeks} weeks and this one, bench/activity.py) in {seconds:.1f} s: "
                  + ", ".join(f"{n:,} {kind}" for kind, n in counts.items()), flush=True)

        report = Report()
        print("Measurements:", flush=True)
        if not args.skip_reattach:
            bench_reattach(report, args.runs)
        bench_requests(report, max(args.runs, 10))
        if args.activity_weeks > 0:
            bench_activity(report, max(args.runs, 10))
        print("\nMarkdown:\n" + report.markdown())
        if args.keep:
            print(f"\nKept: {workdir}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
