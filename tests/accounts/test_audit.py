"""The audit log: sign-ins, failures, sign-outs, tokens, password changes, exports and views of
confidential data; read-only in the admin; purged after AUDIT_RETENTION_DAYS; never breaks a request."""
import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.tasks import audit_purge_task
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
Kind = AuditEvent.Kind


def _kinds(**filters) -> list[str]:
    # (the factories set each user's first password after creating them: a password_changed line each)
    events = AuditEvent.objects.filter(**filters).exclude(kind=Kind.PASSWORD_CHANGED)
    return list(events.order_by("id").values_list("kind", flat=True))


def test_sign_in_failure_and_sign_out_are_logged_with_ip(client_for, officer):
    client = client_for(None)
    client.post("/accounts/login/", {"username": "officer", "password": "wrong"}, REMOTE_ADDR="10.9.8.7")
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7")
    client.post("/accounts/logout/", REMOTE_ADDR="10.9.8.7")

    events = list(AuditEvent.objects.filter(username="officer").exclude(kind=Kind.PASSWORD_CHANGED).order_by("id"))
    assert [e.kind for e in events] == [Kind.LOGIN_FAILED, Kind.LOGIN, Kind.LOGOUT]
    assert {e.ip for e in events} == {"10.9.8.7"}
    assert events[0].user is None and events[1].user == officer and events[2].user == officer
    assert "password" not in str(events[0].detail)


def test_token_issue_is_logged(officer):
    APIClient().post("/api/v1/auth/token/", {"username": "officer", "password": PASSWORD}, format="json")
    assert _kinds(user=officer) == [Kind.LOGIN, Kind.TOKEN_ISSUED]
    assert AuditEvent.objects.get(kind=Kind.LOGIN).detail == {"via": "api"}


def test_password_change_is_logged(officer):
    before = AuditEvent.objects.filter(kind=Kind.PASSWORD_CHANGED, user=officer).count()
    officer.set_password("Another-Secret-2027")
    officer.save()
    assert AuditEvent.objects.filter(kind=Kind.PASSWORD_CHANGED, user=officer).count() == before + 1


def test_officer_views_of_confidential_records_are_logged(api_for, client_for, officer, guard, point):
    dispute = f.DisputeFactory(liaison_point=point)
    tip = f.TipFactory(liaison_point=point)
    page, api = client_for(officer), api_for(officer)

    assert page.get(f"/disputes/{dispute.pk}/").status_code == 200
    assert page.get(f"/disputes/tips/{tip.pk}/").status_code == 200
    assert page.get(f"/guards/{guard.pk}/").status_code == 200
    assert api.get(f"/api/v1/disputes/{dispute.pk}/").status_code == 200
    assert api.get(f"/api/v1/tips/{tip.pk}/").status_code == 200
    assert api.get(f"/api/v1/guards/{guard.pk}/").status_code == 200

    seen = set(AuditEvent.objects.filter(kind=Kind.VIEW_CONFIDENTIAL, user=officer).values_list("object_type", "object_id"))
    assert seen == {("disputes.dispute", str(dispute.pk)), ("disputes.tip", str(tip.pk)), ("guards.guard", str(guard.pk))}
    assert AuditEvent.objects.filter(kind=Kind.VIEW_CONFIDENTIAL).count() == 6


def test_a_managers_masked_view_is_not_logged(client_for, manager, guard):
    assert client_for(manager).get(f"/guards/{guard.pk}/").status_code == 200
    assert not AuditEvent.objects.filter(kind=Kind.VIEW_CONFIDENTIAL).exists()


def test_admin_csv_export_is_logged(client_for, guard):
    admin = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client_for(admin).post(
        "/admin/guards/guard/", {"action": "export_csv", "_selected_action": [guard.pk]}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    event = AuditEvent.objects.get(kind=Kind.EXPORT)
    assert event.user == admin and event.detail == {"via": "admin", "model": "guards.guard", "rows": 1, "format": "csv"}


def test_admin_reads_the_log_but_cannot_change_it(client_for, officer):
    admin = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    event = audit_record(kind=Kind.LOGIN, user=officer)
    client = client_for(admin)
    assert client.get("/admin/accounts/auditevent/?kind__exact=login&q=officer").status_code == 200
    assert client.get(f"/admin/accounts/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403
    assert client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_failed_write_does_not_break_the_request(client_for, officer, guard, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditEvent, "save", broken)
    assert client_for(officer).get(f"/guards/{guard.pk}/").status_code == 200
    assert "audit: could not record" in caplog.text


def test_retention_task_deletes_old_events_in_batches(officer, settings):
    settings.AUDIT_RETENTION_DAYS = 180
    now = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
    with time_machine.travel(now, tick=False):
        AuditEvent.objects.bulk_create(
            [AuditEvent(at=now - datetime.timedelta(days=days), kind=Kind.LOGIN, username="officer") for days in (400, 200, 181, 179, 1)]
        )
        deleted = audit_purge_task.delay().get()
    assert deleted == 3
    kept = AuditEvent.objects.filter(username="officer", kind=Kind.LOGIN).values_list("at", flat=True)
    assert sorted((now - at).days for at in kept) == [1, 179]


def test_purge_is_bounded_per_call(officer):
    from accounts.services import audit_purge

    old = timezone.now() - datetime.timedelta(days=400)
    AuditEvent.objects.bulk_create([AuditEvent(at=old, kind=Kind.LOGIN) for _ in range(5)])
    assert audit_purge(older_than_days=180, batch_size=2, max_batches=2) == 4
    assert AuditEvent.objects.filter(at=old).count() == 1
