"""Idempotent creates (accounts/idempotency.py): a POST carrying an `Idempotency-Key` header or an
`idempotency_key` form field runs once per owner and key; a repeat replays the stored response, a
repeat still running waits then gets 409, the same key with another body gets 422."""
import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.idempotency import FIELD, idempotency_keys_expire
from accounts.models import IdempotencyKey
from accounts.tasks import idempotency_keys_expire_task
from disputes.models import Dispute, Tip

pytestmark = pytest.mark.django_db

TIP = {"kind": "hazard", "text": "Loose cable over the footpath", "place": "Bridge Rd"}


@pytest.fixture
def guard_api(guard):
    api = APIClient()
    api.force_login(guard.user)  # a session: the middleware knows the owner before DRF runs
    return api


def test_api_repeat_with_the_same_key_replays_the_first_response(guard_api):
    # given a tip posted with a key
    first = guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    # when the phone retries the same request
    again = guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # then one tip, and the same answer, marked as a replay
    assert Tip.objects.count() == 1
    assert again.status_code == 201 and again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first


def test_api_same_key_with_another_body_is_422(guard_api):
    guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = guard_api.post("/api/v1/tips/", {**TIP, "text": "Another thing"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422 and "different request" in response.json()["detail"]
    assert Tip.objects.count() == 1


def test_api_same_key_on_another_path_is_422(guard_api):
    guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    body = {"category": "neighbours", "title": "Noise", "place": "Gate 2"}
    assert guard_api.post("/api/v1/disputes/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3").status_code == 422


def test_api_repeat_while_the_first_still_runs_is_409(guard_api, guard, settings):
    # given the first request with this key has not finished (its row is in progress)
    settings.IDEMPOTENCY_WAIT_SECONDS = 0.2
    guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    IdempotencyKey.objects.filter(key="k-4").update(status=IdempotencyKey.Status.IN_PROGRESS)
    # when the same request comes again
    response = guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    # then 409, and nothing more is created
    assert response.status_code == 409 and response["Retry-After"]
    assert Tip.objects.count() == 1


def test_keys_are_per_owner(guard_api, officer):
    guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other = APIClient()
    other.force_login(officer)
    body = {**TIP, "source_kind": "volunteer", "volunteer_name": "王五"}
    assert other.post("/api/v1/tips/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    assert Tip.objects.count() == 2


def test_token_clients_are_keyed_by_their_authorization_header(guard):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=guard.user)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    first = api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    again = api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert first.status_code == 201, first.content
    assert again.content == first.content and Tip.objects.count() == 1
    assert IdempotencyKey.objects.get().owner.startswith("auth:")


def test_a_refused_request_releases_its_key(guard_api):
    # given a request refused for bad input (nothing created)
    bad = guard_api.post("/api/v1/tips/", {**TIP, "kind": "nonsense"}, format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    assert bad.status_code == 400
    # then the key is free again: the corrected request runs
    assert not IdempotencyKey.objects.filter(key="k-5").exists()
    assert guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-5").status_code == 201


def test_a_malformed_key_is_400(guard_api):
    response = guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="has space")
    assert response.status_code == 400 and not Tip.objects.exists()


def test_posts_without_a_key_run_as_before(guard_api):
    guard_api.post("/api/v1/tips/", TIP, format="json")
    guard_api.post("/api/v1/tips/", TIP, format="json")
    assert Tip.objects.count() == 2 and not IdempotencyKey.objects.exists()


# --- pages: the forms carry a fresh key on every render ---------------------------------------

@pytest.mark.parametrize("url", ["/disputes/tips/report/", "/disputes/report/", "/disputes/new/", "/disputes/tips/new/"])
def test_create_forms_carry_a_fresh_key(client_for, guard, officer, url):
    user = officer if url in ("/disputes/new/", "/disputes/tips/new/") else guard.user
    c = client_for(user)
    first, second = c.get(url).content.decode(), c.get(url).content.decode()
    assert f'name="{FIELD}"' in first
    key = first.split(f'name="{FIELD}" value="')[1].split('"')[0]
    assert len(key) == 32 and key not in second


def test_page_double_submit_stores_one_tip(client_for, guard, point):
    # given the guard's tip form, submitted twice with the key it was rendered with (a double tap)
    c = client_for(guard.user)
    form = {"kind": "missing", "text": "Old man wandering", "place": "Bus stop", FIELD: "form-key-1"}
    first = c.post("/disputes/tips/report/", form)
    second = c.post("/disputes/tips/report/", form)
    # then one tip; the second tap lands on the same page as the first
    tip = Tip.objects.get()
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == f"/disputes/tips/{tip.pk}/?sent=tip-report"


def test_page_double_submit_of_a_dispute_stores_one(client_for, officer, point):
    c = client_for(officer)
    form = {"category": "labour", "title": "Wages", "place": "Site", "latitude": "32.27", "longitude": "111.6",
            "reported_by_kind": "resident", "reporter_name": "周九", FIELD: "form-key-2",
            "parties-TOTAL_FORMS": "1", "parties-INITIAL_FORMS": "0", "parties-0-name": "周九", "parties-0-role": "party"}
    assert c.post("/disputes/new/", form).status_code == 302
    assert c.post("/disputes/new/", form).status_code == 302
    assert Dispute.objects.count() == 1


def test_page_form_with_changed_fields_and_the_same_key_is_refused(client_for, guard, point):
    c = client_for(guard.user)
    form = {"kind": "missing", "text": "Old man wandering", "place": "Bus stop", FIELD: "form-key-3"}
    c.post("/disputes/tips/report/", form)
    response = c.post("/disputes/tips/report/", {**form, "text": "Something else"})
    assert response.status_code == 422 and Tip.objects.count() == 1


def test_old_keys_expire(guard_api, settings):
    guard_api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="old")
    guard_api.post("/api/v1/tips/", {**TIP, "text": "new"}, format="json", HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS + 1))
    assert idempotency_keys_expire_task() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert idempotency_keys_expire() == 0


# --- concurrency: three identical tip reports at once, one key -------------------------------

@pytest.mark.django_db(transaction=True)
def test_three_concurrent_identical_reports_store_one_tip(guard, settings):
    if connection.vendor != "postgresql":
        pytest.skip("threads need a database shared between connections: run with DATABASE_URL=postgres://…")
    settings.IDEMPOTENCY_WAIT_SECONDS = 10
    clients = []
    for _ in range(3):
        c = Client()
        c.force_login(guard.user)
        clients.append(c)
    barrier = threading.Barrier(3)
    results = [None] * 3

    def post(i):
        barrier.wait()
        try:
            results[i] = clients[i].post("/api/v1/tips/", TIP, content_type="application/json", HTTP_IDEMPOTENCY_KEY="same")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert Tip.objects.count() == 1
    assert [r.status_code for r in results] == [201, 201, 201]
    assert len({r.content for r in results}) == 1


# --- a request that fails releases its key: the retry runs (not 409 until the hourly cleanup) ---


class _Unavailable(Exception):
    pass


def _failing_api(guard):
    api = APIClient(raise_request_exception=False)  # as a real server: the exception becomes a 500
    api.force_login(guard.user)
    return api


def test_a_request_that_raises_releases_its_key_and_the_retry_runs(guard, monkeypatch):
    # given the intake fails with an unexpected exception
    from disputes import services

    real = services.tip_report
    monkeypatch.setattr(services, "tip_report", lambda **kw: (_ for _ in ()).throw(_Unavailable("database gone")))
    api = _failing_api(guard)
    failed = api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-raise")
    assert failed.status_code == 500
    # then the key is released
    assert not IdempotencyKey.objects.filter(key="k-raise").exists()
    # and the phone's retry with the same key is processed
    monkeypatch.setattr(services, "tip_report", real)
    retry = api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-raise")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Tip.objects.count() == 1
    assert IdempotencyKey.objects.get(key="k-raise").status == IdempotencyKey.Status.DONE


def test_a_5xx_answer_releases_its_key_and_the_retry_runs(guard, monkeypatch):
    from rest_framework.exceptions import APIException

    from disputes import services

    class Unavailable(APIException):
        status_code = 503
        default_detail = "Try again later."

    real = services.tip_report
    monkeypatch.setattr(services, "tip_report", lambda **kw: (_ for _ in ()).throw(Unavailable()))
    api = _failing_api(guard)
    assert api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-503").status_code == 503
    assert not IdempotencyKey.objects.filter(key="k-503").exists()
    monkeypatch.setattr(services, "tip_report", real)
    assert api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-503").status_code == 201
    assert Tip.objects.count() == 1


def test_a_key_is_released_even_when_the_first_release_fails(guard, monkeypatch):
    # given the failure also broke the first attempt to release the key (e.g. a dropped connection)
    from django.db import DatabaseError
    from django.db.models import QuerySet

    from disputes import services

    real_tip_report, real_delete = services.tip_report, QuerySet.delete
    attempts = []

    def delete_failing_once(qs):
        if qs.model is IdempotencyKey and not attempts:
            attempts.append(1)
            raise DatabaseError("connection lost")
        return real_delete(qs)

    monkeypatch.setattr(services, "tip_report", lambda **kw: (_ for _ in ()).throw(_Unavailable("boom")))
    monkeypatch.setattr(QuerySet, "delete", delete_failing_once)
    api = _failing_api(guard)
    assert api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-twice").status_code == 500
    # then the key was released all the same, and the retry runs
    assert attempts and not IdempotencyKey.objects.filter(key="k-twice").exists()
    monkeypatch.setattr(services, "tip_report", real_tip_report)
    assert api.post("/api/v1/tips/", TIP, format="json", HTTP_IDEMPOTENCY_KEY="k-twice").status_code == 201
