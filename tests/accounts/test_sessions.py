"""Session policy: signed out after SESSION_IDLE_MINUTES idle and SESSION_MAX_HOURS after sign-in."""
import datetime

import pytest
import time_machine

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.timezone.utc)


def test_idle_session_ends_after_thirty_minutes(client_for, officer):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(officer)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/dashboard/").status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # active 29 minutes ago: still in
        assert client.get("/dashboard/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/dashboard/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert client.get("/dashboard/").status_code == 302
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SESSION_EXPIRED)
    assert event.user == officer and event.detail == {"reason": "idle"}


def test_busy_session_ends_after_its_absolute_lifetime(client_for, officer, settings):
    settings.SESSION_COOKIE_AGE = 48 * 3600  # the middleware's limit, not the cookie's, is under test
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(officer)
        for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get("/dashboard/").status_code == 200
        clock.shift(datetime.timedelta(minutes=10))
        assert client.get("/dashboard/").status_code == 302
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.SESSION_EXPIRED).detail == {"reason": "lifetime"}


def test_api_session_requests_follow_the_same_policy(client_for, officer):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(officer)
        assert client.get("/api/v1/townships/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        assert client.get("/api/v1/townships/").status_code == 401


def test_cookie_lasts_no_longer_than_the_absolute_lifetime(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_HOURS * 3600 == 12 * 3600
