"""A check-in or checkpoint scan the guard's phone kept offline and sends later (config/offline.py,
static/js/outbox.js): kept with the time the guard pressed the button, judged at that time against
the window, marked as arrived late, stored once however often it is resent, and every bad time a
clear refusal (JSON 400 to the outbox, a message on the page), never a 500."""
import datetime
import json

import pytest

from patrol.models import CheckIn, PatrolCheckpoint
from patrol.services import checkpoint_signed_code, patrol_plan, patrol_start
from tests import factories as f
from tests.factories import local_dt

pytestmark = pytest.mark.django_db

START = local_dt(2026, 11, 17, 19, 0)  # check-in window 18:30–22:00
END = local_dt(2026, 11, 17, 22, 0)
OUTBOX = {"HTTP_X_OUTBOX": "1"}


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.PATROL_CHECKIN_EARLY_MINUTES = 30
    settings.PATROL_LATE_AFTER_MINUTES = 10
    settings.OFFLINE_MAX_AGE_HOURS = 24
    settings.OFFLINE_CLOCK_SKEW_SECONDS = 120


@pytest.fixture
def at(time_machine):
    return lambda moment: time_machine.move_to(moment, tick=False)


@pytest.fixture
def checkpoint(point):
    return f.CheckpointFactory(liaison_point=point, name="North gate", latitude="32.271000", longitude="111.601000")


@pytest.fixture
def patrol(point, officer, guard, checkpoint):
    return patrol_plan(liaison_point=point, leader=officer.officer_profile, planned_start=START, planned_end=END,
                       guard_ids=[guard.pk], checkpoint_ids=[checkpoint.pk])


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def check_in(client, patrol, recorded, key="k-1", **extra):
    data = {"recorded_at": recorded, "idempotency_key": key, "latitude": "32.270100", "longitude": "111.600200"}
    return client.post(f"/patrols/my/{patrol.pk}/check-in/", data, **extra)


def test_a_check_in_sent_later_keeps_its_time_and_is_marked_late(client_for, guard, patrol, at):
    at(START + datetime.timedelta(minutes=90))  # the phone was offline from 19:05 to 20:30
    response = check_in(client_for(guard.user), patrol, iso(START + datetime.timedelta(minutes=5)), **OUTBOX)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    answer = json.loads(response.content)
    assert answer["ok"] is True and answer["url"] == "/patrols/my/" and "Checked in at" in answer["message"]
    row = CheckIn.objects.get()
    assert row.at == START + datetime.timedelta(minutes=5) and row.status == "present"  # on time when pressed
    assert row.received_at == START + datetime.timedelta(minutes=90)


def test_a_resend_with_the_same_key_never_stores_twice(client_for, guard, patrol, at):
    at(START + datetime.timedelta(minutes=90))
    client = client_for(guard.user)
    recorded = iso(START + datetime.timedelta(minutes=15))
    first = check_in(client, patrol, recorded, key="outbox-abc", **OUTBOX)
    again = check_in(client, patrol, recorded, key="outbox-abc", **OUTBOX)  # the answer was lost: sent again
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert CheckIn.objects.count() == 1 and CheckIn.objects.get().status == "late"


def test_a_check_in_pressed_inside_the_window_counts_after_it_closed(client_for, guard, patrol, at):
    at(END + datetime.timedelta(minutes=20))  # the connection came back after the window closed
    response = check_in(client_for(guard.user), patrol, iso(END - datetime.timedelta(minutes=10)), **OUTBOX)
    assert json.loads(response.content)["ok"] is True
    assert CheckIn.objects.get().at == END - datetime.timedelta(minutes=10)


@pytest.mark.parametrize(("recorded", "now", "words"), [
    (START - datetime.timedelta(minutes=45), START + datetime.timedelta(minutes=10), "Check-in opens at"),  # before the window
    (END + datetime.timedelta(minutes=5), END + datetime.timedelta(minutes=10), "Check-in closed at"),  # after it
    (START + datetime.timedelta(minutes=30), START, "in the future"),  # the phone's clock is ahead
    (START + datetime.timedelta(minutes=5), START + datetime.timedelta(hours=25), "more than 24 hours ago"),
    ("not a time", START, "not a date and time"),
])
def test_a_bad_time_is_refused_with_its_reason_and_nothing_stored(client_for, guard, patrol, at, recorded, now, words):
    at(now)
    client = client_for(guard.user)
    response = check_in(client, patrol, recorded if isinstance(recorded, str) else iso(recorded), **OUTBOX)
    answer = json.loads(response.content)
    assert response.status_code == 400 and answer["ok"] is False and words in answer["message"]
    assert not CheckIn.objects.exists()
    # the key was released: the same item may be sent again (and is judged again)
    assert check_in(client, patrol, recorded if isinstance(recorded, str) else iso(recorded), **OUTBOX).status_code == 400


def test_without_the_outbox_a_bad_time_is_a_message_on_the_page(client_for, guard, patrol, at):
    at(START)
    response = check_in(client_for(guard.user), patrol, "2026-13-45T00:00", follow=True)
    assert response.status_code == 200 and "not a date and time" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_check_in_sent_at_once_is_not_marked_late(client_for, guard, patrol, at):
    at(START)
    response = check_in(client_for(guard.user), patrol, iso(START - datetime.timedelta(seconds=20)))
    assert response.status_code == 302 and response["Location"] == "/patrols/my/"
    row = CheckIn.objects.get()
    assert row.at == START - datetime.timedelta(seconds=20) and row.received_at is None


def test_not_on_the_team_is_a_refusal_to_the_outbox(client_for, company, point, patrol, at):
    from accounts.models import Role

    stranger = f.GuardFactory(company=company, liaison_point=point, user=f.UserFactory(username="guard_b", role=Role.GUARD))
    at(START)
    response = check_in(client_for(stranger.user), patrol, iso(START), **OUTBOX)
    assert response.status_code == 400 and "not on this patrol" in json.loads(response.content)["message"]


def test_a_scan_sent_later_keeps_its_time_and_arrival(client_for, guard, patrol, checkpoint, at, officer):
    at(START)
    patrol_start(patrol=patrol, at=START)
    at(START + datetime.timedelta(minutes=50))
    url = f"/patrols/scan/{checkpoint_signed_code(checkpoint)}/"
    data = {"recorded_at": iso(START + datetime.timedelta(minutes=20)), "idempotency_key": "scan-1",
            "latitude": "32.271000", "longitude": "111.601000", "patrol": str(patrol.pk)}
    client = client_for(guard.user)
    first = client.post(url, data, **OUTBOX)
    assert json.loads(first.content)["ok"] is True
    assert client.post(url, data, **OUTBOX)["Idempotent-Replayed"] == "true"
    visit = PatrolCheckpoint.objects.get()
    assert visit.visited_at == START + datetime.timedelta(minutes=20) and visit.received_at == START + datetime.timedelta(minutes=50)
    assert visit.counts
    # the leading officer sees that it arrived later
    page = client_for(officer).get(f"/patrols/{patrol.pk}/").content.decode()
    assert "sent from the phone later" in page


def test_a_scan_with_a_future_time_is_refused(client_for, guard, patrol, checkpoint, at):
    at(START)
    patrol_start(patrol=patrol, at=START)
    url = f"/patrols/scan/{checkpoint_signed_code(checkpoint)}/"
    response = client_for(guard.user).post(url, {"recorded_at": iso(START + datetime.timedelta(hours=1))}, **OUTBOX)
    assert response.status_code == 400 and "in the future" in json.loads(response.content)["message"]
    assert PatrolCheckpoint.objects.get().visited_at is None


def test_the_guard_pages_carry_the_outbox(client_for, guard, patrol, checkpoint, at):
    at(START)
    page = client_for(guard.user).get("/patrols/my/").content.decode()
    assert 'name="recorded_at"' in page and "data-outbox-always" in page and 'id="outbox"' in page
    assert "js/outbox.js" in page and "js/outbox-store.js" in page and 'rel="manifest"' in page
