"""Handing work to Celery from a service without ever blocking or failing the request.

Every follow-up a service enqueues is also findable by a periodic sweep from the rows' own state
(a notice not yet sent, a delivery still pending). So an enqueue is best effort: one publish
attempt with a short broker timeout (CELERY_BROKER_CONNECTION_TIMEOUT and the transport options in
settings), no publish retry, no result-backend subscription (ignore_result), and any failure is
logged and left to the sweep. A submitted tip answers at once whether Redis is up or not."""
import logging
import threading
import time

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


# Batch tasks published by this process: task name -> monotonic time of the last publish.
_batch_published: dict[str, float] = {}
_batch_lock = threading.Lock()


def enqueue_batch(task, *, delay: float) -> bool:
    """Ask for a batch `task` (one that handles everything pending, no arguments) to run `delay`
    seconds from now, once the current transaction commits. A burst of tips then costs one publish
    and one task run per `delay` per process, not one each (issue #14).

    A process that published less than delay/2 seconds ago publishes nothing: the task it published
    runs at least delay/2 seconds after this commit, so its query sees this row (a worker's clock
    may run up to delay/2 ahead). A failed publish is not remembered, so the next commit tries again,
    and the periodic sweep still finds whatever no batch took. In eager mode (tests, `make run`
    without a worker) the task runs at once, every time."""
    from django.conf import settings

    def publish() -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            enqueue(task)
            return
        now = time.monotonic()
        with _batch_lock:
            if now - _batch_published.get(task.name, -delay) < delay / 2:
                return
            _batch_published[task.name] = now
        try:
            task.apply_async(countdown=delay, retry=False, ignore_result=True)
        except Exception as exc:  # noqa: BLE001 - as enqueue: logged, left to the sweep
            with _batch_lock:
                _batch_published.pop(task.name, None)
            log.warning("Could not publish %s; the periodic sweep will pick its work up: %s: %s", task.name, type(exc).__name__, exc)

    transaction.on_commit(publish)
