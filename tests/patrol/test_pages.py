"""Patrol pages: roles and scoping, forms through the services (field errors, nothing half-saved),
transitions and roll-call from the detail page, the guard's phone pages, flat query counts."""
import datetime
import json

import pytest
from django.utils import timezone

from guards.models import Guard
from patrol.models import CheckIn, Checkpoint, Patrol, PatrolCheckpoint, RecurringPlan, VenueInspection
from patrol.services import checkpoint_signed_code, patrol_start
from tests import factories as f

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[111.60, 32.27], [111.61, 32.27], [111.61, 32.28], [111.60, 32.28], [111.60, 32.27]]]}


def _local_input(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def during_patrol(time_machine):
    """The clock frozen half an hour into the factory's patrol slot (2026-11-17 19:00–22:00)."""
    time_machine.move_to(f.local_dt(2026, 11, 17, 19, 30), tick=False)


@pytest.fixture
def patrol(point, officer, guard, other_guard):
    """A patrol with a guard of company A (manager's) and one of company B."""
    p = f.PatrolFactory(liaison_point=point, leader=officer.officer_profile)
    f.PatrolMemberFactory(patrol=p, guard=guard)
    f.PatrolMemberFactory(patrol=p, guard=other_guard)
    return p


@pytest.fixture
def foreign_patrol(point, other_guard):
    """A patrol with company B's guard only: outside manager A's scope."""
    p = f.PatrolFactory(liaison_point=point)
    f.PatrolMemberFactory(patrol=p, guard=other_guard)
    return p


@pytest.fixture
def checkpoint(point):
    return f.CheckpointFactory(liaison_point=point, name="North gate")


@pytest.fixture
def inspection(township):
    return f.VenueInspectionFactory(township=township)


@pytest.fixture
def now_patrol(point, officer, guard):
    """A patrol of the guard running now (so the check-in window is open)."""
    start = timezone.now() - datetime.timedelta(minutes=5)
    p = f.PatrolFactory(liaison_point=point, leader=officer.officer_profile, planned_start=start, planned_end=start + datetime.timedelta(hours=3))
    f.PatrolMemberFactory(patrol=p, guard=guard)
    return p


OFFICER_PAGES = [
    "/patrols/new/", "/patrols/plans/", "/patrols/plans/new/", "/patrols/checkpoints/",
    "/patrols/checkpoints/{cp}/qr/", "/patrols/checkpoints/{cp}/qr.svg", "/patrols/inspections/",
    "/patrols/inspections/new/", "/patrols/inspections/{insp}/edit/",
]


def _officer_urls(checkpoint, inspection):
    return [u.format(cp=checkpoint.pk, insp=inspection.pk) for u in OFFICER_PAGES]


# roles -------------------------------------------------------------------------------------

def test_officer_pages_render_for_officer(client_for, officer, patrol, checkpoint, inspection):
    client = client_for(officer)
    for url in ["/patrols/", f"/patrols/{patrol.pk}/", *_officer_urls(checkpoint, inspection)]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_officer_pages_forbidden_for_other_roles(request, client_for, checkpoint, inspection, who):
    user = request.getfixturevalue(who)
    client = client_for(user.user if who == "guard" else user)
    for url in _officer_urls(checkpoint, inspection):
        assert client.get(url).status_code == 403, url


def test_pages_redirect_anonymous_to_login(client_for, patrol, checkpoint, inspection):
    client = client_for(None)
    urls = ["/patrols/", f"/patrols/{patrol.pk}/", "/patrols/my/", f"/patrols/scan/{checkpoint_signed_code(checkpoint)}/",
            *_officer_urls(checkpoint, inspection)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_week_view_sends_guard_to_phone_page(client_for, guard):
    response = client_for(guard.user).get("/patrols/")
    assert response.status_code == 302 and response["Location"] == "/patrols/my/"


def test_week_view_forbidden_without_role(client_for):
    nobody = f.UserFactory(username="nobody", role="guard")  # a guard role without a guard profile
    assert client_for(nobody).get("/patrols/").status_code == 403


def test_guard_pages_forbidden_for_officer_and_manager(client_for, officer, manager, checkpoint):
    for user in (officer, manager):
        client = client_for(user)
        assert client.get("/patrols/my/").status_code == 403
        assert client.get(f"/patrols/scan/{checkpoint_signed_code(checkpoint)}/").status_code == 403


def test_detail_forbidden_for_guard(client_for, guard, patrol):
    assert client_for(guard.user).get(f"/patrols/{patrol.pk}/").status_code == 403


def test_manager_detail_of_patrol_without_own_guards_is_404(client_for, manager, foreign_patrol):
    assert client_for(manager).get(f"/patrols/{foreign_patrol.pk}/").status_code == 404


def test_manager_detail_shows_own_company_rows_only_and_no_buttons(client_for, manager, patrol, guard, other_guard):
    response = client_for(manager).get(f"/patrols/{patrol.pk}/")
    assert response.status_code == 200
    assert [row["guard"].pk for row in response.context["roll_call"]] == [guard.pk]
    body = response.content.decode()
    assert other_guard.name not in body
    assert f"/patrols/{patrol.pk}/start/" not in body and f"/patrols/{patrol.pk}/roll-call/" not in body
    assert response.context["history"] is None


def test_manager_week_is_scoped_and_has_no_coverage(client_for, manager, patrol, foreign_patrol):
    response = client_for(manager).get("/patrols/", {"week": "2026-W47"})
    shown = [p.pk for day in response.context["days"] for p in day["patrols"]]
    assert shown == [patrol.pk]
    assert response.context["coverage"] is None


def test_manager_cannot_post_transitions(client_for, manager, patrol):
    assert client_for(manager).post(f"/patrols/{patrol.pk}/start/").status_code == 403
    assert Patrol.objects.get(pk=patrol.pk).status == Patrol.Status.PLANNED


# week view ---------------------------------------------------------------------------------

def test_week_view_groups_by_day_and_shows_coverage(client_for, officer, patrol, point, settings):
    settings.PATROLS_PER_WEEK_MIN = 3
    f.PatrolFactory(liaison_point=point, status=Patrol.Status.DONE, planned_start=f.local_dt(2026, 11, 19, 8))
    response = client_for(officer).get("/patrols/", {"week": "2026-W47"})
    days = response.context["days"]
    assert [d["date"].day for d in days] == [16, 17, 18, 19, 20, 21, 22]
    assert [p.pk for p in days[1]["patrols"]] == [patrol.pk]
    assert days[1]["patrols"][0].member_count == 2
    assert response.context["prev_week"] == "2026-W46" and response.context["next_week"] == "2026-W48"
    row = response.context["coverage"]["rows"][0]
    # the 08:00 patrol is a day patrol: shown and counted apart, not toward the (night) minimum
    assert (row["row"].done, row["row"].day_done, row["row"].planned, row["below"]) == (0, 1, 2, True)
    assert "is-below" in response.content.decode()


def test_week_view_filters_by_status_and_survives_a_bad_week(client_for, officer, patrol, point):
    f.PatrolFactory(liaison_point=point, status=Patrol.Status.DONE, planned_start=f.local_dt(2026, 11, 18, 19))
    client = client_for(officer)
    response = client.get("/patrols/", {"week": "2026-W47", "status": "done"})
    assert response.context["count"] == 1
    response = client.get("/patrols/", {"week": "2026-W99"})
    assert response.status_code == 200
    assert "is not a week" in response.content.decode()


# planning form -----------------------------------------------------------------------------

@pytest.fixture
def plan_data(point, officer, guard):
    start = f.local_dt(2026, 12, 1, 19)
    return {
        "liaison_point": point.pk, "leader": officer.officer_profile.pk, "kind": "foot",
        "planned_start": _local_input(start), "planned_end": _local_input(start + datetime.timedelta(hours=3)),
        "guards": [guard.pk], "area": json.dumps(SQUARE), "notes": "",
    }


def test_plan_form_defaults_leader_and_lists_point_guards_with_deployability(client_for, officer, point, guard, company):
    suspended = f.GuardFactory(company=company, liaison_point=point, status=Guard.Status.SUSPENDED, name="Zhao Suspended")
    response = client_for(officer).get("/patrols/new/", {"point": point.pk})
    assert response.context["form"]["leader"].value() == officer.officer_profile.pk
    rows = {r["guard"].pk: r for r in response.context["team"]}
    assert rows[guard.pk]["ok"] and rows[guard.pk]["attached"]
    assert not rows[suspended.pk]["ok"] and rows[suspended.pk]["reason"] == "suspended"
    body = response.content.decode()
    assert f'value="{suspended.pk}" id="guard-{suspended.pk}" disabled' in body
    assert "leaflet/draw/leaflet.draw.js" in body and "JPO.drawMap" in body


def test_plan_form_creates_patrol_with_team_and_area(client_for, officer, plan_data, guard, checkpoint):
    plan_data["checkpoints"] = [checkpoint.pk]
    plan_data["lead_guards"] = [guard.pk]
    response = client_for(officer).post("/patrols/new/", plan_data)
    patrol = Patrol.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/patrols/{patrol.pk}/"
    assert patrol.area["type"] == "Polygon"
    assert list(patrol.members.values_list("guard_id", "role")) == [(guard.pk, "lead")]
    assert list(patrol.planned_checkpoints.values_list("checkpoint_id", flat=True)) == [checkpoint.pk]
    assert patrol.created_by == officer


def test_plan_form_end_before_start_is_a_field_error_and_saves_nothing(client_for, officer, plan_data):
    plan_data["planned_end"], plan_data["planned_start"] = plan_data["planned_start"], plan_data["planned_end"]
    response = client_for(officer).post("/patrols/new/", plan_data)
    assert response.status_code == 200
    assert response.context["form"].errors["planned_end"] == ["The planned end must be after the planned start."]
    assert not Patrol.objects.exists()


@pytest.mark.parametrize("area", ["{not json", json.dumps({"type": "Point", "coordinates": [111.6, 32.2]}),
                                  json.dumps({"type": "Polygon", "coordinates": [[1, 2]]})])
def test_plan_form_malformed_geojson_is_a_field_error(client_for, officer, plan_data, area):
    plan_data["area"] = area
    response = client_for(officer).post("/patrols/new/", plan_data)
    assert "area" in response.context["form"].errors
    assert 'id="area-field"' in response.content.decode()
    assert not Patrol.objects.exists()


def test_plan_form_non_deployable_guard_is_refused_with_reason(client_for, officer, plan_data, company, point, settings):
    settings.DUTY_POLICY_DEFAULTS = {**settings.DUTY_POLICY_DEFAULTS, "certificate": "block"}  # office policy: certificate blocks
    expired = f.GuardFactory(company=company, liaison_point=point, name="Qian Expired", certificate_expires_on=datetime.date(2026, 1, 1))
    plan_data["guards"] = [expired.pk]
    response = client_for(officer).post("/patrols/new/", plan_data)
    errors = response.context["form"].errors["guards"]
    assert "Qian Expired" in errors[0] and "certificate expired" in errors[0]
    assert "Qian Expired cannot go on duty" in response.content.decode()
    assert not Patrol.objects.exists()


def test_plan_form_refresh_reloads_point_without_saving(client_for, officer, plan_data, checkpoint):
    plan_data["refresh"] = "1"
    response = client_for(officer).post("/patrols/new/", plan_data)
    assert response.status_code == 200 and not response.context["form"].errors
    assert [r["checkpoint"].pk for r in response.context["checkpoint_rows"]] == [checkpoint.pk]
    assert not Patrol.objects.exists()


def test_zone_helper_preselects_the_proposed_team(client_for, officer, township):
    zone = f.ZoneFactory()
    zpoint = f.LiaisonPointFactory(township=township, zone=zone)
    lead_co, other_co = f.SecurityCompanyFactory(), f.SecurityCompanyFactory()
    leads = f.GuardFactory.create_batch(2, company=lead_co, liaison_point=zpoint)
    other = f.GuardFactory(company=other_co, liaison_point=zpoint)
    response = client_for(officer).get("/patrols/new/", {"zone": zone.pk, "lead_company": lead_co.pk, "on": "2026-12-02", "lead_count": 2})
    form = response.context["form"]
    assert set(form["guards"].value()) == {g.pk for g in leads} | {other.pk}
    assert set(form["lead_guards"].value()) == {g.pk for g in leads}
    assert form["liaison_point"].value() == zpoint.pk
    checked = {r["guard"].pk for r in response.context["team"] if r["checked"]}
    assert checked == {g.pk for g in leads} | {other.pk}


# recurring plans ---------------------------------------------------------------------------

def test_plan_create_makes_four_weeks_and_reports_skipped_guards(client_for, officer, point, guard, company, time_machine, settings):
    settings.DUTY_POLICY_DEFAULTS = {**settings.DUTY_POLICY_DEFAULTS, "certificate": "block"}  # office policy: certificate blocks
    # "today" read here and by the view is one day: frozen on a Monday just after midnight (Sunday in UTC)
    time_machine.move_to(f.local_dt(2027, 1, 4, 0, 30), tick=False)
    soon = timezone.localdate() + datetime.timedelta(days=10)
    expiring = f.GuardFactory(company=company, liaison_point=point, name="Sun Expiring", certificate_expires_on=soon)
    data = {
        "liaison_point": point.pk, "leader": officer.officer_profile.pk, "kind": "foot", "weekdays": ["1", "3", "5"],
        "start_time": "19:00", "end_time": "22:00", "starts_on": timezone.localdate().isoformat(), "ends_on": "",
        "guards": [guard.pk, expiring.pk], "area": "",
    }
    response = client_for(officer).post("/patrols/plans/new/", data, follow=True)
    plan = RecurringPlan.objects.get()
    assert Patrol.objects.filter(plan=plan).count() == 12
    texts = [str(m) for m in response.context["messages"]]
    assert any("12 patrols created" in t for t in texts)
    assert any(t.startswith("Sun Expiring left off") and "certificate expired" in t for t in texts)


def test_plan_create_without_weekdays_is_a_field_error(client_for, officer, point):
    data = {"liaison_point": point.pk, "leader": officer.officer_profile.pk, "kind": "foot", "start_time": "19:00",
            "end_time": "19:00", "starts_on": "2026-12-01"}
    response = client_for(officer).post("/patrols/plans/new/", data)
    assert "weekdays" in response.context["form"].errors
    assert not RecurringPlan.objects.exists()


def test_plan_create_same_times_is_a_field_error_from_the_service(client_for, officer, point):
    data = {"liaison_point": point.pk, "leader": officer.officer_profile.pk, "kind": "foot", "weekdays": ["1"],
            "start_time": "19:00", "end_time": "19:00", "starts_on": "2026-12-01"}
    response = client_for(officer).post("/patrols/plans/new/", data)
    assert "end_time" in response.context["form"].errors
    assert not RecurringPlan.objects.exists()


# detail: transitions, roll-call, checkpoints -----------------------------------------------

def test_transitions_through_the_detail_page(client_for, officer, during_patrol, patrol, guard):
    client = client_for(officer)
    body = client.get(f"/patrols/{patrol.pk}/").content.decode()
    assert f"/patrols/{patrol.pk}/start/" in body
    assert client.post(f"/patrols/{patrol.pk}/start/").status_code == 302
    assert Patrol.objects.get(pk=patrol.pk).status == Patrol.Status.UNDER_WAY
    client.post(f"/patrols/{patrol.pk}/roll-call/", {"guard": guard.pk, "status": "present"})
    response = client.post(f"/patrols/{patrol.pk}/finish/", {"publicity_topics": ["anti_fraud", "traffic"], "people_reached": "40", "notes": "Quiet night"})
    assert response.status_code == 302
    patrol.refresh_from_db()
    assert patrol.status == Patrol.Status.DONE and patrol.people_reached == 40
    assert patrol.publicity_topics == ["anti_fraud", "traffic"] and patrol.notes == "Quiet night"
    assert dict(CheckIn.objects.filter(patrol=patrol).values_list("guard_id", "status"))[guard.pk] == "present"
    # a refused transition is a message, not a 500
    response = client.post(f"/patrols/{patrol.pk}/start/", follow=True)
    assert "it cannot become" in response.content.decode()
    detail = client.get(f"/patrols/{patrol.pk}/")
    assert [row["type"] for row in detail.context["history"]][-1] == "Planned"


def test_finish_with_people_but_no_topic_shows_the_field_error(client_for, officer, during_patrol, patrol):
    patrol_start(patrol=patrol)
    response = client_for(officer).post(f"/patrols/{patrol.pk}/finish/", {"people_reached": "12"})
    assert response.status_code == 400
    assert "publicity_topics" in response.context["finish_form"].errors
    assert Patrol.objects.get(pk=patrol.pk).status == Patrol.Status.UNDER_WAY


def test_cancel_needs_a_reason(client_for, officer, patrol):
    client = client_for(officer)
    response = client.post(f"/patrols/{patrol.pk}/cancel/", {"reason": "  "})
    assert response.status_code == 400 and "reason" in response.context["cancel_form"].errors
    assert Patrol.objects.get(pk=patrol.pk).status == Patrol.Status.PLANNED
    client.post(f"/patrols/{patrol.pk}/cancel/", {"reason": "Typhoon warning"})
    patrol.refresh_from_db()
    assert patrol.status == Patrol.Status.CANCELLED and patrol.cancel_reason == "Typhoon warning"


def test_roll_call_mark_refuses_a_stranger_with_a_message(client_for, officer, patrol, company, during_patrol):
    stranger = f.GuardFactory(company=company)
    response = client_for(officer).post(f"/patrols/{patrol.pk}/roll-call/", {"guard": stranger.pk, "status": "present"}, follow=True)
    assert "not on the patrol" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_missed_checkpoint_reason_from_the_page(client_for, officer, patrol, checkpoint):
    PatrolCheckpoint.objects.create(patrol=patrol, checkpoint=checkpoint)
    client = client_for(officer)
    response = client.post(f"/patrols/{patrol.pk}/missed/", {"checkpoint": checkpoint.pk, "reason": ""})
    assert response.status_code == 400
    client.post(f"/patrols/{patrol.pk}/missed/", {"checkpoint": checkpoint.pk, "reason": "Road flooded"})
    assert PatrolCheckpoint.objects.get().missed_reason == "Road flooded"


# checkpoints and QR ------------------------------------------------------------------------

def test_checkpoint_create_and_duplicate_name(client_for, officer, point):
    client = client_for(officer)
    data = {"liaison_point": point.pk, "name": "Market", "latitude": "32.271000", "longitude": "111.601000"}
    assert client.post("/patrols/checkpoints/", data).status_code == 302
    response = client.post("/patrols/checkpoints/", data)
    assert response.status_code == 200 and response.context["form"].errors
    assert Checkpoint.objects.count() == 1


def test_qr_codes_encode_the_signed_scan_link(client_for, officer, checkpoint):
    client = client_for(officer)
    svg = client.get(f"/patrols/checkpoints/{checkpoint.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    sheet = client.get(f"/patrols/checkpoints/{checkpoint.pk}/qr/")
    assert sheet.context["url"] == f"http://testserver/patrols/scan/{checkpoint_signed_code(checkpoint)}/"
    assert "North gate" in sheet.content.decode() and "<svg" in sheet.content.decode()


def test_scan_records_a_visit_during_a_patrol_under_way(client_for, guard, now_patrol, checkpoint):
    PatrolCheckpoint.objects.create(patrol=now_patrol, checkpoint=checkpoint)
    patrol_start(patrol=now_patrol)
    client = client_for(guard.user)
    url = f"/patrols/scan/{checkpoint_signed_code(checkpoint)}/"
    assert "Record visit" in client.get(url).content.decode()
    response = client.post(url, {"latitude": "32.271000", "longitude": "111.601000"}, follow=True)
    visit = PatrolCheckpoint.objects.get()
    assert visit.visited_by == guard and visit.latitude is not None
    assert "recorded" in response.content.decode()


def test_scan_without_patrol_under_way_is_a_message(client_for, guard, checkpoint):
    url = f"/patrols/scan/{checkpoint_signed_code(checkpoint)}/"
    response = client_for(guard.user).post(url, follow=True)
    assert "no patrol under way" in response.content.decode()


def test_scan_of_a_forged_code_is_404_with_a_message(client_for, guard, checkpoint):
    response = client_for(guard.user).get(f"/patrols/scan/{checkpoint.token}:forged/")
    assert response.status_code == 404
    assert "not one of ours" in response.content.decode()


# guard phone page --------------------------------------------------------------------------

def test_phone_page_lists_todays_patrols_with_check_in_button(client_for, guard, now_patrol):
    response = client_for(guard.user).get("/patrols/my/")
    assert [r["patrol"].pk for r in response.context["rows"]] == [now_patrol.pk]
    body = response.content.decode()
    assert f'action="/patrols/my/{now_patrol.pk}/check-in/"' in body


def test_check_in_from_the_phone_records_position(client_for, guard, now_patrol):
    client = client_for(guard.user)
    response = client.post(f"/patrols/my/{now_patrol.pk}/check-in/", {"latitude": "32.270100", "longitude": "111.600200"}, follow=True)
    check_in = CheckIn.objects.get()
    assert check_in.guard == guard and check_in.status == "present" and check_in.latitude is not None
    assert "Checked in at" in response.content.decode()
    assert response.context["rows"][0]["check_in"] == check_in


def test_check_in_works_without_position(client_for, guard, now_patrol):
    client_for(guard.user).post(f"/patrols/my/{now_patrol.pk}/check-in/", {"latitude": "", "longitude": ""})
    assert CheckIn.objects.get().latitude is None


def test_check_in_outside_window_is_a_message_and_no_check_in(client_for, guard, point):
    later = timezone.now() + datetime.timedelta(hours=5)
    p = f.PatrolFactory(liaison_point=point, planned_start=later, planned_end=later + datetime.timedelta(hours=2))
    f.PatrolMemberFactory(patrol=p, guard=guard)
    response = client_for(guard.user).post(f"/patrols/my/{p.pk}/check-in/", follow=True)
    assert "Check-in opens at" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_check_in_on_someone_elses_patrol_is_refused(client_for, guard, foreign_patrol):
    response = client_for(guard.user).post(f"/patrols/my/{foreign_patrol.pk}/check-in/", follow=True)
    assert "not on this patrol" in response.content.decode()
    assert not CheckIn.objects.exists()


# inspections -------------------------------------------------------------------------------

def test_inspection_create_with_inspectors(client_for, officer, township):
    data = {"venue": "Sunrise Hotel", "trade": "hotel", "township": township.pk, "inspected_on": "2026-11-18",
            "inspectors": [officer.officer_profile.pk], "violation_found": "on", "violation_kind": "registration",
            "rectification_due": "2026-11-25"}
    response = client_for(officer).post("/patrols/inspections/new/", data)
    assert response.status_code == 302
    inspection = VenueInspection.objects.get()
    assert list(inspection.inspectors.all()) == [officer.officer_profile]


def test_inspection_violation_without_kind_is_a_field_error(client_for, officer, township):
    data = {"venue": "Net Café", "trade": "internet_cafe", "township": township.pk, "inspected_on": "2026-11-18", "violation_found": "on"}
    response = client_for(officer).post("/patrols/inspections/new/", data)
    assert "violation_kind" in response.context["form"].errors
    assert not VenueInspection.objects.exists()


def test_inspection_edit_marks_rectified(client_for, officer, township):
    inspection = f.VenueInspectionFactory(township=township, violation_found=True, violation_kind="fire_safety")
    data = {"venue": inspection.venue, "trade": "hotel", "township": township.pk, "inspected_on": "2026-11-18",
            "violation_found": "on", "violation_kind": "fire_safety", "rectified_on": "2026-11-20"}
    assert client_for(officer).post(f"/patrols/inspections/{inspection.pk}/edit/", data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.rectified_on == datetime.date(2026, 11, 20)


def test_inspection_list_filters_open_violations(client_for, officer, township):
    f.VenueInspectionFactory(township=township, violation_found=True, violation_kind="fire_safety")
    f.VenueInspectionFactory(township=township, violation_found=True, violation_kind="fire_safety", rectified_on=datetime.date(2026, 11, 19))
    f.VenueInspectionFactory(township=township)
    client = client_for(officer)
    assert client.get("/patrols/inspections/", {"open": "open"}).context["page"].paginator.count == 1
    assert client.get("/patrols/inspections/", {"violation": "no"}).context["page"].paginator.count == 1
    assert client.get("/patrols/inspections/", {"date_from": "2026-11-19"}).context["page"].paginator.count == 0


# query counts ------------------------------------------------------------------------------

def _patrols_with_team(n, *, point, company, start, guard=None):
    for i in range(n):
        p = f.PatrolFactory(liaison_point=point, planned_start=start + datetime.timedelta(minutes=i))
        f.PatrolMemberFactory(patrol=p, guard=guard or f.GuardFactory(company=company, liaison_point=point))


def _flat(client, url, make, counts, django_assert_num_queries, expected):
    make(counts[0])
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    make(counts[1])
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


# Every page: 1 session, 1 user (the scope of an officer needs no profile query).

def test_week_view_query_count_is_flat(client_for, officer, point, company, django_assert_num_queries):
    # 3 patrols of the week with counts, 4-5 coverage, 6-7 the point and township selects of the filters
    start = f.local_dt(2026, 11, 17, 8)
    _flat(client_for(officer), "/patrols/?week=2026-W47", lambda n: _patrols_with_team(n, point=point, company=company, start=start),
          (2, 10), django_assert_num_queries, 7)


def test_detail_query_count_is_flat(client_for, officer, point, company, django_assert_num_queries):
    # 3 patrol, 4 roll-call members, 5 their check-ins, 6 roll-call log with guard and officer,
    # 7 checkpoints, 8 history
    from patrol.models import RollCallEvent

    p = f.PatrolFactory(liaison_point=point)

    def make(n):
        for _ in range(n):
            g = f.GuardFactory(company=company)
            f.PatrolMemberFactory(patrol=p, guard=g)
            CheckIn.objects.create(patrol=p, guard=g, at=p.planned_start, status="present", source="guard")
            RollCallEvent.objects.create(patrol=p, guard=g, kind="override", from_status="present", to_status="late", reason="x", by=officer, at=p.planned_start)
            PatrolCheckpoint.objects.create(patrol=p, checkpoint=f.CheckpointFactory(liaison_point=point))

    _flat(client_for(officer), f"/patrols/{p.pk}/", make, (2, 8), django_assert_num_queries, 8)


def test_plan_list_query_count_is_flat(client_for, officer, point, django_assert_num_queries):
    # 3 count, 4 plans joined to point and leader with team sizes
    leader = officer.officer_profile

    def make(n):
        for i in range(n):
            RecurringPlan.objects.create(liaison_point=point, leader=leader, weekdays=[1, 3], start_time=datetime.time(19),
                                         end_time=datetime.time(22), starts_on=datetime.date(2026, 11, 1))

    _flat(client_for(officer), "/patrols/plans/", make, (2, 10), django_assert_num_queries, 4)


def test_checkpoint_list_query_count_is_flat(client_for, officer, point, django_assert_num_queries):
    # 3 count, 4 checkpoints with points, 5 points of the filter, 6 points of the create form
    _flat(client_for(officer), "/patrols/checkpoints/", lambda n: f.CheckpointFactory.create_batch(n, liaison_point=point),
          (2, 10), django_assert_num_queries, 6)


def test_inspection_list_query_count_is_flat(client_for, officer, township, django_assert_num_queries):
    # 3 count, 4 inspections with township, point and unit, 5 inspectors, 6 their users, 7 townships and
    # 8 units of the filter
    def make(n):
        for _ in range(n):
            i = f.VenueInspectionFactory(township=township, unit=f.SecurityCompanyFactory())
            i.inspectors.add(f.OfficerFactory())

    _flat(client_for(officer), "/patrols/inspections/", make, (2, 10), django_assert_num_queries, 8)


def test_phone_page_query_count_is_flat(client_for, guard, point, company, django_assert_num_queries):
    # 3 guard profile (scope), 4 today's patrols with point and leader, 5 own check-ins,
    # 6-7 the coming week's patrols and own check-ins, 8-9 the latest past ones and own check-ins
    start = timezone.now() - datetime.timedelta(minutes=10)

    def make(n):
        for days in (-3, 0, 3):
            _patrols_with_team(n, point=point, company=company, start=start + datetime.timedelta(days=days), guard=guard)

    _flat(client_for(guard.user), "/patrols/my/", make, (1, 4), django_assert_num_queries, 9)


def test_week_page_caps_a_province_sized_week_and_lists_only_points_below_minimum(client_for, officer, township, monkeypatch):
    # given more patrols and points than one page lists (limits lowered for the test)
    import patrol.views.week as views
    from tests import factories as f
    from tests.factories import local_dt

    monkeypatch.setattr(views, "WEEK_PAGE_LIMIT", 3)
    monkeypatch.setattr(views, "COVERAGE_LIST_LIMIT", 2)
    busy = f.LiaisonPointFactory(township=township, name="Busy point")
    for day in (16, 17, 18, 19):
        f.PatrolFactory(liaison_point=busy, status="done", planned_start=local_dt(2026, 11, day, 19))
    f.LiaisonPointFactory(township=township, name="Idle point A")
    f.LiaisonPointFactory(township=township, name="Idle point B")
    # when
    response = client_for(officer).get("/patrols/?week=2026-W47")
    # then
    body = response.content.decode()
    assert response.context["count"] == 3 and response.context["truncated"]
    assert "Choose a township or a liaison point" in body
    listed = [item["row"].name for item in response.context["coverage"]["rows"]]
    assert "Busy point" not in listed and {"Idle point A", "Idle point B"} <= set(listed)
    assert "1 other point has reached the minimum" in body
