"""Celery tasks of training: thin wrappers that deliver work to a service (see STYLE.md)."""
from celery import shared_task
from django.db import OperationalError

_RETRY_BASE_SECONDS = 5


_RETRY_MAX_SECONDS = 300


def _retry(task, exc):
    countdown = min(_RETRY_MAX_SECONDS, _RETRY_BASE_SECONDS * 2**task.request.retries)
    return task.retry(exc=exc, countdown=countdown)


@shared_task(bind=True, acks_late=True, max_retries=5)
def roster_notify_managers_task(self, roster_id: int) -> int:
    """Email a roster's managers that it awaits them. At least once, normally exactly once per
    hand-over: the service sends under a lease and marks the roster notified only after the send,
    so a doubled task sends nothing more (safe to ack late); a failed send is recorded with back-off
    and retried by roster_notifications_sweep_task."""
    from training.services import roster_notify_managers

    try:
        return roster_notify_managers(roster_id=roster_id)
    except OperationalError as exc:
        raise _retry(self, exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=5)
def rosters_compile_task(self, quarter: str | None = None) -> int:
    """Compile every company's roster for `quarter` (default: the current one). Idempotent: only
    unplaced guards are added and approved rosters are left alone. Returns rosters touched."""
    from django.utils import timezone

    from config.dates import quarter_of
    from training.services import rosters_compile

    try:
        return len(rosters_compile(quarter=quarter or quarter_of(timezone.localdate())))
    except OperationalError as exc:
        raise _retry(self, exc) from exc


@shared_task
def roster_notifications_sweep_task() -> int:
    """Beat: send the managers' notices still pending — never enqueued (broker down), failed and
    past their back-off (SMTP down), or whose lease expired (worker died). Each is claimed first, so
    two sweeps at once send nothing twice. Returns the number of messages sent."""
    from training.services import roster_notices_pending, roster_notify_managers

    return sum(roster_notify_managers(roster_id=pk) for pk in roster_notices_pending())
