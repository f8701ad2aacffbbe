from django.conf import settings

from config.celery import app


def test_every_periodic_job_names_a_registered_task():
    app.loader.import_default_modules()
    missing = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] not in app.tasks]
    assert missing == []
    assert {"bulletins.tasks.bulletin_compile_task", "bulletins.tasks.bulletin_send_task", "training.tasks.rosters_compile_task"} <= {
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }
