"""/api/v1/companies and /api/v1/guards: scoping, masking, writes through the services."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from guards.models import Guard, SecurityCompany
from tests import factories as f
from tests.factories import make_national_id

pytestmark = pytest.mark.django_db

@pytest.fixture
def today():
    """Today in the office's time zone, the clock frozen at the current moment for the test, so "yesterday"
    and the API's own "today" cannot straddle midnight (and follow --clock, which a module-level
    date.today(), read at import, did not)."""
    with time_machine.travel(timezone.now(), tick=False):
        yield timezone.localdate()


def fresh(user):
    """The same account re-read, so no per-request cache from an earlier call skews a query count."""
    return User.objects.get(pk=user.pk)


def guard_payload(**overrides):
    data = {
        "name": "Zhang San",
        "phone": "13912345678",
        "national_id": make_national_id(501, born=datetime.date(1985, 5, 5)),
        "post": "Riverside compound, east gate",
        "post_latitude": "32.270000",
        "post_longitude": "111.600000",
    }
    return {**data, **overrides}


@pytest.fixture
def far_point(db, point):
    """A second active point 11 km north of `point`."""
    return f.LiaisonPointFactory(code="LP-FAR", township=f.TownshipFactory(), latitude="32.370000", longitude="111.600000")


# --- companies ---------------------------------------------------------------------------------


def test_company_list_when_officer_shows_counts(api_for, officer, company, other_company, guard, point, today):
    # given company A: 1 valid (the fixture guard), 1 expired, 1 without certificate, 1 removed
    f.GuardFactory(company=company, liaison_point=point, certificate_expires_on=today - datetime.timedelta(days=1))
    f.GuardFactory(company=company, liaison_point=point, certificate_status=Guard.CertificateStatus.NONE, certificate_expires_on=None)
    f.GuardFactory(company=company, liaison_point=point, status=Guard.Status.REMOVED)

    # when
    response = api_for(officer).get("/api/v1/companies/")

    # then
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert set(rows) == {"Company A", "Company B"}
    assert (rows["Company A"]["guard_count"], rows["Company A"]["certified_count"]) == (3, 1)
    assert (rows["Company B"]["guard_count"], rows["Company B"]["certified_count"]) == (0, 0)


def test_company_list_when_manager_shows_own_company_only(api_for, manager, company, other_company):
    response = api_for(manager).get("/api/v1/companies/")

    assert [row["id"] for row in response.json()["results"]] == [company.pk]


def test_company_detail_when_manager_asks_for_other_company_is_404(api_for, manager, company, other_company):
    api = api_for(manager)

    assert api.get(f"/api/v1/companies/{company.pk}/").status_code == 200
    assert api.get(f"/api/v1/companies/{other_company.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["guard", "outsider"])
def test_company_list_when_guard_or_outsider_is_empty(api_for, who, request, company, other_company):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user

    response = api_for(user).get("/api/v1/companies/")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_company_create_when_officer(api_for, officer):
    response = api_for(officer).post(
        "/api/v1/companies/", {"name": "Company C", "licence_number": "LIC-C"}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["guard_count"], response.json()["certified_count"]) == (0, 0)
    assert SecurityCompany.objects.filter(name="Company C").exists()


@pytest.mark.parametrize("who", ["manager", "guard", "outsider"])
def test_company_write_when_not_officer_is_403(api_for, who, request, company):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user
    api = api_for(user)

    assert api.post("/api/v1/companies/", {"name": "X", "licence_number": "X"}, format="json").status_code == 403
    assert api.patch(f"/api/v1/companies/{company.pk}/", {"name": "Renamed"}, format="json").status_code == 403
    company.refresh_from_db()
    assert company.name == "Company A"


def test_company_delete_is_405(api_for, officer, company):
    assert api_for(officer).delete(f"/api/v1/companies/{company.pk}/").status_code == 405


def test_company_list_query_count_is_flat(api_for, officer, point, django_assert_num_queries):
    for c in f.SecurityCompanyFactory.create_batch(2):
        f.GuardFactory.create_batch(2, company=c, liaison_point=point)
    api = api_for(fresh(officer))
    # 1 count, 2 companies with guard and certificate counts
    with django_assert_num_queries(2):
        api.get("/api/v1/companies/")
    for c in f.SecurityCompanyFactory.create_batch(10):
        f.GuardFactory.create_batch(2, company=c, liaison_point=point)
    api = api_for(fresh(officer))
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/companies/").json()["results"]) == 12


def test_company_list_for_manager_query_count_is_flat(api_for, manager, company, point, django_assert_num_queries):
    f.GuardFactory.create_batch(2, company=company, liaison_point=point)
    api = api_for(fresh(manager))
    # 1 manager profile (scope), 2 count, 3 the company with counts
    with django_assert_num_queries(3):
        api.get("/api/v1/companies/")
    f.GuardFactory.create_batch(10, company=company, liaison_point=point)
    api = api_for(fresh(manager))
    with django_assert_num_queries(3):
        assert api.get("/api/v1/companies/").json()["results"][0]["guard_count"] == 12


# --- guards: reading and scoping ---------------------------------------------------------------


def test_guard_list_when_officer_shows_everyone_with_full_id(api_for, officer, guard, other_guard):
    response = api_for(officer).get("/api/v1/guards/")

    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {guard.pk, other_guard.pk}
    assert rows[guard.pk]["national_id"] == guard.national_id
    assert rows[guard.pk]["company_name"] == "Company A"
    assert rows[guard.pk]["liaison_point_code"] == guard.liaison_point.code
    assert rows[guard.pk]["township_name"] == guard.liaison_point.township.name
    assert rows[guard.pk]["certificate_valid"] is True
    assert rows[guard.pk]["has_account"] is True


def test_guard_list_when_manager_shows_own_company_masked(api_for, manager, guard, other_guard):
    response = api_for(manager).get("/api/v1/guards/")

    [row] = response.json()["results"]
    assert row["id"] == guard.pk
    assert row["national_id"] == guard.national_id_masked
    assert guard.national_id not in response.content.decode()


def test_guard_detail_when_manager_asks_for_other_company_is_404(api_for, manager, other_guard):
    api = api_for(manager)

    assert api.get(f"/api/v1/guards/{other_guard.pk}/").status_code == 404
    assert api.patch(f"/api/v1/guards/{other_guard.pk}/", {"phone": "13800000000"}, format="json").status_code == 404
    other_guard.refresh_from_db()
    assert other_guard.phone != "13800000000"


def test_guard_list_when_guard_shows_only_themselves(api_for, guard, other_guard, company, point):
    f.GuardFactory(company=company, liaison_point=point)  # a colleague in the same company
    api = api_for(guard.user)

    response = api.get("/api/v1/guards/")

    assert [row["id"] for row in response.json()["results"]] == [guard.pk]
    assert response.json()["results"][0]["national_id"] == guard.national_id_masked
    assert api.get(f"/api/v1/guards/{other_guard.pk}/").status_code == 404


def test_guard_write_when_guard_user_is_403(api_for, guard):
    api = api_for(guard.user)

    assert api.patch(f"/api/v1/guards/{guard.pk}/", {"phone": "13800000000"}, format="json").status_code == 403
    assert api.post("/api/v1/guards/", guard_payload(company=guard.company_id), format="json").status_code == 403


def test_guard_list_when_outsider_is_empty(api_for, outsider, guard, other_guard):
    api = api_for(outsider)

    response = api.get("/api/v1/guards/")

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert api.get(f"/api/v1/guards/{guard.pk}/").status_code == 404
    assert api.post("/api/v1/guards/", guard_payload(company=guard.company_id), format="json").status_code == 403


def test_guard_list_when_anonymous_is_refused(api_for, guard):
    assert api_for(None).get("/api/v1/guards/").status_code == 401  # anonymous: 401 with WWW-Authenticate, not 403


def test_guard_delete_is_405(api_for, officer, guard):
    assert api_for(officer).delete(f"/api/v1/guards/{guard.pk}/").status_code == 405
    assert Guard.objects.filter(pk=guard.pk).exists()


def test_guard_list_filters(api_for, officer, guard, other_guard, far_point):
    # given a third guard differing in every filtered field
    odd = f.GuardFactory(
        company=guard.company, liaison_point=far_point, point_pinned=True, status=Guard.Status.SUSPENDED,
        certificate_status=Guard.CertificateStatus.REVOKED, name="Wang Wu", phone="13711112222",
        post="Hospital gate", certificate_number="CERT-ODD",
    )
    api = api_for(officer)

    def ids(**params):
        response = api.get("/api/v1/guards/", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    # then
    assert ids(company=other_guard.company_id) == {other_guard.pk}
    assert ids(status="suspended") == {odd.pk}
    assert ids(liaison_point=far_point.pk) == {odd.pk}
    assert ids(township=far_point.township_id) == {odd.pk}
    assert ids(township=guard.liaison_point.township_id) == {guard.pk, other_guard.pk}
    assert ids(certificate_status="revoked") == {odd.pk}
    assert ids(point_pinned="true") == {odd.pk}
    assert ids(search="wang") == {odd.pk}
    assert ids(search="13711112222") == {odd.pk}
    assert ids(search="hospital") == {odd.pk}
    assert ids(search="cert-odd") == {odd.pk}


def test_guard_list_filter_for_manager_cannot_reach_other_company(api_for, manager, other_guard):
    response = api_for(manager).get("/api/v1/guards/", {"company": other_guard.company_id})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_guard_list_when_filter_value_is_bad_is_400(api_for, officer, guard):
    response = api_for(officer).get("/api/v1/guards/", {"status": "asleep", "company": "abc"})

    assert response.status_code == 400
    assert set(response.json()) == {"status", "company"}


@pytest.mark.parametrize("value", ["99999999999999999999999", "1.5", "-1e30", "0"])
def test_guard_list_when_id_filter_is_out_of_range_is_400_not_500(api_for, officer, guard, value):
    response = api_for(officer).get("/api/v1/guards/", {"township": value})

    assert response.status_code == 400
    assert list(response.json()) == ["township"]


def _guards(n, company, points):
    for i in range(n):
        f.GuardFactory(company=company, liaison_point=points[i % len(points)])


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_guard_list_query_count_is_flat(api_for, who, request, company, point, far_point, django_assert_num_queries):
    user = request.getfixturevalue(who)
    # officer: count, guards joined to company/point/township, the audit INSERT (full resident ids shown:
    # one line per request); manager: manager profile (scope), count, guards (masked ids: no audit line)
    expected = 3
    _guards(2, company, [point, far_point])
    api = api_for(fresh(user))
    with django_assert_num_queries(expected):
        api.get("/api/v1/guards/")
    _guards(10, company, [point, far_point])
    api = api_for(fresh(user))
    with django_assert_num_queries(expected):
        assert len(api.get("/api/v1/guards/").json()["results"]) == 12


def test_guard_list_for_guard_user_query_count_is_flat(api_for, guard, company, point, django_assert_num_queries):
    _guards(2, company, [point])
    api = api_for(fresh(guard.user))
    # 1 guard profile (scope), 2 count, 3 the guard joined to company/point/township
    with django_assert_num_queries(3):
        api.get("/api/v1/guards/")
    _guards(10, company, [point])
    api = api_for(fresh(guard.user))
    with django_assert_num_queries(3):
        assert len(api.get("/api/v1/guards/").json()["results"]) == 1


# --- guards: writing ---------------------------------------------------------------------------


def test_guard_create_when_officer_attaches_to_nearest_active_point(api_for, officer, company, point, far_point):
    # given a post 1 km from far_point and 10 km from point
    payload = guard_payload(company=company.pk, post_latitude="32.360000")

    # when
    response = api_for(officer).post("/api/v1/guards/", payload, format="json")

    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["liaison_point"], body["point_pinned"]) == (far_point.pk, False)
    assert body["national_id"] == payload["national_id"]
    guard = Guard.objects.get(pk=body["id"])
    assert guard.liaison_point_id == far_point.pk
    assert guard.history.first().history_user == officer


def test_guard_create_when_nearest_point_is_closed_skips_it(api_for, officer, company, point, far_point):
    far_point.active = False
    far_point.save()

    response = api_for(officer).post("/api/v1/guards/", guard_payload(company=company.pk, post_latitude="32.360000"), format="json")

    assert response.json()["liaison_point"] == point.pk


def test_guard_create_when_officer_pins_a_point(api_for, officer, company, point, far_point):
    payload = guard_payload(company=company.pk, liaison_point=far_point.pk)  # post is at `point`

    response = api_for(officer).post("/api/v1/guards/", payload, format="json")

    assert response.status_code == 201
    assert (response.json()["liaison_point"], response.json()["point_pinned"]) == (far_point.pk, True)


def test_guard_create_when_pinned_point_is_closed_is_400_and_nothing_saved(api_for, officer, company, point, far_point):
    far_point.active = False
    far_point.save()

    response = api_for(officer).post("/api/v1/guards/", guard_payload(company=company.pk, liaison_point=far_point.pk), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["liaison_point"]
    assert not Guard.objects.filter(name="Zhang San").exists()


def test_guard_create_when_manager_goes_to_own_company(api_for, manager, company, point):
    response = api_for(manager).post("/api/v1/guards/", guard_payload(), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["company"] == company.pk
    assert response.json()["liaison_point"] == point.pk
    assert response.json()["national_id"] == Guard.objects.get(pk=response.json()["id"]).national_id_masked


def test_guard_create_when_manager_names_other_company_is_400_on_company(api_for, manager, other_company, point):
    response = api_for(manager).post("/api/v1/guards/", guard_payload(company=other_company.pk), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["company"]
    assert not Guard.objects.exists()


def test_guard_create_when_manager_sets_point_is_400_on_liaison_point(api_for, manager, point, far_point):
    response = api_for(manager).post("/api/v1/guards/", guard_payload(liaison_point=far_point.pk), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["liaison_point"]


def test_guard_create_when_officer_omits_company_is_400(api_for, officer, point):
    response = api_for(officer).post("/api/v1/guards/", guard_payload(), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["company"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"post_latitude": 95}, "post_latitude"),
        ({"post_longitude": "abc"}, "post_longitude"),
        ({"national_id": "110105194912310021"}, "national_id"),  # bad check digit
        ({"national_id": "11010519491231002"}, "national_id"),  # 17 characters
        ({"national_id": "11010519491231002X1"}, "national_id"),  # 19 characters
        ({"national_id": "110105194902300026"}, "national_id"),  # 30 February
        ({"company": 999999}, "company"),
        ({"company": "abc"}, "company"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "1391234567a"}, "phone"),
        ({"status": "asleep"}, "status"),
        ({"certificate_expires_on": "tomorrow"}, "certificate_expires_on"),
        ({"liaison_point": 999999}, "liaison_point"),
        ({"name": ""}, "name"),
    ],
)
def test_guard_create_when_input_is_bad_is_400_on_field(api_for, officer, company, point, overrides, field):
    payload = {"company": company.pk, **guard_payload(**overrides)}
    payload.update(overrides)

    response = api_for(officer).post("/api/v1/guards/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert all(isinstance(msg, str) and msg for msg in response.json()[field])
    assert not Guard.objects.filter(name__in=["Zhang San", ""]).exists()


def test_guard_create_when_national_id_taken_is_400(api_for, officer, company, guard):
    response = api_for(officer).post("/api/v1/guards/", guard_payload(company=company.pk, national_id=guard.national_id), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["national_id"]


def test_guard_create_when_national_id_taken_in_other_case_is_400_from_full_clean(api_for, officer, company, point):
    # given an id ending in X; the serializer's exact-match check cannot see "x" as the same id,
    # the service's full_clean (which normalises first) must, and the handler must say which field
    f.GuardFactory(company=company, liaison_point=point, national_id="11010519491231002X")

    response = api_for(officer).post(
        "/api/v1/guards/", guard_payload(company=company.pk, national_id="11010519491231002x"), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["national_id"]
    assert Guard.objects.filter(national_id__iexact="11010519491231002x").count() == 1


def test_guard_create_when_valid_certificate_lacks_expiry_is_400_from_full_clean(api_for, officer, company, point):
    payload = guard_payload(company=company.pk, certificate_status="valid", certificate_expires_on=None)

    response = api_for(officer).post("/api/v1/guards/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["A valid certificate needs an expiry date."]}
    assert not Guard.objects.exists()


def test_guard_update_when_manager_edits_own_guard(api_for, manager, guard):
    response = api_for(manager).patch(f"/api/v1/guards/{guard.pk}/", {"phone": "13800000000", "post": "North gate"}, format="json")

    assert response.status_code == 200
    guard.refresh_from_db()
    assert (guard.phone, guard.post) == ("13800000000", "North gate")
    assert guard.history.first().history_user == manager


def test_guard_update_when_manager_moves_company_is_400(api_for, manager, guard, other_company):
    response = api_for(manager).patch(f"/api/v1/guards/{guard.pk}/", {"company": other_company.pk}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["company"]
    guard.refresh_from_db()
    assert guard.company_id != other_company.pk


def test_guard_update_when_manager_puts_back_what_they_read(api_for, manager, guard):
    # given the manager read the guard (id masked, point as attached): a PUT with the same point is fine
    api = api_for(manager)
    body = api.get(f"/api/v1/guards/{guard.pk}/").json()
    body.update(national_id=guard.national_id, name="Renamed")

    response = api.put(f"/api/v1/guards/{guard.pk}/", body, format="json")

    assert response.status_code == 200, response.json()
    guard.refresh_from_db()
    assert guard.name == "Renamed"


def test_guard_update_when_manager_changes_point_is_400(api_for, manager, guard, far_point):
    response = api_for(manager).patch(f"/api/v1/guards/{guard.pk}/", {"liaison_point": far_point.pk}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["liaison_point"]


def test_guard_update_when_post_moves_reattaches_to_nearest(api_for, manager, guard, far_point):
    response = api_for(manager).patch(f"/api/v1/guards/{guard.pk}/", {"post_latitude": "32.369000"}, format="json")

    assert response.status_code == 200
    assert response.json()["liaison_point"] == far_point.pk


def test_guard_update_when_bad_national_id_is_400_and_unchanged(api_for, officer, guard):
    before = guard.national_id

    response = api_for(officer).patch(f"/api/v1/guards/{guard.pk}/", {"national_id": "110105194912310021"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["national_id"]
    guard.refresh_from_db()
    assert guard.national_id == before


def test_guard_update_when_removed_by_status(api_for, manager, guard):
    response = api_for(manager).patch(f"/api/v1/guards/{guard.pk}/", {"status": "removed"}, format="json")

    assert response.status_code == 200
    guard.refresh_from_db()
    assert guard.status == Guard.Status.REMOVED


# --- guards: set-point -------------------------------------------------------------------------


def test_guard_set_point_pins_then_null_returns_to_nearest(api_for, officer, guard, point, far_point):
    api = api_for(officer)

    # when an officer pins the guard to the far point
    pinned = api.post(f"/api/v1/guards/{guard.pk}/set-point/", {"liaison_point": far_point.pk}, format="json")

    # then
    assert pinned.status_code == 200
    assert (pinned.json()["liaison_point"], pinned.json()["point_pinned"]) == (far_point.pk, True)

    # and the pin survives a move of the post
    api.patch(f"/api/v1/guards/{guard.pk}/", {"post_latitude": "32.271000"}, format="json")
    guard.refresh_from_db()
    assert guard.liaison_point_id == far_point.pk

    # when the officer unpins
    unpinned = api.post(f"/api/v1/guards/{guard.pk}/set-point/", {"liaison_point": None}, format="json")

    # then the guard is back at the nearest active point
    assert unpinned.status_code == 200
    assert (unpinned.json()["liaison_point"], unpinned.json()["point_pinned"]) == (point.pk, False)


def test_guard_update_when_officer_sets_point_pins_it(api_for, officer, guard, far_point):
    response = api_for(officer).patch(f"/api/v1/guards/{guard.pk}/", {"liaison_point": far_point.pk}, format="json")

    assert response.status_code == 200
    assert (response.json()["liaison_point"], response.json()["point_pinned"]) == (far_point.pk, True)


def test_guard_set_point_when_point_closed_is_400(api_for, officer, guard, far_point):
    far_point.active = False
    far_point.save()

    response = api_for(officer).post(f"/api/v1/guards/{guard.pk}/set-point/", {"liaison_point": far_point.pk}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["liaison_point"]


@pytest.mark.parametrize("body", [{}, {"liaison_point": 999999}, {"liaison_point": "abc"}])
def test_guard_set_point_when_input_is_bad_is_400(api_for, officer, guard, body):
    response = api_for(officer).post(f"/api/v1/guards/{guard.pk}/set-point/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["liaison_point"]


@pytest.mark.parametrize("who", ["manager", "guard", "outsider"])
def test_guard_set_point_when_not_officer_is_403(api_for, who, request, guard, far_point):
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user

    response = api_for(user).post(f"/api/v1/guards/{guard.pk}/set-point/", {"liaison_point": far_point.pk}, format="json")

    assert response.status_code == 403
    guard.refresh_from_db()
    assert guard.liaison_point_id != far_point.pk


def test_guard_set_point_when_guard_unknown_is_404(api_for, officer, far_point):
    response = api_for(officer).post("/api/v1/guards/999999/set-point/", {"liaison_point": far_point.pk}, format="json")

    assert response.status_code == 404


def test_guard_reattached_when_pinned_point_closes_via_api(api_for, officer, guard, point, far_point):
    api = api_for(officer)
    api.post(f"/api/v1/guards/{guard.pk}/set-point/", {"liaison_point": far_point.pk}, format="json")

    api.patch(f"/api/v1/liaison-points/{far_point.pk}/", {"active": False}, format="json")

    guard.refresh_from_db()
    assert (guard.liaison_point_id, guard.point_pinned) == (point.pk, False)


def test_guard_coordinates_are_rounded_not_refused(api_for, officer, company, point):
    payload = guard_payload(company=company.pk, post_latitude=32.2712345678, post_longitude=111.6000004)

    response = api_for(officer).post("/api/v1/guards/", payload, format="json")

    assert response.status_code == 201, response.json()
    guard = Guard.objects.get(pk=response.json()["id"])
    assert (guard.post_latitude, guard.post_longitude) == (Decimal("32.271235"), Decimal("111.600000"))
