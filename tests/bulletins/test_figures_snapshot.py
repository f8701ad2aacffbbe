"""The bulletin's figures stay identical through the query rework (issue #14): every figure of the
known week (tests/bulletins/conftest.py) and of a busier variant of it, against a snapshot taken with
the code before the rework. Database ids are left out (they differ between runs and databases); a
figure added later (a key the snapshot lacks) is not compared here."""
import json
from pathlib import Path

import pytest

from bulletins.figures import bulletin_figures
from patrol.models import CheckIn
from tests import factories as f
from tests.bulletins.conftest import MONDAY, PREVIOUS, _done_patrol
from tests.factories import local_dt

SNAPSHOT = Path(__file__).with_name("figures_snapshot.json")


@pytest.fixture
def fresh_sequences():
    """Factory names and codes (Township 3, Company 7…) from 0, whatever tests ran before."""
    from factory.django import DjangoModelFactory

    for factory in vars(f).values():
        if isinstance(factory, type) and issubclass(factory, DjangoModelFactory) and factory is not DjangoModelFactory:
            factory.reset_sequence(0, force=True)


def _comparable(value):
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k != "id" and not k.endswith("_id")}
    if isinstance(value, (list, tuple)):
        return [_comparable(v) for v in value]
    return value


def _busier(known_week) -> None:
    """Far and position-less phone check-ins, officer marks, another company, both weeks."""
    green = f.SecurityCompanyFactory(name="绿盾保安")
    guards = f.GuardFactory.create_batch(4, company=green)
    point = f.LiaisonPointFactory(township=known_week["north"], code="P9", name="新区联勤点")
    for when in (local_dt(2026, 11, 17, 19), local_dt(2026, 11, 21, 9), local_dt(2026, 11, 12, 20)):
        patrol = _done_patrol(point, when, guards[:3], ["present", "late", "absent"], people=7, topics=["drowning"])
        CheckIn.objects.filter(patrol=patrol, guard=guards[0]).update(position_state="far")
        CheckIn.objects.filter(patrol=patrol, guard=guards[1]).update(position_state="none")
    patrol = _done_patrol(known_week["weak"], local_dt(2026, 11, 22, 19), [guards[3], known_week["r1"]], ["present", "late"])
    CheckIn.objects.filter(patrol=patrol, guard=guards[3]).update(source="officer", position_state="far")


def _figures(known_week):
    plain = _comparable(bulletin_figures(monday=MONDAY))
    _busier(known_week)
    busier = _comparable(bulletin_figures(monday=MONDAY))
    before = _comparable(bulletin_figures(monday=PREVIOUS))
    return {"known_week": plain, "busier": busier, "week_before": before}


def _assert_contains(actual, expected, path="figures"):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for k, v in expected.items():
            assert k in actual, f"{path}.{k} is missing"
            _assert_contains(actual[k], v, f"{path}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual!r} != {expected!r}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            _assert_contains(a, e, f"{path}[{i}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def test_figures_identical_to_the_snapshot(fresh_sequences, known_week):
    actual = json.loads(json.dumps(_figures(known_week), ensure_ascii=False))
    if not SNAPSHOT.exists():  # pragma: no cover -- how the snapshot was made, once, with the code before the rework
        SNAPSHOT.write_text(json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        pytest.fail("snapshot written; run again")
    _assert_contains(actual, json.loads(SNAPSHOT.read_text()))


def test_activity_counts_from_the_shared_queries_equal_their_own_queries(known_week):
    from bulletins.figures import activity_figures
    from patrol.models import Patrol

    Patrol.objects.filter(liaison_point=known_week["busy"]).update(suspects_caught=2, residents_helped=1)
    figures = bulletin_figures(monday=MONDAY)
    assert figures["activity"] == activity_figures(monday=MONDAY)
    assert any(r["now"] for r in figures["activity"]["rows"]) and any(r["before"] for r in figures["activity"]["rows"])
    assert "activity" not in figures["patrols"] and "activity" not in figures["tips"]
