"""The weekly bulletin on the real services: PostgreSQL, Redis, a Celery worker in its own process,
and an SMTP server. Beat-free: the test calls the send task the way beat would, the worker compiles
the week, queues one delivery per recipient and sends each through SMTP to a local sink (aiosmtpd)
started here, and the message is read back. Skipped unless REAL_SERVICES=1 (see tests/conftest.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
    REAL_SERVICES=1 .venv/bin/python -m pytest tests/bulletins/test_real_smtp.py

The worker is this test's own (the session worker of tests/celery_worker.py has no EMAIL_URL): it
gets EMAIL_URL=smtp://127.0.0.1:<port>. If the session worker is running too, it is told to stop
consuming the default queue while this test runs, so every bulletin task lands in this worker."""
import email
import email.policy
import os
import signal
import socket
import subprocess
import time

import pytest

from bulletins.models import BulletinDelivery, BulletinRecipient, WeeklyBulletin
from tests import factories as f
from tests.celery_worker import BASE_DIR, READY_TIMEOUT_S, STOP_TIMEOUT_S, _celery_command, _database_url, _tail

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WEEK = "2026-W47"
QUEUE = "celery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink():
    """An SMTP server on 127.0.0.1 that keeps every message it receives (as bytes)."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages: list[bytes] = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope.original_content or envelope.content)
            return "250 Message accepted for delivery"

    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller.port, handler.messages
    finally:
        controller.stop()


@pytest.fixture
def smtp_worker(transactional_db, smtp_sink, tmp_path):
    """A Celery worker process with EMAIL_URL pointing at the sink, on the test database."""
    from django.conf import settings

    from config.celery import app

    if not settings.REDIS_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.fail("This test needs REDIS_URL and a PostgreSQL DATABASE_URL (see the module docstring).")
    port, _messages = smtp_sink
    node = f"bulletin-smtp-{os.getpid()}"
    command = [arg if not arg.startswith("pytest-") else f"{node}@%h" for arg in _celery_command()]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(settings.DATABASES["default"]),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    with app.connection_for_write() as conn:  # the autouse cache.clear() flushed the broker's routing
        for queue in app.amqp.queues.values():
            queue.bind(conn.default_channel).declare()
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    paused = []
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while b" ready." not in log_path.read_bytes():
            if proc.poll() is not None:
                pytest.fail(f"The Celery worker exited with {proc.returncode}:\n{_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"The Celery worker was not ready within {READY_TIMEOUT_S}s:\n{_tail(log_path)}")
            time.sleep(0.2)
        # Any other worker (the session's, without EMAIL_URL) stops taking tasks while this test runs.
        others = [name for reply in app.control.ping(timeout=1.0) for name in reply if not name.startswith(node)]
        if others:
            app.control.cancel_consumer(QUEUE, destination=others, reply=True, timeout=5.0)
            paused = others
        yield proc
    finally:
        if paused:
            app.control.add_consumer(QUEUE, destination=paused, reply=True, timeout=5.0)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def test_worker_compiles_and_sends_the_bulletin_over_smtp_once(settings, smtp_sink, smtp_worker):
    from bulletins.tasks import bulletin_send_task

    # given a county with a company, and two recipients: the office (full copy) and a manager
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    _port, messages = smtp_sink
    township = f.TownshipFactory(code="T1", name="城关镇")
    f.LiaisonPointFactory(township=township, code="P1", name="城关联勤点")
    red, blue = f.SecurityCompanyFactory(name="红盾保安"), f.SecurityCompanyFactory(name="蓝盾保安")
    f.GuardFactory(company=red), f.GuardFactory(company=blue)
    BulletinRecipient.objects.create(name="Office", email="office@gucheng.example", kind="station", language="en")
    BulletinRecipient.objects.create(name="Red manager", email="red@gucheng.example", kind="manager", company=red)

    # when the send task runs in the worker (it compiles the week first) — twice, as a retried beat run
    assert bulletin_send_task.delay(WEEK).get(timeout=60) == 2
    deadline = time.monotonic() + 60
    while BulletinDelivery.objects.exclude(status="sent").exists() or BulletinDelivery.objects.count() < 2:
        assert time.monotonic() < deadline, list(BulletinDelivery.objects.values("email", "status", "attempts", "last_error"))
        time.sleep(0.3)
    assert bulletin_send_task.delay(WEEK).get(timeout=60) == 0
    time.sleep(1.0)  # anything wrongly queued a second time would arrive now

    # then each recipient got one message, with the week in the subject and HTML and text parts
    assert WeeklyBulletin.objects.get().status == "sent"
    assert len(messages) == 2
    parsed = {m["To"]: m for m in (email.message_from_bytes(raw, policy=email.policy.default) for raw in messages)}
    assert set(parsed) == {"office@gucheng.example", "red@gucheng.example"}
    office, red_copy = parsed["office@gucheng.example"], parsed["red@gucheng.example"]
    assert WEEK in office["Subject"] and WEEK in red_copy["Subject"]
    assert str(office["Subject"]).strip().startswith("Joint patrol weekly bulletin")  # the recipient's language (en)
    assert office["Message-ID"].startswith("<bulletin-")
    text = office.get_body(preferencelist=("plain",)).get_content()
    html = office.get_body(preferencelist=("html",)).get_content()
    assert office.get_content_type() == "multipart/alternative"
    assert "Preventable cases" in text and "<table" in html and "蓝盾保安" in html
    red_html = red_copy.get_body(preferencelist=("html",)).get_content()
    assert "红盾保安" in red_html and "蓝盾保安" not in red_html  # the manager's copy
