from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, max_retries=5, acks_late=True)
def plans_generate_task(self, weeks: int = 4) -> int:
    """Extend every active recurring plan `weeks` ahead. Safe to run twice (only missing slots are
    created), so it is acked late and retried on database hiccups. Returns patrols created."""
    from patrol.models import RecurringPlan
    from patrol.services import plan_generate

    created = 0
    try:
        for plan in RecurringPlan.objects.filter(active=True).select_related("liaison_point"):
            created += len(plan_generate(plan=plan, weeks=weeks).created)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    return created
