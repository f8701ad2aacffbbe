"""Province-scale benchmark (`make bench`): 2,000 liaison points and 50,000 guards and a year of
activity in a throwaway database, then the medians of several runs of the operations that grow with
that data, with their query counts, the references measured in the same run and the issue's targets.
It prints figures and asserts nothing about time.

    .venv/bin/python bench/run.py [--database-url URL] [--runs 5] [--data auto|seed_demo|builtin]
        [--activity-weeks 52] [--skip-reattach] [--skip-rosters] [--skip-http] [--http-requests 300] [--keep]

The database: `--database-url` or DATABASE_URL (an empty database; kept afterwards); else a throwaway
PostgreSQL database `bench_<pid>` at 127.0.0.1:5432 when one answers there (dropped at the end unless
`--keep`); else a temporary SQLite file. It prints which, its version and the settings that matter
(shared_buffers, work_mem), the machine's cores and the date.

`--data auto` builds the points and guards with `manage.py seed_demo --scale province` when that
command exists, else with the plain bulk_create generator of bench/dataset.py (`builtin`). On top,
bench/activity.py writes `--activity-weeks` weeks of patrols, team places, check-ins, the points
ledger, disputes and tips (about 3.5 million rows for a year; executemany on SQLite, execute_values
on PostgreSQL), then ANALYZE. Measured: guards_reattach, the province's lists and GeoJSON (cold and
revalidated with its ETag), a year's patrol, roll-call, dispute, tip and points lists, the bulletin
compile against its six parts as hand-written SQL (bench/bulletin_sql.py, equality checked), the
dashboard with its week panel not cached, `compile_rosters` for a province quarter, and last (it adds
rows) the intake over HTTP of bench/measure_http.py: tips and check-ins against a bare DRF endpoint,
and the 19:00 burst. Any median over report.SLOW_SECONDS comes with its slowest SQL query and plan.

This file is the entry point; beside it, dataset.py and activity.py build the data, report.py times
and reports, and one measure_*.py module measures each kind of operation. They are imported as
top-level modules: Python puts this folder first on sys.path when it runs bench/run.py."""
import argparse
import contextlib
import datetime
import os
import platform
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

from dataset import build_builtin, build_with_seed_demo
from measure_activity import bench_activity
from measure_lists import bench_requests
from measure_reattach import bench_reattach
from measure_rosters import bench_rosters
from report import Report, timed

BASE_DIR = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def _pg_reachable() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
        return True
    return False


def _pg_admin(server: str, statement: str) -> None:
    """CREATE/DROP DATABASE through the server's `postgres` database (autocommit)."""
    import psycopg2

    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement)
    finally:
        admin.close()


def _database(url: str | None, workdir: Path) -> tuple[str, str | None]:
    """(DATABASE_URL, name of the PostgreSQL database to drop at the end or None)."""
    if url:
        if url.rsplit("/", 1)[-1] == "test":
            sys.exit("bench: never the `test` database")
        return url, None
    if _pg_reachable():
        name = f"bench_{os.getpid()}"
        _pg_admin(PG_SERVER, f"CREATE DATABASE {name}")
        return f"{PG_SERVER}/{name}", name
    return f"sqlite:///{workdir / 'bench.sqlite3'}", None


def _configure(database_url: str, var_dir: Path) -> None:
    """Production-like settings on the bench's database, before Django is imported."""
    sys.path.insert(0, str(BASE_DIR))
    for name in ("REDIS_URL", "EMAIL_URL", "SECRET_KEY_FILE"):
        os.environ.pop(name, None)  # Celery eager, email to files: nothing outside this process
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        VAR_DIR=str(var_dir),
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


def _describe_database() -> str:
    """Which database, its version and the settings that matter."""
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            shown = []
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "max_connections", "synchronous_commit"):
                cursor.execute(f"SHOW {name}")
                shown.append(f"{name}={cursor.fetchone()[0]}")
        return (f"PostgreSQL {version} at {db.get('HOST') or 'local socket'}:{db.get('PORT') or 5432}, database {db['NAME']} "
                f"({', '.join(shown)}; CONN_MAX_AGE={db.get('CONN_MAX_AGE')})")
    return f"SQLite {connection.Database.sqlite_version}, file {db['NAME']}"


def _analyze() -> float:
    """Planner statistics after the load; on PostgreSQL VACUUM too, so the visibility map is set and
    index-only scans need no heap fetches (what autovacuum would have done by the time it matters)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def _sizes() -> str:
    """PostgreSQL: the big tables with their indexes, and the whole database (what a year weighs)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND relname IN ('patrol_checkin', 'rewards_pointentry', 'patrol_patrolmember', 'patrol_patrol', 'patrol_historicalpatrol',
                              'guards_guard', 'guards_historicalguard')
            ORDER BY 2 DESC""")
        rows = cursor.fetchall()
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
    mib = 1024 * 1024
    return (f"database {total / mib:,.0f} MiB; the big tables (with indexes): "
            + ", ".join(f"{name} {size / mib:,.0f} MiB (indexes {indexes / mib:,.0f})" for name, size, indexes in rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or None,
                        help="an empty database to fill (default: DATABASE_URL, else a throwaway bench_<pid> on the local PostgreSQL, else SQLite)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per operation (median reported); default 5")
    parser.add_argument("--data", choices=["auto", "seed_demo", "builtin"], default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database and print where it is")
    parser.add_argument("--activity-weeks", type=int, default=52, metavar="N",
                        help="weeks of patrols, roll-call, disputes and tips to generate (bench/activity.py); 0 for none; default 52")
    parser.add_argument("--skip-reattach", action="store_true", help="leave out the guards_reattach measurements (minutes)")
    parser.add_argument("--skip-lists", action="store_true", help="leave out the guards and liaison-points lists")
    parser.add_argument("--skip-rosters", action="store_true", help="leave out compile_rosters")
    parser.add_argument("--skip-http", action="store_true", help="leave out the intake over HTTP and the 19:00 burst")
    parser.add_argument("--http-requests", type=int, default=300, metavar="N", help="requests per endpoint per round; default 300")
    parser.add_argument("--http-rounds", type=int, default=3, metavar="N", help="interleaved rounds; default 3")
    parser.add_argument("--http-connections", type=int, default=32, metavar="N")
    parser.add_argument("--burst-points", type=int, default=None, metavar="N",
                        help="points with a patrol in the 19:00 burst (3 check-ins each); default every active point")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="jpo-bench-"))
    database_url, created = _database(args.database_url, workdir)
    started = time.perf_counter()
    try:
        _configure(database_url, workdir / "var")
        from django.core.management import call_command, get_commands

        from guards.models import Guard
        from liaison_points.models import LiaisonPoint

        print(f"Joint Patrol Office benchmark, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC: "
              f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}",
              flush=True)
        print(f"  database: {_describe_database()}", flush=True)
        seconds, _ = timed(lambda: call_command("migrate", verbosity=0))
        print(f"  migrate: {seconds:.1f} s", flush=True)
        if Guard.objects.exists():
            print("bench: the database already has guards; give an empty one", file=sys.stderr)
            return 2

        use_seed = args.data == "seed_demo" or (args.data == "auto" and "seed_demo" in get_commands())
        builder = build_with_seed_demo if use_seed else build_builtin
        load = 0.0
        seconds, _ = timed(builder)
        load += seconds
        print(f"  data ({'seed_demo --scale province' if use_seed else 'builtin bulk_create'}): "
              f"{LiaisonPoint.objects.count():,} points, {Guard.objects.count():,} guards in {seconds:.1f} s", flush=True)

        if args.activity_weeks > 0:
            from activity import seed_activity  # imports the apps' models: only after _configure

            seconds, counts = timed(lambda: seed_activity(weeks=args.activity_weeks))
            load += seconds
            print(f"  activity ({args.activity_weeks} weeks and this one, bench/activity.py) in {seconds:.1f} s: "
                  + ", ".join(f"{n:,} {kind}" for kind, n in counts.items()), flush=True)
        seconds = _analyze()
        load += seconds
        print(f"  {'VACUUM ANALYZE' if 'postgres' in database_url else 'ANALYZE'}: {seconds:.1f} s; load time in all {load:.0f} s",
              flush=True)

        if sizes := _sizes():
            print(f"  size: {sizes}", flush=True)

        report = Report()
        print("Measurements:", flush=True)
        if not args.skip_reattach:
            bench_reattach(report, args.runs)
            # It rewrote all 50,000 guards several times: their dead rows slowed what reads guards
            # next (the bulletin ×2.0 instead of ×1.4 of its hand SQL). Autovacuum would have cleaned
            # them within minutes, long before a Monday's bulletin; here the next step follows at once.
            _analyze()
        if not args.skip_lists:
            bench_requests(report, max(args.runs, 10))
        if args.activity_weeks > 0:
            bench_activity(report, max(args.runs, 10))
        if not args.skip_rosters:
            bench_rosters(report, max(2, args.runs // 2))
        if not args.skip_http:
            from measure_http import bench_http

            bench_http(report, requests=args.http_requests, rounds=args.http_rounds, connections=args.http_connections,
                       burst_points=args.burst_points)
        print(f"\nWhole bench: {(time.perf_counter() - started) / 60:.1f} min")
        print("\nMarkdown:\n" + report.markdown())
        if args.keep:
            print(f"\nKept: {database_url}" + ("" if created else f" and {workdir}"))
        return 0
    finally:
        if created and not args.keep:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            _pg_admin(PG_SERVER, f"DROP DATABASE IF EXISTS {created} WITH (FORCE)")
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
