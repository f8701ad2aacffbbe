"""Celery tasks of the points ledger: thin wrappers that deliver work to a service (see STYLE.md)."""
from celery import shared_task
from django.db import OperationalError

_RETRY_BASE_SECONDS = 5


_RETRY_MAX_SECONDS = 300


def _retry(task, exc):
    countdown = min(_RETRY_MAX_SECONDS, _RETRY_BASE_SECONDS * 2**task.request.retries)
    return task.retry(exc=exc, countdown=countdown)


@shared_task(bind=True, acks_late=True, max_retries=5)
def payout_compute_task(self, month: str | None = None) -> str:
    """Compute last month's payout (or `month`, 'YYYY-MM') for officer approval. Recomputing a
    draft gives the same lines; an approved payout is left alone."""
    import datetime

    from django.utils import timezone

    from config.exceptions import DomainError
    from rewards.services import payout_compute

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
