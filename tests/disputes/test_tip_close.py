"""Issue 13: an officer closes a tip with its activity counts (suspects caught, fugitives assisted,
residents helped, "three defences" guidance) from the tip's page or the API; the tip shows them and
they reach the weekly bulletin's figures. Bad counts are field errors (form) or a 400 (API) and
nothing is saved; closing a tip already closed is refused with a clear message."""
import datetime

import pytest
from django.contrib.messages import get_messages

from bulletins.figures import bulletin_figures
from disputes.models import Tip
from tests import factories as f
from tests.factories import local_dt

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 16)  # ISO week 2026-W47
NOW = local_dt(2026, 11, 18, 10, 0)
COUNTS = {"suspects_caught": 2, "fugitives_assisted": 1, "residents_helped": 3, "three_defences_guided": 7}


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def tip(point, now):
    return f.TipFactory(liaison_point=point, status=Tip.Status.VERIFIED, verified_at=NOW - datetime.timedelta(days=1))


def _tip_activity(monday=MONDAY) -> dict:
    rows = bulletin_figures(monday=monday)["activity"]["rows"]
    return {row["key"]: (row["tips"], row["now"]) for row in rows}


def _close_url(tip) -> str:
    return f"/disputes/tips/{tip.pk}/do/close/"


def _unchanged(tip) -> None:
    tip.refresh_from_db()
    assert tip.status == Tip.Status.VERIFIED and tip.finished_at is None
    assert all(getattr(tip, name) == 0 for name in COUNTS)


# --- page ---------------------------------------------------------------------------------------


def test_page_close_with_counts_shows_them_and_they_reach_the_bulletin(client_for, officer, tip, now):
    # given a tip closed the week before with counts of its own (the bulletin's "before")
    earlier = f.TipFactory(
        liaison_point=tip.liaison_point, status=Tip.Status.CLOSED, finished_at=NOW - datetime.timedelta(days=7), residents_helped=4,
    )
    client = client_for(officer)

    # when
    response = client.post(_close_url(tip), {
        "outcome": "case_solved", "case_number": "JX-2026-118", "note": "两名嫌疑人移交派出所", **{k: str(v) for k, v in COUNTS.items()},
    })

    # then
    assert response.status_code == 302 and response["Location"] == f"/disputes/tips/{tip.pk}/"
    tip.refresh_from_db()
    assert (tip.status, tip.outcome, tip.case_number, tip.finished_at) == ("closed", "case_solved", "JX-2026-118", NOW)
    assert {name: getattr(tip, name) for name in COUNTS} == COUNTS
    assert tip.handled_by == officer and tip.history.order_by("-history_id").first().history_user == officer
    page = client.get(f"/disputes/tips/{tip.pk}/").content.decode()
    for label, value in (("Suspects caught", 2), ("Fugitives caught with help", 1), ("Residents helped", 3),
                         ('"Three defences" guidance given', 7)):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    figures = _tip_activity()
    assert figures == {"suspects_caught": (2, 2), "fugitives_assisted": (1, 1), "residents_helped": (3, 3), "three_defences_guided": (7, 7)}
    rows = {row["key"]: row for row in bulletin_figures(monday=MONDAY)["activity"]["rows"]}
    assert (rows["residents_helped"]["before"], rows["residents_helped"]["change"]) == (4, -1)
    assert _tip_activity(MONDAY - datetime.timedelta(days=7))["residents_helped"] == (earlier.residents_helped, 4)


def test_page_close_with_blank_counts_records_zeros(client_for, officer, tip):
    response = client_for(officer).post(_close_url(tip), {"outcome": "", "suspects_caught": "", "residents_helped": ""})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.status == "closed" and all(getattr(tip, name) == 0 for name in COUNTS)
    assert all(tips == 0 for tips, _total in _tip_activity().values())


@pytest.mark.parametrize(("field", "value"), [
    ("suspects_caught", "-1"),
    ("fugitives_assisted", "1.5"),
    ("residents_helped", "three"),
    ("three_defences_guided", "1000"),
    ("suspects_caught", "99999999999999999999999999"),
    ("residents_helped", "1e3"),
])
def test_page_close_bad_count_is_a_field_error_and_nothing_saved(client_for, officer, tip, field, value):
    response = client_for(officer).post(_close_url(tip), {"outcome": "other", field: value})

    assert response.status_code == 400
    form = response.context["forms"]["close"]
    assert field in form.errors and list(form.errors) == [field]
    assert f'id="id_{field}_error"' in response.content.decode()  # shown beside the field
    _unchanged(tip)


def test_page_close_of_a_closed_tip_is_refused_with_a_message(client_for, officer, tip):
    client = client_for(officer)
    assert client.post(_close_url(tip), {"residents_helped": "2"}).status_code == 302

    again = client.post(_close_url(tip), {"residents_helped": "9"})

    assert again.status_code == 400
    assert any("This item is Closed; it cannot become Closed." in str(m) for m in get_messages(again.wsgi_request))
    tip.refresh_from_db()
    assert tip.residents_helped == 2 and tip.history.count() == 2  # created, closed once


def test_page_close_of_a_received_tip_is_refused(client_for, officer, point, now):
    tip = f.TipFactory(liaison_point=point)  # received: must be verified first
    response = client_for(officer).post(_close_url(tip), {"suspects_caught": "1"})
    assert response.status_code == 400
    assert any("cannot become Closed" in str(m) for m in get_messages(response.wsgi_request))
    tip.refresh_from_db()
    assert (tip.status, tip.suspects_caught) == ("received", 0)


@pytest.mark.parametrize("who", ["manager", "guard"])
def test_page_close_is_for_officers(client_for, manager, guard, tip, who):
    user = manager if who == "manager" else guard.user
    assert client_for(user).post(_close_url(tip), {"suspects_caught": "1"}).status_code == 403
    _unchanged(tip)


# --- API ----------------------------------------------------------------------------------------


def test_api_close_with_counts(api_for, officer, tip, now):
    response = api_for(officer).post(f"/api/v1/tips/{tip.pk}/close/", {"outcome": "other", "outcome_note": "已处置", **COUNTS}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "closed" and {name: body[name] for name in COUNTS} == COUNTS
    tip.refresh_from_db()
    assert {name: getattr(tip, name) for name in COUNTS} == COUNTS and tip.outcome_note == "已处置"
    assert {key: tips for key, (tips, _total) in _tip_activity().items()} == COUNTS
    assert all(tips == 0 for tips, _total in _tip_activity(MONDAY + datetime.timedelta(days=7)).values())  # not next week


def test_api_close_without_counts_records_zeros(api_for, officer, tip):
    response = api_for(officer).post(f"/api/v1/tips/{tip.pk}/close/", {}, format="json")
    assert response.status_code == 200
    assert all(response.json()[name] == 0 for name in COUNTS)


@pytest.mark.parametrize(("field", "value"), [
    ("suspects_caught", -1),
    ("fugitives_assisted", 1.5),
    ("residents_helped", "three"),
    ("three_defences_guided", 1000),
    ("suspects_caught", 10**30),
    ("residents_helped", None),
    ("fugitives_assisted", True),
    ("three_defences_guided", [1]),
])
def test_api_close_bad_count_is_a_400_on_the_field_and_nothing_saved(api_for, officer, tip, field, value):
    response = api_for(officer).post(f"/api/v1/tips/{tip.pk}/close/", {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    _unchanged(tip)


def test_api_close_bad_count_in_a_form_post_is_a_400(api_for, officer, tip):
    response = api_for(officer).post(f"/api/v1/tips/{tip.pk}/close/", {"residents_helped": "-5"})  # multipart
    assert response.status_code == 400 and "residents_helped" in response.json()
    _unchanged(tip)


def test_api_close_of_a_closed_tip_is_a_409_with_a_message(api_for, officer, tip):
    api = api_for(officer)
    assert api.post(f"/api/v1/tips/{tip.pk}/close/", {"suspects_caught": 1}, format="json").status_code == 200

    again = api.post(f"/api/v1/tips/{tip.pk}/close/", {"suspects_caught": 5}, format="json")

    assert again.status_code == 409
    assert again.json() == {"detail": "This item is Closed; it cannot become Closed."}
    tip.refresh_from_db()
    assert tip.suspects_caught == 1


def test_api_counts_on_another_transition_are_not_recorded(api_for, officer, point, now):
    tip = f.TipFactory(liaison_point=point)
    response = api_for(officer).post(f"/api/v1/tips/{tip.pk}/verify/", {"suspects_caught": 3}, format="json")
    assert response.status_code == 200
    tip.refresh_from_db()
    assert (tip.status, tip.suspects_caught) == ("verified", 0)


@pytest.mark.parametrize(("who", "codes"), [("manager", {403}), ("guard", {403, 404})])
def test_api_close_is_for_officers(api_for, manager, guard, tip, who, codes):
    user = manager if who == "manager" else guard.user
    response = api_for(user).post(f"/api/v1/tips/{tip.pk}/close/", COUNTS, format="json")
    assert response.status_code in codes
    _unchanged(tip)



def test_close_as_solved_without_a_case_number_is_a_field_error_on_page_and_api(client_for, api_for, officer, tip):
    page = client_for(officer).post(_close_url(tip), {"outcome": "case_solved", "suspects_caught": "1"})
    assert page.status_code == 400 and "case_number" in page.context["forms"]["close"].errors
    api = api_for(officer).post(f"/api/v1/tips/{tip.pk}/close/", {"outcome": "case_solved", "suspects_caught": 1}, format="json")
    assert api.status_code == 400 and "case_number" in api.json()
    bad_outcome = api_for(officer).post(f"/api/v1/tips/{tip.pk}/close/", {"outcome": "won"}, format="json")
    assert bad_outcome.status_code == 400 and "outcome" in bad_outcome.json()
    _unchanged(tip)
