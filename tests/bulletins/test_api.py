"""API: /api/v1/bulletins/ (officers: everything; managers: their copy of sent bulletins; guards 403),
its actions compile / suggestions / send / deliveries, /case-figures/ with the CSV import (whole or
nothing) and /bulletin-recipients/ with sync. Flat query counts for every list."""
import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from bulletins.models import BulletinDelivery, BulletinRecipient, CaseFigure, WeeklyBulletin
from bulletins.services import bulletin_compile, bulletin_send
from tests import factories as f
from tests.bulletins.conftest import MONDAY

pytestmark = pytest.mark.django_db

WEEK = "2026-W47"
API = "/api/v1"


@pytest.fixture
def draft(known_week):
    return bulletin_compile(monday=MONDAY)


@pytest.fixture
def sent(draft):
    bulletin_send(bulletin=draft)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def red_manager(known_week):
    return f.CompanyManagerFactory(company=known_week["red"], user__username="red_manager").user


@pytest.fixture
def red_guard(known_week):
    user = f.UserFactory(username="red_guard", role="guard")
    return f.GuardFactory(company=known_week["red"], liaison_point=known_week["busy"], user=user)


@pytest.fixture
def towns(db):
    return [f.TownshipFactory(code="T1", name="城关镇"), f.TownshipFactory(code="T2", name="石花镇")]


def _csv(text: str):
    return SimpleUploadedFile("cases.csv", text.encode("utf-8"), content_type="text/csv")


# --- bulletins ----------------------------------------------------------------------------------

def test_officer_lists_and_retrieves_by_id_or_week(api_for, officer, draft):
    api = api_for(officer)
    listing = api.get(f"{API}/bulletins/").json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert row["week"] == WEEK and row["status"] == "draft" and row["figures"]["inspections"]["count"] == 158
    assert row["deliveries"] == {"pending": 0, "sending": 0, "sent": 0, "failed": 0, "total": 0}
    by_week = api.get(f"{API}/bulletins/{WEEK}/").json()
    by_id = api.get(f"{API}/bulletins/{draft.pk}/").json()
    assert by_week == by_id and len(by_week["figures"]["certificates"]["by_company"]) == 2
    assert api.get(f"{API}/bulletins/2026-W48/").status_code == 404
    assert api.get(f"{API}/bulletins/2026-W60/").status_code == 404
    assert api.get(f"{API}/bulletins/99999999999999999999/").status_code == 404


def test_manager_lists_only_sent_and_reads_their_copy(api_for, red_manager, draft, known_week):
    api = api_for(red_manager)
    assert api.get(f"{API}/bulletins/").json()["count"] == 0
    assert api.get(f"{API}/bulletins/{WEEK}/").status_code == 404
    bulletin_send(bulletin=draft)
    listing = api.get(f"{API}/bulletins/").json()
    assert listing["count"] == 1
    body = api.get(f"{API}/bulletins/{WEEK}/").content.decode()
    data = api.get(f"{API}/bulletins/{WEEK}/").json()
    assert data["figures"]["is_manager_copy"] is True and data["deliveries"] is None
    assert [c["company"] for c in data["figures"]["certificates"]["by_company"]] == ["红盾保安"]
    assert "蓝盾保安" not in body and "孙三" not in body
    assert "蓝盾保安" not in str(listing)


def test_guard_and_anonymous_are_refused(api_for, red_guard, draft):
    assert api_for(red_guard.user).get(f"{API}/bulletins/").status_code == 403
    assert api_for(red_guard.user).get(f"{API}/bulletins/{WEEK}/").status_code == 403
    assert api_for(None).get(f"{API}/bulletins/").status_code == 401  # anonymous: 401 with WWW-Authenticate, not 403


@pytest.mark.parametrize("method,path", [
    ("post", "/bulletins/compile/"), ("post", f"/bulletins/{WEEK}/suggestions/"), ("post", f"/bulletins/{WEEK}/send/"),
    ("get", f"/bulletins/{WEEK}/deliveries/"), ("get", "/case-figures/"), ("post", "/case-figures/import/"),
    ("get", "/bulletin-recipients/"), ("post", "/bulletin-recipients/sync/"),
])
def test_manager_gets_403_on_officer_actions(api_for, red_manager, sent, method, path):
    response = getattr(api_for(red_manager), method)(f"{API}{path}", {"week": WEEK, "text": "x"}, format="json")
    assert response.status_code == 403


def test_compile_action(api_for, officer, known_week):
    api = api_for(officer)
    created = api.post(f"{API}/bulletins/compile/", {"week": WEEK}, format="json")
    assert created.status_code == 201 and created.json()["figures"]["patrols"]["done"] == 5
    again = api.post(f"{API}/bulletins/compile/", {"week": "2026-11-18"}, format="json")  # a date in the week
    assert again.status_code == 200 and WeeklyBulletin.objects.count() == 1
    future = api.post(f"{API}/bulletins/compile/", {"week": "2099-W01"}, format="json")
    assert future.status_code == 400 and "has not started yet" in future.json()["week"][0]
    bad = api.post(f"{API}/bulletins/compile/", {"week": "soon"}, format="json")
    assert bad.status_code == 400 and "week" in bad.json()
    bulletin_send(bulletin=WeeklyBulletin.objects.get())
    assert api.post(f"{API}/bulletins/compile/", {"week": WEEK}, format="json").status_code == 409


def test_suggestions_action(api_for, officer, draft):
    api = api_for(officer)
    response = api.post(f"{API}/bulletins/{WEEK}/suggestions/", {"text": "  Patrol the market  "}, format="json")
    assert response.status_code == 200 and response.json()["officer_suggestions"] == "Patrol the market"
    assert api.post(f"{API}/bulletins/{WEEK}/suggestions/", {}, format="json").status_code == 400
    bulletin_send(bulletin=draft)
    assert api.post(f"{API}/bulletins/{WEEK}/suggestions/", {"text": "late"}, format="json").status_code == 409


def test_send_is_idempotent_and_reports_delivery_stats(api_for, officer, draft, django_capture_on_commit_callbacks):
    BulletinRecipient.objects.create(name="A", email="a@example.com")
    BulletinRecipient.objects.create(name="B", email="b@example.com", language="en")
    api = api_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(f"{API}/bulletins/{WEEK}/send/")
    with django_capture_on_commit_callbacks(execute=True):
        second = api.post(f"{API}/bulletins/{WEEK}/send/")
    assert first.status_code == 200 and first.json()["created"] == 2
    assert second.json() == {"created": 0, "deliveries": {"pending": 0, "sending": 0, "sent": 2, "failed": 0, "total": 2}}
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]
    deliveries = api.get(f"{API}/bulletins/{WEEK}/deliveries/").json()
    assert deliveries["count"] == 2 and {d["status"] for d in deliveries["results"]} == {"sent"}
    assert deliveries["results"][0]["recipient_name"] == "A"


def test_send_before_compiling_is_409(api_for, officer, db):
    WeeklyBulletin.objects.create(week_start=MONDAY)
    assert api_for(officer).post(f"{API}/bulletins/{WEEK}/send/").status_code == 409


# --- case figures -------------------------------------------------------------------------------

def test_case_figure_crud_and_filters(api_for, officer, towns):
    api = api_for(officer)
    created = api.post(f"{API}/case-figures/", {"week": WEEK, "township": towns[0].pk, "count": 4}, format="json")
    assert created.status_code == 201 and created.json()["week"] == WEEK and created.json()["township_name"] == "城关镇"
    api.post(f"{API}/case-figures/", {"week": "2026-W46", "township": towns[1].pk, "count": 2}, format="json")
    pk = created.json()["id"]
    assert api.patch(f"{API}/case-figures/{pk}/", {"count": 6, "week": "2026-W01"}, format="json").json()["count"] == 6
    assert CaseFigure.objects.get(pk=pk).week_start == MONDAY  # the week of a figure stays
    assert [r["count"] for r in api.get(f"{API}/case-figures/?week={WEEK}").json()["results"]] == [6]
    assert [r["count"] for r in api.get(f"{API}/case-figures/?township={towns[1].pk}").json()["results"]] == [2]
    assert api.get(f"{API}/case-figures/?week=soon").status_code == 400
    assert api.delete(f"{API}/case-figures/{pk}/").status_code == 204


def test_case_figure_bad_input_is_a_field_error(api_for, officer, towns):
    api = api_for(officer)
    negative = api.post(f"{API}/case-figures/", {"week": WEEK, "township": towns[0].pk, "count": -1}, format="json")
    future = api.post(f"{API}/case-figures/", {"week": "2099-W01", "township": towns[0].pk, "count": 1}, format="json")
    unknown = api.post(f"{API}/case-figures/", {"week": WEEK, "township": 999999, "count": 1}, format="json")
    assert negative.status_code == 400 and "count" in negative.json()
    assert future.status_code == 400 and "week" in future.json()
    assert unknown.status_code == 400 and "township" in unknown.json()
    assert not CaseFigure.objects.exists()


def test_import_good_file(api_for, officer, towns):
    data = f"week,township,count\n{WEEK},T1,5\n{WEEK},T2,2\n"
    response = api_for(officer).post(f"{API}/case-figures/import/", {"file": _csv(data)}, format="multipart")
    assert response.status_code == 200 and response.json() == {"created": 2, "updated": 0}


def test_import_bad_and_mixed_files_import_nothing(api_for, officer, towns):
    api = api_for(officer)
    bad = api.post(f"{API}/case-figures/import/", {"file": _csv(f"week,township,count\n{WEEK},T9,x\nsoon,T1,1\n")}, format="multipart")
    assert bad.status_code == 400
    body = bad.json()
    assert body["imported"] == 0 and len(body["file"]) == 2
    assert body["file"][0].startswith("Line 2:") and body["file"][1].startswith("Line 3:")
    mixed = api.post(f"{API}/case-figures/import/", {"file": _csv(f"week,township,count\n{WEEK},T1,5\n{WEEK},T2,-3\n")}, format="multipart")
    assert mixed.status_code == 400 and mixed.json()["file"] == ["Line 3: count '-3' is not a whole number, zero or more."]
    missing = api.post(f"{API}/case-figures/import/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()
    assert not CaseFigure.objects.exists()


# --- recipients ---------------------------------------------------------------------------------

def test_recipient_crud_and_sync(api_for, officer, manager, company):
    api = api_for(officer)
    created = api.post(f"{API}/bulletin-recipients/", {"name": "Station", "email": "Station@Example.com", "kind": "station"}, format="json")
    assert created.status_code == 201 and created.json()["email"] == "station@example.com"
    duplicate = api.post(f"{API}/bulletin-recipients/", {"name": "Again", "email": "STATION@example.com"}, format="json")
    assert duplicate.status_code == 400 and "email" in duplicate.json()
    no_company = api.post(f"{API}/bulletin-recipients/", {"name": "M", "email": "m@example.com", "kind": "manager"}, format="json")
    assert no_company.status_code == 400 and "company" in no_company.json()
    pk = created.json()["id"]
    assert api.patch(f"{API}/bulletin-recipients/{pk}/", {"active": False}, format="json").json()["active"] is False
    manager.email = "manager@example.com"
    manager.save()
    assert api.post(f"{API}/bulletin-recipients/sync/").json() == {"added": 1}
    assert api.post(f"{API}/bulletin-recipients/sync/").json() == {"added": 0}
    assert BulletinRecipient.objects.get(email="manager@example.com").company == company


# --- query counts -------------------------------------------------------------------------------

def test_bulletin_list_query_count_is_flat(api_for, officer, red_manager, draft, django_assert_num_queries):
    api = api_for(officer)
    # 1 count, 2 bulletins with delivery counts
    with django_assert_num_queries(2):
        api.get(f"{API}/bulletins/")
    for k in range(1, 6):
        b = WeeklyBulletin.objects.create(week_start=MONDAY - datetime.timedelta(weeks=k), figures=draft.figures, status="sent")
        BulletinDelivery.objects.bulk_create(BulletinDelivery(bulletin=b, email=f"x{i}@example.com") for i in range(k))
    with django_assert_num_queries(2):
        api.get(f"{API}/bulletins/")
    # a manager: the same two (the test user object already holds its manager profile)
    with django_assert_num_queries(2):
        api_for(red_manager).get(f"{API}/bulletins/")


def test_deliveries_query_count_is_flat(api_for, officer, draft, django_assert_num_queries):
    BulletinRecipient.objects.create(name="A", email="a@example.com")
    bulletin_send(bulletin=draft)
    api = api_for(officer)
    # 1 bulletin, 2 count, 3 deliveries with recipient and company
    with django_assert_num_queries(3):
        api.get(f"{API}/bulletins/{WEEK}/deliveries/")
    BulletinRecipient.objects.bulk_create(BulletinRecipient(name=f"R{i}", email=f"r{i}@example.com") for i in range(10))
    bulletin_send(bulletin=draft)
    with django_assert_num_queries(3):
        api.get(f"{API}/bulletins/{WEEK}/deliveries/")


def test_case_figure_list_query_count_is_flat(api_for, officer, towns, django_assert_num_queries):
    CaseFigure.objects.create(township=towns[0], week_start=MONDAY, count=1, entered_by=officer)
    api = api_for(officer)
    # 1 count, 2 figures with township and who entered them
    with django_assert_num_queries(2):
        api.get(f"{API}/case-figures/")
    for i in range(10):
        CaseFigure.objects.create(township=f.TownshipFactory(), week_start=MONDAY, count=i, entered_by=officer)
    with django_assert_num_queries(2):
        api.get(f"{API}/case-figures/")


def test_recipient_list_query_count_is_flat(api_for, officer, company, django_assert_num_queries):
    BulletinRecipient.objects.create(name="A", email="a@example.com")
    api = api_for(officer)
    # 1 count, 2 recipients with company
    with django_assert_num_queries(2):
        api.get(f"{API}/bulletin-recipients/")
    BulletinRecipient.objects.bulk_create(
        BulletinRecipient(name=f"M{i}", email=f"m{i}@example.com", kind="manager", company=company) for i in range(10)
    )
    with django_assert_num_queries(2):
        api.get(f"{API}/bulletin-recipients/")
