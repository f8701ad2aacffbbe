"""rosters_compile for many companies at once (issue 14): the same queries for 2 companies as for 5,
the companies seated in name order as when each was compiled in turn, and a rerun that adds only
the guards not yet placed and notifies only the rosters that changed; the seating matches the rule
written plainly."""
import datetime
import math
import random
from collections import defaultdict
from unittest import mock

import pytest
import time_machine

from guards.models import Guard
from tests import factories as f
from training.models import RosterEntry, TrainingRoster
from training.services import rosters_compile, training_session_save
from training.tasks import roster_notify_managers_task

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
Q = "2027Q1"

pytestmark = pytest.mark.usefixtures("_clock")


@pytest.fixture
def _clock():
    with time_machine.travel(datetime.datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        yield


def _session(day, capacity=30):
    return training_session_save(quarter=Q, held_on=datetime.date(2027, 2, day), place="礼堂", capacity=capacity, subject_areas=["patrol"])


@pytest.fixture
def sessions(db):
    return [_session(day) for day in (10, 20, 27)]


def _companies(n, guards=3):
    companies = [f.SecurityCompanyFactory() for _ in range(n)]
    for company in companies:
        f.GuardFactory.create_batch(guards, company=company)
    return companies


def _last_quarters_absentee(company):
    """A guard of `company` who missed 2026Q4's training: carried over into Q."""
    guard = f.GuardFactory(company=company)
    old = training_session_save(quarter="2026Q4", held_on=datetime.date(2026, 12, 1), place="Old hall", capacity=10, subject_areas=["patrol"])
    roster = TrainingRoster.objects.create(company=company, quarter="2026Q4", status="approved")
    RosterEntry.objects.create(roster=roster, guard=guard, session=old, attended=False)
    return guard


@pytest.mark.parametrize("companies", [2, 5])
def test_compile_query_count_does_not_grow_with_companies(sessions, django_assert_num_queries, companies):
    # given
    made = _companies(companies)
    _last_quarters_absentee(made[0])
    # when / then: a first compile
    # 1 savepoint, 2 companies, 3 rosters locked, 4 savepoint, 5 rosters inserted, 6 their history,
    # 7 release, 8 sessions, 9 seats taken, 10 active guards, 11 entries, 12 last quarter's absentees,
    # 13 entries inserted, 14 their history, 15 unplaced saved, 16 its history, 17 notices reset, 18 release
    with django_assert_num_queries(18):
        rosters_compile(quarter=Q)
    # and a rerun that finds everyone placed:
    # 1 savepoint, 2 companies, 3 rosters locked, 4 sessions, 5 seats, 6 guards, 7 entries,
    # 8 absentees, 9 unplaced saved, 10 its history, 11 release
    with django_assert_num_queries(11):
        rosters_compile(quarter=Q)
    assert RosterEntry.objects.filter(roster__quarter=Q).count() == companies * 3 + 1
    assert RosterEntry.objects.get(roster__quarter=Q, carried_over=True).roster.company == made[0]


def test_companies_take_seats_in_name_order_across_companies(company, other_company, settings):
    # given: 5 seats for 4 + 3 guards
    settings.ROSTER_MAX_SHARE = 1.0
    only = _session(10, capacity=5)
    f.GuardFactory.create_batch(4, company=other_company)
    f.GuardFactory.create_batch(3, company=company)
    # when
    rosters = rosters_compile(quarter=Q)
    # then: Company A is seated first, Company B gets what is left
    a, b = (TrainingRoster.objects.get(pk=r.pk) for r in rosters)
    assert (a.company, b.company) == (company, other_company)
    assert (a.entries.count(), len(a.unplaced), b.entries.count(), len(b.unplaced)) == (3, 0, 2, 2)
    assert only.entries.count() == 5


def test_rerun_drops_guards_gone_and_notifies_only_rosters_that_grew(company, other_company, sessions, django_capture_on_commit_callbacks):
    # given: both rosters compiled and their notices sent
    gone = f.GuardFactory(company=company)
    f.GuardFactory.create_batch(2, company=company)
    f.GuardFactory.create_batch(2, company=other_company)
    a, b = rosters_compile(quarter=Q)
    TrainingRoster.objects.update(manager_notified_at=datetime.datetime(2027, 1, 5, tzinfo=SHANGHAI))
    Guard.objects.filter(pk=gone.pk).update(status=Guard.Status.SUSPENDED)
    newcomer = f.GuardFactory(company=other_company)
    # when
    with mock.patch.object(roster_notify_managers_task, "apply_async") as delay, django_capture_on_commit_callbacks(execute=True):
        rosters_compile(quarter=Q)
    # then
    assert not RosterEntry.objects.filter(guard=gone).exists()
    assert RosterEntry.objects.filter(roster=b, guard=newcomer).exists()
    assert [call.kwargs["kwargs"] for call in delay.call_args_list] == [{"roster_id": b.pk}]
    assert TrainingRoster.objects.get(pk=a.pk).manager_notified_at is not None
    assert TrainingRoster.objects.get(pk=b.pk).manager_notified_at is None
    assert {h.history_type for h in RosterEntry.history.filter(guard_id=gone.pk)} == {"+", "-"}


def test_a_submitted_roster_is_left_alone_while_the_others_compile(company, other_company, sessions):
    # given
    f.GuardFactory.create_batch(2, company=company)
    f.GuardFactory.create_batch(2, company=other_company)
    a, _b = rosters_compile(quarter=Q)
    TrainingRoster.objects.filter(pk=a.pk).update(status=TrainingRoster.Status.SUBMITTED)
    f.GuardFactory(company=company)
    f.GuardFactory(company=other_company)
    # when
    rosters_compile(quarter=Q)
    # then
    assert RosterEntry.objects.filter(roster=a).count() == 2
    assert RosterEntry.objects.filter(roster__company=other_company, roster__quarter=Q).count() == 3


def _plain_seating(companies, sessions, share) -> dict[int, int | None]:
    """The seating rule written plainly, as the per-company compile did it before issue 14: for each
    guard (companies by name, guards by post and id) the open session with the fewest of its post,
    then of its company, then the lowest share taken, then the earliest. Guard id → session id."""
    seats = defaultdict(int)
    seated = {}
    for company in companies:
        guards = list(Guard.objects.filter(company=company, status=Guard.Status.ACTIVE).order_by("post", "id"))
        cap = max(1, math.ceil(share * len(guards)))
        company_in, post_in = defaultdict(int), defaultdict(int)
        for g in guards:
            options = [s for s in sessions if seats[s.pk] < s.capacity and company_in[s.pk] < cap]
            best = min(options, default=None, key=lambda s: (post_in[(g.post, s.pk)], company_in[s.pk], seats[s.pk] / s.capacity, s.held_on, s.pk))
            seated[g.pk] = best and best.pk
            if best:
                seats[best.pk] += 1
                company_in[best.pk] += 1
                post_in[(g.post, best.pk)] += 1
    return seated


def test_seating_matches_the_plain_rule_with_shared_posts_and_scarce_seats(db, settings):
    # given: 4 companies of 15-30 guards on 3 posts each, 85 seats in 5 sessions (two on one day)
    settings.ROSTER_MAX_SHARE = 0.4
    rng = random.Random(14)
    sessions = [_session(day, capacity) for day, capacity in ((10, 8), (10, 12), (17, 15), (24, 20), (27, 30))]
    companies = sorted((f.SecurityCompanyFactory() for _ in range(4)), key=lambda c: c.name)
    for company in companies:
        for _ in range(rng.randint(15, 30)):
            f.GuardFactory(company=company, post=f"Post {rng.randint(0, 2)}")
    # when
    rosters = rosters_compile(quarter=Q)
    # then
    expected = _plain_seating(companies, sessions, 0.4)
    seated = dict(RosterEntry.objects.filter(roster__quarter=Q).values_list("guard_id", "session_id"))
    unplaced = {g for r in TrainingRoster.objects.filter(pk__in=[r.pk for r in rosters]) for g in r.unplaced}
    assert seated == {g: s for g, s in expected.items() if s is not None}
    assert unplaced == {g for g, s in expected.items() if s is None} != set()
