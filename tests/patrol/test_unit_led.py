"""Issue 13, patrols: unit-led patrols (no officer; a lead unit and its guard team leader — exactly
one of officer and unit), zone patrols whose lead unit rotates day by day, their coverage of the
zone's points, the new publicity topics and the activity counts of a patrol's report."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from patrol.models import Patrol, PatrolMember, PublicityTopic, RecurringPlan
from patrol.selectors import patrol_list_visible_to, patrol_week_coverage
from patrol.services import patrol_finish, patrol_plan, patrol_start, plan_create, plan_generate
from tests import factories as f
from tests.factories import local_dt

MONDAY = datetime.date(2026, 11, 16)
START = local_dt(2026, 11, 17, 19)


def _plan(point, **kwargs):
    return patrol_plan(liaison_point=point, planned_start=START, planned_end=START + datetime.timedelta(hours=3), **kwargs)


# --- the service --------------------------------------------------------------------------------


def test_unit_led_patrol_has_no_officer_and_its_team_leader_leads_the_team(point, company, guard, other_guard):
    patrol = _plan(point, lead_company=company, team_leader_id=guard.pk, guard_ids=[other_guard.pk])

    patrol.refresh_from_db()
    assert patrol.leader is None and patrol.lead_company == company and patrol.team_leader == guard
    assert dict(patrol.members.values_list("guard_id", "role")) == {guard.pk: "lead", other_guard.pk: "member"}


@pytest.mark.parametrize(
    ("who", "field"),
    [
        ("neither", "leader"),
        ("both", "lead_company"),
        ("no team leader", "team_leader"),
        ("team leader of another unit", "team_leader"),
        ("team leader with an officer", "team_leader"),
        ("unknown team leader", "team_leader"),
    ],
)
def test_who_leads_is_checked_with_a_field_error_and_nothing_saved(point, company, guard, other_guard, who, field):
    officer = f.OfficerFactory()
    kwargs = {
        "neither": {},
        "both": {"leader": officer, "lead_company": company, "team_leader_id": guard.pk},
        "no team leader": {"lead_company": company},
        "team leader of another unit": {"lead_company": company, "team_leader_id": other_guard.pk},
        "team leader with an officer": {"leader": officer, "team_leader_id": guard.pk},
        "unknown team leader": {"lead_company": company, "team_leader_id": 987654},
    }[who]
    with pytest.raises(ValidationError) as exc:
        _plan(point, **kwargs)
    assert field in exc.value.message_dict
    assert not Patrol.objects.exists()


@pytest.mark.parametrize("both", [True, False])
def test_the_table_refuses_a_patrol_with_both_or_neither_leads(point, company, both):
    with pytest.raises(IntegrityError), transaction.atomic():
        Patrol.objects.create(
            liaison_point=point, leader=f.OfficerFactory() if both else None, lead_company=company if both else None,
            planned_start=START, planned_end=START + datetime.timedelta(hours=3),
        )


def test_a_unit_led_patrol_runs_its_whole_life_without_an_officer(point, company, guard, time_machine):
    patrol = _plan(point, lead_company=company, team_leader_id=guard.pk)
    time_machine.move_to(START + datetime.timedelta(minutes=5))
    patrol_start(patrol=patrol)
    time_machine.move_to(START + datetime.timedelta(hours=3))
    patrol = patrol_finish(
        patrol=patrol, publicity_topics=["fighting_cost", "anti_gambling"], people_reached=30,
        suspects_caught=1, fugitives_assisted=0, residents_helped=2, three_defences_guided=5,
    )
    assert patrol.status == "done" and patrol.publicity_topics == ["fighting_cost", "anti_gambling"]
    assert (patrol.suspects_caught, patrol.residents_helped, patrol.three_defences_guided) == (1, 2, 5)
    assert patrol.check_ins.get().status == "absent"  # the team leader never checked in


def test_new_publicity_topics_exist():
    assert {"fighting_cost", "anti_gambling", "anti_fraud", "drowning", "traffic"} <= set(PublicityTopic.values)


@pytest.mark.parametrize("value", [-1, 1000, "3"])
def test_activity_counts_out_of_bounds_are_field_errors(point, guard, value, time_machine):
    patrol = _plan(point, leader=f.OfficerFactory(), guard_ids=[guard.pk])
    time_machine.move_to(START + datetime.timedelta(minutes=5))
    patrol_start(patrol=patrol)
    with pytest.raises(ValidationError) as exc:
        patrol_finish(patrol=patrol, residents_helped=value)
    assert "residents_helped" in exc.value.message_dict
    assert Patrol.objects.get().status == "under_way"


# --- API and pages ------------------------------------------------------------------------------


def _payload(point, **extra):
    return {
        "liaison_point": point.pk, "planned_start": "2026-11-17T19:00:00+08:00",
        "planned_end": "2026-11-17T22:00:00+08:00", "kind": "foot", **extra,
    }


def test_api_plans_a_unit_led_patrol_without_an_officer(api_for, officer, point, company, guard):
    response = api_for(officer).post("/api/v1/patrols/", _payload(point, lead_company=company.pk, team_leader=guard.pk), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["leader"] is None and body["leader_name"] is None
    assert body["lead_company"] == company.pk and body["lead_company_name"] == "Company A"
    assert body["team_leader"] == guard.pk and body["team"][0]["role"] == "lead"


@pytest.mark.parametrize(("extra", "field"), [
    ({"leader": "officer", "lead_company": "company", "team_leader": "guard"}, "lead_company"),
    ({"lead_company": "company"}, "team_leader"),
    ({"lead_company": "company", "team_leader": "other_guard"}, "team_leader"),
])
def test_api_lead_errors_are_400_on_the_field(api_for, officer, point, company, guard, other_guard, extra, field):
    ids = {"officer": officer.officer_profile.pk, "company": company.pk, "guard": guard.pk, "other_guard": other_guard.pk}
    response = api_for(officer).post("/api/v1/patrols/", _payload(point, **{k: ids[v] for k, v in extra.items()}), format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Patrol.objects.exists()


def test_api_finish_takes_activity_counts_and_rejects_negative_ones(api_for, officer, point, guard, time_machine):
    patrol = _plan(point, leader=officer.officer_profile, guard_ids=[guard.pk])
    time_machine.move_to(START + datetime.timedelta(minutes=5))
    api = api_for(officer)
    assert api.post(f"/api/v1/patrols/{patrol.pk}/start/").status_code == 200
    bad = api.post(f"/api/v1/patrols/{patrol.pk}/finish/", {"suspects_caught": -1}, format="json")
    assert bad.status_code == 400 and "suspects_caught" in bad.json()
    ok = api.post(f"/api/v1/patrols/{patrol.pk}/finish/", {"suspects_caught": 2, "fugitives_assisted": 1, "publicity_topics": ["anti_gambling"], "people_reached": 12}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["suspects_caught"] == 2 and ok.json()["fugitives_assisted"] == 1


def _page_data(point, **extra):
    return {
        "liaison_point": point.pk, "kind": "foot", "planned_start": "2026-11-17T19:00", "planned_end": "2026-11-17T22:00",
        "notes": "", **extra,
    }


def test_page_plans_a_unit_led_patrol_and_shows_it(client_for, officer, manager, point, company, guard):
    client = client_for(officer)
    response = client.post("/patrols/new/", _page_data(point, leader="", lead_company=company.pk, team_leader=guard.pk))
    patrol = Patrol.objects.get()
    assert response.status_code == 302 and patrol.leader is None and patrol.team_leader == guard
    detail = client.get(f"/patrols/{patrol.pk}/").content.decode()
    assert "Company A" in detail and guard.name in detail
    assert client_for(manager).get(f"/patrols/{patrol.pk}/").status_code == 200


def test_page_with_both_an_officer_and_a_unit_is_a_field_error(client_for, officer, point, company, guard):
    response = client_for(officer).post(
        "/patrols/new/", _page_data(point, leader=officer.officer_profile.pk, lead_company=company.pk, team_leader=guard.pk),
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors.get("lead_company")
    assert not Patrol.objects.exists()


def test_page_finish_form_records_activity_counts(client_for, officer, point, guard, time_machine):
    patrol = _plan(point, leader=officer.officer_profile, guard_ids=[guard.pk])
    time_machine.move_to(START + datetime.timedelta(minutes=5))
    client = client_for(officer)
    client.post(f"/patrols/{patrol.pk}/start/")
    response = client.post(f"/patrols/{patrol.pk}/finish/", {
        "publicity_topics": ["fighting_cost"], "people_reached": "5", "suspects_caught": "", "fugitives_assisted": "0",
        "residents_helped": "3", "three_defences_guided": "4", "notes": "",
    })
    assert response.status_code == 302
    patrol.refresh_from_db()
    assert (patrol.status, patrol.suspects_caught, patrol.residents_helped, patrol.three_defences_guided) == ("done", 0, 3, 4)
    bad = client.post(f"/patrols/{patrol.pk}/finish/", {"residents_helped": "-2"})
    assert bad.status_code == 400


# --- scoping ------------------------------------------------------------------------------------


def test_a_manager_sees_the_patrols_their_unit_leads_and_no_other_units(point, company, other_company, guard, other_guard, manager, other_manager):
    led = _plan(point, lead_company=company, team_leader_id=guard.pk)
    officer_led = _plan(point, leader=f.OfficerFactory(), guard_ids=[other_guard.pk])
    PatrolMember.objects.filter(patrol=led).delete()  # even without one of its guards on the team (left since)
    assert list(patrol_list_visible_to(user=manager)) == [led]
    assert list(patrol_list_visible_to(user=other_manager)) == [officer_led]


def test_a_guard_sees_a_unit_led_patrol_only_when_on_its_team(point, company, guard, other_guard):
    _plan(point, lead_company=company, team_leader_id=guard.pk)
    other_user = f.UserFactory(role="guard")
    other_guard.user = other_user
    other_guard.save()
    assert patrol_list_visible_to(user=guard.user).count() == 1
    assert patrol_list_visible_to(user=other_user).count() == 0


# --- zone patrols -------------------------------------------------------------------------------


@pytest.fixture
def zone_units(db, township):
    """A zone of two points with three units: A (three guards), B and C (one each)."""
    zone = f.ZoneFactory(name="城东片区")
    home = f.LiaisonPointFactory(township=township, zone=zone, code="Z1")
    other = f.LiaisonPointFactory(township=township, zone=zone, code="Z2")
    a, b, c = (f.SecurityCompanyFactory(name=n) for n in ("A保安", "B物业", "C医院"))
    guards = {
        a: f.GuardFactory.create_batch(3, company=a, liaison_point=home),
        b: [f.GuardFactory(company=b, liaison_point=other)],
        c: [f.GuardFactory(company=c, liaison_point=home)],
    }
    return zone, home, other, (a, b, c), guards


def test_zone_plan_rotates_the_lead_unit_day_by_day_and_regenerates_the_same(zone_units):
    zone, home, _other, (a, b, c), guards = zone_units
    plan = plan_create(
        liaison_point=home, zone=zone, lead_rotation=[c.pk, a.pk, b.pk], lead_count=2, weekdays=list(range(7)),
        start_time=datetime.time(19), end_time=datetime.time(21), starts_on=MONDAY,
    )
    result = plan_generate(plan=plan, weeks=1, today=MONDAY)

    patrols = list(Patrol.objects.filter(plan=plan).order_by("planned_start"))
    assert len(result.created) == 7 and all(p.leader_id is None and p.zone == zone for p in patrols)
    assert [p.lead_company for p in patrols] == [c, a, b, c, a, b, c]
    tuesday = patrols[1]  # A leads with two guards, B and C send one each
    roles = list(tuesday.members.values_list("guard__company__name", "role"))
    assert sorted(roles) == sorted([("A保安", "lead"), ("A保安", "lead"), ("B物业", "member"), ("C医院", "member")])
    assert tuesday.team_leader.company == a
    # A's guards take turns: Friday's two A guards include the one left out on Tuesday
    friday_a = set(patrols[4].members.filter(guard__company=a).values_list("guard_id", flat=True))
    tuesday_a = set(tuesday.members.filter(guard__company=a).values_list("guard_id", flat=True))
    assert friday_a - tuesday_a

    again = plan_generate(plan=plan, weeks=2, today=MONDAY)  # idempotent; the second week continues the turn
    assert len(again.created) == 7
    week2 = Patrol.objects.filter(plan=plan).order_by("planned_start")[7:]
    assert [p.lead_company for p in week2] == [a, b, c, a, b, c, a]


def test_zone_plan_default_rotation_is_the_zone_units_by_name_and_checks_its_input(zone_units):
    zone, home, _other, (a, b, c), _guards = zone_units
    outsider_unit = f.SecurityCompanyFactory(name="Z外单位")
    with pytest.raises(ValidationError) as exc:
        plan_create(
            liaison_point=home, zone=zone, lead_rotation=[outsider_unit.pk], weekdays=[0], start_time=datetime.time(19),
            end_time=datetime.time(21), starts_on=MONDAY, leader=f.OfficerFactory(),
        )
    assert {"leader", "lead_rotation"} <= set(exc.value.message_dict)
    plan = plan_create(
        liaison_point=home, zone=zone, weekdays=[0, 2], start_time=datetime.time(19), end_time=datetime.time(21), starts_on=MONDAY,
    )
    plan_generate(plan=plan, weeks=2, today=MONDAY)
    assert [p.lead_company for p in Patrol.objects.filter(plan=plan).order_by("planned_start")] == [a, b, c, a]
    with pytest.raises(IntegrityError), transaction.atomic():
        RecurringPlan.objects.filter(pk=plan.pk).update(leader=f.OfficerFactory())


def test_a_zone_patrol_counts_toward_every_point_of_its_zone(zone_units, township):
    zone, home, other, (a, _b, _c), guards = zone_units
    outside = f.LiaisonPointFactory(township=township, code="X1")
    start = local_dt(2026, 11, 17, 20)
    for zone_of in (zone, None):
        patrol = patrol_plan(
            liaison_point=home, lead_company=a, team_leader_id=guards[a][0].pk, zone=zone_of,
            planned_start=start, planned_end=start + datetime.timedelta(hours=2),
        )
        Patrol.objects.filter(pk=patrol.pk).update(status="done", actual_start=start, actual_end=start + datetime.timedelta(hours=2))
        start += datetime.timedelta(days=1)
    coverage = {row.code: row for row in patrol_week_coverage(monday=MONDAY)}
    assert (coverage["Z1"].done, coverage["Z1"].planned) == (2, 2)  # both held there, counted once each
    assert (coverage["Z2"].done, coverage["Z2"].planned) == (1, 1)  # the zone patrol covers it too
    assert coverage["X1"].done == 0


def test_a_zone_patrol_at_a_point_outside_the_zone_is_a_field_error(zone_units, township):
    zone, _home, _other, (a, _b, _c), guards = zone_units
    outside = f.LiaisonPointFactory(township=township, code="X2")
    with pytest.raises(ValidationError) as exc:
        patrol_plan(liaison_point=outside, lead_company=a, team_leader_id=guards[a][0].pk, zone=zone,
                    planned_start=START, planned_end=START + datetime.timedelta(hours=2))
    assert "zone" in exc.value.message_dict


def test_plan_list_page_shows_zone_and_unit_plans(client_for, officer, zone_units):
    zone, home, _other, (a, _b, _c), _guards = zone_units
    plan_create(liaison_point=home, zone=zone, weekdays=[0], start_time=datetime.time(19), end_time=datetime.time(21), starts_on=MONDAY)
    plan_create(liaison_point=home, lead_company=a, weekdays=[1], start_time=datetime.time(19), end_time=datetime.time(21), starts_on=MONDAY)
    response = client_for(officer).get("/patrols/plans/")
    body = response.content.decode()
    assert response.status_code == 200 and "城东片区" in body and "A保安" in body


def test_plan_page_and_api_create_zone_plans_with_a_rotation(client_for, api_for, officer, zone_units, time_machine):
    time_machine.move_to(local_dt(2026, 11, 15, 12), tick=False)
    zone, home, _other, (a, b, c), _guards = zone_units
    response = client_for(officer).post("/patrols/plans/new/", {
        "liaison_point": home.pk, "leader": "", "lead_company": "", "zone": zone.pk, "lead_rotation": f"{b.pk}，{a.pk}, {c.pk}",
        "lead_count": "1", "kind": "foot", "weekdays": ["0", "1", "2", "3", "4", "5", "6"], "start_time": "19:00",
        "end_time": "21:00", "starts_on": "2026-11-16", "ends_on": "", "area": "",
    })
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    plan = RecurringPlan.objects.get()
    assert plan.lead_rotation == [b.pk, a.pk, c.pk] and plan.lead_count == 1 and plan.leader is None
    assert [p.lead_company for p in plan.patrols.order_by("planned_start")[:4]] == [b, a, c, b]
    bad = client_for(officer).post("/patrols/plans/new/", {
        "liaison_point": home.pk, "zone": zone.pk, "lead_rotation": "x, 3", "kind": "foot", "weekdays": ["0"],
        "start_time": "19:00", "end_time": "21:00", "starts_on": "2026-11-16",
    })
    assert bad.status_code in (200, 400) and bad.context["form"].errors.get("lead_rotation")

    api = api_for(officer)
    made = api.post("/api/v1/patrol-plans/", {
        "liaison_point": home.pk, "zone": zone.pk, "lead_rotation": [c.pk, a.pk], "weekdays": [5, 6],
        "start_time": "19:00", "end_time": "21:00", "starts_on": "2026-11-16",
    }, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["leader"] is None and made.json()["zone"] == zone.pk and made.json()["lead_rotation"] == [c.pk, a.pk]
    both = api.post("/api/v1/patrol-plans/", {
        "liaison_point": home.pk, "zone": zone.pk, "leader": officer.officer_profile.pk, "weekdays": [5],
        "start_time": "19:00", "end_time": "21:00", "starts_on": "2026-11-16",
    }, format="json")
    assert both.status_code == 400 and "leader" in both.json()


def test_deleting_a_zone_a_plan_rotates_through_is_a_409_and_keeps_it(zone_units, api_for, officer):
    zone, home, _other, (a, b, c), _guards = zone_units
    plan_create(
        liaison_point=home, zone=zone, lead_rotation=[a.pk, b.pk, c.pk], lead_count=1, weekdays=[0],
        start_time=datetime.time(19), end_time=datetime.time(21), starts_on=MONDAY,
    )
    response = api_for(officer).delete(f"/api/v1/zones/{zone.pk}/")
    assert response.status_code == 409, response.content
    assert zone.__class__.objects.filter(pk=zone.pk).exists()
