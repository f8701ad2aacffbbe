"""Against the real services (REAL_SERVICES=1): a tip's inbox notice is published to Redis without
waiting on a result, sent by the real worker once, and a doubled task sends nothing more."""
import time

import pytest

from disputes.models import Tip
from disputes.services import tip_report
from disputes.tasks import tip_notify_point_task
from tests import factories as f

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_tip_notice_is_sent_by_the_worker_exactly_once(celery_worker, township):
    # given a point with an inbox and a guard
    point = f.LiaisonPointFactory(township=township, inbox_emails="team@county.example",
                                  latitude="32.270000", longitude="111.600000")
    guard = f.GuardFactory(liaison_point=point, user=f.UserFactory(role="guard"))
    # when the guard reports a tip (committed at once: the enqueue runs after the commit)
    started = time.monotonic()
    tip = tip_report(by=guard.user, kind="hazard", text="Loose cable", place="Bridge",
                     latitude=point.latitude, longitude=point.longitude)
    assert time.monotonic() - started < 2
    # then the worker sends the inbox notice and marks it sent
    deadline = time.monotonic() + 60
    while not Tip.objects.filter(pk=tip.pk, notified_at__isnull=False).exists():
        assert time.monotonic() < deadline, "the worker did not send the notice within 60 s"
        time.sleep(0.2)
    row = Tip.objects.get(pk=tip.pk)
    assert row.notice_claimed_at is None and row.notice_attempts == 0
    # and the same task again, through the worker, sends nothing more
    assert tip_notify_point_task.delay(tip_id=tip.pk).get(timeout=60) is False
