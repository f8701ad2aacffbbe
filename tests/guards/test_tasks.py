from unittest import mock

import pytest
from celery.exceptions import Retry
from django.db import OperationalError

from guards.models import Guard
from guards.tasks import guards_reattach_task
from tests import factories as f


@pytest.fixture
def far_point(db, township):
    return f.LiaisonPointFactory(township=township, code="FAR", latitude="31.000000", longitude="110.000000")


def test_guards_reattach_task_moves_guards_when_a_nearer_point_opened(company, far_point, township):
    # given two guards attached to a far point, and a point opened beside their posts afterwards
    guards = f.GuardFactory.create_batch(2, company=company, liaison_point=far_point)
    near = f.LiaisonPointFactory(township=township, code="NEAR", latitude="32.270000", longitude="111.600000")
    # when the task body runs
    changed = guards_reattach_task()
    # then both follow the nearest point
    assert changed == 2
    assert set(Guard.objects.filter(pk__in=[g.pk for g in guards]).values_list("liaison_point", flat=True)) == {near.pk}


def test_guards_reattach_task_changes_nothing_when_run_twice(company, far_point):
    f.GuardFactory.create_batch(3, company=company, liaison_point=None)

    assert guards_reattach_task() == 3
    assert guards_reattach_task() == 0


def test_guards_reattach_task_retries_with_backoff_when_database_unavailable():
    with mock.patch("guards.services.guards_reattach", side_effect=OperationalError("server closed the connection")), \
            mock.patch.object(guards_reattach_task, "retry", side_effect=Retry()) as retry:
        with pytest.raises(Retry):
            guards_reattach_task()

    assert retry.call_args.kwargs["countdown"] == 5
    assert isinstance(retry.call_args.kwargs["exc"], OperationalError)


def test_guards_reattach_task_succeeds_after_a_transient_database_error(db):
    # eager apply() re-runs the task in-process on retry (throw=False lets it handle the Retry)
    with mock.patch("guards.services.guards_reattach", side_effect=[OperationalError("deadlock"), 7]) as service:
        result = guards_reattach_task.apply(throw=False)

    assert result.get() == 7
    assert service.call_count == 2
