"""Issue 13: a venue inspection names the unit responsible for the venue's security, through the
form, the API (with ?unit=), the admin and the exports. Inspections stay police data: officers
only (a manager sees their unit's failed-inspection count on the unit assessment page instead)."""
import csv
import datetime
import io

import pytest

from accounts.models import User
from patrol.models import VenueInspection
from patrol.selectors import inspection_failed_count_by_unit
from tests import factories as f

DAY = datetime.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(f.local_dt(2026, 11, 20, 10, 0), tick=False)


def payload(township, **overrides):
    return {"venue": "金色年华KTV", "trade": "entertainment", "township": township.pk, "inspected_on": "2026-11-18", **overrides}


def fresh(user):
    return User.objects.get(pk=user.pk)


# --- API -----------------------------------------------------------------------------------------

def test_api_records_the_unit_and_filters_by_it(api_for, officer, township, company, other_company):
    api = api_for(officer)
    # when an inspection is recorded with its unit
    response = api.post("/api/v1/inspections/", payload(township, unit=company.pk, violation_found=True, violation_kind="fire_safety"), format="json")
    # then it is saved and shown with the unit's name, with history
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["unit"], body["unit_name"]) == (company.pk, "Company A")
    saved = VenueInspection.objects.get(pk=body["id"])
    assert saved.unit == company and saved.history.first().unit_id == company.pk
    f.VenueInspectionFactory(township=township, unit=other_company)
    f.VenueInspectionFactory(township=township)
    assert [r["id"] for r in api.get("/api/v1/inspections/", {"unit": company.pk}).json()["results"]] == [body["id"]]
    assert api.get("/api/v1/inspections/").json()["count"] == 3
    # and the unit can be changed, or cleared
    assert api.patch(f"/api/v1/inspections/{saved.pk}/", {"unit": other_company.pk}, format="json").json()["unit_name"] == "Company B"
    cleared = api.patch(f"/api/v1/inspections/{saved.pk}/", {"unit": None}, format="json").json()
    assert (cleared["unit"], cleared["unit_name"]) == (None, None)


@pytest.mark.parametrize("unit", [987654, "abc", 2**70, -1, 0, [1], True])
def test_api_bad_unit_is_400_on_the_field(api_for, officer, township, unit):
    response = api_for(officer).post("/api/v1/inspections/", payload(township, unit=unit), format="json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not VenueInspection.objects.exists()


@pytest.mark.parametrize("value", ["abc", "0", str(2**70), "-3"])
def test_api_bad_unit_filter_is_400(api_for, officer, value):
    response = api_for(officer).get("/api/v1/inspections/", {"unit": value})
    assert response.status_code == 400 and "unit" in response.json()


def test_a_unit_that_left_is_not_named_on_new_inspections_but_stays_on_old_ones(api_for, officer, township, company):
    old = f.VenueInspectionFactory(township=township, unit=company)
    company.active = False
    company.save()
    api = api_for(officer)
    refused = api.post("/api/v1/inspections/", payload(township, unit=company.pk), format="json")
    assert refused.status_code == 400 and "unit" in refused.json()
    kept = api.patch(f"/api/v1/inspections/{old.pk}/", {"notes": "复查合格"}, format="json")
    assert kept.status_code == 200 and kept.json()["unit"] == company.pk


@pytest.mark.parametrize("who", ["manager", "guard", "outsider"])
def test_inspections_stay_officer_only_per_role(api_for, client_for, request, township, company, who):
    user = request.getfixturevalue(who)
    user = user.user if hasattr(user, "user") and not isinstance(user, User) else user
    inspection = f.VenueInspectionFactory(township=township, unit=company)  # even their own unit's
    api = api_for(user)
    assert api.get("/api/v1/inspections/", {"unit": company.pk}).status_code == 403
    assert api.get(f"/api/v1/inspections/{inspection.pk}/").status_code == 403
    assert client_for(user).get("/patrols/inspections/").status_code == 403


def test_api_inspection_list_query_count_is_flat_with_units(api_for, officer, township, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            inspection = f.VenueInspectionFactory(township=township, unit=f.SecurityCompanyFactory())
            inspection.inspectors.add(f.OfficerFactory())

    make(2)
    # 1 page count, 2 inspections joined to township, point and unit, 3 inspectors, 4 their user accounts
    api = api_for(fresh(officer))
    with django_assert_num_queries(4):
        assert api.get("/api/v1/inspections/").json()["count"] == 2
    make(10)
    api = api_for(fresh(officer))
    with django_assert_num_queries(4):
        assert api.get("/api/v1/inspections/").json()["count"] == 12


# --- pages, export, admin ------------------------------------------------------------------------

def test_form_records_the_unit_and_the_list_shows_and_filters_it(client_for, officer, township, company, other_company):
    client = client_for(officer)
    assert "Company A" in client.get("/patrols/inspections/new/").content.decode()
    data = {"venue": "汉江宾馆", "trade": "hotel", "township": township.pk, "inspected_on": "2026-11-18", "unit": company.pk}
    assert client.post("/patrols/inspections/new/", data).status_code == 302
    assert VenueInspection.objects.get().unit == company
    f.VenueInspectionFactory(township=township, unit=other_company, venue="星空网吧")
    page = client.get("/patrols/inspections/", {"unit": company.pk})
    assert [i.venue for i in page.context["page"].object_list] == ["汉江宾馆"]
    assert "Company A" in page.content.decode()


@pytest.mark.parametrize("unit", ["987654", "abc", str(2**70)])
def test_form_bad_unit_is_a_field_error(client_for, officer, township, unit):
    data = {"venue": "汉江宾馆", "trade": "hotel", "township": township.pk, "inspected_on": "2026-11-18", "unit": unit}
    response = client_for(officer).post("/patrols/inspections/new/", data)
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not VenueInspection.objects.exists()


def test_form_offers_active_units_and_keeps_a_departed_one_on_edit(client_for, officer, township, company, other_company):
    inspection = f.VenueInspectionFactory(township=township, unit=other_company)
    other_company.active = False
    other_company.save()
    client = client_for(officer)
    assert list(client.get("/patrols/inspections/new/").context["form"].fields["unit"].queryset) == [company]
    edit = client.get(f"/patrols/inspections/{inspection.pk}/edit/")
    assert set(edit.context["form"].fields["unit"].queryset) == {company, other_company}
    data = {"venue": inspection.venue, "trade": "hotel", "township": township.pk, "inspected_on": "2026-11-18",
            "unit": other_company.pk, "notes": "复查"}
    assert client.post(f"/patrols/inspections/{inspection.pk}/edit/", data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.unit == other_company and inspection.notes == "复查"


def test_page_query_count_is_flat_with_units(client_for, officer, township, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 12):
        for _ in range(n):
            f.VenueInspectionFactory(township=township, unit=f.SecurityCompanyFactory()).inspectors.add(f.OfficerFactory())
        client = client_for(fresh(officer))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/patrols/inspections/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_export_has_the_unit_column(client_for, officer, township, company):
    f.VenueInspectionFactory(township=township, unit=company, venue="汉江宾馆")
    f.VenueInspectionFactory(township=township, venue="华联超市")
    response = client_for(officer).get("/patrols/inspections/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode("utf-8-sig"))))
    unit = rows[0].index("Unit")
    assert {r[1]: r[unit] for r in rows[1:]} == {"汉江宾馆": "Company A", "华联超市": ""}
    xlsx = client_for(officer).get("/patrols/inspections/", {"export": "xlsx", "unit": company.pk})
    assert xlsx.status_code == 200


def test_admin_lists_and_filters_by_unit(client_for, township, company):
    admin = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    f.VenueInspectionFactory(township=township, unit=company)
    client = client_for(admin)
    assert client.get("/admin/patrol/venueinspection/", {"unit__id__exact": company.pk}).status_code == 200


# --- the count the joint assessment reads ----------------------------------------------------------

def test_failed_count_by_unit_in_one_query(township, company, other_company, django_assert_num_queries):
    for unit, day, violation in [(company, DAY, True), (company, DAY, True), (company, DAY, False), (other_company, DAY, True),
                                 (company, DAY - datetime.timedelta(days=60), True), (None, DAY, True)]:
        f.VenueInspectionFactory(township=township, unit=unit, inspected_on=day, violation_found=violation,
                                 violation_kind="fire_safety" if violation else "")
    with django_assert_num_queries(1):
        counts = inspection_failed_count_by_unit(datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert counts == {company.pk: 2, other_company.pk: 1}
