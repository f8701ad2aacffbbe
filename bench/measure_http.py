"""Intake over HTTP: tips and guard check-ins against a bare DRF create endpoint, and the 19:00 burst.

    .venv/bin/python bench/measure_http.py [--database-url postgres://postgres@127.0.0.1:5432/bench_http]
        [--requests 1000] [--rounds 3] [--connections 32] [--workers 2]

Standalone it (re)creates its own throwaway database (PostgreSQL `bench_http` when one answers at
127.0.0.1:5432, else a temporary SQLite file), migrates it and loads the province's 2,000 points and
50,000 guards with bench/dataset.py; bench/run.py calls `bench_http` on its own database. It then gives guards sign-in accounts and tokens, plans patrols whose check-in window is open, and
starts gunicorn (`--workers` sync workers, DEBUG off, the office's settings plus /bench/bare/ of
bench/bare.py; Redis for Celery and the cache when one answers, with a Celery worker running the
follow-up tasks). A load generator of `--connections` client threads (Python http.client, one
connection each: gunicorn's sync workers close the connection after each response) sends, in
`--rounds` interleaved rounds of `--requests` each:

- POST /bench/bare/          the reference: token auth, a serializer, one INSERT
- POST /api/v1/tips/         guards' tips, each guard with its own token and an Idempotency-Key,
                             positions spread over the province so each is routed to a point
- POST /api/v1/patrols/<id>/check-in/   team members checking in near their point

and prints requests/s, p50/p95, errors and the ratio to bare (medians of the rounds), stored =
accepted, and how soon the tips' inbox notices are all sent. Last, the 19:00 burst: a patrol at every
point starting in minutes, all members' check-ins at once. (A Python client, not wrk: per-request
bodies and tokens.)"""
import argparse
import contextlib
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from load import fire, free_port

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/bench_http"
# bench only: Celery's broker here, the cache in the next database; both flushed first. Two benches
# running at once on one machine need their own (BENCH_REDIS_DB), or one's worker eats the other's tasks.
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "12"))


# --- the data the requests need ----------------------------------------------------------------------

def _guard_tokens(count: int) -> list[tuple[int, str]]:
    """(guard id, token key) for `count` active guards: sign-in accounts and tokens made as needed."""
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from guards.models import Guard

    guards = list(Guard.objects.filter(status=Guard.Status.ACTIVE).order_by("id")[:count])
    unusable = make_password(None)
    missing = [g for g in guards if g.user_id is None]
    users = User.objects.bulk_create(
        [User(username=f"bench-guard-{g.pk}", password=unusable, role=Role.GUARD, name=g.name) for g in missing], batch_size=2000
    )
    for guard, user in zip(missing, users, strict=True):
        guard.user_id = user.pk
    Guard.objects.bulk_update(missing, ["user_id"], batch_size=2000)
    user_ids = [g.user_id for g in guards]
    have = set(Token.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    Token.objects.bulk_create([Token(key=Token.generate_key(), user_id=u) for u in user_ids if u not in have], batch_size=2000)
    keys = dict(Token.objects.filter(user_id__in=user_ids).values_list("user_id", "key"))
    return [(g.pk, keys[g.user_id]) for g in guards]


def _patrols_open_now(points: list[tuple], guards: list[tuple[int, str]], *, team: int, start_in_minutes: int) -> list[tuple]:
    """One planned patrol per point in `points`, starting in `start_in_minutes` (its check-in window
    is open), each with `team` members from `guards`; returns (patrol id, token, lat, lng) per member."""
    import datetime

    from django.utils import timezone

    from accounts.models import Role, User
    from liaison_points.models import Officer
    from patrol.models import Patrol, PatrolMember

    user, _ = User.objects.get_or_create(username="bench-officer", defaults={"role": Role.OFFICER, "name": "Bench officer"})
    officer, _ = Officer.objects.get_or_create(user=user)
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=start_in_minutes)
    patrols = Patrol.objects.bulk_create(
        [Patrol(liaison_point_id=p[0], leader=officer, planned_start=start, planned_end=start + datetime.timedelta(hours=3))
         for p in points], batch_size=2000,
    )
    pool = itertools.cycle(guards)
    members, checkins = [], []
    for patrol, (_pid, lat, lng) in zip(patrols, points, strict=True):
        for i in range(team):
            guard_id, token = next(pool)
            members.append(PatrolMember(patrol=patrol, guard_id=guard_id, role="lead" if i == 0 else "member"))
            checkins.append((patrol.pk, token, float(lat), float(lng)))
    PatrolMember.objects.bulk_create(members, batch_size=5000)
    return checkins


def _tip_body(rng: random.Random) -> dict:
    from dataset import LAT_RANGE, LNG_RANGE

    return {"kind": rng.choice(["case_lead", "hazard", "missing", "sentiment"]), "text": "Bench tip: a crowd gathering at the gate.",
            "place": "Bench street", "latitude": f"{rng.uniform(*LAT_RANGE):.6f}", "longitude": f"{rng.uniform(*LNG_RANGE):.6f}"}


# --- the server --------------------------------------------------------------------------------------

def _redis_up() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
        return True
    return False


@contextlib.contextmanager
def _serving(*, workers: int, port: int, var_dir: str, celery_worker: bool = True, threads: int = 0):
    """gunicorn (and a Celery worker when Redis answers) on the configured database: sync workers,
    or gthread workers of `threads` threads each."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "EMAIL_URL", "SECRET_KEY_FILE")}
    env.update(
        DJANGO_SETTINGS_MODULE="http_settings", PYTHONPATH=f"{BENCH_DIR}{os.pathsep}{BASE_DIR}", VAR_DIR=var_dir,
        DATABASE_URL=os.environ["DATABASE_URL"], DEBUG="false", SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false", LOG_LEVEL="WARNING",
        API_THROTTLE_USER="100000/hour",  # a guard's own rate is not what is measured
    )
    processes = []
    if _redis_up():
        import redis

        for db in (REDIS_DB, REDIS_DB + 1):
            redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
    if "REDIS_URL" in env and celery_worker:
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-l", "WARNING", "--without-heartbeat",
             "--without-gossip", "--without-mingle"], cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL,
        ))
    processes.append(subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--backlog", "2048",
         *(["--worker-class", "gthread", "--threads", str(threads)] if threads else []),
         "--timeout", "120", "--log-level", "warning", "config.wsgi:application"], cwd=BASE_DIR, env=env,
    ))
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline or processes[-1].poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield ("on Redis with a worker" if celery_worker else "on Redis, tasks queued for a worker that is not started") \
            if "REDIS_URL" in env else "eager (no Redis): follow-up tasks run in the request"
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)


# --- the measurement ---------------------------------------------------------------------------------

def bench_http(report=None, *, requests: int = 1000, rounds: int = 3, connections: int = 32, workers: int = 2,
               burst: bool = True, celery_worker: bool = True, burst_points: int | None = None, threads: int = 0) -> dict:
    """Prepare, serve, measure; print and return the figures (and add them to `report`)."""
    from django.db import connection

    from bare import bare_table_count, bare_table_create
    from disputes.models import Tip
    from liaison_points.models import LiaisonPoint
    from liaison_points.routing import routing_invalidate
    from patrol.models import CheckIn

    rng = random.Random(2024)
    routing_invalidate()
    bare_table_create()
    points = list(LiaisonPoint.objects.filter(active=True).order_by("id").values_list("id", "latitude", "longitude"))
    warm = 2 * connections
    needed_throughput = rounds * requests + warm
    tokens = _guard_tokens(max(3 * len(points) + needed_throughput, 4000))
    base_patrols = -(-needed_throughput // 4)
    checkin_jobs = _patrols_open_now([points[i % len(points)] for i in range(base_patrols)], tokens, team=4, start_in_minutes=10)
    checkins = [(f"/api/v1/patrols/{pid}/check-in/", token,
                 {"latitude": f"{lat + rng.uniform(-0.001, 0.001):.6f}", "longitude": f"{lng + rng.uniform(-0.001, 0.001):.6f}",
                  "accuracy": 15}, True) for pid, token, lat, lng in checkin_jobs]
    connection.close()  # gunicorn's workers and this process's counts each open their own

    def tips(n):
        return [("/api/v1/tips/", rng.choice(tokens)[1], _tip_body(rng), True) for _ in range(n)]

    def bare(n):
        return [("/bench/bare/", rng.choice(tokens)[1], _tip_body(rng), False) for _ in range(n)]

    counters = {"bare": bare_table_count, "tips": lambda: Tip.objects.count(), "check-ins": lambda: CheckIn.objects.count()}
    results = {name: [] for name in counters}
    port = free_port()
    kind = f"gthread workers of {threads} threads" if threads else "sync workers"
    print(f"  HTTP: gunicorn {workers} {kind} on 127.0.0.1:{port}, {connections} connections, {connection.vendor}, "
          f"{len(tokens):,} guards with tokens; {rounds} rounds of {requests} requests per endpoint", flush=True)
    with tempfile.TemporaryDirectory(prefix="jpo-http-") as var_dir, _serving(workers=workers, port=port, var_dir=var_dir, celery_worker=celery_worker, threads=threads) as redis:
        print(f"  HTTP: Celery {redis}", flush=True)
        fire(port, bare(warm) + tips(warm) + checkins[:warm], connections)  # each worker loads its code and routing once
        checkins = checkins[warm:]
        for r in range(rounds):
            for name, jobs in (("bare", bare(requests)), ("tips", tips(requests)),
                               ("check-ins", checkins[r * requests:(r + 1) * requests])):
                before = counters[name]()
                result = fire(port, jobs, connections)
                result["stored"] = counters[name]() - before
                results[name].append(result)
                for failure in result["failures"]:
                    print(f"    {name}: {failure}", flush=True)
        figures = _summarise(results, report)
        figures["notices"] = _notices_drained(report) if redis.startswith("on Redis with") else None
        if burst:
            figures["burst"] = _burst(port, points[:burst_points], tokens, connections, rng, report)
    return figures


def _summarise(results: dict, report) -> dict:
    figures = {}
    bare_rate = statistics.median(r["rate"] for r in results["bare"])
    for name, runs in results.items():
        rate = statistics.median(r["rate"] for r in runs)
        p50 = statistics.median(r["p50"] for r in runs) * 1000
        p95 = statistics.median(r["p95"] for r in runs) * 1000
        errors, ok, stored = (sum(r[k] for r in runs) for k in ("errors", "ok", "stored"))
        ratio = rate / bare_rate
        figures[name] = {"rate": rate, "p50_ms": p50, "p95_ms": p95, "errors": errors, "accepted": ok, "stored": stored, "ratio": ratio}
        each = ", ".join(f"{r['rate']:.0f}" for r in runs)
        line = (f"{rate:7.0f} req/s (rounds {each})  p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  "
                f"errors {errors}  accepted {ok:,} stored {stored:,}{'' if ok == stored else ' MISMATCH'}  ×{ratio:.2f} of bare")
        print(f"  HTTP POST {name:<10} {line}", flush=True)
        if report is not None:
            check = "stored = accepted" if ok == stored else f"STORED {stored:,} ≠ ACCEPTED {ok:,}"
            if name == "bare":
                report.add(f"HTTP POST /bench/bare/ (reference): **{rate:.0f}/s**, latency", [x for r in runs for x in r["latencies"]],
                           None, f"(errors {errors}, {check})")
            else:
                report.add(f"HTTP POST {name}: **{rate:.0f}/s**, latency", [x for r in runs for x in r["latencies"]], None,
                           f"(errors {errors}, {check})", reference=f"{bare_rate:.0f}/s bare", ratio=f"×{ratio:.2f}",
                           target="≥ 0.6× bare, 0 errors, stored = accepted")
    return figures


def _notices_drained(report, timeout: float = 60.0) -> dict:
    """The tips' follow-up: seconds until the worker's batches leave no inbox notice pending."""
    from disputes.models import Tip

    started = time.perf_counter()
    while (pending := Tip.objects.filter(notified_at__isnull=True).count()) and time.perf_counter() - started < timeout:
        time.sleep(0.2)
    value = f"{'all sent' if not pending else f'{pending} STILL PENDING'} {time.perf_counter() - started:.1f} s after the last round"
    (report.line if report is not None else lambda what, v: print(f"  {what:<58} {v}", flush=True))("HTTP tips' inbox notices (batched task)", value)
    return {"pending": pending}


def _burst(port: int, points, tokens, connections: int, rng, report) -> dict:
    """19:00: a patrol at every point starts in five minutes and all its members check in at once."""
    from django.db import connection

    from patrol.models import CheckIn

    fresh = tokens[-3 * len(points):]
    jobs = _patrols_open_now(points, fresh, team=3, start_in_minutes=5)
    requests = [(f"/api/v1/patrols/{pid}/check-in/", token,
                 {"latitude": f"{lat + rng.uniform(-0.001, 0.001):.6f}", "longitude": f"{lng + rng.uniform(-0.001, 0.001):.6f}",
                  "accuracy": 20}, True) for pid, token, lat, lng in jobs]
    rng.shuffle(requests)
    connection.close()
    before = CheckIn.objects.count()
    result = fire(port, requests, connections)
    stored = CheckIn.objects.count() - before
    print(f"  19:00 burst: {len(points):,} patrols, {len(requests):,} check-ins drained in {result['seconds']:.1f} s "
          f"({result['rate']:.0f}/s, p50 {result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms), errors {result['errors']}, "
          f"stored {stored:,}", flush=True)
    for failure in result["failures"]:
        print(f"    burst: {failure}", flush=True)
    if report is not None:
        report.add(f"19:00 burst: {len(points):,} patrols, {len(requests):,} check-ins at once, drained in {result['seconds']:.1f} s "
                   f"({result['rate']:.0f}/s), latency", result["latencies"], None,
                   f"(errors {result['errors']}, accepted {result['ok']:,}, stored {stored:,})")
    return {"patrols": len(points), "checkins": len(requests), "seconds": result["seconds"], "errors": result["errors"], "stored": stored}


# --- standalone --------------------------------------------------------------------------------------

def _database_url(url: str | None, *, reuse: bool = False) -> str:
    """The given URL; else `bench_http` on the local PostgreSQL, recreated unless `reuse`; else a SQLite file."""
    if url is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            url = PG_DEFAULT
    if url is None:
        return f"sqlite:///{tempfile.mkdtemp(prefix='jpo-http-')}/bench.sqlite3"
    if url.startswith("postgres") and not reuse:
        import psycopg2
        from psycopg2 import sql

        name = url.rsplit("/", 1)[1]
        admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        admin.close()
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help=f"default {PG_DEFAULT} (dropped and recreated), else SQLite")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="gthread workers of this many threads each (default: sync workers)")
    parser.add_argument("--no-burst", action="store_true")
    parser.add_argument("--no-celery-worker", action="store_true", help="queue the follow-up tasks without running them meanwhile")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run (its points, guards and tokens)")
    args = parser.parse_args()
    if args.database_url and "test" == args.database_url.rsplit("/", 1)[-1]:
        parser.error("never the `test` database")
    os.environ["DATABASE_URL"] = _database_url(args.database_url, reuse=args.reuse)
    sys.path.insert(0, str(BASE_DIR))
    for name in ("REDIS_URL", "EMAIL_URL", "SECRET_KEY_FILE"):
        os.environ.pop(name, None)
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false", SECRET_KEY="bench-only-" + "x" * 50,
                      ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="false", LOG_LEVEL="WARNING",
                      VAR_DIR=tempfile.mkdtemp(prefix="jpo-http-var-"))
    import django

    django.setup()
    from django.core.management import call_command

    from dataset import build_builtin
    from guards.models import Guard

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Guard.objects.exists():
        build_builtin()
    print(f"Intake over HTTP: {os.environ['DATABASE_URL']}, {os.cpu_count()} cores; data ready in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    bench_http(requests=args.requests, rounds=args.rounds, connections=args.connections, workers=args.workers,
               burst=not args.no_burst, celery_worker=not args.no_celery_worker, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
