"""Against the real services: PostgreSQL, Redis and a Celery worker in its own process.
Skipped unless REAL_SERVICES=1 (.ci/run's second pass sets it, with DATABASE_URL and REDIS_URL)."""
import pytest
from django.db import connection

from guards.models import Guard
from guards.tasks import guards_reattach_task
from tests import factories as f

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_settings_use_the_real_services_when_redis_url_is_set(settings):
    from config.celery import app

    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")
    assert connection.vendor == "postgresql"


def test_guards_reattach_task_runs_in_the_worker_when_a_nearer_point_opened(settings, celery_worker):
    # given guards attached to a far point, and a point opened beside their posts afterwards
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    township = f.TownshipFactory()
    company = f.SecurityCompanyFactory()
    far = f.LiaisonPointFactory(township=township, code="FAR", latitude="31.000000", longitude="110.000000")
    guards = f.GuardFactory.create_batch(3, company=company, liaison_point=far)
    near = f.LiaisonPointFactory(township=township, code="NEAR", latitude="32.270000", longitude="111.600000")

    # when the task runs in the worker process
    result = guards_reattach_task.delay()
    changed = result.get(timeout=60)

    # then the worker wrote the new attachment into the same (test) database
    assert changed == 3
    assert result.successful()
    assert set(Guard.objects.filter(pk__in=[g.pk for g in guards]).values_list("liaison_point_id", flat=True)) == {near.pk}
    # and a second run finds nothing left to change
    assert guards_reattach_task.delay().get(timeout=60) == 0
