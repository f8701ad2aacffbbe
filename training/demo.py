"""Demo data for monthly training and quarterly drills (issue 13): a business training in each of
the last three months, a drill, an exchange visit and mentoring pairs, with attendance recorded
through the service (so each attendee's training points are in the ledger)."""
import datetime

from config.dates import quarter_of
from guards.models import Guard
from training.attendance import session_attendance_record
from training.models import DutyArea, TrainingSession
from training.services import training_session_save

PLACES = ["谷城县公安局警保联勤培训中心", "城关镇派出所三楼会议室", "谷城县人民医院综合楼", "石花镇综合文化站"]


def _session(kind: str, day: datetime.date, place: str, areas: list[str], capacity: int, trainer: str) -> TrainingSession:
    return training_session_save(kind=kind, quarter=quarter_of(day), held_on=day, place=place, subject_areas=areas,
                                 capacity=capacity, trainer=trainer)


def seed_monthly_training(*, rng, today: datetime.date, officer=None) -> dict[str, int]:
    """Sessions of the last three months with attendance. Seeded once (skipped when any exists)."""
    if TrainingSession.objects.exclude(kind=TrainingSession.Kind.ROTATION).exists():
        return {}
    guard_ids = list(Guard.objects.filter(status=Guard.Status.ACTIVE).order_by("pk").values_list("pk", flat=True))
    if not guard_ids:
        return {}
    sessions, attended = 0, 0
    month = today.replace(day=1)
    plan = []
    for back in (3, 2, 1):
        first = month
        for _ in range(back):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        plan.append((TrainingSession.Kind.BUSINESS, first + datetime.timedelta(days=9), [DutyArea.PATROL, DutyArea.MEDIATION], 60))
    drill_day = min(today - datetime.timedelta(days=3), month - datetime.timedelta(days=12))
    plan.append((TrainingSession.Kind.DRILL, drill_day, [DutyArea.RESCUE, DutyArea.ASSIST_POLICE], 80))
    plan.append((TrainingSession.Kind.EXCHANGE, month - datetime.timedelta(days=20), [DutyArea.VIDEO], 12))
    plan.append((TrainingSession.Kind.MENTORING, month - datetime.timedelta(days=5), [DutyArea.PATROL], 10))
    trainers = ["李志强（城关派出所）", "刘德明（特警大队）", "陈晓燕（指挥中心）", "王建国（治安大队）"]
    for i, (kind, day, areas, size) in enumerate(plan):
        session = _session(kind, day, PLACES[i % len(PLACES)], areas, size, trainers[i % len(trainers)])
        sessions += 1
        people = rng.sample(guard_ids, min(size, len(guard_ids)))
        marks = {gid: rng.random() > 0.08 for gid in people}
        session_attendance_record(session=session, attendance=marks, by=officer)
        attended += sum(marks.values())
    return {"monthly sessions and drills": sessions, "session attendances": attended}
