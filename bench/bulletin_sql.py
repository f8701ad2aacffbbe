"""The bench's reference for the bulletin compile: the six parts of the bulletin that grow with the
data (patrols, roll-call, disputes, tips, rewards, top guards), for the week and the week before, as
eleven hand-written SQL statements, and the check that they give the same figures as
`bulletins.figures.bulletin_figures`.

    figures = bulletin_sql_figures(monday)        # {"now": {part: …}, "before": {part: …}}
    differences = compare(bulletin_figures(monday=monday), figures)   # [] when equal

On PostgreSQL the guard-hours overall and per point are one statement with GROUPING SETS; on SQLite
(no GROUPING SETS) the same two groupings are a UNION ALL. Local times (the night hours) and durations
use `AT TIME ZONE` and interval arithmetic on PostgreSQL, and on SQLite the functions Django registers
on every SQLite connection (django_datetime_cast_time, django_timestamp_diff), as Django's own
queries there do. tests/bulletins/test_bench_sql.py runs the check on a small data set on both
databases, so this reference cannot drift from the bulletin unnoticed."""
from __future__ import annotations

import datetime
import statistics
from decimal import Decimal

# The parts compared, with the keys of each week's headline (bulletin_figures()["headline"]) they give.
PARTS = ("patrols", "roll_call", "disputes", "tips", "rewards", "top_guards")
ROLL_CALL_KEYS = ("present", "late", "far", "no_position", "absent")


def _bounds(monday: datetime.date):
    from config.dates import week_bounds

    return week_bounds(monday)


class _Sql:
    """Dialect helpers: local time of day, seconds between two datetimes, parameter adapters."""

    def __init__(self, connection):
        from django.conf import settings

        self.connection = connection
        self.pg = connection.vendor == "postgresql"
        self.tz = settings.TIME_ZONE
        self.night_start = settings.PATROL_NIGHT_START.strftime("%H:%M:%S")
        self.night_end = settings.PATROL_NIGHT_END.strftime("%H:%M:%S")
        self.night_wraps = settings.PATROL_NIGHT_START > settings.PATROL_NIGHT_END

    def dt(self, value: datetime.datetime):
        return self.connection.ops.adapt_datetimefield_value(value)

    def date(self, value: datetime.date):
        return self.connection.ops.adapt_datefield_value(value)

    def local_time(self, column: str) -> str:
        if self.pg:
            return f"CAST(({column} AT TIME ZONE '{self.tz}') AS time)"
        return f"django_datetime_cast_time({column}, '{self.tz}', 'UTC')"

    def within_night(self, column: str) -> str:
        t = self.local_time(column)
        start = f"CAST('{self.night_start}' AS time)" if self.pg else f"'{self.night_start}'"
        end = f"CAST('{self.night_end}' AS time)" if self.pg else f"'{self.night_end}'"
        return f"({t} >= {start} OR {t} < {end})" if self.night_wraps else f"({t} >= {start} AND {t} < {end})"

    def night(self, alias: str) -> str:
        """Started within the night hours: the actual start, else the planned start (as night_q)."""
        return (f"(CASE WHEN {alias}.actual_start IS NOT NULL THEN {self.within_night(f'{alias}.actual_start')} "
                f"ELSE {self.within_night(f'{alias}.planned_start')} END)")

    def seconds(self, end: str, start: str) -> str:
        if self.pg:
            return f"EXTRACT(EPOCH FROM ({end} - {start}))"
        return f"(django_timestamp_diff({end}, {start}) / 1000000.0)"


def _fetch(cursor, sql: str, params) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _hours(seconds) -> float:
    return round(float(seconds) / 3600, 1) if seconds else 0.0


def bulletin_sql_figures(monday: datetime.date) -> dict:
    """The six parts for the week starting `monday` ("now") and the week before ("before"), shaped
    like bulletin_figures' parts (plus "points_below_minimum" for the headline of each week)."""
    from django.conf import settings
    from django.db import connection

    q = _Sql(connection)
    previous = monday - datetime.timedelta(days=7)
    (s0, e0), (s1, e1) = _bounds(monday), _bounds(previous)
    S0, E0, S1, E1 = (q.dt(v) for v in (s0, e0, s1, e1))
    weeks = ((S0, E0), (S1, E1))
    out = {"now": {}, "before": {}}
    keys = ("now", "before")
    with connection.cursor() as cursor:
        # 1. Patrols: night patrols done, day patrols done, missed, people reached.
        cols = []
        params = []
        for s, e in weeks:
            wk = "p.planned_start >= %s AND p.planned_start < %s"
            cols += [f"COUNT(*) FILTER (WHERE {wk} AND p.status = 'done' AND {q.night('p')})",
                     f"COUNT(*) FILTER (WHERE {wk} AND p.status = 'done' AND NOT {q.night('p')})",
                     f"COUNT(*) FILTER (WHERE {wk} AND p.status = 'missed')",
                     f"SUM(p.people_reached) FILTER (WHERE {wk} AND p.status = 'done')"]
            params += [s, e] * 4
        totals = _fetch(cursor, f"SELECT {', '.join(cols)} FROM patrol_patrol p WHERE p.planned_start >= %s AND p.planned_start < %s",
                        params + [S1, E0])[0]

        # 2. Guard-hours and guards taking part, overall and per point, both weeks in one statement.
        per_week = []
        params = []
        for s, e in weeks:
            wk = "p.planned_start >= %s AND p.planned_start < %s"
            per_week += [f"COUNT(DISTINCT c.guard_id) FILTER (WHERE {wk})", f"SUM({q.seconds('p.actual_end', 'p.actual_start')}) FILTER (WHERE {wk})"]
            params += [s, e, s, e]
        base = ("FROM patrol_checkin c JOIN patrol_patrol p ON p.id = c.patrol_id "
                "WHERE p.status = 'done' AND p.planned_start >= %s AND p.planned_start < %s AND c.status IN ('present', 'late')")
        if q.pg:
            rows = _fetch(cursor, f"SELECT GROUPING(p.liaison_point_id), p.liaison_point_id, {', '.join(per_week)} {base} "
                                  "GROUP BY GROUPING SETS ((p.liaison_point_id), ())", params + [S1, E0])
        else:
            rows = _fetch(cursor, f"SELECT 1, NULL, {', '.join(per_week)} {base} UNION ALL "
                                  f"SELECT 0, p.liaison_point_id, {', '.join(per_week)} {base} GROUP BY p.liaison_point_id",
                          params + [S1, E0] + params + [S1, E0])
        overall = next(r for r in rows if r[0] == 1)
        per_point = {r[1]: r for r in rows if r[0] == 0}

        # 3. Coverage per active point: the point's own patrols and its zone's patrols held elsewhere.
        cols = []
        params = []
        for s, e in weeks:
            wk = "w.planned_start >= %s AND w.planned_start < %s"
            cols += [f"COUNT(w.id) FILTER (WHERE {wk} AND w.status = 'done' AND {q.night('w')})",
                     f"COUNT(w.id) FILTER (WHERE {wk} AND w.status <> 'cancelled')",
                     f"COUNT(w.id) FILTER (WHERE {wk} AND w.status = 'done' AND NOT {q.night('w')})",
                     f"COUNT(w.id) FILTER (WHERE {wk} AND w.status = 'missed')"]
            params += [s, e] * 4
        coverage = _fetch(cursor, f"""
            SELECT lp.id, lp.code, lp.name, t.name, {', '.join(cols)}
            FROM liaison_points_liaisonpoint lp
            LEFT JOIN liaison_points_township t ON t.id = lp.township_id
            LEFT JOIN (
                SELECT p.liaison_point_id AS point_id, p.id, p.status, p.planned_start, p.actual_start
                FROM patrol_patrol p WHERE p.planned_start >= %s AND p.planned_start < %s
                UNION ALL
                SELECT other.id, p.id, p.status, p.planned_start, p.actual_start
                FROM patrol_patrol p JOIN liaison_points_liaisonpoint other ON other.zone_id = p.zone_id AND other.id <> p.liaison_point_id
                WHERE p.zone_id IS NOT NULL AND p.planned_start >= %s AND p.planned_start < %s
            ) w ON w.point_id = lp.id
            WHERE lp.active = %s
            GROUP BY lp.id, lp.code, lp.name, t.name
            ORDER BY lp.code""", params + [S1, E0, S1, E0, True])

        # 4. Roll-call: team places on done patrols (counted per patrol through the member index,
        #    not by joining all team places: the planner would hash-join a seq scan of them).
        scheduled = _fetch(cursor, """
            SELECT COALESCE(SUM(n) FILTER (WHERE planned_start >= %s AND planned_start < %s), 0),
                   COALESCE(SUM(n) FILTER (WHERE planned_start >= %s AND planned_start < %s), 0)
            FROM (SELECT p.planned_start, (SELECT COUNT(*) FROM patrol_patrolmember m WHERE m.patrol_id = p.id) AS n
                  FROM patrol_patrol p WHERE p.status = 'done' AND p.planned_start >= %s AND p.planned_start < %s) done""",
                           [S0, E0, S1, E1, S1, E0])[0]

        # 5. Roll-call by company (the company stored on the check-in).
        attended = "c.status IN ('present', 'late') AND c.source = 'guard'"
        far = f"({attended} AND c.position_state IN ('far', 'inaccurate'))"
        no_position = f"({attended} AND c.position_state = 'none')"
        plain = f"NOT ({far} OR {no_position})"
        conditions = {"present": f"c.status = 'present' AND {plain}", "late": f"c.status = 'late' AND {plain}", "far": far,
                      "no_position": no_position, "absent": "c.status = 'absent'"}
        cols = []
        params = []
        for s, e in weeks:
            for k in ROLL_CALL_KEYS:
                cols.append(f"COUNT(*) FILTER (WHERE {conditions[k]} AND p.planned_start >= %s AND p.planned_start < %s)")
                params += [s, e]
        companies = _fetch(cursor, f"""
            SELECT c.company_id, co.name, {', '.join(cols)}
            FROM patrol_checkin c JOIN patrol_patrol p ON p.id = c.patrol_id
            LEFT JOIN guards_securitycompany co ON co.id = c.company_id
            WHERE p.status = 'done' AND p.planned_start >= %s AND p.planned_start < %s
            GROUP BY c.company_id, co.name ORDER BY co.name""", params + [S1, E0])

        # 6. Disputes: new, resolved, escalated, closed, overdue at the week's end.
        cols = []
        params = []
        for s, e in weeks:
            fin = "finished_at >= %s AND finished_at < %s"
            cols += ["COUNT(*) FILTER (WHERE reported_at >= %s AND reported_at < %s)",
                     f"COUNT(*) FILTER (WHERE status = 'resolved' AND {fin})",
                     f"COUNT(*) FILTER (WHERE status = 'escalated' AND {fin})",
                     f"COUNT(*) FILTER (WHERE status = 'closed' AND {fin})",
                     "COUNT(*) FILTER (WHERE ((status = 'reported' AND first_response_due < %s) OR "
                     "(status IN ('reported', 'accepted', 'mediating') AND resolution_due < %s)) AND reported_at < %s)"]
            params += [s, e] * 4 + [e, e, e]
        disputes = _fetch(cursor, f"SELECT {', '.join(cols)} FROM disputes_dispute", params)[0]

        # 7. Days from report to resolution of the disputes resolved in either week (median in Python).
        spans = _fetch(cursor, f"""
            SELECT finished_at >= %s, {q.seconds('finished_at', 'reported_at')} FROM disputes_dispute
            WHERE status = 'resolved' AND finished_at >= %s AND finished_at < %s""", [S0, S1, E0])

        # 8. Tips: received, verified, cases solved, hazards rectified, people found.
        cols = []
        params = []
        for s, e in weeks:
            fin = "finished_at >= %s AND finished_at < %s"
            cols += ["COUNT(*) FILTER (WHERE received_at >= %s AND received_at < %s)",
                     "COUNT(*) FILTER (WHERE verified_at >= %s AND verified_at < %s)",
                     f"COUNT(*) FILTER (WHERE {fin} AND outcome = 'case_solved')",
                     f"COUNT(*) FILTER (WHERE (rectified_at >= %s AND rectified_at < %s) OR ({fin} AND outcome = 'hazard_rectified'))",
                     f"COUNT(*) FILTER (WHERE {fin} AND outcome = 'person_found')"]
            params += [s, e] * 6
        tips = _fetch(cursor, f"SELECT {', '.join(cols)} FROM disputes_tip", params)[0]

        # 9. Rewards: guards paid and yuan of the payouts approved in the week.
        rewards = _fetch(cursor, """
            SELECT COUNT(DISTINCT l.guard_id) FILTER (WHERE r.approved_at >= %s AND r.approved_at < %s),
                   SUM(l.amount) FILTER (WHERE r.approved_at >= %s AND r.approved_at < %s),
                   COUNT(DISTINCT l.guard_id) FILTER (WHERE r.approved_at >= %s AND r.approved_at < %s),
                   SUM(l.amount) FILTER (WHERE r.approved_at >= %s AND r.approved_at < %s)
            FROM rewards_payoutline l JOIN rewards_payoutrun r ON r.id = l.run_id
            WHERE l.amount > 0""", [S0, E0, S0, E0, S1, E1, S1, E1])[0]

        # 10, 11. Top guards of each week: the ledger summed per guard first, only the winners joined.
        top = []
        for m in (monday, previous):
            top.append(_fetch(cursor, """
                WITH sums AS (
                    SELECT guard_id, SUM(points) AS points FROM rewards_pointentry
                    WHERE occurred_on >= %s AND occurred_on <= %s GROUP BY guard_id HAVING SUM(points) > 0
                ), winners AS (  -- the ten best sums and any tied with the tenth (names break the tie)
                    SELECT guard_id, points FROM sums
                    WHERE points >= COALESCE((SELECT points FROM sums ORDER BY points DESC LIMIT 1 OFFSET 9), 0)
                )
                SELECT s.guard_id, g.name, g.company_id, co.name, s.points
                FROM winners s JOIN guards_guard g ON g.id = s.guard_id LEFT JOIN guards_securitycompany co ON co.id = g.company_id
                ORDER BY s.points DESC, g.name LIMIT 10""", [q.date(m), q.date(m + datetime.timedelta(days=6))]))

    minimum = settings.PATROLS_PER_WEEK_MIN
    for i, key in enumerate(keys):
        by_point = []
        for row in coverage:
            point_id, code, name, township = row[:4]
            done, planned, day_done, missed = row[4 + 4 * i: 8 + 4 * i]
            extra = per_point.get(point_id)
            guards = extra[2 + 2 * i] if extra else 0
            hours = extra[3 + 2 * i] if extra and guards else None
            by_point.append({"point_id": point_id, "code": code, "name": name, "township": township, "done": done, "planned": planned,
                             "day_done": day_done, "missed": missed, "guards": guards or 0, "guard_hours": _hours(hours),
                             "below_minimum": done < minimum})
        done, day_done, missed, people = totals[4 * i: 4 * i + 4]
        out[key]["patrols"] = {
            "done": done, "day_done": day_done, "missed": missed, "people_reached": people or 0,
            "guards_taking_part": overall[2 + 2 * i], "guard_hours": _hours(overall[3 + 2 * i]), "minimum": minimum,
            "by_point": by_point, "below_minimum": [p for p in by_point if p["below_minimum"]],
        }

        by_company = []
        for r in companies:
            counts = dict(zip(ROLL_CALL_KEYS, r[2 + 5 * i: 7 + 5 * i], strict=True))
            total = sum(counts.values())
            if total:
                by_company.append({"company_id": r[0], "company": r[1], "scheduled": total, **counts,
                                   "absence_rate": round(100 * counts["absent"] / total, 1)})
        sums = {k: sum(c[k] for c in by_company) for k in ROLL_CALL_KEYS}
        n = scheduled[i]
        out[key]["roll_call"] = {
            "scheduled": n, **sums,
            "attendance_rate": round(100 * (sums["present"] + sums["late"] + sums["no_position"]) / n, 1) if n else 0.0,
            "by_company": by_company,
        }

        days = [float(seconds) / 86400 for this_week, seconds in spans if bool(this_week) == (i == 0)]
        out[key]["disputes"] = {**dict(zip(("new", "resolved", "escalated", "closed", "overdue"), disputes[5 * i: 5 * i + 5], strict=True)),
                                "median_days_to_resolve": round(statistics.median(days), 1) if days else None}
        out[key]["tips"] = dict(zip(("received", "verified", "cases_solved", "hazards_rectified", "people_found"), tips[5 * i: 5 * i + 5],
                                    strict=True))
        amount = rewards[2 * i + 1]
        out[key]["rewards"] = {"guards": rewards[2 * i], "amount": str(Decimal(amount or 0).quantize(Decimal("0.01")))}
        out[key]["top_guards"] = [{"guard_id": g, "guard": name, "company_id": c, "company": cname, "points": pts}
                                  for g, name, c, cname, pts in top[i]]
    return out


# Headline keys (bulletin_figures()["headline"][k]["before"]) and how to read them off a week of ours.
_HEADLINE = {
    "patrols_done": lambda w: w["patrols"]["done"],
    "guard_hours": lambda w: w["patrols"]["guard_hours"],
    "guards_taking_part": lambda w: w["patrols"]["guards_taking_part"],
    "points_below_minimum": lambda w: len(w["patrols"]["below_minimum"]),
    "day_patrols_done": lambda w: w["patrols"]["day_done"],
    "patrols_missed": lambda w: w["patrols"]["missed"],
    "roll_call_scheduled": lambda w: w["roll_call"]["scheduled"],
    "roll_call_absent": lambda w: w["roll_call"]["absent"],
    "roll_call_far": lambda w: w["roll_call"]["far"],
    "attendance_rate": lambda w: w["roll_call"]["attendance_rate"],
    "disputes_new": lambda w: w["disputes"]["new"],
    "disputes_resolved": lambda w: w["disputes"]["resolved"],
    "disputes_overdue": lambda w: w["disputes"]["overdue"],
    "tips_received": lambda w: w["tips"]["received"],
    "tips_verified": lambda w: w["tips"]["verified"],
    "cases_solved": lambda w: w["tips"]["cases_solved"],
    "hazards_rectified": lambda w: w["tips"]["hazards_rectified"],
}


def _diff(expected, actual, path: str, out: list[str]) -> None:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in expected.keys() & actual.keys():  # a key only one side has is not a figure both compute
            _diff(expected[k], actual[k], f"{path}.{k}", out)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: {len(expected)} rows in bulletin_figures, {len(actual)} by SQL")
        for n, (e, a) in enumerate(zip(expected, actual)):
            _diff(e, a, f"{path}[{n}]", out)
    else:
        same = expected == actual
        if not same and isinstance(expected, (int, float, Decimal)) and isinstance(actual, (int, float, Decimal)):
            same = abs(float(expected) - float(actual)) < 1e-9
        if not same:
            out.append(f"{path}: bulletin_figures {expected!r}, SQL {actual!r}")


def compare(figures: dict, ours: dict) -> list[str]:
    """The differences between bulletin_figures(monday) and bulletin_sql_figures(monday): every
    figure of the six parts for the week, and the week before's headline figures. [] when equal."""
    out: list[str] = []
    for part in PARTS:
        _diff(figures[part], ours["now"][part], part, out)
    for key, read in _HEADLINE.items():
        if key in figures.get("headline", {}):
            _diff(figures["headline"][key]["before"], read(ours["before"]), f"headline.{key}.before", out)
    return out
