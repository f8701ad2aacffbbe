"""The bench's reference for the bulletin compile (bench/bulletin_sql.py: the six parts as hand-written
SQL) gives the same figures as bulletin_figures, so `make bench`'s bulletin/hand-SQL ratio compares
like with like. Runs on SQLite and on PostgreSQL (CI's second pass): both dialects of the SQL."""
import datetime
import importlib.util
from pathlib import Path

import pytest

from bulletins.figures import bulletin_figures
from patrol.models import Patrol
from tests import factories as f
from tests.bulletins.conftest import MONDAY, PREVIOUS, _done_patrol
from tests.bulletins.test_figures_snapshot import _busier
from tests.factories import local_dt

_spec = importlib.util.spec_from_file_location(
    "bench_bulletin_sql", Path(__file__).resolve().parents[2] / "bench" / "bulletin_sql.py")
bulletin_sql = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bulletin_sql)


def _zones_and_odd_patrols(known_week) -> None:
    """A zone patrol (it counts at every point of its zone), a day patrol, a missed one and a
    record entered afterwards without an actual start (its planned start decides night or day)."""
    zone = f.ZoneFactory()
    busy, weak = known_week["busy"], known_week["weak"]
    type(busy).objects.filter(pk__in=[busy.pk, weak.pk]).update(zone=zone)
    patrol = _done_patrol(weak, local_dt(2026, 11, 21, 19), [known_week["r1"]], ["present"])
    Patrol.objects.filter(pk=patrol.pk).update(zone=zone)
    _done_patrol(busy, local_dt(2026, 11, 22, 10), [known_week["b1"]], ["late"], hours=2)
    f.PatrolFactory(liaison_point=busy, status=Patrol.Status.MISSED, planned_start=local_dt(2026, 11, 11, 19))
    late_entry = _done_patrol(weak, local_dt(2026, 11, 12, 21), [known_week["r1"]], ["present"])
    Patrol.objects.filter(pk=late_entry.pk).update(actual_start=None, actual_end=None)


@pytest.mark.parametrize("monday", [MONDAY, PREVIOUS, MONDAY + datetime.timedelta(days=7)], ids=["week", "week-before", "empty-week"])
def test_hand_written_sql_equals_bulletin_figures(known_week, monday):
    _busier(known_week)
    _zones_and_odd_patrols(known_week)
    figures = bulletin_figures(monday=monday)
    ours = bulletin_sql.bulletin_sql_figures(monday)
    assert bulletin_sql.compare(figures, ours) == []
    if monday == MONDAY:  # the data reaches every part compared
        assert ours["now"]["patrols"]["done"] and ours["now"]["roll_call"]["far"] and ours["now"]["disputes"]["resolved"]
        assert ours["now"]["tips"]["cases_solved"] and ours["now"]["rewards"]["guards"] and ours["now"]["top_guards"]
        assert ours["before"]["patrols"]["guard_hours"]


def test_compare_reports_a_difference(known_week):
    figures = bulletin_figures(monday=MONDAY)
    ours = bulletin_sql.bulletin_sql_figures(MONDAY)
    ours["now"]["tips"]["received"] += 1
    ours["before"]["patrols"]["done"] += 1
    differences = bulletin_sql.compare(figures, ours)
    assert any(d.startswith("tips.received:") for d in differences)
    assert any(d.startswith("headline.patrols_done.before:") for d in differences)
