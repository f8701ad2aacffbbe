"""Quarterly roster compilation through a real Celery worker on Redis, against PostgreSQL.
Skipped unless REAL_SERVICES=1 (.ci/run's second pass; see tests/celery_worker.py)."""
import datetime
import math

import pytest

from config.dates import parse_quarter, quarter_of
from guards.models import Guard
from training.models import RosterEntry, TrainingRoster
from training.services import training_session_save
from training.tasks import rosters_compile_task
from tests import factories as f

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _a_quarter_to_come() -> tuple[str, datetime.date]:
    """A quarter about a year ahead of the worker's real clock, so every session is still to come."""
    label = quarter_of(datetime.date.today() + datetime.timedelta(days=400))
    return label, parse_quarter(label)[1]


def test_rosters_compile_task_in_the_worker_places_every_active_guard_once(settings, celery_worker):
    # given three sessions of a quarter to come and two companies' guards, committed for the worker
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    quarter, first = _a_quarter_to_come()
    sessions = [
        training_session_save(
            quarter=quarter, held_on=first + datetime.timedelta(days=10 + 7 * i), place=f"Hall {i}",
            subject_areas=["patrol", "rescue"], capacity=20,
        )
        for i in range(3)
    ]
    a, b = f.SecurityCompanyFactory(), f.SecurityCompanyFactory()
    guards_a = [f.GuardFactory(company=a, post=("Hospital", "School")[i % 2]) for i in range(6)]
    guards_b = f.GuardFactory.create_batch(3, company=b)
    f.GuardFactory(company=a, status=Guard.Status.SUSPENDED)  # not placed

    # when the task runs in the worker process
    result = rosters_compile_task.delay(quarter)
    touched = result.get(timeout=60)

    # then both companies have a draft roster with every active guard placed once
    assert result.successful() and touched == 2
    rosters = {r.company_id: r for r in TrainingRoster.objects.filter(quarter=quarter)}
    assert set(rosters) == {a.pk, b.pk} and {r.status for r in rosters.values()} == {"draft"}
    placed = list(RosterEntry.objects.filter(roster__quarter=quarter).values_list("guard_id", "session_id"))
    assert sorted(g for g, _s in placed) == sorted(g.pk for g in guards_a + guards_b)
    assert {s for _g, s in placed} <= {s.pk for s in sessions}
    # at most ROSTER_MAX_SHARE of a company in one session
    per_session = {}
    for entry in RosterEntry.objects.filter(roster=rosters[a.pk]):
        per_session[entry.session_id] = per_session.get(entry.session_id, 0) + 1
    assert max(per_session.values()) <= max(1, math.ceil(settings.ROSTER_MAX_SHARE * 6))

    # and a second run through the worker duplicates and reshuffles nothing
    before = set(placed)
    assert rosters_compile_task.delay(quarter).get(timeout=60) == 2
    assert set(RosterEntry.objects.filter(roster__quarter=quarter).values_list("guard_id", "session_id")) == before
