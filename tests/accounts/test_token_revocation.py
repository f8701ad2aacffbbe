"""API tokens expire and are revoked: on a password change, on deactivation (and reactivation), and
when the guard they belong to is suspended or removed. Anonymous calls get 401 with WWW-Authenticate."""
import datetime

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import user_set_active
from guards.models import Guard
from guards.services import guard_remove, guard_update

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.timezone.utc)


def _token_client(username: str) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_anonymous_call_is_401_with_www_authenticate(db):
    response = APIClient().get("/api/v1/townships/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_expires_after_the_ttl_and_a_new_sign_in_gives_a_new_one(officer, settings):
    settings.API_TOKEN_TTL_HOURS = 24
    with time_machine.travel(START, tick=False) as clock:
        client = _token_client("officer")
        old = Token.objects.get(user=officer).key
        clock.shift(datetime.timedelta(hours=23, minutes=59))
        assert client.get("/api/v1/townships/").status_code == 200
        clock.shift(datetime.timedelta(minutes=2))
        response = client.get("/api/v1/townships/")
        assert response.status_code == 401
        assert not Token.objects.filter(key=old).exists()
        fresh = _token_client("officer")
        assert Token.objects.get(user=officer).key != old
        assert fresh.get("/api/v1/townships/").status_code == 200


def test_password_change_revokes_the_token(officer):
    client = _token_client("officer")
    # when
    officer.set_password("Another-Secret-2027")
    officer.save()
    # then
    assert client.get("/api/v1/townships/").status_code == 401
    assert not Token.objects.filter(user=officer).exists()


def test_other_saves_keep_the_token(officer):
    client = _token_client("officer")
    officer.refresh_from_db()
    officer.name = "李警官"
    officer.save()
    assert client.get("/api/v1/townships/").status_code == 200


def test_deactivation_revokes_and_reactivation_does_not_revive(officer):
    client = _token_client("officer")
    user_set_active(user=officer, active=False, reason="left the office")
    assert client.get("/api/v1/townships/").status_code == 401
    user_set_active(user=officer, active=True)
    assert client.get("/api/v1/townships/").status_code == 401
    assert _token_client("officer").get("/api/v1/townships/").status_code == 200


def test_deactivation_by_a_plain_save_revokes_too(officer):
    # the admin's user form saves is_active directly
    client = _token_client("officer")
    officer.refresh_from_db()
    officer.is_active = False
    officer.save()
    assert client.get("/api/v1/townships/").status_code == 401


@pytest.mark.parametrize("status", [Guard.Status.SUSPENDED, Guard.Status.REMOVED])
def test_suspended_or_removed_guard_loses_token_pages_and_sign_in(guard, officer, client_for, status):
    client = _token_client("guard_a")
    browser = client_for(None)
    assert browser.post("/accounts/login/", {"username": "guard_a", "password": PASSWORD}).status_code == 302
    # when
    guard_update(guard=guard, by=officer, status=status)
    # then
    guard.user.refresh_from_db()
    assert not guard.user.is_active
    assert client.get(f"/api/v1/guards/{guard.pk}/").status_code == 401
    assert client.post("/api/v1/tips/", {"kind": "case_lead", "text": "x", "place": "y"}, format="json").status_code == 401
    assert browser.get(f"/guards/{guard.pk}/").status_code == 302  # the session ended: back to sign-in
    again = client_for(None).post("/accounts/login/", {"username": "guard_a", "password": PASSWORD})
    assert again.status_code == 200 and again.context["form"].errors
    token = APIClient().post("/api/v1/auth/token/", {"username": "guard_a", "password": PASSWORD}, format="json")
    assert token.status_code == 400


def test_guard_remove_revokes_the_account(guard, officer):
    client = _token_client("guard_a")
    guard_remove(guard=guard, reason="failed the assessment", by=officer)
    assert client.get(f"/api/v1/guards/{guard.pk}/").status_code == 401
    guard.user.refresh_from_db()
    assert not guard.user.is_active


def test_suspended_guard_made_active_again_signs_in_with_a_new_token(guard, officer):
    old = _token_client("guard_a")
    guard_update(guard=guard, by=officer, status=Guard.Status.SUSPENDED)
    guard.refresh_from_db()
    guard_update(guard=guard, by=officer, status=Guard.Status.ACTIVE)
    assert old.get(f"/api/v1/guards/{guard.pk}/").status_code == 401
    assert _token_client("guard_a").get(f"/api/v1/guards/{guard.pk}/").status_code == 200


def test_a_still_active_account_of_a_suspended_guard_sees_nothing(guard, api_for):
    # made before the rule, or by hand: the scope stops it all the same
    Guard.objects.filter(pk=guard.pk).update(status=Guard.Status.SUSPENDED)
    guard.user.refresh_from_db()
    api = api_for(guard.user)
    assert api.get(f"/api/v1/guards/{guard.pk}/").status_code == 404
    assert api.post("/api/v1/tips/", {"kind": "case_lead", "text": "x", "place": "y"}, format="json").status_code == 403
