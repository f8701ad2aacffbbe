"""A real Celery worker for tests marked `services` (run by .ci/run with REAL_SERVICES=1).

`celery_worker_process` (session) starts `celery -A config worker --pool=solo` once, pointed at the
same Redis as the test process and at pytest-django's *test* database (test_<name>), and stops it
before the test database is dropped. `celery_worker` (per test) hands it out and makes sure the
broker's routing table is in place (the autouse cache.clear() flushes the Redis database that the
broker shares with the cache).

Tests that use it must commit their data so the worker sees it:
`@pytest.mark.django_db(transaction=True)` (or the `transactional_db` fixture).

    @pytest.mark.services
    @pytest.mark.django_db(transaction=True)
    def test_something_in_the_worker(celery_worker):
        assert some_task.delay(...).get(timeout=60) == ...
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20


def _database_url(db: dict) -> str:
    """A DATABASE_URL for the settings dict of the (already created) test database."""
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"


def _celery_command() -> list[str]:
    script = Path(sys.executable).with_name("celery")  # the venv that runs pytest
    base = [str(script)] if script.exists() else [sys.executable, "-m", "celery"]
    return base + [
        "-A", "config", "worker",
        "--pool=solo", "--concurrency=1", "-l", "info",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"pytest-{os.getpid()}@%h",
    ]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no worker log)"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """The running worker subprocess (session-wide). Fails loudly if the services are not set up."""
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.fail("A real Celery worker needs REDIS_URL (e.g. redis://127.0.0.1:6379/0).")
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        pytest.fail(
            "A real Celery worker needs a database it can share with the tests: set DATABASE_URL to "
            "PostgreSQL (SQLite's test database lives in this process's memory)."
        )

    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(db),  # pytest-django's test_<name> database
        "REDIS_URL": settings.REDIS_URL,
        "DB_CONN_MAX_AGE": "0",  # no idle connection may outlive a task: the test DB is dropped at the end
        "PYTHONUNBUFFERED": "1",
    }
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        _celery_command(), cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while b" ready." not in log_path.read_bytes():
            if proc.poll() is not None:
                pytest.fail(f"The Celery worker exited with {proc.returncode}:\n{_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"The Celery worker was not ready within {READY_TIMEOUT_S}s:\n{_tail(log_path)}")
            time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, close connections
            try:
                proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


@pytest.fixture
def celery_worker(celery_worker_process):
    """The session's worker, with the default queue's routing re-declared for this test."""
    from config.celery import app

    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in app.amqp.queues.values():
            queue.bind(channel).declare()
    if celery_worker_process.poll() is not None:
        pytest.fail(f"The Celery worker has died (exit {celery_worker_process.returncode}).")
    return celery_worker_process
