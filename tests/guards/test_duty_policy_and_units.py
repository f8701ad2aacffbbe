"""Issue 13: the office's duty policy (block or warn per gate) on patrol teams and in the guards
API, and units that are security companies or self-employing units (licence only for the former)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from guards.models import DutyPolicy, Guard, SecurityCompany
from patrol.models import PatrolMember
from patrol.services import patrol_plan, patrol_set_team
from tests import factories as f
from tests.factories import local_dt

START = local_dt(2026, 11, 17, 19, 0)
END = local_dt(2026, 11, 17, 22, 0)

GATES = {
    "removed": {"status": Guard.Status.REMOVED},
    "suspended": {"status": Guard.Status.SUSPENDED},
    "failed_assessment": {"last_assessment_outcome": "remove"},
    "certificate": {"certificate_status": Guard.CertificateStatus.NONE, "certificate_expires_on": None},
    "training": {"training_missed_quarter": "2026Q3"},
}


@pytest.fixture
def leader(db):
    return f.OfficerFactory()


@pytest.mark.parametrize("gate", DutyPolicy.GATES)
def test_a_warned_guard_goes_on_the_team_with_the_warning_recorded(point, leader, company, gate):
    DutyPolicy.objects.create(**{gate: DutyPolicy.Mode.WARN})
    g = f.GuardFactory(company=company, liaison_point=point, name="李强", **GATES[gate])
    ok = f.GuardFactory(company=company, liaison_point=point)
    patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, guard_ids=[g.pk, ok.pk])
    warned = PatrolMember.objects.get(patrol=patrol, guard=g)
    assert warned.duty_warning  # e.g. "no guard certificate"
    assert PatrolMember.objects.get(patrol=patrol, guard=ok).duty_warning is None


@pytest.mark.parametrize("gate", DutyPolicy.GATES)
def test_a_blocked_guard_cannot_go_on_the_team(point, leader, company, gate):
    DutyPolicy.objects.create(**{gate: DutyPolicy.Mode.BLOCK})
    g = f.GuardFactory(company=company, liaison_point=point, name="李强", **GATES[gate])
    with pytest.raises(ValidationError) as exc:
        patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END, guard_ids=[g.pk])
    assert "李强 cannot go on duty" in exc.value.message_dict["guards"][0]
    patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END)
    with pytest.raises(ValidationError):
        patrol_set_team(patrol=patrol, guard_ids=[g.pk])
    assert not patrol.members.exists()


def test_default_policy_lets_an_uncertified_guard_patrol_with_a_warning(point, leader, company):
    g = f.GuardFactory(company=company, liaison_point=point, **GATES["certificate"])
    patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=START, planned_end=END)
    patrol_set_team(patrol=patrol, guard_ids=[g.pk])
    assert patrol.members.get().duty_warning == "no guard certificate"


def test_team_chooser_and_patrol_page_show_the_warning(client_for, officer, point, company):
    g = f.GuardFactory(company=company, liaison_point=point, name="Wu Uncertified", **GATES["certificate"])
    response = client_for(officer).get("/patrols/new/", {"point": point.pk})
    row = next(r for r in response.context["team"] if r["guard"].pk == g.pk)
    assert row["ok"] and row["warning"] == "no guard certificate"
    assert "With warnings" in response.content.decode()
    patrol = patrol_plan(liaison_point=point, leader=officer.officer_profile, planned_start=START, planned_end=END, guard_ids=[g.pk])
    page = client_for(officer).get(f"/patrols/{patrol.pk}/").content.decode()
    assert "With warnings" in page and "no guard certificate" in page


def test_api_says_yes_with_warnings_or_no_with_reasons(api_for, officer, company, point):
    fine = f.GuardFactory(company=company, liaison_point=point, name="A fine")
    warned = f.GuardFactory(company=company, liaison_point=point, name="B warned", **GATES["certificate"])
    blocked = f.GuardFactory(company=company, liaison_point=point, name="C blocked", **GATES["suspended"])
    rows = {r["id"]: r for r in api_for(officer).get("/api/v1/guards/").json()["results"]}
    assert (rows[fine.pk]["deployable"], rows[fine.pk]["deployable_reasons"]) == ("yes", [])
    assert (rows[warned.pk]["deployable"], rows[warned.pk]["deployable_reasons"]) == ("with warnings", ["no guard certificate"])
    assert (rows[blocked.pk]["deployable"], rows[blocked.pk]["deployable_reasons"]) == ("no", ["suspended"])


# --- units -----------------------------------------------------------------------------------------


def test_a_self_employing_unit_needs_no_licence(db):
    unit = SecurityCompany(name="谷城县人民医院", kind=SecurityCompany.Kind.SELF_EMPLOYING, licence_number="")
    unit.full_clean()
    unit.save()
    assert unit.licence_number is None
    SecurityCompany.objects.create(name="谷城县第一中学", kind=SecurityCompany.Kind.SELF_EMPLOYING)  # two without: fine


def test_a_security_company_without_licence_is_refused(db):
    company = SecurityCompany(name="湖北恒安保安服务有限公司", kind=SecurityCompany.Kind.COMPANY)
    with pytest.raises(ValidationError) as exc:
        company.full_clean()
    assert "licence_number" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database agrees
        SecurityCompany.objects.create(name="x", kind=SecurityCompany.Kind.COMPANY, licence_number=None)


def test_api_creates_a_self_employing_unit_and_refuses_an_unlicensed_company(api_for, officer):
    api = api_for(officer)
    response = api.post("/api/v1/companies/", {"name": "谷城县人民医院", "kind": "self_employing", "responsible_leader": "张院长"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["licence_number"] is None and response.json()["kind"] == "self_employing"
    response = api.post("/api/v1/companies/", {"name": "恒安保安", "kind": "company", "licence_number": " "}, format="json")
    assert response.status_code == 400 and "licence_number" in response.json()
    api.post("/api/v1/companies/", {"name": "甲保安", "licence_number": "L-1"}, format="json")
    response = api.post("/api/v1/companies/", {"name": "乙保安", "licence_number": "L-1"}, format="json")
    assert response.status_code == 400 and "licence_number" in response.json()
    assert api.get("/api/v1/companies/", {"kind": "self_employing"}).json()["count"] == 1


def test_a_self_employing_unit_has_managers_guards_and_its_pages(client_for, api_for, point):
    unit = SecurityCompany.objects.create(name="谷城县人民医院", kind=SecurityCompany.Kind.SELF_EMPLOYING)
    manager = f.CompanyManagerFactory(company=unit).user
    g = f.GuardFactory(company=unit, liaison_point=point)
    assert [r["id"] for r in api_for(manager).get("/api/v1/guards/").json()["results"]] == [g.pk]
    page = client_for(manager).get(f"/guards/companies/{unit.pk}/")
    assert page.status_code == 200 and "Self-employing unit" in page.content.decode()
    assert client_for(manager).get("/guards/rosters/").status_code == 200


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(local_dt(2026, 11, 16, 9, 0), tick=False)
    assert datetime.date.today() == datetime.date(2026, 11, 16)
