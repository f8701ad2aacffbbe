"""A year of province-scale activity for the benchmark, written fast.

On top of the liaison points and guards of `seed_demo --scale province`: about 3.5 patrols per
active point per week (a tenth of the points patrol too little), each with a team of 3–4 guards of
the point, one roll-call check-in per member of a patrol that is done (85% present, 8% late, 7%
absent) or under way, the points ledger lines a finished patrol credits (attended, and the absence
deduction), disputes (~10,000 a year) and tips (~5,000 a year), the last weeks still open. Checkpoint
visits, sessions and follow-ups are not generated (no measured query reads them in bulk).

patrol/demo.py builds the county's year through model instances and bulk_create; for 360,000 patrols
and 1.2 million check-ins that takes far too long. Here rows are plain tuples sent with
`cursor.executemany` (SQLite) or `COPY … FROM STDIN` (PostgreSQL) in one transaction, values adapted through connection.ops (so it
would run on PostgreSQL too) and memoised where they repeat, as liaison_points/demo.py's
bulk_insert_with_history does for the guards. Patrols, disputes and tips get explicit ids (the
tables are empty when this runs) so their children and "created" history rows need no read-back.

    seed_activity(weeks=52)  ->  {"patrols": ..., "check-ins": ..., ...}
"""
from __future__ import annotations

import datetime
import functools
import io
import json
import random
from collections import defaultdict
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from disputes.models import Dispute, DisputeEvent, DisputeParty, Tip
from disputes.services import due_dates
from guards.models import Guard
from rewards.models import PointEntry, PointRule
from liaison_points.models import LiaisonPoint, Officer
from patrol.models import CheckIn, Patrol, PatrolMember, PublicityTopic

BATCH = 20_000
DISPUTES_PER_YEAR = 10_000
TIPS_PER_YEAR = 5_000
HISTORY_REASON = "bench activity"
CANCEL_REASONS = ["暴雨天气", "警力调往重大活动安保", "台风预警"]
NOTES = ["夜间巡逻正常，无异常情况。", "劝离聚集人员一处。", "发现路灯损坏一处，已上报。", "提醒商户关好门窗。", ""]
DISPUTE_TITLES = ["楼上漏水引发纠纷", "停车位占用争执", "宅基地界址争议", "拖欠工资", "物业费争议", "邻里噪音", "家庭赡养矛盾", "交通事故赔偿"]
TIP_TEXTS = ["发现可疑人员在小区附近徘徊", "路边井盖缺失，存在安全隐患", "有老人走失，家属正在寻找", "网上流传不实信息，群众议论较多"]


class _Table:
    """INSERT of chosen columns of one model, with one adapter per column (None = as is)."""

    def __init__(self, model, attnames: list[str]):
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.model = model
        # The columns not chosen get the field's default (fields added later, e.g. activity counts,
        # are NOT NULL with a Python-side default that a raw INSERT would not apply).
        omitted = [f for f in model._meta.concrete_fields if f.attname not in attnames and not f.primary_key]
        self.tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in omitted)
        self.attnames = attnames + [f.attname for f in omitted]
        self.fields = [by_attname[a] for a in self.attnames]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(self.fields))})"

    def insert(self, rows: list[tuple]) -> int:
        """executemany on SQLite; COPY … FROM STDIN (text format) on PostgreSQL."""
        if self.tail:
            rows = [row + self.tail for row in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                copy = self.sql.split(" VALUES ", 1)[0].replace("INSERT INTO", "COPY", 1) + " FROM STDIN"
                for start in range(0, len(rows), BATCH):
                    buffer = io.StringIO("".join("\t".join(map(_copy_text, row)) + "\n" for row in rows[start:start + BATCH]))
                    cursor.cursor.copy_expert(copy, buffer)
            else:
                for start in range(0, len(rows), BATCH):
                    cursor.executemany(self.sql, rows[start:start + BATCH])
        return len(rows)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format (the same value an INSERT would be given)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float, Decimal, datetime.date)):  # datetime too: str() gives ISO with its offset
        return str(value)
    if hasattr(value, "adapted") and hasattr(value, "dumps"):  # psycopg2 Json (Django's Jsonb)
        value = value.dumps(value.adapted)
    return str(value).translate(_COPY_ESCAPES)


def _history(model, table: _Table, rows: list[tuple], when: datetime.datetime) -> int:
    """One "created" simple-history row per inserted row (the history table's columns are the
    model's tracked columns plus history_*; excluded fields are simply absent)."""
    history_model = model.history.model
    special = {
        "history_date": _adapt_datetime(when), "history_type": "+",
        "history_change_reason": HISTORY_REASON, "history_user_id": None,
    }
    fields = [f for f in history_model._meta.concrete_fields if not f.primary_key]
    position = {a: i for i, a in enumerate(table.attnames)}
    plan = [(True, special[f.attname]) if f.attname in special else (False, position[f.attname]) for f in fields]
    history_table = _Table(history_model, [f.attname for f in fields])
    tail = table.tail
    return history_table.insert([tuple(v if fixed else full[v] for fixed, v in plan) for row in rows for full in (row + tail,)])


@functools.cache
def _adapt_datetime(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


@functools.cache
def _adapt_date(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


@functools.cache
def _adapt_decimal(value: Decimal):
    return connection.ops.adapt_decimalfield_value(value, 9, 6)


def _json(value):
    return connection.ops.adapt_json_value(value, json.JSONEncoder)


def _dt(value):
    return None if value is None else _adapt_datetime(value)


def _reset_sequences(*models) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


# --- Patrols, teams, roll-call, points -------------------------------------------------------------

def _positions(rng: random.Random, lat: Decimal, lng: Decimal, n: int = 16) -> list[tuple]:
    """A few adapted positions around a point (within ~150 m), reused by its check-ins."""
    out = []
    for _ in range(n):
        dlat, dlng = rng.uniform(-0.0013, 0.0013), rng.uniform(-0.0013, 0.0013)
        out.append((_adapt_decimal(Decimal(f"{float(lat) + dlat:.6f}")), _adapt_decimal(Decimal(f"{float(lng) + dlng:.6f}"))))
    return out


def _patrols(rng, *, weeks: int, now: datetime.datetime, today: datetime.date) -> dict[str, int]:
    tz = timezone.get_current_timezone()
    points = list(
        LiaisonPoint.objects.filter(active=True).order_by("code").values_list("id", "name", "latitude", "longitude", "responsible_officer_id")
    )
    officers = list(Officer.objects.order_by("pk").values_list("pk", flat=True))
    if not points or not officers:  # a patrol needs a leading officer
        return {}
    first_monday = today - datetime.timedelta(days=today.weekday()) - datetime.timedelta(weeks=weeks)
    pool = defaultdict(list)
    certified = defaultdict(list)
    for gid, point_id, cert, expires in Guard.objects.filter(status=Guard.Status.ACTIVE, liaison_point__isnull=False).values_list(
        "id", "liaison_point_id", "certificate_status", "certificate_expires_on"
    ).order_by("id"):
        pool[point_id].append(gid)
        if cert == Guard.CertificateStatus.VALID and expires and expires >= first_monday:
            certified[point_id].append(gid)
    rules = dict(PointRule.objects.filter(active=True).values_list("kind", "points"))
    attended_points, absent_points = rules.get(PointRule.Kind.PATROL_ATTENDED), rules.get(PointRule.Kind.PATROL_ABSENT)
    weak = {p[0] for p in rng.sample(points, max(1, len(points) // 10))}

    patrol_cols = ["id", "liaison_point_id", "leader_id", "kind", "planned_start", "planned_end", "actual_start", "actual_end",
                   "area", "status", "cancel_reason", "publicity_topics", "people_reached", "notes", "plan_id", "created_by_id", "created_at"]
    patrol_table = _Table(Patrol, patrol_cols)
    member_table = _Table(PatrolMember, ["patrol_id", "guard_id", "role"])
    checkin_table = _Table(CheckIn, ["patrol_id", "guard_id", "company_id", "at", "latitude", "longitude", "status", "source", "marked_by_id"])
    company_of = dict(Guard.objects.values_list("id", "company_id"))  # the company the guard had when checking in
    entry_table = _Table(PointEntry, ["guard_id", "kind", "points", "reason", "source_type", "source_id", "occurred_on", "created_by_id", "created_at"])

    created_at = _adapt_datetime(now)
    empty_topics = _json([])
    topic_values = {}
    kinds = ["foot"] * 6 + ["vehicle", "bicycle"]
    patrols, members, check_ins, entries = [], [], [], []
    pid = _next_id(Patrol)
    for point_id, point_name, lat, lng, responsible in points:
        positions = _positions(rng, lat, lng)
        guards = certified[point_id] if len(certified[point_id]) >= 3 else pool[point_id]
        leader = responsible or rng.choice(officers)
        for week in range(weeks + 1):
            monday = first_monday + datetime.timedelta(weeks=week)
            per_week = rng.choice([1, 2, 3]) if point_id in weak else rng.choice([3, 3, 4, 4, 4])
            for offset in sorted(rng.sample(range(7), per_week)):
                day = monday + datetime.timedelta(days=offset)
                start = datetime.datetime(day.year, day.month, day.day, rng.choice([19, 19, 20, 20, 21, 9]), rng.choice([0, 0, 30]), tzinfo=tz)
                end = start + datetime.timedelta(hours=rng.choice([2, 3, 3]))
                if end < now:
                    status = "cancelled" if rng.random() < 0.03 else "done"
                elif start <= now:
                    status = "under_way"
                else:
                    status = "planned"
                done = status == "done"
                actual_start = start + datetime.timedelta(minutes=rng.randint(0, 10)) if status in ("done", "under_way") else None
                topics = tuple(rng.sample(PublicityTopic.values, rng.randint(1, 2))) if done and rng.random() < 0.4 else ()
                if topics and topics not in topic_values:
                    topic_values[topics] = _json(list(topics))
                patrols.append((
                    pid, point_id, leader, rng.choice(kinds), _adapt_datetime(start), _adapt_datetime(end), _dt(actual_start),
                    _adapt_datetime(end) if done else None, None, status,
                    rng.choice(CANCEL_REASONS) if status == "cancelled" else "",
                    topic_values[topics] if topics else empty_topics, rng.randint(20, 150) if topics else 0,
                    rng.choice(NOTES) if done else "", None, None, created_at,
                ))
                team = rng.sample(guards, min(len(guards), rng.choice([3, 4])))
                reason = f"{point_name} {start:%Y-%m-%d %H:%M}"
                on_day = _adapt_date(day)
                for i, gid in enumerate(team):
                    members.append((pid, gid, "lead" if i == 0 else "member"))
                    if status not in ("done", "under_way"):
                        continue
                    roll = rng.random()
                    if status == "under_way" and roll > 0.85:
                        continue  # not checked in yet
                    ci_status = "present" if roll < 0.85 else "late" if roll < 0.93 else "absent"
                    minutes = rng.randint(-25, 5) if ci_status == "present" else rng.randint(12, 40)
                    position = (None, None) if ci_status == "absent" else rng.choice(positions)
                    check_ins.append((pid, gid, company_of[gid], _adapt_datetime(start + datetime.timedelta(minutes=minutes)), *position, ci_status,
                                      "auto" if ci_status == "absent" else "guard", None))
                    if not done:
                        continue
                    if ci_status == "absent":
                        if absent_points is not None:
                            entries.append((gid, "absent", absent_points, reason, "patrol.patrol", pid, on_day, None, created_at))
                    elif attended_points is not None:
                        entries.append((gid, "patrol", attended_points, reason, "patrol.patrol", pid, on_day, None, created_at))
                pid += 1

    counts = {"patrols": patrol_table.insert(patrols)}
    counts["patrol history rows"] = _history(Patrol, patrol_table, patrols, now)
    counts["patrol members"] = member_table.insert(members)
    counts["check-ins"] = checkin_table.insert(check_ins)
    counts["points entries"] = entry_table.insert(entries)
    return counts


# --- Disputes and tips --------------------------------------------------------------------------------

def _disputes_and_tips(rng, *, weeks: int, now: datetime.datetime) -> dict[str, int]:
    points = list(LiaisonPoint.objects.filter(active=True).order_by("code").values_list("id", "latitude", "longitude"))
    if not points:
        return {}
    guards_by_point = defaultdict(list)
    for gid, point_id in Guard.objects.filter(status=Guard.Status.ACTIVE, liaison_point__isnull=False).values_list("id", "liaison_point_id"):
        guards_by_point[point_id].append(gid)
    span = datetime.timedelta(weeks=weeks, days=now.weekday())
    created_at = _adapt_datetime(now)
    categories = ["neighbours"] * 5 + ["property"] * 3 + ["family"] * 2 + ["labour", "land", "traffic", "consumer", "other"]

    def around(lat, lng):
        return _adapt_decimal(Decimal(f"{float(lat) + rng.uniform(-0.008, 0.008):.6f}")), _adapt_decimal(Decimal(f"{float(lng) + rng.uniform(-0.008, 0.008):.6f}"))

    dispute_cols = ["id", "category", "title", "description", "place", "latitude", "longitude", "liaison_point_id",
                    "reported_by_kind", "reporting_guard_id", "reporter_name", "reporter_phone", "created_by_id", "status", "escalated_to",
                    "reported_at", "accepted_at", "finished_at", "first_response_due", "resolution_due", "agreement", "outcome_note",
                    "helped_by_id", "merged_into_id", "notified_at", "overdue_notified_at", "created_at", "updated_at"]
    dispute_table = _Table(Dispute, dispute_cols)
    event_table = _Table(DisputeEvent, ["dispute_id", "kind", "from_status", "to_status", "from_point_id", "to_point_id", "actor_id", "at", "note"])
    party_table = _Table(DisputeParty, ["dispute_id", "position", "name", "role", "phone"])
    disputes, events, parties = [], [], []
    did = _next_id(Dispute)
    for _ in range(round(DISPUTES_PER_YEAR * weeks / 52)):
        point_id, lat, lng = rng.choice(points)
        category = rng.choice(categories)
        reported_at = now - span * rng.random()
        first_due, resolution_due = due_dates(category=category, start=reported_at)
        guards = guards_by_point[point_id]
        guard = rng.choice(guards) if guards and rng.random() < 0.55 else None
        kind = "guard" if guard else rng.choice(["officer", "resident", "resident"])
        accepted_at = min(reported_at + datetime.timedelta(hours=rng.uniform(0.5, 20)), now)
        age = now - reported_at
        if age < datetime.timedelta(days=10) or rng.random() < 0.03:  # recent, or left open (overdue)
            status = rng.choice(["reported", "accepted", "accepted", "mediating", "mediating"])
            finished_at = None
        else:
            status = rng.choices(["resolved", "closed", "escalated"], weights=[78, 9, 13])[0]
            finished_at = accepted_at + datetime.timedelta(days=rng.uniform(1, 9))
        lat_, lng_ = around(lat, lng)
        row = (
            did, category, rng.choice(DISPUTE_TITLES), "", "幸福小区", lat_, lng_, point_id, kind, guard,
            "王五" if kind == "resident" else "", "", None, status,
            rng.choice(["police", "court", "other"]) if status == "escalated" else "",
            _adapt_datetime(reported_at), _dt(accepted_at if status != "reported" else None), _dt(finished_at),
            _adapt_datetime(first_due), _adapt_datetime(resolution_due), "双方达成调解协议。" if status == "resolved" else "", "",
            guard if status == "resolved" else None, None, _adapt_datetime(reported_at), None, created_at, created_at,
        )
        disputes.append(row)
        parties += [(did, 0, "张三", "applicant", "13900000001"), (did, 1, "李四", "respondent", "13900000002")]
        events.append((did, "reported", "", "reported", None, point_id, None, _adapt_datetime(reported_at), ""))
        if finished_at is not None:
            events.append((did, "transition", "mediating", status, None, None, None, _adapt_datetime(finished_at), ""))
        did += 1

    tip_cols = ["id", "kind", "text", "place", "latitude", "longitude", "liaison_point_id", "source_kind", "source_guard_id",
                "volunteer_name", "volunteer_phone", "created_by_id", "status", "received_at", "verified_at", "finished_at", "handled_by_id",
                "outcome", "case_number", "outcome_note", "dispute_id", "rectification_by", "rectification_due", "rectified_at",
                "notified_at", "created_at", "updated_at"]
    tip_table = _Table(Tip, tip_cols)
    tips = []
    tid = _next_id(Tip)
    for i in range(round(TIPS_PER_YEAR * weeks / 52)):
        point_id, lat, lng = rng.choice(points)
        kind_index = rng.randrange(len(TIP_TEXTS))
        kind = ["case_lead", "hazard", "missing", "sentiment"][kind_index]
        received_at = now - span * rng.random()
        guards = guards_by_point[point_id]
        guard = rng.choice(guards) if guards and rng.random() < 0.8 else None
        verified_at = finished_at = rectified_at = None
        outcome = case_number = ""
        if now - received_at < datetime.timedelta(days=5):
            status = rng.choice(["received", "received", "verified"])
        else:
            status = rng.choices(["closed", "unfounded", "acted"], weights=[70, 20, 10])[0]
        if status != "received":
            verified_at = min(received_at + datetime.timedelta(hours=rng.uniform(1, 48)), now)
        if status in ("closed", "unfounded"):
            finished_at = min(verified_at + datetime.timedelta(days=rng.uniform(1, 10)), now)
            if status == "closed":
                outcome = {"case_lead": "case_solved", "hazard": "hazard_rectified", "missing": "person_found"}.get(kind, "other")
                case_number = f"A{420000 + i}" if outcome == "case_solved" else ""
                rectified_at = finished_at if outcome == "hazard_rectified" else None
        lat_, lng_ = around(lat, lng) if rng.random() < 0.9 else (None, None)
        tips.append((
            tid, kind, TIP_TEXTS[kind_index], "人民路", lat_, lng_, point_id, "guard" if guard else "volunteer", guard,
            "" if guard else "赵六", "", None, status, _adapt_datetime(received_at), _dt(verified_at), _dt(finished_at), None,
            outcome, case_number, "", None, "", None, _dt(rectified_at), _adapt_datetime(received_at), created_at, created_at,
        ))
        tid += 1

    counts = {"disputes": dispute_table.insert(disputes)}
    counts["dispute history rows"] = _history(Dispute, dispute_table, disputes, now)
    counts["dispute events"] = event_table.insert(events)
    counts["dispute parties"] = party_table.insert(parties)
    counts["tips"] = tip_table.insert(tips)
    counts["tip history rows"] = _history(Tip, tip_table, tips, now)
    return counts


def _skip_foreign_key_checks() -> None:
    """PostgreSQL: Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so COMMIT would check the
    millions of references written here one trigger call at a time (minutes). The rows are made
    from ids just read, so for this transaction the triggers are skipped (session_replication_role,
    a superuser's setting; without that right the checks simply run)."""
    if connection.vendor != "postgresql":
        return
    from django.db import DatabaseError

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass


def seed_activity(*, weeks: int = 52, seed: int = 2024, now: datetime.datetime | None = None) -> dict[str, int]:
    """`weeks` weeks of activity ending this week (the rest of this week planned). Expects empty
    patrol, dispute and tip tables; returns the row counts written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(f"{seed}:bench-activity")
    with transaction.atomic():
        _skip_foreign_key_checks()
        counts = _patrols(rng, weeks=weeks, now=now, today=today)
        counts |= _disputes_and_tips(rng, weeks=weeks, now=now)
        _reset_sequences(Patrol, Dispute, Tip)
    for cache in (_adapt_datetime, _adapt_date, _adapt_decimal):
        cache.cache_clear()
    return counts
