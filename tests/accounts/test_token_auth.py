"""POST /api/v1/auth/token/ → {"token": ...}; the token then signs API requests."""
import pytest
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def test_token_when_password_is_right_signs_later_requests(officer):
    client = APIClient()

    # when
    response = client.post("/api/v1/auth/token/", {"username": "officer", "password": PASSWORD}, format="json")

    # then
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/officers/").status_code == 200


def test_token_is_the_same_on_a_second_login(officer):
    client = APIClient()
    first = client.post("/api/v1/auth/token/", {"username": "officer", "password": PASSWORD}, format="json").json()
    second = client.post("/api/v1/auth/token/", {"username": "officer", "password": PASSWORD}, format="json").json()

    assert first == second


def test_token_for_manager_keeps_the_scope(manager, other_company, company):
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "manager_a", "password": PASSWORD}, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get("/api/v1/companies/")

    assert [row["id"] for row in response.json()["results"]] == [company.pk]
    assert client.get("/api/v1/officers/").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"username": "officer", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "officer"},
        {},
    ],
)
def test_token_when_credentials_are_bad_is_400(officer, body):
    response = APIClient().post("/api/v1/auth/token/", body, format="json")

    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_when_account_disabled_is_400(db):
    f.UserFactory(username="gone", is_active=False)

    response = APIClient().post("/api/v1/auth/token/", {"username": "gone", "password": PASSWORD}, format="json")

    assert response.status_code == 400


def test_token_when_header_is_garbage_is_refused(officer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get("/api/v1/townships/").status_code == 401  # anonymous: 401 with WWW-Authenticate, not 403


def test_token_endpoint_ignores_a_signed_in_session_without_csrf(client_for, officer):
    # a browser that is already signed in still just posts credentials (no CSRF token needed)
    client = client_for(officer)
    client.handler.enforce_csrf_checks = True

    response = client.post(
        "/api/v1/auth/token/", {"username": "officer", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 200
