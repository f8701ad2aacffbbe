"""Celery tasks of the disputes app: ids in, one service call, retries on database hiccups. The
services send under a lease (claimed before, marked sent only after success; a failed send is
recorded with back-off, not raised), so every task here is safe to run twice and the periodic sweep
retries what SMTP or the broker held back."""
from celery import shared_task
from django.db import OperationalError

_RETRY_BASE_SECONDS = 5
_RETRY_MAX_SECONDS = 300


def _countdown(retries: int) -> int:
    return min(_RETRY_MAX_SECONDS, _RETRY_BASE_SECONDS * 2**retries)


def _call(task, service, **kwargs):
    """Run `service(**kwargs)` for `task`; a database hiccup retries with back-off."""
    try:
        return service(**kwargs)
    except OperationalError as exc:
        raise task.retry(exc=exc, countdown=_countdown(task.request.retries)) from exc


@shared_task(bind=True, acks_late=True, max_retries=5)
def dispute_notify_point_task(self, dispute_id: int) -> bool:
    """Email a new dispute to its point's shared inbox. At least once, normally exactly once: the
    lease on the row makes a doubled task a no-op; a failed send stays pending for the sweep."""
    from disputes.services import dispute_notify_point

    return _call(self, dispute_notify_point, dispute_id=dispute_id)


@shared_task(bind=True, acks_late=True, max_retries=5)
def tip_notify_point_task(self, tip_id: int) -> bool:
    """Email a new tip to its point's shared inbox. Same guarantee as dispute_notify_point_task."""
    from disputes.services import tip_notify_point

    return _call(self, tip_notify_point, tip_id=tip_id)


@shared_task(bind=True, acks_late=True, max_retries=5)
def tips_notify_task(self) -> int:
    """Email new tips to their points' inboxes, in a batch: published (delayed a moment) after a
    tip is saved, at most about once a second per web process however many tips arrive
    (config.queue.enqueue_batch). Same guarantee as tip_notify_point_task; a full batch asks for
    another at once."""
    from disputes.services import tip_notices_send
    from disputes.services.notices import TIP_BATCH

    handled = _call(self, tip_notices_send, limit=TIP_BATCH)
    if handled >= TIP_BATCH:
        from config.queue import enqueue

        enqueue(tips_notify_task)
    return handled


@shared_task(bind=True, acks_late=True, max_retries=3)
def disputes_send_pending_notices_task(self) -> int:
    """Beat, every few minutes: inbox emails still pending — never enqueued (broker down), failed
    and due after their back-off (SMTP down), or whose lease expired (worker died). Each is claimed
    before sending, so two sweeps at once send nothing twice."""
    from disputes.services import pending_notices_send

    return _call(self, pending_notices_send)


@shared_task(bind=True, acks_late=True, max_retries=3)
def disputes_flag_overdue_task(self) -> int:
    """Beat, every 15 minutes: email the responsible officer about each newly overdue dispute. At
    least once, normally exactly once (lease; marked sent only after the send); failures retry with
    back-off on a later run."""
    from disputes.services import disputes_flag_overdue

    return _call(self, disputes_flag_overdue)
