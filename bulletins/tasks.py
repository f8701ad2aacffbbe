from celery import shared_task
from django.db import OperationalError

_RETRY_BASE_SECONDS = 30
_RETRY_MAX_SECONDS = 1800


@shared_task(bind=True, acks_late=True, max_retries=3)
def bulletin_compile_task(self, week: str | None = None) -> str:
    """Compile last week's bulletin (or `week`, '2026-W47'). Recompiling a draft is harmless, so
    this is acked late and retried."""
    from bulletins.services import bulletin_compile, last_week_monday
    from config.dates import parse_iso_week

    monday = parse_iso_week(week) if week else last_week_monday()
    try:
        return bulletin_compile(monday=monday).week_label
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=_RETRY_BASE_SECONDS) from exc


@shared_task(bind=True, acks_late=True, max_retries=3)
def bulletin_send_task(self, week: str | None = None) -> int:
    """Send last week's bulletin (compiling it first if the 07:00 run did not). Safe to run twice:
    deliveries are unique per address and each is claimed before it is sent."""
    from bulletins.models import WeeklyBulletin
    from bulletins.services import bulletin_compile, bulletin_send, last_week_monday
    from config.dates import parse_iso_week

    monday = parse_iso_week(week) if week else last_week_monday()
    try:
        bulletin = WeeklyBulletin.objects.filter(week_start=monday).exclude(figures={}).first() or bulletin_compile(monday=monday)
        return bulletin_send(bulletin=bulletin)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=_RETRY_BASE_SECONDS) from exc


@shared_task(bind=True, max_retries=8)
def bulletin_deliver_task(self, delivery_id: int) -> bool:
    """Send one bulletin email. Exactly once per delivery: the service claims the row before
    sending; a failure puts it back to pending and this task retries with exponential back-off."""
    from bulletins.services import DeliveryRetry, bulletin_deliver

    try:
        return bulletin_deliver(delivery_id=delivery_id)
    except (DeliveryRetry, OperationalError) as exc:
        countdown = min(_RETRY_MAX_SECONDS, _RETRY_BASE_SECONDS * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task
def bulletin_deliveries_sweep_task() -> int:
    """Re-enqueue deliveries left pending (broker was down) or claimed by a worker that died."""
    from bulletins.services import bulletin_deliveries_sweep

    from config.queue import enqueue

    ids = bulletin_deliveries_sweep()
    return sum(enqueue(bulletin_deliver_task, delivery_id=pk) for pk in ids)
