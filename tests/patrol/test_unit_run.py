"""Issue 13: a unit-led patrol (no officer present) is started and finished by its own unit — the
team leader from the guard's phone page or the API, the lead unit's managers from their patrol page
or the API — and by officers, as before. Nobody else: 404 outside the viewer's scope, 403 when the
patrol is visible but not theirs to run. Officer-led patrols stay officers' only."""
import datetime

import pytest
from django.contrib.messages import get_messages

from accounts.models import Role
from patrol.models import CheckIn, Patrol
from patrol.services import checkin_record, patrol_start
from patrol.services.lifecycle import patrol_may_run
from tests import factories as f
from tests.factories import local_dt

pytestmark = pytest.mark.django_db

START = local_dt(2026, 11, 17, 19)


@pytest.fixture
def during(time_machine):
    """The clock frozen five minutes into the patrol slot (2026-11-17 19:00–22:00, Shanghai)."""
    time_machine.move_to(START + datetime.timedelta(minutes=5), tick=False)


def _guard_with_account(company, point, username):
    return f.GuardFactory(company=company, liaison_point=point, user=f.UserFactory(username=username, role=Role.GUARD))


@pytest.fixture
def cast(point, company, other_company, officer, manager, other_manager, guard, outsider):
    """Company A leads: `guard` is its team leader, `mate` another A guard on the team, `idle` an A
    guard not on the team; `visitor` is company B's guard on the team (so manager B sees the patrol)."""
    mate = _guard_with_account(company, point, "mate_a")
    idle = _guard_with_account(company, point, "idle_a")
    visitor = _guard_with_account(other_company, point, "visitor_b")
    patrol = f.PatrolFactory(liaison_point=point, leader=None, lead_company=company, team_leader=guard)
    f.PatrolMemberFactory(patrol=patrol, guard=guard, role="lead")
    f.PatrolMemberFactory(patrol=patrol, guard=mate, role="lead")
    f.PatrolMemberFactory(patrol=patrol, guard=visitor)
    users = {
        "officer": officer, "team_leader": guard.user, "lead_manager": manager, "mate": mate.user, "idle": idle.user,
        "visitor": visitor.user, "other_manager": other_manager, "outsider": outsider,
    }
    return patrol, users


def _last_author(patrol):
    """Who made the patrol's latest change (by id: the factory's row may carry a later real date)."""
    return patrol.history.order_by("-history_id").first().history_user


# who may, and the answer of everyone else (404: the patrol is outside their scope; 403: they see it)
API_ANSWERS = {
    "officer": 200, "team_leader": 200, "lead_manager": 200,
    "mate": 403, "visitor": 403, "other_manager": 403, "idle": 404, "outsider": 404,
}


# --- the rule -----------------------------------------------------------------------------------


def test_who_may_run_a_unit_led_patrol(cast):
    patrol, users = cast
    allowed = {name for name, user in users.items() if patrol_may_run(patrol=patrol, user=user)}
    assert allowed == {"officer", "team_leader", "lead_manager"}
    assert patrol_may_run(patrol=patrol, user=None)  # the system (closing overdue patrols)


def test_an_officer_led_patrol_stays_officers_only(point, officer, manager, guard):
    patrol = f.PatrolFactory(liaison_point=point, leader=officer.officer_profile)
    f.PatrolMemberFactory(patrol=patrol, guard=guard)
    assert patrol_may_run(patrol=patrol, user=officer)
    assert not patrol_may_run(patrol=patrol, user=manager)
    assert not patrol_may_run(patrol=patrol, user=guard.user)


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "code"), API_ANSWERS.items())
def test_api_start_by_role(api_for, cast, during, who, code):
    patrol, users = cast

    response = api_for(users[who]).post(f"/api/v1/patrols/{patrol.pk}/start/")

    assert response.status_code == code, response.content
    patrol.refresh_from_db()
    if code == 200:
        assert patrol.status == "under_way" and response.json()["status"] == "under_way"
        assert _last_author(patrol) == users[who]  # who started it, in the patrol's history
    else:
        assert patrol.status == "planned" and patrol.history.count() == 1


@pytest.mark.parametrize(("who", "code"), API_ANSWERS.items())
def test_api_finish_by_role(api_for, cast, during, who, code):
    patrol, users = cast
    patrol_start(patrol=patrol)

    response = api_for(users[who]).post(
        f"/api/v1/patrols/{patrol.pk}/finish/",
        {"publicity_topics": ["anti_fraud"], "people_reached": 20, "residents_helped": 2, "three_defences_guided": 4}, format="json",
    )

    assert response.status_code == code, response.content
    patrol.refresh_from_db()
    if code == 200:
        assert (patrol.status, patrol.people_reached, patrol.residents_helped, patrol.three_defences_guided) == ("done", 20, 2, 4)
        assert _last_author(patrol) == users[who]
        assert CheckIn.objects.filter(patrol=patrol, status="absent").count() == 3  # nobody checked in
    else:
        assert patrol.status == "under_way" and not CheckIn.objects.filter(patrol=patrol).exists()


def test_api_refusal_comes_before_the_input_is_read(api_for, cast, during):
    # given a guard of the team who is not its leader, sending nonsense
    patrol, users = cast
    patrol_start(patrol=patrol)
    # when / then: 403, not a 400 about the input
    response = api_for(users["mate"]).post(f"/api/v1/patrols/{patrol.pk}/finish/", {"suspects_caught": -5}, format="json")
    assert response.status_code == 403
    assert "team leader" in response.json()["detail"]


@pytest.mark.parametrize("who", ["lead_manager", "team_leader"])
def test_api_officer_led_patrol_is_refused_to_its_company(api_for, point, officer, manager, guard, during, who):
    patrol = f.PatrolFactory(liaison_point=point, leader=officer.officer_profile)
    f.PatrolMemberFactory(patrol=patrol, guard=guard)
    user = manager if who == "lead_manager" else guard.user

    response = api_for(user).post(f"/api/v1/patrols/{patrol.pk}/start/")

    assert response.status_code == 403
    assert "officer" in response.json()["detail"]
    patrol.refresh_from_db()
    assert patrol.status == "planned"


@pytest.mark.parametrize("who", ["team_leader", "lead_manager"])
def test_api_wrong_transitions_are_refused_with_a_message_and_change_nothing(api_for, cast, during, who):
    patrol, users = cast
    api = api_for(users[who])

    early = api.post(f"/api/v1/patrols/{patrol.pk}/finish/", {}, format="json")  # not started yet
    assert early.status_code == 409 and "cannot become Done" in early.json()["detail"]
    assert api.post(f"/api/v1/patrols/{patrol.pk}/start/").status_code == 200
    again = api.post(f"/api/v1/patrols/{patrol.pk}/start/")  # a double tap
    assert again.status_code == 409 and "Under way" in again.json()["detail"]
    assert api.post(f"/api/v1/patrols/{patrol.pk}/finish/", {}, format="json").status_code == 200
    late = api.post(f"/api/v1/patrols/{patrol.pk}/finish/", {"residents_helped": 9}, format="json")
    assert late.status_code == 409
    patrol.refresh_from_db()
    assert (patrol.status, patrol.residents_helped) == ("done", 0)
    assert patrol.history.count() == 3  # planned, started, finished: nothing from the refused calls


def test_api_start_outside_the_window_is_refused(api_for, cast, time_machine):
    patrol, users = cast
    time_machine.move_to(START - datetime.timedelta(hours=3), tick=False)
    response = api_for(users["team_leader"]).post(f"/api/v1/patrols/{patrol.pk}/start/")
    assert response.status_code == 409 and "can be started from" in response.json()["detail"]
    patrol.refresh_from_db()
    assert patrol.status == "planned"


@pytest.mark.parametrize(("payload", "field"), [
    ({"suspects_caught": -1}, "suspects_caught"),
    ({"residents_helped": 1000}, "residents_helped"),
    ({"fugitives_assisted": "two"}, "fugitives_assisted"),
    ({"three_defences_guided": 1.5}, "three_defences_guided"),
    ({"publicity_topics": ["nonsense"]}, "publicity_topics"),
    ({"people_reached": 5}, "publicity_topics"),
    ({"notes": "the unit's words"}, "notes"),  # the notes are officers' only
])
def test_api_unit_finish_bad_input_is_a_field_error_and_nothing_saved(api_for, cast, during, payload, field):
    patrol, users = cast
    patrol_start(patrol=patrol)
    response = api_for(users["team_leader"]).post(f"/api/v1/patrols/{patrol.pk}/finish/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    patrol.refresh_from_db()
    assert patrol.status == "under_way" and not CheckIn.objects.filter(patrol=patrol).exists()


def test_api_officer_may_still_write_notes_on_a_unit_led_patrol(api_for, cast, during):
    patrol, users = cast
    patrol_start(patrol=patrol)
    response = api_for(users["officer"]).post(f"/api/v1/patrols/{patrol.pk}/finish/", {"notes": "checked"}, format="json")
    assert response.status_code == 200
    patrol.refresh_from_db()
    assert patrol.notes == "checked"


def test_unit_finish_leaves_a_flagged_check_in_for_an_officer(api_for, cast, during):
    # given the team leader checked in far from the point (a flag an officer must judge)
    from rewards.models import PointEntry

    patrol, users = cast
    leader = users["team_leader"].guard_profile
    patrol_start(patrol=patrol, by=users["team_leader"])
    checkin_record(patrol=patrol, guard=leader, latitude="32.400000", longitude="111.700000", accuracy=10)
    # when the unit finishes the patrol
    assert api_for(users["lead_manager"]).post(f"/api/v1/patrols/{patrol.pk}/finish/", {}, format="json").status_code == 200
    # then the flagged check-in earns nothing yet: it waits for an officer's confirmation
    check_in = CheckIn.objects.get(patrol=patrol, guard=leader)
    assert check_in.position_state == "far"
    assert not PointEntry.objects.filter(guard=leader, source_id=patrol.pk).exists()


# --- the team leader's phone page -----------------------------------------------------------------


def test_phone_page_shows_start_to_the_team_leader_only(client_for, cast, during):
    patrol, users = cast
    start_url = f"/patrols/my/{patrol.pk}/start/"
    assert start_url in client_for(users["team_leader"]).get("/patrols/my/").content.decode()
    for who in ("mate", "visitor"):
        assert start_url not in client_for(users[who]).get("/patrols/my/").content.decode()


def test_phone_start_then_finish_by_the_team_leader(client_for, cast, during, time_machine):
    patrol, users = cast
    client = client_for(users["team_leader"])

    started = client.post(f"/patrols/my/{patrol.pk}/start/", follow=True)

    assert started.redirect_chain[-1][0] == "/patrols/my/"
    page = started.content.decode()
    assert "The patrol is under way." in page
    assert f"/patrols/my/{patrol.pk}/finish/" in page and "Finish the patrol" in page
    patrol.refresh_from_db()
    assert patrol.status == "under_way" and _last_author(patrol) == users["team_leader"]

    time_machine.move_to(START + datetime.timedelta(minutes=30), tick=False)  # within the 30-minute idle limit
    finished = client.post(f"/patrols/my/{patrol.pk}/finish/", {
        "publicity_topics": ["anti_gambling", "fighting_cost"], "people_reached": "40", "suspects_caught": "1",
        "fugitives_assisted": "", "residents_helped": "2", "three_defences_guided": "6",
    })

    assert finished.status_code == 302 and finished["Location"] == "/patrols/my/"
    patrol.refresh_from_db()
    assert patrol.status == "done" and patrol.publicity_topics == ["anti_gambling", "fighting_cost"]
    assert (patrol.people_reached, patrol.suspects_caught, patrol.fugitives_assisted, patrol.residents_helped) == (40, 1, 0, 2)
    assert patrol.three_defences_guided == 6 and _last_author(patrol) == users["team_leader"]


@pytest.mark.parametrize(("who", "code"), [("mate", 403), ("visitor", 403), ("idle", 404)])
@pytest.mark.parametrize("step", ["start", "finish"])
def test_phone_start_and_finish_are_refused_to_other_guards(client_for, cast, during, who, code, step):
    patrol, users = cast
    if step == "finish":
        patrol_start(patrol=patrol)
    response = client_for(users[who]).post(f"/patrols/my/{patrol.pk}/{step}/", {"people_reached": "0"})
    assert response.status_code == code
    patrol.refresh_from_db()
    assert patrol.status == ("planned" if step == "start" else "under_way")


@pytest.mark.parametrize("who", ["officer", "lead_manager"])
def test_phone_urls_are_for_guards(client_for, cast, during, who):
    patrol, users = cast
    assert client_for(users[who]).post(f"/patrols/my/{patrol.pk}/start/").status_code == 403


def test_phone_urls_answer_only_post(client_for, cast, during):
    patrol, users = cast
    assert client_for(users["team_leader"]).get(f"/patrols/my/{patrol.pk}/start/").status_code == 405


def test_phone_officer_led_patrol_cannot_be_started_by_a_guard(client_for, point, officer, guard, during):
    patrol = f.PatrolFactory(liaison_point=point, leader=officer.officer_profile)
    f.PatrolMemberFactory(patrol=patrol, guard=guard)
    client = client_for(guard.user)
    assert f"/patrols/my/{patrol.pk}/start/" not in client.get("/patrols/my/").content.decode()
    assert client.post(f"/patrols/my/{patrol.pk}/start/").status_code == 403
    patrol.refresh_from_db()
    assert patrol.status == "planned"


def test_phone_wrong_state_is_a_message_and_changes_nothing(client_for, cast, during):
    patrol, users = cast
    client = client_for(users["team_leader"])

    early = client.post(f"/patrols/my/{patrol.pk}/finish/", {"people_reached": "0"})  # not started

    assert early.status_code == 302
    assert any("cannot become Done" in str(m) for m in get_messages(early.wsgi_request))
    client.post(f"/patrols/my/{patrol.pk}/start/")
    twice = client.post(f"/patrols/my/{patrol.pk}/start/")
    assert twice.status_code == 302
    assert any("cannot become Under way" in str(m) for m in get_messages(twice.wsgi_request))
    patrol.refresh_from_db()
    assert patrol.status == "under_way" and patrol.history.count() == 2


@pytest.mark.parametrize(("data", "field"), [
    ({"suspects_caught": "-1"}, "suspects_caught"),
    ({"residents_helped": "1000000"}, "residents_helped"),
    ({"fugitives_assisted": "1.5"}, "fugitives_assisted"),
    ({"people_reached": "7"}, "publicity_topics"),
    ({"publicity_topics": ["nonsense"]}, "publicity_topics"),
])
def test_phone_finish_bad_input_shows_the_form_again_with_the_error(client_for, cast, during, data, field):
    patrol, users = cast
    patrol_start(patrol=patrol)

    response = client_for(users["team_leader"]).post(f"/patrols/my/{patrol.pk}/finish/", data)

    assert response.status_code == 400
    form = next(row["finish_form"] for row in response.context["rows"] if row["patrol"].pk == patrol.pk)
    assert field in form.errors
    assert f'id="finish-{patrol.pk}" open' in response.content.decode()  # the form stays unfolded
    patrol.refresh_from_db()
    assert patrol.status == "under_way" and not CheckIn.objects.filter(patrol=patrol).exists()


def test_phone_page_query_count_is_flat_for_a_team_leader(client_for, point, company, guard, during, django_assert_num_queries):
    # 1 session, 2 user, 3 guard profile (scope), 4 today's patrols with point and lead, 5 own check-ins,
    # 6 the coming week's patrols, 7 the latest past ones (none: no check-in prefetch); whether the
    # guard leads a patrol is read from the row (team_leader_id, lead_company_id): no query
    def make(n):
        for i in range(n):
            for status in ("planned", "under_way"):
                p = f.PatrolFactory(liaison_point=point, leader=None, lead_company=company, team_leader=guard,
                                    planned_start=START + datetime.timedelta(minutes=i), status=status)
                f.PatrolMemberFactory(patrol=p, guard=guard, role="lead")

    client = client_for(guard.user)
    make(1)
    with django_assert_num_queries(7):
        body = client.get("/patrols/my/").content.decode()
    assert body.count("/finish/") == 1 and body.count("/start/") == 1
    make(4)
    with django_assert_num_queries(7):
        body = client.get("/patrols/my/").content.decode()
    assert body.count("/finish/") == 5 and body.count("/start/") == 5


# --- the manager's patrol page ------------------------------------------------------------------


def test_manager_page_start_and_finish_of_their_units_patrol(client_for, cast, during):
    patrol, users = cast
    Patrol.objects.filter(pk=patrol.pk).update(notes="officer's note")
    client = client_for(users["lead_manager"])

    page = client.get(f"/patrols/{patrol.pk}/").content.decode()
    assert f"/patrols/{patrol.pk}/start/" in page and "Start patrol" in page
    started = client.post(f"/patrols/{patrol.pk}/start/", follow=True)
    assert "The patrol is under way." in started.content.decode()
    page = started.content.decode()
    assert f"/patrols/{patrol.pk}/finish/" in page and "officer&#x27;s note" not in page  # no notes field for a unit

    finished = client.post(f"/patrols/{patrol.pk}/finish/", {
        "publicity_topics": ["traffic"], "people_reached": "12", "residents_helped": "1", "notes": "ignored",
    })

    assert finished.status_code == 302
    patrol.refresh_from_db()
    assert (patrol.status, patrol.people_reached, patrol.residents_helped, patrol.notes) == ("done", 12, 1, "officer's note")
    assert [h.history_user for h in patrol.history.order_by("-history_id")[:2]] == [users["lead_manager"], users["lead_manager"]]


@pytest.mark.parametrize(("who", "code"), [("other_manager", 403), ("mate", 403), ("outsider", 403)])
def test_manager_page_refused_to_others(client_for, cast, during, who, code):
    # the detail page's buttons are for officers and managers: a guard or an outsider gets 403 there
    patrol, users = cast
    client = client_for(users[who])
    if who == "other_manager":
        page = client.get(f"/patrols/{patrol.pk}/").content.decode()
        assert f"/patrols/{patrol.pk}/start/" not in page
    assert client.post(f"/patrols/{patrol.pk}/start/").status_code == code
    patrol.refresh_from_db()
    assert patrol.status == "planned"


def test_manager_page_officer_led_patrol_has_no_buttons_and_refuses(client_for, point, officer, manager, guard, during):
    patrol = f.PatrolFactory(liaison_point=point, leader=officer.officer_profile)
    f.PatrolMemberFactory(patrol=patrol, guard=guard)
    client = client_for(manager)
    assert f"/patrols/{patrol.pk}/start/" not in client.get(f"/patrols/{patrol.pk}/").content.decode()
    assert client.post(f"/patrols/{patrol.pk}/start/").status_code == 403
    patrol_start(patrol=patrol)
    assert client.post(f"/patrols/{patrol.pk}/finish/", {}).status_code == 403
    patrol.refresh_from_db()
    assert patrol.status == "under_way"


def test_manager_page_of_another_units_patrol_without_their_guards_is_404(client_for, point, company, guard, other_manager, during):
    patrol = f.PatrolFactory(liaison_point=point, leader=None, lead_company=company, team_leader=guard)
    f.PatrolMemberFactory(patrol=patrol, guard=guard, role="lead")
    assert client_for(other_manager).post(f"/patrols/{patrol.pk}/start/").status_code == 404


def test_manager_page_finish_bad_input_is_400_with_field_errors(client_for, cast, during):
    patrol, users = cast
    patrol_start(patrol=patrol)
    response = client_for(users["lead_manager"]).post(f"/patrols/{patrol.pk}/finish/", {"suspects_caught": "-3", "people_reached": "x"})
    assert response.status_code == 400
    assert {"suspects_caught", "people_reached"} <= set(response.context["finish_form"].errors)
    patrol.refresh_from_db()
    assert patrol.status == "under_way"


def test_manager_page_wrong_state_is_a_message(client_for, cast, during):
    patrol, users = cast
    response = client_for(users["lead_manager"]).post(f"/patrols/{patrol.pk}/finish/", {}, follow=True)
    assert "cannot become Done" in response.content.decode()
    patrol.refresh_from_db()
    assert patrol.status == "planned"


def test_manager_detail_query_count_is_flat(client_for, cast, point, other_company, during, django_assert_num_queries):
    # 1 session, 2 user, 3 manager profile (scope), 4 patrol, 5 roll-call members, 6 their check-ins,
    # 7 roll-call log, 8 checkpoints (no history for a manager)
    from patrol.models import PatrolCheckpoint

    patrol, users = cast
    patrol_start(patrol=patrol)

    def make(n):
        for _ in range(n):
            g = f.GuardFactory(company=patrol.lead_company, liaison_point=point)
            f.PatrolMemberFactory(patrol=patrol, guard=g)
            CheckIn.objects.create(patrol=patrol, guard=g, company=g.company, at=START, status="present", source="guard")
            f.PatrolMemberFactory(patrol=patrol, guard=f.GuardFactory(company=other_company, liaison_point=point))
            PatrolCheckpoint.objects.create(patrol=patrol, checkpoint=f.CheckpointFactory(liaison_point=point))

    client = client_for(users["lead_manager"])
    make(1)
    with django_assert_num_queries(8):
        assert "Finish patrol" in client.get(f"/patrols/{patrol.pk}/").content.decode()
    make(6)
    with django_assert_num_queries(8):
        assert "Finish patrol" in client.get(f"/patrols/{patrol.pk}/").content.decode()
