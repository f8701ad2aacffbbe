"""H8: adding the position of a dispute taken by township routes it again, as intake routes a dispute
with a position (moved, recorded as a transfer, the new point's inbox told) — unless an officer
already transferred it by hand or it is no longer open; a closed or unfounded tip can be reopened
with a reason (page and API), recorded in its history and shown on its page, its counts kept."""
from decimal import Decimal

import pytest
from django.core import mail

from disputes.models import Dispute, DisputeEvent, Tip
from disputes.services import dispute_reassign, dispute_report, dispute_set_position, tip_reopen
from liaison_points.models import LiaisonPoint
from rewards.models import PointEntry
from tests import factories as f
from tests.factories import local_dt

pytestmark = pytest.mark.django_db

NEAR_POST = {"latitude": "32.301000", "longitude": "111.701000"}  # next to the patrol post
NEAR_CENTRAL = {"latitude": "32.201000", "longitude": "111.501000"}  # next to the central office
COUNTS = {"suspects_caught": 2, "fugitives_assisted": 1, "residents_helped": 3, "three_defences_guided": 7}


@pytest.fixture
def town(township):
    """城关镇: a patrol post and its central office (which takes what is known by township only), a third point."""
    post = f.LiaisonPointFactory(township=township, code="A001", kind=LiaisonPoint.Kind.PATROL_POST, latitude="32.30", longitude="111.70",
                                 inbox_emails="post@county.example")
    central = f.LiaisonPointFactory(township=township, code="B001", kind=LiaisonPoint.Kind.CENTRAL, latitude="32.20", longitude="111.50",
                                    inbox_emails="central@county.example")
    east = f.LiaisonPointFactory(township=township, code="C001", kind=LiaisonPoint.Kind.PATROL_POST, latitude="32.40", longitude="111.90")
    return {"post": post, "central": central, "east": east}


@pytest.fixture
def by_township(officer, township, town, django_capture_on_commit_callbacks):
    """A dispute taken by township: at the central office, position to be added, its inbox told."""
    with django_capture_on_commit_callbacks(execute=True):
        dispute = dispute_report(by=officer, category="land", title="Fence", place="north field", township=township, parties=[{"name": "甲"}])
    assert dispute.liaison_point == town["central"] and dispute.needs_position
    mail.outbox.clear()
    return dispute


def _moves(dispute) -> list[tuple]:
    return [(e.from_point_id, e.to_point_id) for e in DisputeEvent.objects.filter(dispute=dispute, kind=DisputeEvent.Kind.REASSIGNED)]


# --- service ------------------------------------------------------------------------------------


def test_adding_the_position_moves_it_to_the_nearest_point_and_tells_that_point(officer, town, by_township, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        dispute = dispute_set_position(dispute=by_township, by=officer, **NEAR_POST)
    # then
    assert dispute.liaison_point == town["post"] and not dispute.needs_position
    assert _moves(dispute) == [(town["central"].pk, town["post"].pk)]
    moved = DisputeEvent.objects.get(dispute=dispute, kind=DisputeEvent.Kind.REASSIGNED)
    assert moved.actor == officer and "Moved from point" in moved.note and town["post"].name in moved.note
    assert [m.to for m in mail.outbox] == [["post@county.example"]]
    dispute.refresh_from_db()
    assert dispute.notified_at is not None
    assert "Moved from point" in dispute.routing_note


def test_a_transfer_by_hand_tells_the_new_points_inbox_once(officer, town, by_township, django_capture_on_commit_callbacks):
    # given the central office's inbox was told at intake
    by_township.refresh_from_db()
    assert by_township.notified_at is not None
    # when an officer hands it to the patrol post
    with django_capture_on_commit_callbacks(execute=True):
        dispute_reassign(dispute=by_township, point=town["post"], by=officer, reason="Nearer the post")
    # then the post's inbox hears of it, once
    assert [m.to for m in mail.outbox] == [["post@county.example"]]
    from disputes.tasks import dispute_notify_point_task

    assert dispute_notify_point_task(dispute_id=by_township.pk) is False
    assert len(mail.outbox) == 1


def test_a_dispute_transferred_by_hand_stays_and_the_timeline_says_so(officer, town, by_township, django_capture_on_commit_callbacks):
    # given an officer moved it to the east point
    dispute_reassign(dispute=by_township, point=town["east"], by=officer, reason="东片负责")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        dispute = dispute_set_position(dispute=by_township, by=officer, **NEAR_POST)
    # then
    assert dispute.liaison_point == town["east"] and dispute.latitude == Decimal("32.301000")
    assert _moves(dispute) == [(town["central"].pk, town["east"].pk)]  # only the hand transfer
    note = DisputeEvent.objects.filter(dispute=dispute, kind=DisputeEvent.Kind.NOTE).last().note
    assert "Position added" in note and "transferred it by hand" in note
    assert mail.outbox == []


def test_a_position_nearest_to_its_own_point_keeps_it_there(officer, town, by_township):
    dispute = dispute_set_position(dispute=by_township, by=officer, **NEAR_CENTRAL)
    assert dispute.liaison_point == town["central"] and _moves(dispute) == []
    assert "stays there" in DisputeEvent.objects.filter(dispute=dispute).last().note


def test_a_finished_dispute_keeps_its_point(officer, town, by_township):
    Dispute.objects.filter(pk=by_township.pk).update(status=Dispute.Status.CLOSED)
    dispute = dispute_set_position(dispute=by_township, by=officer, **NEAR_POST)
    assert dispute.liaison_point == town["central"] and _moves(dispute) == []
    assert "no longer open" in DisputeEvent.objects.filter(dispute=dispute).last().note


def test_correcting_a_position_keeps_the_point(officer, town):
    dispute = f.DisputeFactory(liaison_point=town["central"], **NEAR_CENTRAL)
    dispute = dispute_set_position(dispute=dispute, by=officer, **NEAR_POST)
    assert dispute.liaison_point == town["central"] and _moves(dispute) == []
    assert "Position corrected" in DisputeEvent.objects.get(dispute=dispute).note


def test_with_no_open_point_near_it_stays(officer, town, by_township):
    LiaisonPoint.objects.filter(pk__in=[town["post"].pk, town["east"].pk]).update(active=False)
    # the routing table is per process: a closed point must not be routed to (liaison_points.routing)
    dispute = dispute_set_position(dispute=by_township, by=officer, **NEAR_POST)
    assert dispute.liaison_point == town["central"] and _moves(dispute) == []


# --- page and API ---------------------------------------------------------------------------------


def test_page_adding_the_position_moves_it_and_says_where(client_for, officer, town, by_township):
    c = client_for(officer)
    response = c.post(f"/disputes/{by_township.pk}/do/position/", NEAR_POST, follow=True)
    by_township.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 200 and by_township.liaison_point == town["post"]
    assert "Moved from point" in html  # the message, and the timeline with both points
    assert f"{town['central'].name} → {town['post'].name}" in html


@pytest.mark.parametrize("data,field", [
    ({"latitude": "", "longitude": "111.7"}, "latitude"),
    ({"latitude": "32.3", "longitude": "181"}, "longitude"),
    ({"latitude": "abc", "longitude": "111.7"}, "latitude"),
])
def test_page_bad_position_is_a_field_error_and_nothing_moves(client_for, officer, town, by_township, data, field):
    response = client_for(officer).post(f"/disputes/{by_township.pk}/do/position/", data)
    assert response.status_code == 400 and f'id="id_{field}_error"' in response.content.decode()
    by_township.refresh_from_db()
    assert by_township.needs_position and by_township.liaison_point == town["central"] and _moves(by_township) == []


def test_api_adding_the_position_moves_it(api_for, officer, town, by_township):
    response = api_for(officer).post(f"/api/v1/disputes/{by_township.pk}/position/", NEAR_POST, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["liaison_point"] == town["post"].pk and body["needs_position"] is False
    timeline = api_for(officer).get(f"/api/v1/disputes/{by_township.pk}/timeline/").json()
    assert "reassigned" in [e["kind"] for e in (timeline["results"] if isinstance(timeline, dict) else timeline)]


@pytest.mark.parametrize("data,field", [
    ({"latitude": "32.3"}, "longitude"),
    ({"latitude": "95", "longitude": "111.7"}, "latitude"),
    ({"latitude": None, "longitude": "111.7"}, "latitude"),
])
def test_api_bad_position_is_a_400_and_nothing_moves(api_for, officer, town, by_township, data, field):
    response = api_for(officer).post(f"/api/v1/disputes/{by_township.pk}/position/", data, format="json")
    assert response.status_code == 400 and field in str(response.json())
    by_township.refresh_from_db()
    assert by_township.needs_position and by_township.liaison_point == town["central"]


def test_api_position_is_for_officers(api_for, guard, town, by_township):
    assert api_for(guard.user).post(f"/api/v1/disputes/{by_township.pk}/position/", NEAR_POST, format="json").status_code in (403, 404)


# --- reopening a tip ------------------------------------------------------------------------------


@pytest.fixture
def closed_tip(point, officer):
    return f.TipFactory(liaison_point=point, status=Tip.Status.CLOSED, outcome="case_solved", case_number="JX-1",
                        verified_at=local_dt(2026, 11, 1, 10, 0), finished_at=local_dt(2026, 11, 2, 10, 0), **COUNTS)


def test_reopening_a_closed_tip_sends_it_back_to_verified_and_keeps_its_counts(officer, closed_tip):
    tip = tip_reopen(tip=closed_tip, by=officer, reason="嫌疑人翻供，需补充调查")
    assert tip.status == Tip.Status.VERIFIED and tip.finished_at is None and tip.handled_by == officer
    assert {k: getattr(tip, k) for k in COUNTS} == COUNTS and tip.outcome == "case_solved" and tip.case_number == "JX-1"
    row = tip.history.order_by("-history_date", "-history_id").first()
    assert row.history_change_reason == "嫌疑人翻供，需补充调查" and row.history_user == officer


def test_reopening_an_unfounded_tip_sends_it_back_to_received_and_verifying_credits_again(officer, guard, point, point_rules):
    from disputes.services import tip_transition

    tip = f.TipFactory(liaison_point=point, source_kind=Tip.SourceKind.GUARD, source_guard=guard)
    tip_transition(tip=tip, to=Tip.Status.VERIFIED, by=officer)
    tip_transition(tip=tip, to=Tip.Status.UNFOUNDED, by=officer, note="查无此事")
    assert not PointEntry.objects.filter(guard=guard, kind="tip").exists()
    tip = tip_reopen(tip=tip, by=officer, reason="群众再次反映")
    assert tip.status == Tip.Status.RECEIVED
    tip_transition(tip=tip, to=Tip.Status.VERIFIED, by=officer)
    assert PointEntry.objects.filter(guard=guard, kind="tip").count() == 1


@pytest.mark.parametrize("status", [Tip.Status.RECEIVED, Tip.Status.VERIFIED, Tip.Status.ACTED])
def test_reopening_an_open_tip_is_refused_and_nothing_is_saved(api_for, officer, point, status):
    tip = f.TipFactory(liaison_point=point, status=status)
    before = tip.history.count()
    response = api_for(officer).post(f"/api/v1/tips/{tip.pk}/reopen/", {"reason": "再看看"}, format="json")
    assert response.status_code == 409 and "Only a closed or unfounded tip can be reopened" in response.content.decode()
    tip.refresh_from_db()
    assert tip.status == status and tip.history.count() == before


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 101}])
def test_api_reopen_without_a_usable_reason_is_a_400_and_nothing_is_saved(api_for, officer, closed_tip, data):
    response = api_for(officer).post(f"/api/v1/tips/{closed_tip.pk}/reopen/", data, format="json")
    assert response.status_code == 400 and "reason" in str(response.json())
    closed_tip.refresh_from_db()
    assert closed_tip.status == Tip.Status.CLOSED and closed_tip.history.count() == 1


def test_api_reopen(api_for, officer, closed_tip):
    response = api_for(officer).post(f"/api/v1/tips/{closed_tip.pk}/reopen/", {"reason": "新线索"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "verified" and body["finished_at"] is None and body["suspects_caught"] == 2
    # a second click: the tip is open now, a clear refusal
    assert api_for(officer).post(f"/api/v1/tips/{closed_tip.pk}/reopen/", {"reason": "新线索"}, format="json").status_code == 409


def test_api_reopen_is_for_officers(api_for, guard, point):
    tip = f.TipFactory(liaison_point=point, source_kind=Tip.SourceKind.GUARD, source_guard=guard, status=Tip.Status.CLOSED)
    assert api_for(guard.user).post(f"/api/v1/tips/{tip.pk}/reopen/", {"reason": "x"}, format="json").status_code == 403
    tip.refresh_from_db()
    assert tip.status == Tip.Status.CLOSED


def test_api_closing_again_without_counts_keeps_them(api_for, officer, closed_tip):
    api = api_for(officer)
    api.post(f"/api/v1/tips/{closed_tip.pk}/reopen/", {"reason": "补充"}, format="json")
    response = api.post(f"/api/v1/tips/{closed_tip.pk}/close/", {"residents_helped": 5}, format="json")
    assert response.status_code == 200
    closed_tip.refresh_from_db()
    assert {k: getattr(closed_tip, k) for k in COUNTS} == {**COUNTS, "residents_helped": 5}


def test_page_reopen_shows_in_the_history_and_the_close_form_keeps_the_counts(client_for, officer, closed_tip):
    c = client_for(officer)
    page = c.get(f"/disputes/tips/{closed_tip.pk}/").content.decode()
    assert 'id="action-reopen"' in page
    response = c.post(f"/disputes/tips/{closed_tip.pk}/do/reopen/", {"reason": "嫌疑人翻供"}, follow=True)
    html = response.content.decode()
    closed_tip.refresh_from_db()
    assert response.status_code == 200 and closed_tip.status == Tip.Status.VERIFIED
    assert "Reopened" in html and "嫌疑人翻供" in html and 'id="action-reopen"' not in html
    assert 'name="suspects_caught" value="2"' in html  # closing again starts from the counts recorded
    # closing again from the page without touching the counts keeps them
    c.post(f"/disputes/tips/{closed_tip.pk}/do/close/", {"outcome": "case_solved", "case_number": "JX-1", **{k: str(v) for k, v in COUNTS.items()}})
    closed_tip.refresh_from_db()
    assert closed_tip.status == Tip.Status.CLOSED and {k: getattr(closed_tip, k) for k in COUNTS} == COUNTS


@pytest.mark.parametrize("reason", ["", "x" * 101])
def test_page_reopen_without_a_usable_reason_is_a_field_error(client_for, officer, closed_tip, reason):
    response = client_for(officer).post(f"/disputes/tips/{closed_tip.pk}/do/reopen/", {"reason": reason})
    assert response.status_code == 400 and 'id="id_reason_error"' in response.content.decode()
    closed_tip.refresh_from_db()
    assert closed_tip.status == Tip.Status.CLOSED and closed_tip.history.count() == 1


def test_page_reopen_of_an_open_tip_is_refused_clearly(client_for, officer, point):
    tip = f.TipFactory(liaison_point=point, status=Tip.Status.ACTED)
    response = client_for(officer).post(f"/disputes/tips/{tip.pk}/do/reopen/", {"reason": "再看看"})
    assert response.status_code == 400 and "Only a closed or unfounded tip can be reopened" in response.content.decode()
    tip.refresh_from_db()
    assert tip.status == Tip.Status.ACTED


def test_tip_page_query_count_does_not_grow_with_its_history(client_for, officer, closed_tip, django_assert_num_queries):
    c = client_for(officer)
    c.get(f"/disputes/tips/{closed_tip.pk}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        c.get(f"/disputes/tips/{closed_tip.pk}/")
    for reason in ("一", "二", "三"):
        tip_reopen(tip=closed_tip, by=officer, reason=reason)
        Tip.objects.filter(pk=closed_tip.pk).update(status=Tip.Status.CLOSED)
        closed_tip.refresh_from_db()
        closed_tip.save()  # a history row per close as well
    with django_assert_num_queries(len(first.captured_queries)):
        c.get(f"/disputes/tips/{closed_tip.pk}/")
