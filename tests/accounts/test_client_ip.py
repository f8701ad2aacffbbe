"""The client IP comes from REMOTE_ADDR unless TRUSTED_PROXY_COUNT says proxies append to
X-Forwarded-For: a client's own header changes neither the throttle nor the lockout nor the audit log."""
import uuid

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.client_ip import client_ip
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def _random_ip() -> str:
    b = uuid.uuid4().bytes
    return f"{b[0]}.{b[1]}.{b[2]}.{b[3] or 1}"


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.5"


def test_with_one_trusted_proxy_the_address_it_appended_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # the client forged "6.6.6.6"; the proxy appended the real peer "203.0.113.7"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_token_throttle_is_not_bypassed_with_a_random_forwarded_for(monkeypatch, officer):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/minute"})
    codes = [
        APIClient().post(
            "/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json", HTTP_X_FORWARDED_FOR=_random_ip()
        ).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_throttles_and_client_ip_agree_behind_a_proxy(monkeypatch, settings, officer):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "2/minute"})
    post = lambda ip: APIClient().post(  # noqa: E731
        "/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json", HTTP_X_FORWARDED_FOR=f"9.9.9.9, {ip}"
    ).status_code
    assert [post("203.0.113.7"), post("203.0.113.7"), post("203.0.113.7"), post("203.0.113.8")] == [400, 400, 429, 400]


def test_audit_log_records_remote_addr_not_a_forged_header(client_for, officer):
    client_for(None).post(
        "/accounts/login/", {"username": "officer", "password": "wrong"}, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6"
    )
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_FAILED).ip == "10.1.2.3"
