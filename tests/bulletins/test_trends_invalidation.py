"""Issue 14: the dashboard's trends store and cache the completed weeks; a late change to a past
week's records (bulletins/receivers.py) drops that week once the change commits, while this week's
changes leave the completed weeks alone."""
import datetime

import pytest
import time_machine

from bulletins import trends
from bulletins.models import TrendWeek
from disputes.models import Dispute, Tip
from patrol.models import CheckIn, Patrol
from tests import factories as f
from tests.factories import local_dt

NOW = local_dt(2026, 11, 19, 12, 0)  # Thursday of 2026-W47 (Monday 16 November)
MONDAY = datetime.date(2026, 11, 16)
FIVE_BACK = local_dt(2026, 10, 13, 19, 0)  # Tuesday of 2026-W42, the sixth week from the end


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def point(db, frozen):
    return f.LiaisonPointFactory()


def _weeks():
    return {w["week"]: w for w in trends.dashboard_trends(today=NOW.date())["weeks"]}


def _past_cached() -> bool:
    from django.core.cache import cache

    return cache.get(trends._past_key(MONDAY)) is not None


def _stored() -> set[str]:
    from config.dates import iso_week_label

    return {iso_week_label(monday) for monday in TrendWeek.objects.values_list("week_start", flat=True)}


def test_a_patrol_done_late_in_a_past_week_reaches_the_trends_at_once(point, django_capture_on_commit_callbacks):
    # given a past patrol still planned, and the trends cached
    patrol = f.PatrolFactory(liaison_point=point, planned_start=FIVE_BACK, status=Patrol.Status.PLANNED)
    assert _weeks()["2026-W42"]["patrols_done"] == 0 and _past_cached()

    # when it is marked done a month later
    with django_capture_on_commit_callbacks(execute=True):
        patrol.status = Patrol.Status.DONE
        patrol.save()

    # then only that week is dropped and computed again
    assert not _past_cached()
    assert "2026-W42" not in _stored() and len(_stored()) == 10
    assert _weeks()["2026-W42"]["patrols_done"] == 1
    assert len(_stored()) == 11


def test_a_corrected_check_in_of_a_past_week_reaches_the_trends_at_once(point, django_capture_on_commit_callbacks):
    guard = f.GuardFactory(liaison_point=point)
    patrol = f.PatrolFactory(liaison_point=point, planned_start=FIVE_BACK, status=Patrol.Status.DONE)
    f.PatrolMemberFactory(patrol=patrol, guard=guard)
    check_in = CheckIn.objects.create(patrol=patrol, guard=guard, at=FIVE_BACK, status="absent", source=CheckIn.Source.OFFICER)
    assert _weeks()["2026-W42"]["roll_call_rate"] == 0.0

    fresh = CheckIn.objects.get(pk=check_in.pk)  # its patrol not loaded: the check-in's own time decides
    fresh.status = "present"
    with django_capture_on_commit_callbacks(execute=True):
        fresh.save()

    assert _weeks()["2026-W42"]["roll_call_rate"] == 100.0


def test_a_dispute_resolved_or_tip_verified_into_a_past_week_reaches_the_trends(point, django_capture_on_commit_callbacks):
    assert _weeks()["2026-W42"]["disputes_resolved"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        f.DisputeFactory(liaison_point=point, reported_at=FIVE_BACK - datetime.timedelta(days=2), status=Dispute.Status.RESOLVED,
                         finished_at=FIVE_BACK)
    assert _weeks()["2026-W42"]["disputes_resolved"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        f.TipFactory(liaison_point=point, received_at=FIVE_BACK - datetime.timedelta(days=1), status=Tip.Status.VERIFIED,
                     verified_at=FIVE_BACK)
    assert _weeks()["2026-W42"]["tips_verified"] == 1


def test_a_point_closed_changes_the_past_coverage(point, settings, django_capture_on_commit_callbacks):
    settings.PATROLS_PER_WEEK_MIN = 1
    f.PatrolFactory(liaison_point=point, planned_start=FIVE_BACK, status=Patrol.Status.DONE)
    assert _weeks()["2026-W42"]["points_covered"] == 1

    point.active = False
    with django_capture_on_commit_callbacks(execute=True):
        point.save()

    assert _stored() == set()
    assert _weeks()["2026-W42"]["points_covered"] == 0


def test_this_weeks_records_leave_the_past_weeks_cached(point, django_assert_num_queries, django_capture_on_commit_callbacks):
    _weeks()
    with django_capture_on_commit_callbacks(execute=True):
        guard = f.GuardFactory(liaison_point=point)
        patrol = f.PatrolFactory(liaison_point=point, planned_start=local_dt(2026, 11, 17, 19), status=Patrol.Status.DONE)
        f.PatrolMemberFactory(patrol=patrol, guard=guard)
        CheckIn.objects.create(patrol=patrol, guard=guard, at=patrol.planned_start, status="present", source=CheckIn.Source.OFFICER)
        f.TipFactory(liaison_point=point, status=Tip.Status.VERIFIED, verified_at=NOW)

    assert _past_cached() and len(_stored()) == 11
    with django_assert_num_queries(0):  # the past weeks and (for a minute) this week, both cached
        _weeks()


def test_a_change_rolled_back_drops_nothing(point):
    f.PatrolFactory(liaison_point=point, planned_start=FIVE_BACK, status=Patrol.Status.DONE)  # never committed
    _weeks()
    assert _past_cached() and len(_stored()) == 11
