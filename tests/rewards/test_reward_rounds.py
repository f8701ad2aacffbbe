"""Reward rounds (issue 13): top guards with the stated tie rule, the outstanding unit, the budget
split, approval once, export, the office's choice of schemes, and scoping per role."""
import csv
import datetime
import io
from decimal import Decimal

import pytest

from accounts.models import User
from guards.models import DutyPolicy, Guard
from rewards.models import RewardRound
from rewards.rounds import round_amounts
from rewards.services import points_award, reward_round_approve, reward_round_create
from tests import factories as f

START, END = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(f.local_dt(2026, 11, 5, 10, 0), tick=False)


def award(guard, points, day=15, kind="commendation", n=1):
    for _ in range(n):
        points_award(guard_id=guard.pk, kind=kind, points=points, occurred_on=datetime.date(2026, 10, day))


def new_round(officer, **kw):
    fields = {"name": "October", "starts_on": START, "ends_on": END, "budget": Decimal("3500"), "guard_places": 15,
              "unit_places": 1, "unit_award": Decimal("500")} | kw
    return reward_round_create(by=officer, **fields)


def test_budget_split_equal_and_tiered():
    units, guards = round_amounts(budget=Decimal("3500"), units=1, unit_award=Decimal("500"), guards=15, split="equal")
    assert units == [Decimal("500.00")] and guards == [Decimal("200.00")] * 15
    _units, tiered = round_amounts(budget=Decimal("3500"), units=1, unit_award=Decimal("500"), guards=6, split="tiered")
    assert tiered == [Decimal("750.00")] * 2 + [Decimal("500.00")] * 2 + [Decimal("250.00")] * 2
    _units, odd = round_amounts(budget=Decimal("100"), units=0, unit_award=Decimal("0"), guards=3, split="equal")
    assert odd == [Decimal("33.33")] * 3  # rounded down: never over budget


def test_top_n_with_a_tie_broken_by_patrols_then_first_entry_then_name(officer, company):
    a, b, c, d = (f.GuardFactory(company=company, name=n) for n in ("Ann", "Bo", "Cai", "Du"))
    award(a, 10)  # 10 points, no patrol
    award(b, 5, kind="patrol", n=2)  # 10 points, 2 patrols: beats Ann
    award(c, 10, day=3)  # 10 points, no patrol, earlier first entry than Ann: beats Ann
    award(d, 3)
    removed = f.GuardFactory(company=company, name="Removed", status=Guard.Status.REMOVED)
    award(removed, 50)  # left out
    rnd = new_round(officer, guard_places=3, unit_places=0, unit_award=Decimal("0"), budget=Decimal("300"))
    guards = [(line.rank, line.guard.name, line.points, line.amount) for line in rnd.lines.filter(kind="guard")]
    assert guards == [(1, "Bo", 10, Decimal("100.00")), (2, "Cai", 10, Decimal("100.00")), (3, "Ann", 10, Decimal("100.00"))]


def test_outstanding_unit_by_points_per_active_guard(officer, company, other_company):
    big = f.GuardFactory.create_batch(6, company=company)
    small = f.GuardFactory.create_batch(3, company=other_company)
    for g in big:
        award(g, 4)  # 24 points over 6 guards: 4 per guard
    for g in small:
        award(g, 5)  # 15 points over 3 guards: 5 per guard
    tiny = f.SecurityCompanyFactory(name="Tiny")
    award(f.GuardFactory(company=tiny), 40)  # one guard: not ranked per guard
    rnd = new_round(officer, guard_places=2)
    unit = rnd.lines.get(kind="unit")
    assert (unit.company, unit.per_guard, unit.amount) == (other_company, Decimal("5.00"), Decimal("500.00"))
    assert rnd.total_amount == Decimal("3500.00")  # 500 to the unit, 1,500 to each of 2 guards
    by_total = new_round(officer, guard_places=0, unit_rule=RewardRound.UnitRule.TOTAL)
    assert by_total.lines.get(kind="unit").company.name == "Tiny"


def test_the_demo_shape_fifteen_guards_and_one_unit_share_3500_yuan(officer, company):
    for i, g in enumerate(f.GuardFactory.create_batch(20, company=company)):
        award(g, 20 - i)
    rnd = new_round(officer)
    assert rnd.lines.filter(kind="guard").count() == 15 and rnd.lines.filter(kind="unit").count() == 1
    assert rnd.total_amount == Decimal("3500.00")


def test_approval_is_once_api_409_and_page_message(officer, api_for, client_for, company):
    award(f.GuardFactory(company=company), 5)
    rnd = new_round(officer)
    api = api_for(officer)
    assert api.post(f"/api/v1/reward-rounds/{rnd.pk}/approve/").json()["status"] == "approved"
    response = api.post(f"/api/v1/reward-rounds/{rnd.pk}/approve/")
    assert response.status_code == 409 and "already approved" in response.json()["detail"]
    assert api.post(f"/api/v1/reward-rounds/{rnd.pk}/recompute/").status_code == 409
    page = client_for(officer).post(f"/guards/reward-rounds/{rnd.pk}/approve/", follow=True)
    assert "already approved" in page.content.decode()


def test_api_create_and_bad_input(officer, api_for, company):
    for g in f.GuardFactory.create_batch(3, company=company):  # a unit is ranked with 3 active guards or more
        award(g, 5)
    api = api_for(officer)
    body = {"name": "Q4", "starts_on": "2026-10-01", "ends_on": "2026-10-31", "budget": "3500", "guard_places": 15, "unit_places": 1, "unit_award": "500"}
    response = api.post("/api/v1/reward-rounds/", body, format="json")
    assert response.status_code == 201 and len(response.json()["lines"]) == 4  # 3 guards, 1 unit
    assert api.post("/api/v1/reward-rounds/", body | {"ends_on": "2026-09-01"}, format="json").status_code == 400
    response = api.post("/api/v1/reward-rounds/", body | {"unit_award": "5000"}, format="json")
    assert response.status_code == 400 and "unit_award" in response.json()


def test_export_neutralises_formulas_and_managers_get_their_unit(officer, manager, api_for, client_for, company, other_company):
    award(f.GuardFactory(company=company, name="=HYPERLINK(\"http://x\")"), 9)
    award(f.GuardFactory(company=other_company, name="Other"), 8)
    rnd = new_round(officer)
    reward_round_approve(round=rnd, by=officer)
    rows = list(csv.reader(io.StringIO(client_for(officer).get(f"/guards/reward-rounds/{rnd.pk}/export.csv").content.decode("utf-8-sig"))))
    assert any(r[5] == "'=HYPERLINK(\"http://x\")" for r in rows) and any(r[5] == "Other" for r in rows)
    mine = api_for(manager).get(f"/api/v1/reward-rounds/{rnd.pk}/export/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "Other" not in mine and "HYPERLINK" in mine
    xlsx = client_for(manager).get(f"/guards/reward-rounds/{rnd.pk}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_scoping_per_role(officer, manager, other_manager, guard, api_for, client_for, company, other_company):
    f.GuardFactory.create_batch(2, company=company)  # 3 active guards with `guard`: the unit is ranked
    award(f.GuardFactory(company=company), 9)
    award(f.GuardFactory(company=other_company), 8)
    draft = new_round(officer, name="Draft")
    assert api_for(manager).get("/api/v1/reward-rounds/").json()["count"] == 0  # drafts are the office's
    assert client_for(manager).get(f"/guards/reward-rounds/{draft.pk}/").status_code == 404
    reward_round_approve(round=draft, by=officer)
    lines = api_for(manager).get(f"/api/v1/reward-rounds/{draft.pk}/").json()["lines"]
    assert lines and {line["company"] for line in lines} == {company.pk}
    assert api_for(officer).get(f"/api/v1/reward-rounds/{draft.pk}/").json()["lines"].__len__() == 3
    assert api_for(guard.user).get("/api/v1/reward-rounds/").status_code == 403
    assert client_for(guard.user).get("/guards/reward-rounds/").status_code == 403
    assert api_for(manager).post(f"/api/v1/reward-rounds/{draft.pk}/recompute/").status_code == 403
    assert client_for(manager).get("/guards/reward-rounds/").context["page"].object_list[0].own_lines == 2


def test_the_office_turns_schemes_off(officer, api_for, client_for):
    DutyPolicy.objects.create(reward_rounds_enabled=False, payouts_enabled=False)
    client = client_for(officer)
    assert client.get("/guards/reward-rounds/").status_code == 404
    assert client.get("/guards/payouts/").status_code == 404
    assert api_for(officer).get("/api/v1/reward-rounds/").status_code == 404
    assert api_for(officer).get("/api/v1/payouts/").status_code == 404
    points = client.get("/guards/points/").content.decode()
    assert "/guards/reward-rounds/" not in points and "/guards/payouts/" not in points
    DutyPolicy.objects.update_or_create(pk=1, defaults={"reward_rounds_enabled": True})
    assert "/guards/reward-rounds/" in client.get("/guards/points/").content.decode()


def _rounds(officer, n, company):
    for i in range(n):
        award(f.GuardFactory(company=company), 5 + i)
        reward_round_approve(round=new_round(officer, name=f"R{i}"), by=officer)


@pytest.mark.parametrize("who, expected", [("officer", 2), ("manager", 3)])
def test_round_list_api_query_count_is_flat(who, expected, request, officer, company, api_for, django_assert_num_queries):
    user = request.getfixturevalue(who)
    _rounds(officer, 2, company)
    # [manager profile (scope)], count, rounds with line counts (or own lines and amount)
    api = api_for(User.objects.get(pk=user.pk))  # a fresh user: the scope is computed once per user object
    with django_assert_num_queries(expected):
        assert api.get("/api/v1/reward-rounds/").status_code == 200
    _rounds(officer, 6, company)
    api = api_for(User.objects.get(pk=user.pk))
    with django_assert_num_queries(expected):
        assert api.get("/api/v1/reward-rounds/").json()["count"] == 8


def test_round_pages_query_count_is_flat(officer, company, client_for, django_assert_num_queries):
    client = client_for(officer)
    _rounds(officer, 2, company)
    rnd = RewardRound.objects.first()
    # session, user, count, rounds
    with django_assert_num_queries(4):
        client.get("/guards/reward-rounds/")
    # session, user, the round, its lines with guards and units
    with django_assert_num_queries(4):
        client.get(f"/guards/reward-rounds/{rnd.pk}/")
    _rounds(officer, 6, company)
    newest = RewardRound.objects.first().pk
    with django_assert_num_queries(4):
        client.get("/guards/reward-rounds/")
    with django_assert_num_queries(4):
        client.get(f"/guards/reward-rounds/{newest}/")
