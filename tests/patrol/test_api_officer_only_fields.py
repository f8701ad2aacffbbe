"""A patrol's officers' notes in the API: the patrol page shows them to officers only, so every API
answer does too (read, start, finish, the list's search), and the schema says they may be absent."""
import datetime

import pytest

from accounts.models import Role, User
from tests import factories as f
from tests.factories import local_dt

pytestmark = pytest.mark.django_db

START = local_dt(2026, 11, 17, 19)
NOTES = "Informant at No. 12 says the back gate is forced at night"


def fresh(user):
    """The same account re-read, so no per-request cache from an earlier call skews a query count."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def during(time_machine):
    time_machine.move_to(START + datetime.timedelta(minutes=5), tick=False)


@pytest.fixture
def unit_patrol(point, company, other_company, guard):
    """Led by company A (the manager's) with `guard` its team leader; a company B guard on the team."""
    visitor = f.GuardFactory(company=other_company, liaison_point=point, user=f.UserFactory(username="visitor_b", role=Role.GUARD))
    patrol = f.PatrolFactory(liaison_point=point, leader=None, lead_company=company, team_leader=guard, notes=NOTES)
    f.PatrolMemberFactory(patrol=patrol, guard=guard, role="lead")
    f.PatrolMemberFactory(patrol=patrol, guard=visitor)
    return patrol


@pytest.mark.parametrize("who,sees_notes", [("officer", True), ("manager", False), ("other_manager", False), ("guard", False)])
def test_patrol_detail_shows_notes_to_officers_only(api_for, request, unit_patrol, who, sees_notes):
    # given
    user = request.getfixturevalue(who)
    user = user.user if who == "guard" else user

    # when
    response = api_for(user).get(f"/api/v1/patrols/{unit_patrol.pk}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert ("notes" in body) is sees_notes
    if sees_notes:
        assert body["notes"] == NOTES
    else:
        assert NOTES not in response.content.decode()


@pytest.mark.parametrize("who", ["manager", "team_leader"])
def test_patrol_start_and_finish_by_the_lead_unit_omit_notes(api_for, unit_patrol, manager, guard, who, during):
    # given: the lead unit's manager or its team leader runs the patrol (no officer present)
    user = manager if who == "manager" else guard.user
    api = api_for(user)

    # when
    started = api.post(f"/api/v1/patrols/{unit_patrol.pk}/start/")
    finished = api.post(f"/api/v1/patrols/{unit_patrol.pk}/finish/", {"publicity_topics": ["anti_fraud"], "people_reached": 3}, format="json")

    # then
    assert started.status_code == 200 and finished.status_code == 200, finished.json()
    assert "notes" not in started.json() and "notes" not in finished.json()
    assert NOTES not in started.content.decode() + finished.content.decode()


def test_patrol_finish_by_an_officer_answers_the_notes(api_for, officer, unit_patrol, during):
    api = api_for(officer)
    api.post(f"/api/v1/patrols/{unit_patrol.pk}/start/")

    response = api.post(f"/api/v1/patrols/{unit_patrol.pk}/finish/", {"notes": "Quiet"}, format="json")

    assert response.status_code == 200 and response.json()["notes"] == "Quiet"


def test_patrol_list_search_looks_in_notes_for_officers_only(api_for, officer, manager, unit_patrol):
    # given: a word that only the officers' notes hold
    word = "forced"

    # when
    officer_hits = api_for(officer).get("/api/v1/patrols/", {"search": word}).json()["count"]
    manager_hits = api_for(manager).get("/api/v1/patrols/", {"search": word}).json()["count"]
    manager_all = api_for(manager).get("/api/v1/patrols/", {"search": unit_patrol.liaison_point.code}).json()["count"]

    # then: the manager's search cannot probe the notes, and still finds the patrol by its point
    assert (officer_hits, manager_hits, manager_all) == (1, 0, 1)


def test_patrol_list_never_shows_notes(api_for, officer, manager, unit_patrol):
    for user in (officer, manager):
        rows = api_for(user).get("/api/v1/patrols/").json()["results"]
        assert rows and all("notes" not in row for row in rows)


def test_patrol_detail_for_manager_query_count_is_flat(api_for, manager, company, point, django_assert_num_queries):
    def make(n_guards):
        patrol = f.PatrolFactory(liaison_point=point, leader=None, lead_company=company, notes=NOTES)
        for g in f.GuardFactory.create_batch(n_guards, company=company, liaison_point=point):
            f.PatrolMemberFactory(patrol=patrol, guard=g)
        return patrol

    small, big = make(1), make(6)
    # 1 manager's company (scope), 2 patrol with counts, 3 team members with guards and companies,
    # 4 their check-ins, 5 checkpoints, 6 the roll-call log; leaving the notes out costs nothing
    for patrol, size in ((small, 1), (big, 6)):
        api = api_for(fresh(manager))
        with django_assert_num_queries(6):
            assert len(api.get(f"/api/v1/patrols/{patrol.pk}/").json()["team"]) == size


def test_schema_documents_patrol_notes_as_officers_only(api_for, officer):
    schema = api_for(officer).get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    detail = components["PatrolDetailForRole"]
    assert "notes" in detail["properties"] and "notes" not in detail["required"]
    assert "team" in detail["required"]
    read = schema["paths"]["/api/v1/patrols/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert read == {"$ref": "#/components/schemas/PatrolDetailForRole"}
    # officers-only actions answer the officers' detail, where the notes are always there
    cancel = schema["paths"]["/api/v1/patrols/{id}/cancel/"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert cancel == {"$ref": "#/components/schemas/PatrolOfficerDetail"}
    assert "notes" in components["PatrolOfficerDetail"]["required"]
