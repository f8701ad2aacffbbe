"""Celery tasks of accounts: thin wrappers that call a service (see STYLE.md)."""
from celery import shared_task


@shared_task
def idempotency_keys_expire_task() -> int:
    """Beat, hourly: forget idempotency keys past IDEMPOTENCY_KEY_TTL_HOURS. Safe to run twice."""
    from accounts.idempotency import idempotency_keys_expire

    return idempotency_keys_expire()


@shared_task(bind=True, acks_late=True, max_retries=3)
def audit_purge_task(self) -> int:
    """Beat, nightly: delete audit events older than AUDIT_RETENTION_DAYS in bounded batches; when a
    run hits its cap, enqueue another. Safe to run twice (deleting what is gone is a no-op)."""
    from django.conf import settings
    from django.db import OperationalError

    from accounts.services import audit_purge

    batch_size, max_batches = 5000, 20
    try:
        deleted = audit_purge(older_than_days=settings.AUDIT_RETENTION_DAYS, batch_size=batch_size, max_batches=max_batches)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries)
    if deleted >= batch_size * max_batches and not self.request.is_eager:
        audit_purge_task.apply_async(countdown=60)
    return deleted
