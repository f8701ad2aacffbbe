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


