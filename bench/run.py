"""Province-scale benchmark (`make bench`): 2,000 liaison points and 50,000 guards in a throwaway
SQLite database, then the medians of several runs of the operations that grow with that data, with
their query counts. It prints figures and asserts nothing about time.

    .venv/bin/python bench/run.py [--runs 5] [--data auto|seed_demo|builtin] [--activity-weeks 52] [--keep]

`--data auto` builds the data set with `manage.py seed_demo --scale province` when that command
exists, else with the plain bulk_create generator of bench/dataset.py (`builtin`). On top, bench/activity.py writes
`--activity-weeks` weeks of patrols, check-ins, points, disputes and tips (about 3.5 million rows for
a year), and the patrol, roll-call, dispute, points and bulletin operations are measured on them.
Any median over report.SLOW_SECONDS comes with its slowest SQL query and that query's plan.

This file is the entry point; beside it, dataset.py builds the data, report.py times and reports,
and one measure_*.py module measures each kind of operation (guards_reattach, the province's lists,
a year of activity). They are imported as top-level modules: Python puts this folder first on
sys.path when it runs bench/run.py."""
import argparse
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

from dataset import build_builtin, build_with_seed_demo
from measure_activity import bench_activity
from measure_lists import bench_requests
from measure_reattach import bench_reattach
from report import Report, timed

BASE_DIR = Path(__file__).resolve().parent.parent


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
        seconds, _ = timed(lambda: call_command("migrate", verbosity=0))
        print(f"  migrate: {seconds:.1f} s", flush=True)

        use_seed = args.data == "seed_demo" or (args.data == "auto" and "seed_demo" in get_commands())
        builder = build_with_seed_demo if use_seed else build_builtin
        seconds, _ = timed(builder)
        print(f"  data ({'seed_demo --scale province' if use_seed else 'builtin bulk_create'}): "
              f"{LiaisonPoint.objects.count():,} points, {Guard.objects.count():,} guards in {seconds:.1f} s", flush=True)

        if args.activity_weeks > 0:
            from activity import seed_activity  # imports the apps' models: only after _configure

            seconds, counts = timed(lambda: seed_activity(weeks=args.activity_weeks))
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
