"""Company and guard pages: roles and scoping (403/404), forms through the guard services with
field errors and nothing half-saved, the officer's point override, history, flat query counts."""
import datetime

import pytest

from guards.models import Guard
from tests import factories as f
from tests.factories import make_national_id

pytestmark = pytest.mark.django_db

NEW_ID = make_national_id(777, born=datetime.date(1990, 5, 17))


def _guard_form_data(**overrides):
    data = {
        "name": "Zhang Wei",
        "phone": "13912345678",
        "national_id": NEW_ID,
        "post": "Riverside compound",
        "post_address": "1 River Road",
        "post_latitude": "32.271000",
        "post_longitude": "111.601000",
        "certificate_status": Guard.CertificateStatus.NONE,
        "status": Guard.Status.ACTIVE,
        "joined_on": "2024-03-01",
    }
    data.update(overrides)
    return data


# Roles and scope -----------------------------------------------------------------------------


def test_all_guard_pages_render_for_officer(client_for, officer, guard, company):
    client = client_for(officer)
    for url in ["/guards/", "/guards/new/", f"/guards/{guard.pk}/", f"/guards/{guard.pk}/edit/", "/guards/companies/", f"/guards/companies/{company.pk}/"]:
        assert client.get(url).status_code == 200, url


def test_manager_pages_render_for_own_company(client_for, manager, guard, company):
    client = client_for(manager)
    for url in ["/guards/", "/guards/new/", f"/guards/{guard.pk}/", f"/guards/{guard.pk}/edit/", f"/guards/companies/{company.pk}/"]:
        assert client.get(url).status_code == 200, url


def test_home_sends_manager_to_company_and_guard_to_own_page(client_for, manager, guard, company):
    assert client_for(manager).get("/")["Location"] == f"/guards/companies/{company.pk}/"
    assert client_for(guard.user).get("/")["Location"] == f"/guards/{guard.pk}/"


def test_guard_sees_own_page_without_history_or_edit(client_for, guard):
    response = client_for(guard.user).get(f"/guards/{guard.pk}/")
    assert response.status_code == 200
    assert response.context["history"] is None
    assert not response.context["can_edit"]
    assert guard.national_id not in response.content.decode()


def test_company_list_forbidden_for_manager_and_guard(client_for, manager, guard):
    assert client_for(manager).get("/guards/companies/").status_code == 403
    assert client_for(guard.user).get("/guards/companies/").status_code == 403


@pytest.mark.parametrize("url", ["/guards/", "/guards/new/", "/guards/{pk}/edit/", "/guards/companies/{company}/"])
def test_manager_and_officer_pages_forbidden_for_guard(client_for, guard, company, url):
    response = client_for(guard.user).get(url.format(pk=guard.pk, company=company.pk))
    assert response.status_code == 403
    assert "403" in response.content.decode()


def test_set_point_forbidden_for_manager(client_for, manager, guard, point):
    response = client_for(manager).post(f"/guards/{guard.pk}/point/", {"point": point.pk})
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["/guards/{pk}/", "/guards/{pk}/edit/"])
def test_other_company_guard_is_404_for_manager(client_for, manager, other_guard, url):
    response = client_for(manager).get(url.format(pk=other_guard.pk))
    assert response.status_code == 404
    assert "404" in response.content.decode()


def test_other_company_is_404_for_manager(client_for, manager, other_company):
    assert client_for(manager).get(f"/guards/companies/{other_company.pk}/").status_code == 404


def test_other_guard_is_404_for_guard(client_for, guard, other_guard):
    assert client_for(guard.user).get(f"/guards/{other_guard.pk}/").status_code == 404


def test_guard_pages_redirect_anonymous_to_login(client_for, guard, company):
    client = client_for(None)
    for url in ["/guards/", "/guards/new/", f"/guards/{guard.pk}/", f"/guards/{guard.pk}/edit/", "/guards/companies/", f"/guards/companies/{company.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")


def test_manager_guard_list_shows_only_own_company(client_for, manager, guard, other_guard):
    response = client_for(manager).get("/guards/")
    assert [g.pk for g in response.context["page"].object_list] == [guard.pk]
    assert "company" not in response.context["filters"].fields


def test_guard_list_filters(client_for, officer, guard, other_guard, company):
    f.GuardFactory(company=company, name="Suspended one", status=Guard.Status.SUSPENDED)
    expiring = f.GuardFactory(company=company, certificate_expires_on=datetime.date.today() + datetime.timedelta(days=10))
    client = client_for(officer)

    def ids(**params):
        return {g.pk for g in client.get("/guards/", params).context["page"].object_list}

    assert ids(company=company.pk, status="active") == {guard.pk, expiring.pk}
    assert ids(certificate="expiring") == {expiring.pk}
    assert ids(q=guard.name) == {guard.pk}
    assert ids(township=guard.liaison_point.township_id) == {guard.pk, other_guard.pk}


def test_national_id_masked_for_manager_full_for_officer(client_for, officer, manager, guard):
    assert guard.national_id in client_for(officer).get(f"/guards/{guard.pk}/").content.decode()
    body = client_for(manager).get(f"/guards/{guard.pk}/").content.decode()
    assert guard.national_id not in body
    assert guard.national_id_masked in body
    edit = client_for(manager).get(f"/guards/{guard.pk}/edit/").content.decode()
    assert guard.national_id not in edit


# Forms ---------------------------------------------------------------------------------------


def test_manager_creates_guard_in_own_company(client_for, manager, company, point):
    response = client_for(manager).post("/guards/new/", _guard_form_data())
    guard = Guard.objects.get(national_id=NEW_ID)
    assert response.status_code == 302
    assert guard.company == company
    assert guard.liaison_point == point  # attached to the nearest active point


def test_manager_cannot_create_guard_in_another_company(client_for, manager, company, other_company, point):
    client_for(manager).post("/guards/new/", _guard_form_data(company=other_company.pk))
    assert Guard.objects.get(national_id=NEW_ID).company == company
    assert not Guard.objects.filter(company=other_company).exists()


def test_officer_creates_guard_in_chosen_company(client_for, officer, other_company, point):
    response = client_for(officer).post("/guards/new/", _guard_form_data(company=other_company.pk))
    assert response.status_code == 302
    assert Guard.objects.get(national_id=NEW_ID).company == other_company


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("national_id", NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1"), "check digit"),
        ("post_latitude", "95", "Latitude must be between -90 and 90."),
        ("phone", "12345", "11-digit mobile number"),
    ],
)
def test_guard_create_with_bad_input_shows_field_error_and_saves_nothing(client_for, manager, point, field, value, message):
    response = client_for(manager).post("/guards/new/", _guard_form_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert Guard.objects.count() == 0


@pytest.mark.parametrize("field, value", [("national_id", "42062519900517000"), ("post_latitude", "95"), ("phone", "12345")])
def test_guard_update_with_bad_input_changes_nothing(client_for, officer, guard, field, value):
    before = Guard.objects.filter(pk=guard.pk).values().get()
    data = _guard_form_data(**{"company": guard.company_id, "national_id": guard.national_id, field: value})
    response = client_for(officer).post(f"/guards/{guard.pk}/edit/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Guard.objects.filter(pk=guard.pk).values().get() == before


def test_duplicate_national_id_is_a_field_error(client_for, manager, guard, point):
    response = client_for(manager).post("/guards/new/", _guard_form_data(national_id=guard.national_id))
    assert response.status_code == 200
    assert "national_id" in response.context["form"].errors
    assert Guard.objects.count() == 1


def test_valid_certificate_needs_expiry_date(client_for, manager, point):
    response = client_for(manager).post("/guards/new/", _guard_form_data(certificate_status="valid", certificate_number="C1"))
    assert response.status_code == 200
    assert "certificate_expires_on" in response.context["form"].errors
    assert Guard.objects.count() == 0


def test_manager_edit_keeps_national_id_when_left_empty(client_for, manager, guard):
    stored = guard.national_id
    response = client_for(manager).post(f"/guards/{guard.pk}/edit/", _guard_form_data(national_id="", name="New name"))
    guard.refresh_from_db()
    assert response.status_code == 302
    assert guard.name == "New name"
    assert guard.national_id == stored


def test_moving_post_reattaches_to_nearest_point(client_for, officer, guard, point):
    far = f.LiaisonPointFactory(latitude="33.000000", longitude="112.000000")
    data = _guard_form_data(company=guard.company_id, national_id=guard.national_id, post_latitude="33.000100", post_longitude="112.000100")
    client_for(officer).post(f"/guards/{guard.pk}/edit/", data)
    guard.refresh_from_db()
    assert guard.liaison_point == far


# Officer's point override --------------------------------------------------------------------


def test_officer_pins_guard_to_point_and_back_to_nearest(client_for, officer, guard, point):
    other = f.LiaisonPointFactory(latitude="33.000000", longitude="112.000000")
    client = client_for(officer)

    response = client.post(f"/guards/{guard.pk}/point/", {"point": other.pk})
    guard.refresh_from_db()
    assert response.status_code == 302
    assert (guard.liaison_point, guard.point_pinned) == (other, True)

    client.post(f"/guards/{guard.pk}/point/", {"point": ""})
    guard.refresh_from_db()
    assert (guard.liaison_point, guard.point_pinned) == (point, False)


def test_pinning_to_closed_point_is_refused(client_for, officer, guard, point):
    closed = f.LiaisonPointFactory(active=False)
    response = client_for(officer).post(f"/guards/{guard.pk}/point/", {"point": closed.pk}, follow=True)
    guard.refresh_from_db()
    assert guard.liaison_point == point
    assert not guard.point_pinned
    assert response.status_code == 200


# History -------------------------------------------------------------------------------------


def test_history_names_changes_and_who(client_for, officer, point, company):
    guard = f.GuardFactory(company=company)
    other_company = f.SecurityCompanyFactory(name="Company Z")
    data = _guard_form_data(company=other_company.pk, national_id=guard.national_id, name="Renamed")
    client = client_for(officer)
    client.post(f"/guards/{guard.pk}/edit/", data)

    response = client.get(f"/guards/{guard.pk}/")
    latest = response.context["history"][0]
    changed = {c["field"].name: c for c in latest["changes"]}
    assert latest["who"] == officer
    assert changed["name"]["new"] == "Renamed"
    assert (changed["company"]["old"], changed["company"]["new"]) == (company.name, "Company Z")


# Query counts ----------------------------------------------------------------------------------


def test_guard_list_query_count_is_flat_for_officer(client_for, officer, company, point, django_assert_num_queries):
    client = client_for(officer)
    f.GuardFactory.create_batch(2, company=company, liaison_point=point)
    # 1 session, 2 user, 3 count, 4 guards joined to company/point/township,
    # 5 companies select, 6 points select, 7 townships select
    with django_assert_num_queries(7):
        client.get("/guards/")
    f.GuardFactory.create_batch(10, company=company, liaison_point=point)
    with django_assert_num_queries(7):
        client.get("/guards/")


def test_guard_list_query_count_is_flat_for_manager(client_for, manager, company, point, django_assert_num_queries):
    client = client_for(manager)
    f.GuardFactory.create_batch(2, company=company, liaison_point=point)
    # 1 session, 2 user, 3 scope (manager profile), 4 count, 5 guards, 6 points select, 7 townships select
    with django_assert_num_queries(7):
        client.get("/guards/")
    f.GuardFactory.create_batch(10, company=company, liaison_point=point)
    with django_assert_num_queries(7):
        client.get("/guards/")


def test_company_list_query_count_is_flat(client_for, officer, django_assert_num_queries):
    client = client_for(officer)
    for company in f.SecurityCompanyFactory.create_batch(2):
        f.GuardFactory(company=company)
    # 1 session, 2 user, 3 count, 4 companies with guard and certified counts
    with django_assert_num_queries(4):
        client.get("/guards/companies/")
    for company in f.SecurityCompanyFactory.create_batch(10):
        f.GuardFactory(company=company)
    with django_assert_num_queries(4):
        client.get("/guards/companies/")


def test_company_detail_query_count_is_flat(client_for, manager, company, point, django_assert_num_queries):
    client = client_for(manager)
    f.GuardFactory.create_batch(2, company=company, liaison_point=point)
    f.CompanyManagerFactory.create_batch(1, company=company)
    # 1 session, 2 user, 3 scope, 4 company, 5 guard counts, 6 managers with users,
    # 7 guards count, 8 guards page, 9 points select, 10 townships select
    with django_assert_num_queries(10):
        client.get(f"/guards/companies/{company.pk}/")
    f.GuardFactory.create_batch(10, company=company, liaison_point=point)
    f.CompanyManagerFactory.create_batch(5, company=company)
    with django_assert_num_queries(10):
        client.get(f"/guards/companies/{company.pk}/")


def test_guard_detail_query_count_is_flat_in_history(client_for, officer, guard, django_assert_num_queries):
    from guards.services import guard_update

    client = client_for(officer)
    for n in range(2):
        guard_update(guard=guard, by=officer, post=f"Post {n}")
    # 1 session, 2 user, 3 guard joined to company/point/officer/account, 4 history with users,
    # 5 active points select (company and point names would add one query each, not one per row),
    # 6 the duty panel (last assessment, this quarter's session, month's points as subqueries),
    # 7 the audit event (an officer sees the full resident id)
    with django_assert_num_queries(7):
        client.get(f"/guards/{guard.pk}/")
    for n in range(10):
        guard_update(guard=guard, by=officer, post=f"Post {n + 2}")
    with django_assert_num_queries(7):
        client.get(f"/guards/{guard.pk}/")
