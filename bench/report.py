"""The benchmark's measuring kit: timing, query counts, the report of medians (with the slowest
query's plan when a median is slow), and timed GET requests through Django's test clients.

Django is imported inside the functions: bench/run.py configures settings before any of it runs."""
import statistics
import time

# A median above this gets its slowest SQL query and that query's plan printed.
SLOW_SECONDS = 1.0


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def count_queries(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


class Report:
    """The measurements in the order taken: each printed as it comes, all of them as a Markdown
    table at the end."""

    def __init__(self):
        self.rows = []

    def add(self, what: str, seconds: list[float], queries: int | None, note: str = "", *, reference: str = "", ratio: str = "",
            target: str = "") -> None:
        """One measured operation; `reference` (a figure measured in the same run), `ratio` (to it)
        and `target` (the issue's) go to the Markdown table."""
        self.rows.append((what, statistics.median(seconds), min(seconds), max(seconds), len(seconds), queries, note, reference, ratio, target))
        median_ms = statistics.median(seconds) * 1000
        q = "-" if queries is None else str(queries)
        extra = "".join(f"  {k} {v}" for k, v in (("reference", reference), ("ratio", ratio), ("target", target)) if v)
        print(f"  {what:<58} median {median_ms:9.1f} ms  (min {min(seconds) * 1000:.1f}, max {max(seconds) * 1000:.1f}, "
              f"n={len(seconds)})  queries {q}  {note}{extra}", flush=True)

    def line(self, what: str, value: str, *, reference: str = "", ratio: str = "", target: str = "") -> None:
        """A figure that is not a latency (a rate, a check's result): printed, and a row of the table."""
        self.rows.append((what, None, None, None, 0, None, value, reference, ratio, target))
        extra = "".join(f"  {k} {v}" for k, v in (("reference", reference), ("ratio", ratio), ("target", target)) if v)
        print(f"  {what:<58} {value}{extra}", flush=True)

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
        self.rows.append((what, None, None, None, 0, None, f"skipped: {why}", "", "", ""))
        print(f"  {what:<58} skipped: {why}", flush=True)

    @staticmethod
    def _ms(seconds: float) -> str:
        ms = seconds * 1000
        return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms"

    def markdown(self) -> str:
        lines = ["| operation | median | min–max | runs | queries | reference (same run) | ratio | target |",
                 "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for what, med, lo, hi, n, q, note, reference, ratio, target in self.rows:
            label = f"{what} {note}".strip() if med is not None else what
            if med is None:
                lines.append(f"| {label} | {note} | | | | {reference} | {ratio} | {target} |")
            else:
                lines.append(f"| {label} | {self._ms(med)} | {self._ms(lo)}–{self._ms(hi)} | {n} | {'' if q is None else q} | "
                             f"{reference} | {ratio} | {target} |")
        return "\n".join(lines)


def officer_account():
    """The first active officer of the data set (None when there is none): the bench's viewer."""
    from accounts.models import User

    return User.objects.filter(role="officer", is_active=True).order_by("pk").first()


def clients_for(user):
    """An API client and a page client, both signed in as `user`."""
    from django.test import Client
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user=user)
    pages = Client()
    pages.force_login(user)
    return api, pages


def url_or_none(name: str, **kwargs) -> str | None:
    """The URL named `name`, or None where this version of the project has no such URL."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, **kwargs)
    except NoReverseMatch:
        return None


def run_cases(report: Report, runs: int, cases: list, before=None) -> None:
    """GET each (what, client, url, params[, target]) once to warm up, then `runs` timed times;
    `before` runs untimed ahead of every request (e.g. clearing a cache)."""
    for what, client, url, params, *target in cases:
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
            t, (q, response) = timed(lambda: count_queries(request))
            seconds.append(t)
        size = len(response.content)
        report.add(what, seconds, q, f"({size / 1024:.0f} KiB)", target=target[0] if target else "")
        report.explain_if_slow(what, seconds, request, before)
