"""The dispute and tip workflows: every allowed transition, every refused one (409), due dates,
reopening, merging, sessions, follow-ups and points."""
import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.exceptions import DomainError
from disputes.models import Dispute, DisputeEvent, DisputeFollowUp, Tip
from disputes.selectors import dispute_timeline
from disputes.services import (
    DISPUTE_TRANSITIONS,
    TIP_TRANSITIONS,
    dispute_merge,
    dispute_reopen,
    dispute_report,
    dispute_transition,
    due_dates,
    follow_up_record,
    mediation_session_add,
    tip_link_dispute,
    tip_start_dispute,
    tip_transition,
)
from rewards.models import PointEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Dispute.Status
T = Tip.Status
EXTRA = {
    S.ESCALATED: {"escalated_to": "court"},
    S.RESOLVED: {"agreement": "Pay 200 yuan for the window."},
    S.CLOSED: {"note": "Parties refused to meet."},
}
TIP_EXTRA = {T.UNFOUNDED: {"note": "Nothing there."}}


def _dispute(status, point):
    return f.DisputeFactory(status=status, liaison_point=point, escalated_to="police" if status == S.ESCALATED else "",
                            merged_into=f.DisputeFactory(liaison_point=point) if status == S.MERGED else None)


@pytest.mark.parametrize("start,to", [(s, t) for s, targets in DISPUTE_TRANSITIONS.items() for t in targets])
def test_dispute_transition_allowed(start, to, officer, point):
    dispute = _dispute(start, point)
    dispute_transition(dispute=dispute, to=to, by=officer, **EXTRA.get(to, {}))
    dispute.refresh_from_db()
    assert dispute.status == to
    event = dispute.events.get(kind=DisputeEvent.Kind.TRANSITION)
    assert (event.from_status, event.to_status, event.actor) == (start, to, officer)
    assert dispute.history.first().history_user == officer


REFUSED = [
    (s, t) for s, t in itertools.product(S.values, [S.ACCEPTED, S.MEDIATING, S.RESOLVED, S.ESCALATED, S.CLOSED])
    if t not in DISPUTE_TRANSITIONS[s]
]


@pytest.mark.parametrize("start,to", REFUSED)
def test_dispute_transition_refused_with_conflict(start, to, officer, point):
    dispute = _dispute(start, point)
    with pytest.raises(DomainError) as exc:
        dispute_transition(dispute=dispute, to=to, by=officer, **EXTRA.get(to, {}))
    assert exc.value.conflict
    dispute.refresh_from_db()
    assert dispute.status == start and not dispute.events.exists()


@pytest.mark.parametrize("to,missing", [(S.RESOLVED, "agreement"), (S.ESCALATED, "escalated_to"), (S.CLOSED, "note")])
def test_finishing_needs_honest_outcome(to, missing, officer, point):
    dispute = _dispute(S.MEDIATING, point)
    with pytest.raises(ValidationError) as exc:
        dispute_transition(dispute=dispute, to=to, by=officer)
    assert missing in exc.value.message_dict
    dispute.refresh_from_db()
    assert dispute.status == S.MEDIATING


def test_due_dates_default_and_per_category(settings):
    start = timezone.now()
    settings.DISPUTE_DUE_BY_CATEGORY = {"land": {"resolution_days": 30, "first_response_hours": 48}}
    assert due_dates(category="neighbours", start=start) == (start + datetime.timedelta(hours=24), start + datetime.timedelta(days=7))
    assert due_dates(category="land", start=start) == (start + datetime.timedelta(hours=48), start + datetime.timedelta(days=30))


def test_report_sets_due_dates(officer, point):
    dispute = dispute_report(by=officer, category="traffic", title="Scrape", place="Crossing", latitude="32.27", longitude="111.6", parties=[{"name": "张三"}])
    assert dispute.first_response_due - dispute.reported_at == datetime.timedelta(hours=24)
    assert dispute.resolution_due - dispute.reported_at == datetime.timedelta(days=7)


def test_overdue_kind(point):
    now = timezone.now()
    late_response = f.DisputeFactory(liaison_point=point, reported_at=now - datetime.timedelta(hours=30))
    late_resolution = f.DisputeFactory(liaison_point=point, status=S.MEDIATING, reported_at=now - datetime.timedelta(days=8))
    on_time = f.DisputeFactory(liaison_point=point, status=S.ACCEPTED, reported_at=now - datetime.timedelta(hours=30))
    done = f.DisputeFactory(liaison_point=point, status=S.RESOLVED, reported_at=now - datetime.timedelta(days=30))
    assert [d.overdue_kind(now) for d in (late_response, late_resolution, on_time, done)] == ["response", "resolution", "", ""]


def test_report_with_bad_input_saves_nothing(officer, point):
    with pytest.raises(ValidationError) as exc:
        dispute_report(by=officer, category="nope", title="", place="", latitude="95", longitude="111.6",
                       parties=[{"name": ""}, {"name": "A", "phone": "call me"}])
    errors = exc.value.message_dict
    assert {"category", "title", "place", "latitude", "parties"} <= set(errors)
    assert not Dispute.objects.exists()


def test_resolve_schedules_follow_ups_and_credits_helping_guard(officer, point, guard, point_rules, time_machine):
    # resolved on Monday 4 January 2027 at 00:30 in the office (still Sunday 3 January in UTC): the
    # follow-ups count from the office's day
    time_machine.move_to(f.local_dt(2027, 1, 4, 0, 30), tick=False)
    dispute = _dispute(S.MEDIATING, point)
    dispute_transition(dispute=dispute, to=S.RESOLVED, by=officer, agreement="Shake hands", helped_by=guard)
    assert sorted(dispute.follow_ups.values_list("after_days", "due_on")) == [
        (7, datetime.date(2027, 1, 11)), (30, datetime.date(2027, 2, 3))]
    entry = PointEntry.objects.get(guard=guard, kind="dispute")
    assert entry.points == 3 and entry.source_id == dispute.pk


def test_resolve_credits_reporting_guard_once_even_if_reopened_and_resolved_again(officer, guard, point_rules):
    dispute = dispute_report(by=guard.user, category="neighbours", title="Dog", place="Gate", parties=[{"name": "张三"}])
    for to in (S.ACCEPTED, S.MEDIATING):
        dispute_transition(dispute=dispute, to=to, by=officer)
    dispute_transition(dispute=dispute, to=S.RESOLVED, by=officer, agreement="Leash")
    dispute_reopen(dispute=dispute, by=officer, reason="Dog loose again")
    dispute_transition(dispute=dispute, to=S.MEDIATING, by=officer)
    dispute_transition(dispute=dispute, to=S.RESOLVED, by=officer, agreement="Fence")
    assert PointEntry.objects.filter(guard=guard, kind="dispute").count() == 1


@pytest.mark.parametrize("start", [S.RESOLVED, S.ESCALATED, S.CLOSED])
def test_reopen_finished_dispute(start, officer, point):
    dispute = _dispute(start, point)
    dispute.overdue_notified_at = timezone.now()
    dispute.save()
    dispute_reopen(dispute=dispute, by=officer, reason="Agreement broken")
    dispute.refresh_from_db()
    assert dispute.status == S.ACCEPTED and dispute.finished_at is None and dispute.escalated_to == ""
    assert dispute.overdue_notified_at is None and dispute.resolution_due > timezone.now()
    event = dispute.events.get(kind=DisputeEvent.Kind.REOPENED)
    assert (event.from_status, event.note) == (start, "Agreement broken")


@pytest.mark.parametrize("start", [S.REPORTED, S.ACCEPTED, S.MEDIATING, S.MERGED])
def test_reopen_refused_unless_finished(start, officer, point):
    with pytest.raises(DomainError) as exc:
        dispute_reopen(dispute=_dispute(start, point), by=officer, reason="x")
    assert exc.value.conflict


def test_reopen_needs_reason(officer, point):
    with pytest.raises(ValidationError):
        dispute_reopen(dispute=_dispute(S.CLOSED, point), by=officer, reason="")


def test_merge_keeps_both_histories_parties_and_tips(officer, point):
    keep = dispute_report(by=officer, category="neighbours", title="Noise", place="Block 3", latitude="32.27", longitude="111.6",
                          parties=[{"name": "张三", "phone": "13900000001"}])
    dup = dispute_report(by=officer, category="neighbours", title="Loud music", place="Block 3", latitude="32.2701", longitude="111.6",
                         parties=[{"name": "张三", "phone": "13900000001"}, {"name": "王五"}])
    tip = f.TipFactory(liaison_point=point, dispute=dup)
    dispute_transition(dispute=dup, to=S.ACCEPTED, by=officer)
    dispute_merge(duplicate=dup, into=keep, by=officer, note="Same flat")
    dup.refresh_from_db()
    keep.refresh_from_db()
    tip.refresh_from_db()
    assert dup.status == S.MERGED and dup.merged_into == keep
    assert [p["name"] for p in keep.parties] == ["张三", "王五"]
    assert tip.dispute == keep
    timeline = list(dispute_timeline(dispute=keep))
    assert {e.dispute_id for e in timeline} == {keep.pk, dup.pk}
    assert [e.kind for e in timeline if e.dispute_id == dup.pk] == ["reported", "transition", "merged"]


def test_merge_refusals(officer, point):
    a, b = _dispute(S.REPORTED, point), _dispute(S.RESOLVED, point)
    with pytest.raises(ValidationError):
        dispute_merge(duplicate=a, into=a, by=officer)
    with pytest.raises(DomainError):
        dispute_merge(duplicate=b, into=a, by=officer)  # a finished dispute is not merged away
    merged = _dispute(S.MERGED, point)
    with pytest.raises(DomainError):
        dispute_merge(duplicate=a, into=merged, by=officer)


def test_session_moves_accepted_to_mediating(officer, point, guard):
    dispute = _dispute(S.ACCEPTED, point)
    session = mediation_session_add(dispute=dispute, by=officer, held_at=timezone.now(), result="partial", parties_present="Both", helping_guard=guard)
    dispute.refresh_from_db()
    assert dispute.status == S.MEDIATING and dispute.helped_by == guard and session.mediator == officer
    assert list(dispute.events.values_list("kind", flat=True)) == ["transition", "session"]


@pytest.mark.parametrize("start", [S.REPORTED, S.RESOLVED, S.CLOSED])
def test_session_refused_outside_mediation(start, officer, point):
    with pytest.raises(DomainError):
        mediation_session_add(dispute=_dispute(start, point), by=officer, held_at=timezone.now(), result="none")


def test_follow_up_recorded_once(officer, point):
    dispute = _dispute(S.RESOLVED, point)
    visit = DisputeFollowUp.objects.create(dispute=dispute, after_days=7, due_on=timezone.localdate())
    follow_up_record(follow_up=visit, by=officer, note="Holding")
    with pytest.raises(DomainError):
        follow_up_record(follow_up=visit, by=officer)
    assert dispute.events.filter(kind="follow_up").count() == 1


# --- tips ----------------------------------------------------------------------------------------


def _tip(status, point, guard=None):
    kwargs = {"source_kind": "guard", "source_guard": guard} if guard else {}
    return f.TipFactory(status=status, liaison_point=point, **kwargs)


@pytest.mark.parametrize("start,to", [(s, t) for s, targets in TIP_TRANSITIONS.items() for t in targets])
def test_tip_transition_allowed(start, to, officer, point):
    tip = _tip(start, point)
    tip_transition(tip=tip, to=to, by=officer, **TIP_EXTRA.get(to, {}))
    tip.refresh_from_db()
    assert tip.status == to and tip.handled_by == officer
    assert tip.history.first().history_user == officer


@pytest.mark.parametrize("start,to", [(s, t) for s, t in itertools.product(T.values, T.values) if t not in TIP_TRANSITIONS[s] and t != T.RECEIVED])
def test_tip_transition_refused(start, to, officer, point):
    tip = _tip(start, point)
    with pytest.raises(DomainError) as exc:
        tip_transition(tip=tip, to=to, by=officer, **TIP_EXTRA.get(to, {}))
    assert exc.value.conflict


def test_verified_tip_credits_guard_once_and_unfounded_takes_back(officer, point, guard, point_rules):
    tip = _tip(T.RECEIVED, point, guard)
    tip_transition(tip=tip, to=T.VERIFIED, by=officer)
    assert PointEntry.objects.get(guard=guard, kind="tip").points == 5
    tip_transition(tip=tip, to=T.UNFOUNDED, by=officer, note="Misread")
    assert not PointEntry.objects.filter(guard=guard, kind="tip").exists()


def test_close_case_solved_needs_case_number(officer, point):
    tip = _tip(T.ACTED, point)
    with pytest.raises(ValidationError) as exc:
        tip_transition(tip=tip, to=T.CLOSED, by=officer, outcome="case_solved")
    assert "case_number" in exc.value.message_dict
    tip_transition(tip=tip, to=T.CLOSED, by=officer, outcome="case_solved", case_number="A2026-113")
    tip.refresh_from_db()
    assert (tip.status, tip.outcome, tip.case_number) == (T.CLOSED, "case_solved", "A2026-113")


def test_tip_starts_and_links_dispute(officer, point):
    tip = f.TipFactory(liaison_point=point, latitude="32.270000", longitude="111.600000", place="Market")
    dispute = tip_start_dispute(tip=tip, by=officer, category="consumer", title="Short weight")
    tip.refresh_from_db()
    assert tip.dispute == dispute and dispute.place == "Market" and dispute.liaison_point == point
    assert dispute.events.filter(kind="tip_linked").exists()
    with pytest.raises(DomainError):
        tip_start_dispute(tip=tip, by=officer, category="consumer", title="Again")
    other = f.TipFactory(liaison_point=point)
    tip_link_dispute(tip=other, dispute=dispute, by=officer)
    assert dispute.tips.count() == 2
