"""Emails that follow disputes and tips: the point's shared inbox hears of new items once; the
overdue notice goes out once per dispute however often the task runs; with the broker down the item
is still saved and the periodic sweep delivers its email later."""
import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from disputes.models import Dispute, Tip
from disputes.services import dispute_reopen, dispute_report, dispute_transition, tip_report
from disputes.tasks import (
    dispute_notify_point_task,
    disputes_flag_overdue_task,
    disputes_send_pending_notices_task,
    tip_notify_point_task,
    tips_notify_task,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed_point(township):
    officer = f.OfficerFactory(user__email="duty@county.example")
    return f.LiaisonPointFactory(
        township=township, responsible_officer=officer, inbox_emails="team@county.example, backup@county.example"
    )


def _overdue(point, **kwargs):
    return f.DisputeFactory(liaison_point=point, reported_at=timezone.now() - datetime.timedelta(days=2), **kwargs)


def test_overdue_task_emails_responsible_officer_once(staffed_point):
    # given one dispute not answered in 24 h and one on time
    late = _overdue(staffed_point, title="Water leak between flats")
    f.DisputeFactory(liaison_point=staffed_point)
    # when the task runs twice
    first = disputes_flag_overdue_task()
    second = disputes_flag_overdue_task()
    # then one email, to the responsible officer, and nothing new the second time
    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["duty@county.example"]
    assert f"#{late.pk}" in mail.outbox[0].subject
    assert "张三" not in mail.outbox[0].body  # parties never travel by email
    late.refresh_from_db()
    assert late.overdue_notified_at is not None
    assert late.events.filter(kind="overdue").count() == 1


def test_overdue_without_officer_goes_to_shared_inbox(township):
    point = f.LiaisonPointFactory(township=township, inbox_emails="team@county.example")
    _overdue(point)
    disputes_flag_overdue_task()
    assert mail.outbox[0].to == ["team@county.example"]


def test_finished_disputes_are_never_overdue(staffed_point):
    _overdue(staffed_point, status=Dispute.Status.RESOLVED)
    assert disputes_flag_overdue_task() == 0 and mail.outbox == []


def test_reopened_dispute_can_be_flagged_again_later(staffed_point, officer):
    late = _overdue(staffed_point, status=Dispute.Status.CLOSED)
    late.overdue_notified_at = timezone.now()
    late.save()
    dispute_reopen(dispute=late, by=officer, reason="Again")
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=8)):
        assert disputes_flag_overdue_task() == 1


def test_new_dispute_emails_the_point_inbox_once(staffed_point, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispute = dispute_report(by=officer, category="labour", title="Unpaid wages", place="Site 4",
                                 latitude=staffed_point.latitude, longitude=staffed_point.longitude,
                                 parties=[{"name": "赵六", "phone": "13911112222"}], reporter_name="钱七")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["backup@county.example", "duty@county.example", "team@county.example"]
    assert "赵六" not in message.body and "13911112222" not in message.body and "钱七" not in message.body
    # a retried task sends nothing more
    assert dispute_notify_point_task(dispute_id=dispute.pk) is False
    assert len(mail.outbox) == 1


def test_service_enqueues_the_batch_task(staffed_point, guard, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # as `make test` and `make run` (the CI's PostgreSQL pass has a real worker)
    with mock.patch.object(tips_notify_task, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            tip_report(by=guard.user, kind="hazard", text="Loose cable", place="Bridge")
    # eager (tests): at once; one publish attempt, no publish retry, no result-backend subscription (config/queue.py)
    apply_async.assert_called_once_with(kwargs={}, retry=False, ignore_result=True)


def test_a_burst_of_tips_publishes_one_delayed_batch_per_process(staffed_point, guard, settings, django_capture_on_commit_callbacks):
    # given a worker takes the tasks (not eager) and this process published no batch lately
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from config import queue

    queue._batch_published.clear()
    with mock.patch.object(tips_notify_task, "apply_async") as apply_async:
        # when three tips arrive within a second
        for text in ("Loose cable", "Broken rail", "Open manhole"):
            with django_capture_on_commit_callbacks(execute=True):
                tip_report(by=guard.user, kind="hazard", text=text, place="Bridge")
        # then one batch, delayed long enough for all three to be committed when it runs
        apply_async.assert_called_once_with(countdown=2, retry=False, ignore_result=True)
        # and once half the delay has passed since, the next tip asks for another
        queue._batch_published[tips_notify_task.name] -= 1
        with django_capture_on_commit_callbacks(execute=True):
            tip_report(by=guard.user, kind="hazard", text="Fallen sign", place="Bridge")
    assert apply_async.call_count == 2


def test_the_batch_emails_every_pending_tip_once(staffed_point, guard, township):
    # given three tips whose emails are pending, one at a point with nobody to tell
    silent = f.LiaisonPointFactory(township=township, inbox_emails="")
    tips = [f.TipFactory(liaison_point=staffed_point), f.TipFactory(liaison_point=staffed_point), f.TipFactory(liaison_point=silent)]
    # when the batch runs twice
    assert (tips_notify_task(), tips_notify_task()) == (3, 0)
    # then two emails, each naming its own tip, and all three marked done
    assert len(mail.outbox) == 2
    assert [any(f"#{tip.pk}" in m.subject for m in mail.outbox) for tip in tips] == [True, True, False]
    assert not Tip.objects.filter(pk__in=[t.pk for t in tips], notified_at__isnull=True).exists()


def test_a_failed_send_in_the_batch_waits_for_the_sweep_the_others_are_done(staffed_point):
    first, second = f.TipFactory(liaison_point=staffed_point), f.TipFactory(liaison_point=staffed_point)
    from disputes.services import notices

    real_send = notices._send

    def flaky(template, context, recipients, **kwargs):
        if context["tip"].pk == first.pk:
            raise OSError("Connection refused")
        return real_send(template, context, recipients, **kwargs)

    with mock.patch.object(notices, "_send", side_effect=flaky):
        assert tips_notify_task() == 2
    first.refresh_from_db(), second.refresh_from_db()
    assert first.notified_at is None and first.notice_attempts == 1 and first.notice_next_attempt_at is not None
    assert second.notified_at is not None and len(mail.outbox) == 1
    # not due yet: the next batch leaves it alone
    assert tips_notify_task() == 0


def test_tip_saved_while_broker_is_down_and_followed_up_later(staffed_point, guard, django_capture_on_commit_callbacks):
    # given the broker refuses connections
    with mock.patch.object(tips_notify_task, "apply_async", side_effect=BrokerError("Error 111 connecting to redis:6379")):
        with django_capture_on_commit_callbacks(execute=True):
            tip = tip_report(by=guard.user, kind="case_lead", text="Two men checking car doors", place="Car park",
                             latitude=staffed_point.latitude, longitude=staffed_point.longitude)
    # then the tip is saved, its email not sent yet
    tip.refresh_from_db()
    assert Tip.objects.filter(pk=tip.pk).exists() and tip.notified_at is None and mail.outbox == []
    # when the broker is back and the periodic sweep runs (once the item is a few minutes old)
    Tip.objects.filter(pk=tip.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    assert disputes_send_pending_notices_task() == 1
    # then the inbox hears of it once, without the tip's source or text
    assert len(mail.outbox) == 1
    assert guard.name not in mail.outbox[0].body and "car doors" not in mail.outbox[0].body
    assert disputes_send_pending_notices_task() == 0
    assert len(mail.outbox) == 1


def test_dispute_saved_while_broker_is_down(staffed_point, officer, django_capture_on_commit_callbacks):
    with mock.patch.object(dispute_notify_point_task, "apply_async", side_effect=OSError("Connection refused")):
        with django_capture_on_commit_callbacks(execute=True):
            dispute = dispute_report(by=officer, category="family", title="Quarrel", place="No. 5",
                                     latitude=staffed_point.latitude, longitude=staffed_point.longitude, parties=[{"name": "张三"}])
    assert Dispute.objects.filter(pk=dispute.pk, notified_at__isnull=True).exists()
    Dispute.objects.filter(pk=dispute.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    assert disputes_send_pending_notices_task() == 1
    assert disputes_send_pending_notices_task() == 0


def test_sweep_leaves_fresh_items_to_their_own_task(staffed_point):
    f.DisputeFactory(liaison_point=staffed_point)
    assert disputes_send_pending_notices_task() == 0


def test_transition_state_is_unchanged_by_tasks(staffed_point, officer):
    dispute = _overdue(staffed_point)
    disputes_flag_overdue_task()
    dispute_transition(dispute=dispute, to=Dispute.Status.ACCEPTED, by=officer)
    assert Dispute.objects.get(pk=dispute.pk).status == "accepted"
