"""manage.py compile_rosters: places every active guard once, prints what it placed, reruns safely."""
import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tests import factories as f
from training.models import RosterEntry, TrainingRoster
from training.services import training_session_save

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def sessions(db):
    return [
        training_session_save(quarter="2027Q1", held_on=datetime.date(2027, 2, day), place="礼堂", capacity=30, subject_areas=["patrol"])
        for day in (10, 20)
    ]


def _run(*args) -> str:
    out = io.StringIO()
    call_command("compile_rosters", *args, stdout=out)
    return out.getvalue()


@time_machine.travel(datetime.datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_compiles_prints_and_reruns_without_placing_twice(sessions, company, other_company, guard):
    f.GuardFactory.create_batch(3, company=company)
    f.GuardFactory.create_batch(2, company=other_company)

    first = _run("--quarter", "2027q1")
    again = _run("--quarter", "2027Q1")

    assert TrainingRoster.objects.filter(quarter="2027Q1").count() == 2
    assert RosterEntry.objects.filter(roster__quarter="2027Q1").count() == 6
    assert "Company A: 4 placed, 0 without a seat" in first and "Company B: 2 placed" in first
    assert "2027Q1: 2 rosters, 6 guards newly placed." in first
    assert "2027Q1: 2 rosters, 0 guards newly placed." in again


@time_machine.travel(datetime.datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_defaults_to_the_current_quarter(sessions, guard):
    assert "2027Q1: 1 rosters" in _run()


@pytest.mark.parametrize("quarter, message", [("2027Q5", "quarter"), ("next", "quarter"), ("2030Q2", "no training sessions")])
def test_a_bad_or_empty_quarter_is_a_clear_error(db, quarter, message):
    with pytest.raises(CommandError, match=message):
        _run("--quarter", quarter)
