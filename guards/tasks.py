"""Celery tasks of the guards app: thin wrappers that deliver work to a service (see STYLE.md)."""
from celery import shared_task
from django.db import OperationalError

_RETRY_BASE_SECONDS = 5
_RETRY_MAX_SECONDS = 300


@shared_task(bind=True, acks_late=True, max_retries=5)
def guards_reattach_task(self) -> int:
    """Recompute nearest-point attachments (guards.services.guards_reattach); returns how many
    guards changed. Idempotent (a second run changes nothing), so safe to run twice and ack late.
    A lost or locked database connection is retried with exponential back-off."""
    from guards.services import guards_reattach

    try:
        return guards_reattach()
    except OperationalError as exc:
        countdown = min(_RETRY_MAX_SECONDS, _RETRY_BASE_SECONDS * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from exc


def _retry(task, exc):
    countdown = min(_RETRY_MAX_SECONDS, _RETRY_BASE_SECONDS * 2**task.request.retries)
    return task.retry(exc=exc, countdown=countdown)


@shared_task(bind=True, max_retries=5)
def roster_notify_managers_task(self, roster_id: int) -> int:
    """Email a roster's managers that it awaits them. At most once per hand-over (the service
    claims a marker before sending), so not acked late."""
    from guards.services.lifecycle import roster_notify_managers

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
    from guards.services import rosters_compile

    try:
        return len(rosters_compile(quarter=quarter or quarter_of(timezone.localdate())))
    except OperationalError as exc:
        raise _retry(self, exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=5)
def payout_compute_task(self, month: str | None = None) -> str:
    """Compute last month's payout (or `month`, 'YYYY-MM') for officer approval. Recomputing a
    draft gives the same lines; an approved payout is left alone."""
    import datetime

    from django.utils import timezone

    from config.exceptions import DomainError
    from guards.services import payout_compute

    if month:
        first = datetime.date.fromisoformat(f"{month}-01")
    else:
        first = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    try:
        run = payout_compute(month=first)
    except DomainError:
        return f"{first:%Y-%m} already approved"
    except OperationalError as exc:
        raise _retry(self, exc) from exc
    return f"{run.month:%Y-%m}: {run.total_amount} yuan"


@shared_task
def roster_notifications_sweep_task() -> int:
    """Send the notifications that could not be enqueued while the broker was down."""
    from guards.models import TrainingRoster
    from guards.services.lifecycle import roster_notify_managers

    pending = TrainingRoster.objects.filter(manager_notified_at__isnull=True, status__in=["draft", "returned"]).values_list("pk", flat=True)[:200]
    return sum(roster_notify_managers(roster_id=pk) for pk in pending)
