import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, acks_late=True)
def plans_generate_task(self, weeks: int = 4) -> int:
    """Extend every active recurring plan `weeks` ahead. Safe to run twice (only missing slots are
    created), so it is acked late and retried on database hiccups. Returns patrols created."""
    from patrol.models import RecurringPlan
    from patrol.services import plan_generate

    created = 0
    try:
        for plan in RecurringPlan.objects.filter(active=True).select_related("liaison_point"):
            try:
                created += len(plan_generate(plan=plan, weeks=weeks).created)
            except OperationalError:
                raise
            except Exception:  # one bad plan (a date past the calendar's end...) never stops the others
                logger.exception("Recurring plan %s could not be extended; the other plans go on.", plan.pk)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    return created


@shared_task(bind=True, max_retries=5, acks_late=True)
def patrols_close_overdue_task(self) -> dict:
    """Finish (or flag) patrols past their end plus the grace and mark those never started missed.
    Safe to run twice: each patrol is a locked compare-and-set and points are awarded once per
    source, so it is acked late and retried on database hiccups. Returns the counts."""
    from patrol.services import patrols_close_overdue

    try:
        closed = patrols_close_overdue()
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    return {"finished": len(closed.finished), "flagged": len(closed.flagged), "missed": len(closed.missed)}
