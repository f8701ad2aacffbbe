"""Per-account lockout (django-axes): LOGIN_FAILURE_LIMIT failures lock the account for
LOGIN_COOLOFF_MINUTES on the sign-in page, the admin and the token endpoint; an officer or an admin
unlocks it sooner."""
import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.timezone.utc)
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def _fail_page(client, username="officer", times=5):
    return [client.post(LOGIN, {"username": username, "password": "wrong-password"}) for _ in range(times)]


def _fail_token(username="officer", times=5):
    return [APIClient().post(TOKEN, {"username": username, "password": "wrong-password"}, format="json") for _ in range(times)]


def test_login_page_locks_the_account_after_five_failures_and_refuses_the_right_password(client_for, officer):
    with time_machine.travel(START, tick=False):
        client = client_for(None)
        # given four failures: still the normal form error
        responses = _fail_page(client, times=4)
        assert [r.status_code for r in responses] == [200] * 4
        # when the fifth fails
        fifth = _fail_page(client, times=1)[0]
        # then the account is locked, with a clear message
        assert fifth.status_code == 429
        assert "locked for 30 minutes" in fifth.content.decode()
        # and the right password is refused too, from another client
        right = client_for(None).post(LOGIN, {"username": "officer", "password": PASSWORD})
        assert right.status_code == 429
        assert "_auth_user_id" not in right.wsgi_request.session


def test_lockout_is_per_account_not_per_address(client_for, officer, manager):
    with time_machine.travel(START, tick=False):
        _fail_page(client_for(None), username="officer")
        # the same address signs another account in
        response = client_for(None).post(LOGIN, {"username": "manager_a", "password": PASSWORD})
        assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(client_for, officer):
    with time_machine.travel(START, tick=False) as clock:
        _fail_page(client_for(None))
        clock.shift(datetime.timedelta(minutes=29))
        assert client_for(None).post(LOGIN, {"username": "officer", "password": PASSWORD}).status_code == 429
        clock.shift(datetime.timedelta(minutes=2))
        response = client_for(None).post(LOGIN, {"username": "officer", "password": PASSWORD})
        assert response.status_code == 302


def test_failures_during_the_lockout_do_not_extend_it(client_for, officer):
    with time_machine.travel(START, tick=False) as clock:
        _fail_page(client_for(None))
        clock.shift(datetime.timedelta(minutes=20))
        _fail_page(client_for(None), times=3)
        clock.shift(datetime.timedelta(minutes=11))
        assert client_for(None).post(LOGIN, {"username": "officer", "password": PASSWORD}).status_code == 302


def test_success_resets_the_failure_count(client_for, officer):
    with time_machine.travel(START, tick=False):
        _fail_page(client_for(None), times=4)
        assert client_for(None).post(LOGIN, {"username": "officer", "password": PASSWORD}).status_code == 302
        assert [r.status_code for r in _fail_page(client_for(None), times=4)] == [200] * 4


def test_token_endpoint_locks_with_a_json_429(officer):
    with time_machine.travel(START, tick=False):
        responses = _fail_token()
        assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]
        locked = APIClient().post(TOKEN, {"username": "officer", "password": PASSWORD}, format="json")
        assert locked.status_code == 429
        assert "locked" in locked.json()["detail"] and "token" not in locked.json()
        assert locked["Retry-After"] == "1800"


def test_page_failures_lock_the_token_endpoint_too(client_for, officer):
    with time_machine.travel(START, tick=False):
        _fail_page(client_for(None))
        assert APIClient().post(TOKEN, {"username": "officer", "password": PASSWORD}, format="json").status_code == 429


def test_admin_login_is_locked_too(client_for, db):
    f.UserFactory(username="root", is_staff=True, is_superuser=True)
    with time_machine.travel(START, tick=False):
        client = client_for(None)
        for _ in range(5):
            response = client.post("/admin/login/", {"username": "root", "password": "wrong-password"})
        assert response.status_code == 429
        assert client_for(None).post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 429


def test_lockout_is_audited(client_for, officer):
    with time_machine.travel(START, tick=False):
        _fail_page(client_for(None))
    kinds = list(AuditEvent.objects.filter(username="officer").values_list("kind", flat=True))
    assert kinds.count(AuditEvent.Kind.LOGIN_FAILED) == 5
    assert kinds.count(AuditEvent.Kind.LOCKED_OUT) == 1


# --- unlock ---------------------------------------------------------------------------------------


def test_officer_sees_the_locked_account_and_unlocks_it(client_for, officer, manager):
    with time_machine.travel(START, tick=False):
        _fail_page(client_for(None), username="manager_a")
        desk = client_for(officer)
        page = desk.get("/accounts/lockouts/")
        assert page.status_code == 200 and "manager_a" in page.content.decode()
        # when
        response = desk.post("/accounts/lockouts/unlock/", {"username": "manager_a"})
        # then
        assert response.status_code == 302
        assert not AccessAttempt.objects.filter(username="manager_a").exists()
        assert client_for(None).post(LOGIN, {"username": "manager_a", "password": PASSWORD}).status_code == 302
        assert AuditEvent.objects.filter(kind=AuditEvent.Kind.UNLOCKED, user=officer, detail__account="manager_a").exists()
        assert "manager_a can sign in again." in desk.get("/accounts/lockouts/").content.decode()
        assert 'value="manager_a"' not in desk.get("/accounts/lockouts/").content.decode()


@pytest.mark.parametrize("who", ["manager", "guard_user"])
def test_unlock_is_for_officers_only(client_for, manager, guard, officer, who):
    user = manager if who == "manager" else guard.user
    with time_machine.travel(START, tick=False):
        _fail_page(client_for(None), username="officer")
        client = client_for(user)
        assert client.get("/accounts/lockouts/").status_code == 403
        assert client.post("/accounts/lockouts/unlock/", {"username": "officer"}).status_code == 403
    assert AccessAttempt.objects.filter(username="officer").exists()


def test_admin_unlocks_by_deleting_the_attempt(client_for, officer, db):
    admin = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    with time_machine.travel(START, tick=False):
        _fail_page(client_for(None))
        attempt = AccessAttempt.objects.get(username="officer")
        client = client_for(admin)
        assert client.get("/admin/axes/accessattempt/").status_code == 200
        response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert client_for(None).post(LOGIN, {"username": "officer", "password": PASSWORD}).status_code == 302
