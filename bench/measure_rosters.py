"""Measures the quarter's roster compile for the province: `manage.py compile_rosters --quarter …`
(call_command), every active company's roster from scratch (the quarter's rosters deleted, untimed,
before each run), then a rerun that finds everyone placed."""
import io

from report import Report, count_queries, timed

SESSIONS = 90
CAPACITY = 600  # 54,000 seats: room for every active guard of the province


def _quarter_with_sessions() -> str:
    """The next quarter, with SESSIONS rotation sessions spread over it (made here when it has none)."""
    import datetime

    from django.utils import timezone

    from config.dates import next_quarter, parse_quarter, quarter_of
    from training.models import TrainingSession

    label = next_quarter(quarter_of(timezone.localdate()))
    _label, first, last = parse_quarter(label)
    if not TrainingSession.objects.filter(quarter=label, kind=TrainingSession.Kind.ROTATION).exists():
        days = (last - first).days + 1
        TrainingSession.objects.bulk_create(
            TrainingSession(kind=TrainingSession.Kind.ROTATION, quarter=label, held_on=first + datetime.timedelta(days=i * days // SESSIONS),
                            place=f"Bench training centre {i % 12}", capacity=CAPACITY, subject_areas=["law", "fire"])
            for i in range(SESSIONS)
        )
    return label


def bench_rosters(report: Report, runs: int) -> None:
    from django.core.management import call_command

    from training.models import RosterEntry, TrainingRoster

    label = _quarter_with_sessions()

    def compile_quarter():
        call_command("compile_rosters", quarter=label, stdout=io.StringIO())

    seconds, queries = [], None
    for _ in range(runs):
        TrainingRoster.objects.filter(quarter=label).delete()
        t, (queries, _r) = timed(lambda: count_queries(compile_quarter))
        seconds.append(t)
    placed = RosterEntry.objects.filter(roster__quarter=label).count()
    rosters = TrainingRoster.objects.filter(quarter=label).count()
    report.add(f"compile_rosters --quarter {label} (province, from scratch)", seconds, queries,
               f"({rosters} rosters, {placed:,} guards placed)", target="≤ 30 s; queries O(companies)")
    again = []
    for _ in range(max(1, runs - 1)):
        t, (queries, _r) = timed(lambda: count_queries(compile_quarter))
        again.append(t)
    report.add(f"compile_rosters --quarter {label}, rerun (all placed)", again, queries)
