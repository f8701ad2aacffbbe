"""Faults are tests too (STYLE.md): with Redis at a port where nothing listens, pages and the API
keep working and a tip answers 201 at once, its notice left pending for the sweep; with SMTP down,
notices stay pending with an attempt counted and go out exactly once when the server is back."""
import datetime
import logging
import time
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from config.cache import FallbackRedisCache
from disputes.models import Dispute, Tip
from disputes.tasks import disputes_flag_overdue_task, disputes_send_pending_notices_task
from tests import factories as f
from training.models import TrainingRoster
from training.tasks import roster_notifications_sweep_task

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens, connections are refused at once


@pytest.fixture
def redis_down(settings):
    """Cache, Celery broker and result backend all pointed at a dead Redis; tasks really published."""
    from config.celery import app

    settings.CACHES = {"default": {"BACKEND": "config.cache.FallbackRedisCache", "LOCATION": "redis://127.0.0.1:1/1"}}
    keys = ("broker_url", "result_backend", "task_always_eager", "broker_connection_timeout")
    saved = {k: app.conf[k] for k in keys}

    def reset_pools():  # the next publish builds its pools from the conf again (kombu keeps the old ones by URL)
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.update(broker_url=DEAD_REDIS, result_backend=DEAD_REDIS, task_always_eager=False, broker_connection_timeout=1.0)
    yield
    app.conf.update(saved)
    reset_pools()


@pytest.fixture
def staffed_point(township):
    officer = f.OfficerFactory(user__email="duty@county.example")
    return f.LiaisonPointFactory(township=township, responsible_officer=officer, inbox_emails="team@county.example",
                                 latitude="32.270000", longitude="111.600000")


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "tests.test_faults.RefusingBackend"


class RefusingBackend:
    """An email backend whose server refuses every connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def _age(model, pk, minutes=10):
    model.objects.filter(pk=pk).update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


# --- Redis down ----------------------------------------------------------------------------------

def test_cache_falls_back_to_local_memory_and_logs_once(redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="config.cache")
    assert isinstance(caches["default"], FallbackRedisCache)
    started = time.monotonic()
    cache.set("a", 1)
    assert cache.get("a") == 1
    assert cache.incr("a") == 2
    assert cache.get_or_set("b", "x") == "x"
    assert time.monotonic() - started < 2
    assert sum("unreachable" in r.getMessage() for r in caplog.records) == 1


def test_cache_retries_redis_after_the_fallback_period(settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "config.cache.FallbackRedisCache", "LOCATION": "redis://127.0.0.1:1/2",
                                   "OPTIONS": {"FALLBACK_SECONDS": 0}}}
    backend = caches["default"]
    with mock.patch.object(FallbackRedisCache.__mro__[1], "get", side_effect=[ConnectionError("down"), "from redis"]) as redis_get:
        assert backend.get("k") is None        # Redis refused: answered from local memory
        assert backend.get("k") == "from redis"  # fallback period over: Redis asked again, and it is back
    assert redis_get.call_count == 2


def test_api_throttle_keeps_counting_with_redis_down(redis_down, guard):
    from rest_framework.test import APIRequestFactory
    from rest_framework.throttling import UserRateThrottle
    from rest_framework.views import APIView

    class TwoPerMinute(UserRateThrottle):
        rate = "2/minute"

    request = APIView().initialize_request(APIRequestFactory().get("/api/v1/tips/"))
    request.user = guard.user
    assert [TwoPerMinute().allow_request(request, None) for _ in range(3)] == [True, True, False]


def test_tip_answers_201_at_once_with_redis_down_and_is_followed_up_once_when_it_returns(redis_down, staffed_point, guard):
    # given Redis is down (cache, broker, results) and a guard on the API
    api = APIClient()
    api.force_login(guard.user)
    assert api.get("/api/v1/tips/").status_code == 200  # reads work (and the URLconf is loaded before timing)
    # when the guard reports a tip
    started = time.monotonic()
    response = api.post("/api/v1/tips/", {"kind": "hazard", "text": "Loose cable", "place": "Bridge Rd",
                                          "latitude": "32.270000", "longitude": "111.600000"},
                        format="json", HTTP_IDEMPOTENCY_KEY="tip-while-redis-down")
    elapsed = time.monotonic() - started
    # then success at once, the tip saved, its notice recorded pending
    assert response.status_code == 201, response.content
    assert elapsed < 2, f"took {elapsed:.1f}s"
    tip = Tip.objects.get(pk=response.json()["id"])
    assert tip.notified_at is None and tip.notice_claimed_at is None and mail.outbox == []
    # and the pages keep working too (the dashboard reads the cache)
    officer_page = Client()
    officer_page.force_login(staffed_point.responsible_officer.user)
    assert officer_page.get("/dashboard/").status_code == 200


def test_sweep_sends_what_redis_held_back_exactly_once(redis_down, staffed_point, guard, django_capture_on_commit_callbacks):
    from disputes.services import tip_report

    with django_capture_on_commit_callbacks(execute=True):
        tip = tip_report(by=guard.user, kind="case_lead", text="Two men checking car doors", place="Car park",
                         latitude=staffed_point.latitude, longitude=staffed_point.longitude)
    assert Tip.objects.get(pk=tip.pk).notified_at is None
    # when the broker is back, beat runs the sweep (called directly here), twice
    _age(Tip, tip.pk)
    assert disputes_send_pending_notices_task() == 1
    assert disputes_send_pending_notices_task() == 0
    # then the inbox heard of it exactly once
    assert len(mail.outbox) == 1
    assert Tip.objects.get(pk=tip.pk).notified_at is not None


# --- SMTP down -----------------------------------------------------------------------------------

def test_dispute_notice_stays_pending_while_smtp_is_down_then_goes_out_once(
    settings, smtp_down, staffed_point, officer, django_capture_on_commit_callbacks
):
    # given SMTP refuses connections, an officer records a dispute from the page
    c = Client()
    c.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/disputes/new/", {"category": "labour", "title": "Wages", "place": "Site", "latitude": "32.27",
                                             "longitude": "111.6", "reported_by_kind": "resident", "reporter_name": "周九",
                                             **f.party_rows("周九")})
    # then the officer sees success and the notice is pending, one attempt counted, a retry scheduled
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.notified_at is None and dispute.notice_claimed_at is None
    assert dispute.notice_attempts == 1 and dispute.notice_next_attempt_at > timezone.now()
    # a sweep before the back-off is over does not try again
    _age(Dispute, dispute.pk)
    assert disputes_send_pending_notices_task() == 0
    assert Dispute.objects.get(pk=dispute.pk).notice_attempts == 1
    # while still down, a due retry fails again and backs off further
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert disputes_send_pending_notices_task() == 0
    dispute.refresh_from_db()
    assert dispute.notice_attempts == 2 and dispute.notified_at is None
    # when SMTP is back and the back-off is over, the sweep sends it exactly once
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert disputes_send_pending_notices_task() == 1
        assert disputes_send_pending_notices_task() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["duty@county.example", "team@county.example"]
    dispute.refresh_from_db()
    assert dispute.notified_at is not None and dispute.notice_claimed_at is None


def test_overdue_notice_is_not_marked_sent_before_it_is(settings, smtp_down, staffed_point):
    late = f.DisputeFactory(liaison_point=staffed_point, reported_at=timezone.now() - datetime.timedelta(days=2))
    assert disputes_flag_overdue_task() == 0
    late.refresh_from_db()
    assert late.overdue_notified_at is None and late.overdue_attempts == 1
    assert not late.events.filter(kind="overdue").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert disputes_flag_overdue_task() == 1
        assert disputes_flag_overdue_task() == 0
    assert len(mail.outbox) == 1 and late.events.filter(kind="overdue").count() == 1


def test_a_dead_workers_lease_expires_and_the_sweep_sends(staffed_point, settings):
    # given a worker claimed the notice and died before sending
    tip = f.TipFactory(liaison_point=staffed_point)
    Tip.objects.filter(pk=tip.pk).update(notice_claimed_at=timezone.now(), created_at=timezone.now() - datetime.timedelta(minutes=10))
    # then the live lease keeps others off, and once it expired the sweep sends
    assert disputes_send_pending_notices_task() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.NOTICE_LEASE_SECONDS + 1)):
        assert disputes_send_pending_notices_task() == 1
    assert len(mail.outbox) == 1


def test_roster_notice_is_retried_until_sent(settings, smtp_down, company, manager):
    from training.services import roster_notify_managers

    manager.email = "boss@company.example"
    manager.save()
    roster = TrainingRoster.objects.create(company=company, quarter="2027Q1")
    assert roster_notify_managers(roster_id=roster.pk) == 0
    roster.refresh_from_db()
    assert roster.manager_notified_at is None and roster.manager_notice_attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert roster_notifications_sweep_task() == 0  # backing off
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert roster_notifications_sweep_task() == 1
        assert roster_notifications_sweep_task() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["boss@company.example"]
