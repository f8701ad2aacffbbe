"""Handing work to Celery from a service without ever blocking or failing the request.

Every follow-up a service enqueues is also findable by a periodic sweep from the rows' own state
(a notice not yet sent, a delivery still pending). So an enqueue is best effort: one publish
attempt with a short broker timeout (CELERY_BROKER_CONNECTION_TIMEOUT and the transport options in
settings), no publish retry, no result-backend subscription (ignore_result), and any failure is
logged and left to the sweep. A submitted tip answers at once whether Redis is up or not."""
import logging

from django.db import transaction

log = logging.getLogger("config.queue")


def enqueue(task, **kwargs) -> bool:
    """Publish `task(**kwargs)` once. False (and a warning) when the broker is unreachable, or when
    the task run in-process (eager mode) raised: the periodic sweep picks the work up later."""
    try:
        task.apply_async(kwargs=kwargs, retry=False, ignore_result=True)
    except Exception as exc:  # noqa: BLE001 - broker down, DNS, timeout, or an eager task's own error
        log.warning("Could not run %s(%s) now; the periodic sweep will pick it up: %s: %s",
                    task.name, kwargs, type(exc).__name__, exc)
        return False
    return True


def enqueue_on_commit(task, **kwargs) -> None:
    """`enqueue(task, **kwargs)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, **kwargs))
