"""Bad input is a 400 that names the field, never a 500 and never a half-saved record (issue 10, item 8).

One test per kind of bad input: dates at the calendar's ends, weeks and months past the office's
years, NUL characters, lone surrogates, deep JSON, oversized bodies and fields, huge counts and ids."""
import datetime
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from bulletins.models import CaseFigure
from liaison_points.models import Zone
from patrol.models import Patrol, RecurringPlan
from tests import factories as f

API = "/api/v1"
NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
SQUARE = {"type": "Polygon", "coordinates": [[[111.6, 32.2], [111.7, 32.2], [111.7, 32.3], [111.6, 32.3], [111.6, 32.2]]]}


def _patrol(point, **overrides):
    return {
        "liaison_point": point.pk, "planned_start": "2026-11-24T19:00:00+08:00",
        "planned_end": "2026-11-24T22:00:00+08:00", "kind": "foot", "guards": [], **overrides,
    }


@pytest.mark.parametrize("field, start, end", [
    ("planned_start", "0001-01-01T19:00:00+08:00", "2026-11-24T22:00:00+08:00"),
    ("planned_end", "2026-11-24T19:00:00+08:00", "9999-12-31T22:00:00+08:00"),
    ("planned_start", "9999-12-31T19:00:00+08:00", "9999-12-31T22:00:00+08:00"),
])
def test_patrol_at_the_calendars_end_is_400_and_nothing_stored(api_for, officer, point, field, start, end):
    response = api_for(officer).post(f"{API}/patrols/", _patrol(point, planned_start=start, planned_end=end), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Patrol.objects.exists()


@pytest.mark.parametrize("starts_on", ["9999-12-30", "0001-01-01"])
def test_plan_starting_past_the_office_years_is_400_and_nothing_stored(api_for, officer, point, starts_on):
    body = {"liaison_point": point.pk, "weekdays": [1], "start_time": "19:00", "end_time": "22:00", "starts_on": starts_on, "guards": []}

    response = api_for(officer).post(f"{API}/patrol-plans/", body, format="json")

    assert response.status_code == 400 and "starts_on" in response.json()
    assert not RecurringPlan.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_generation_task_goes_on_when_one_plan_is_broken(api_for, officer, point):
    # given a good plan and one stored before the bound existed, starting at the calendar's end
    api = api_for(officer)
    body = {"liaison_point": point.pk, "weekdays": [1, 3], "start_time": "19:00", "end_time": "22:00", "starts_on": "2026-11-24", "guards": []}
    good = api.post(f"{API}/patrol-plans/", body, format="json").json()["id"]
    broken = api.post(f"{API}/patrol-plans/", body, format="json").json()["id"]
    RecurringPlan.objects.filter(pk=broken).update(starts_on=datetime.date(9999, 12, 30))
    from patrol.tasks import plans_generate_task

    # when
    created = plans_generate_task(weeks=1)

    # then the good plan's patrols exist; the broken one made none and stopped nothing
    assert created > 0
    assert Patrol.objects.filter(plan_id=good).count() == created
    assert not Patrol.objects.filter(plan_id=broken).exists()


@pytest.mark.parametrize("path", [
    "/patrols/?week=9999-W52", "/check-ins/?week=9999-W52", "/patrols/coverage/?week=9999-W52",
    "/points/weekly/?week=9999-W52", "/patrols/?week=0001-W01",
])
def test_week_past_the_office_years_is_400_on_week(api_for, officer, path):
    response = api_for(officer).get(API + path)

    assert response.status_code == 400, response.content
    assert "week" in response.json()


@pytest.mark.parametrize("path", ["/api/v1/bulletins/9999-W52/", "/bulletins/9999-W52/", "/bulletins/9999-W52/print/"])
def test_bulletin_of_week_past_the_office_years_is_404(api_for, client_for, officer, path):
    client = api_for(officer) if path.startswith("/api/") else client_for(officer)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/payouts/?month=9999-12", "/guards/certificates/?month=9999-12"])
def test_month_past_the_office_years_is_never_500(api_for, client_for, officer, path):
    client = api_for(officer) if path.startswith("/api/") else client_for(officer)
    assert client.get(path).status_code in (200, 400)


def test_payout_compute_for_month_past_the_office_years_is_400(api_for, client_for, officer):
    response = api_for(officer).post(f"{API}/payouts/compute/", {"month": "9999-12"}, format="json")
    assert response.status_code == 400 and "month" in response.json()
    page = client_for(officer).post("/guards/payouts/compute/", {"month": "9999-12", "yuan_per_point": "5"})
    assert page.status_code == 400 and "month" in page.context["form"].errors


@pytest.mark.parametrize("path", ["/api/v1/guards/?search=a%00b", "/guards/?q=a%00b", "/api/v1/patrols/?q%00=1"])
def test_nul_in_query_string_is_400_naming_the_parameter(api_for, client_for, officer, path):
    client = api_for(officer) if path.startswith("/api/") else client_for(officer)

    response = client.get(path)

    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")
        assert set(response.json()) & {"search", "q?"}


@pytest.mark.parametrize("body, field", [
    ('{"name": "North", "area": {"type": "Polygon", "\\u0000": 1, "coordinates": []}}', "area"),
    ('{"name": "North\\u0000"}', "name"),
    ('{"name": "\\ud800"}', "name"),
    ('{"name": "North", "description": "\\udfff tail"}', "description"),
])
def test_nul_or_lone_surrogate_in_json_is_400_naming_the_field(api_for, officer, body, field):
    response = api_for(officer).generic("POST", f"{API}/zones/", body, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Zone.objects.exists()


def test_geojson_keeps_only_type_and_coordinates(api_for, officer):
    area = {**SQUARE, "properties": {"x": "y"}, "bbox": [0, 0, 1, 1]}

    response = api_for(officer).post(f"{API}/zones/", {"name": "North", "area": area}, format="json")

    assert response.status_code == 201, response.content
    assert Zone.objects.get().area == SQUARE


def test_json_nested_too_deep_is_400(api_for, officer):
    body = '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"

    response = api_for(officer).generic("POST", f"{API}/zones/", body, content_type="application/json")

    assert response.status_code == 400 and "detail" in response.json()
    assert not Zone.objects.exists()


def test_oversized_json_body_is_a_json_400(api_for, officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "North", "description": "x" * 5000})

    response = api_for(officer).generic("POST", f"{API}/zones/", body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()
    assert not Zone.objects.exists()


def test_oversized_form_body_under_api_is_a_json_400(client_for, officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client_for(officer).post(f"{API}/zones/", "name=North&description=" + "x" * 5000,
                                        content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_oversized_multipart_body_is_a_json_400_and_no_tip(client, guard, settings):
    """A multipart body Django refuses to parse used to reach DRF unreadable: a 500."""
    from rest_framework.authtoken.models import Token

    from disputes.models import Tip

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    token = Token.objects.create(user=guard.user)

    response = client.post(f"{API}/tips/", {"text": "x" * 5000, "kind": "case_lead"}, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()
    assert not Tip.objects.exists()


def test_too_many_fields_on_a_page_form_is_the_400_page(client_for, guard, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    response = client_for(guard.user).post("/disputes/tips/report/", {f"f{i}": "x" for i in range(50)})

    assert response.status_code == 400


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("count", [10**12, "1e12", 2**31])
def test_huge_counts_are_400(api_for, officer, township, count):
    response = api_for(officer).post(f"{API}/case-figures/", {"week": "2026-W47", "township": township.pk, "count": count}, format="json")

    assert response.status_code == 400 and "count" in response.json()
    assert not CaseFigure.objects.exists()


def test_people_reached_beyond_a_count_is_400(api_for, officer, point):
    patrol = f.PatrolFactory(liaison_point=point, leader=officer.officer_profile, status=Patrol.Status.UNDER_WAY)

    response = api_for(officer).post(f"{API}/patrols/{patrol.pk}/finish/", {"people_reached": 10**12}, format="json")

    assert response.status_code == 400 and "people_reached" in response.json()
    patrol.refresh_from_db()
    assert patrol.status == Patrol.Status.UNDER_WAY


@time_machine.travel(NOW, tick=False)
def test_csv_field_over_the_size_limit_is_a_line_error(api_for, officer, township):
    text = f"week,township,count\n2026-W47,{township.code},1\n2026-W47,{'x' * 200_000},2\n"
    upload = SimpleUploadedFile("cases.csv", text.encode(), content_type="text/csv")

    response = api_for(officer).post(f"{API}/case-figures/import/", {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert any("Line 3" in message for message in response.json()["file"])
    assert not CaseFigure.objects.exists()


@pytest.mark.parametrize("path", [
    "/guards/?company=99999999999999999999", "/patrols/?liaison_point=99999999999999999999",
    "/tips/?dispute=-99999999999999999999", "/check-ins/?guard=1e300", "/disputes/?point=18446744073709551616",
])
def test_ids_beyond_64_bits_in_filters_are_400(api_for, officer, path):
    response = api_for(officer).get(API + path)

    assert response.status_code == 400, response.content
    assert path.split("?")[1].split("=")[0] in response.json()


@pytest.mark.parametrize("path", ["/guards/99999999999999999999/", "/patrols/18446744073709551616/", "/disputes/99999999999999999999/"])
def test_ids_beyond_64_bits_in_paths_are_404(api_for, officer, path):
    assert api_for(officer).get(API + path).status_code == 404


@pytest.mark.parametrize("pk", ["18446744073709551616", "9223372036854775808", "-1", "0", "abc"])
def test_a_guards_check_in_to_an_impossible_patrol_id_is_404(api_for, guard, pk):
    response = api_for(guard.user).post(f"{API}/patrols/{pk}/check-in/", {}, format="json")
    assert response.status_code == 404, response.content


@pytest.mark.parametrize("path", ["/api/v1/guards/0.5/", "/api/v1/no-such-thing/", "/api/v1/bulletins/%C2%84/send/"])
def test_api_path_no_route_matches_is_a_json_404(api_for, officer, path):
    response = api_for(officer).get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()


def test_page_size_outside_its_bounds_is_400(api_for, officer):
    api = api_for(officer)
    assert api.get(f"{API}/guards/?page_size=0").status_code == 400
    assert "page_size" in api.get(f"{API}/guards/?page_size=501").json()
    assert api.get(f"{API}/guards/?page_size=500").status_code == 200


@pytest.mark.parametrize("start, end, field", [
    ("0001-01-01T19:00", "2026-12-01T22:00", "planned_start"),
    ("2026-12-01T19:00", "9999-12-31T22:00", "planned_end"),
])
def test_plan_page_at_the_calendars_end_is_a_field_error_and_saves_nothing(client_for, officer, point, guard, start, end, field):
    data = {
        "liaison_point": point.pk, "leader": officer.officer_profile.pk, "kind": "foot",
        "planned_start": start, "planned_end": end, "guards": [guard.pk], "notes": "",
    }

    response = client_for(officer).post("/patrols/new/", data)

    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors
    assert not Patrol.objects.exists()
