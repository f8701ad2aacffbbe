import datetime

from guards.models import Guard
from rewards.models import PointEntry, PointRule
from guards.selectors import guard_deployability
from rewards.selectors import guard_points_total
from rewards.services import points_award, points_revoke
from tests import factories as f


def test_default_rules_exist_after_migrate(db):
    assert PointRule.objects.get(kind="patrol").points == 2
    assert PointRule.objects.get(kind="deduction").points < 0


def test_award_for_same_source_is_credited_once(guard, point):
    # given a source record (any model instance will do)
    entry1 = points_award(guard_id=guard.pk, kind="patrol", source=point)
    entry2 = points_award(guard_id=guard.pk, kind="patrol", source=point)
    assert entry1.pk == entry2.pk
    assert PointEntry.objects.filter(guard=guard).count() == 1


def test_award_without_active_rule_writes_nothing(guard, point):
    PointRule.objects.filter(kind="patrol").update(active=False)
    assert points_award(guard_id=guard.pk, kind="patrol", source=point) is None
    assert not PointEntry.objects.exists()


def test_revoke_removes_the_award(guard, point):
    points_award(guard_id=guard.pk, kind="patrol", source=point)
    assert points_revoke(guard_id=guard.pk, kind="patrol", source=point) == 1
    assert not PointEntry.objects.exists()


def test_points_total_sums_range_including_deductions(guard, point, django_assert_num_queries):
    day = datetime.date(2026, 11, 16)
    points_award(guard_id=guard.pk, kind="patrol", source=point, occurred_on=day)
    points_award(guard_id=guard.pk, kind="deduction", points=-5, reason="late", occurred_on=day)
    points_award(guard_id=guard.pk, kind="commendation", occurred_on=day - datetime.timedelta(days=30))
    with django_assert_num_queries(1):
        totals = guard_points_total(guard_ids=[guard.pk], start=day, end=day)
    assert totals == {guard.pk: -3}


def test_deployability_reasons(company):
    today = datetime.date(2026, 11, 23)
    ok = f.GuardFactory.build(company=company, certificate_expires_on=today)
    assert guard_deployability(guard=ok, on=today).ok
    expired = f.GuardFactory.build(company=company, certificate_expires_on=today - datetime.timedelta(days=1))
    result = guard_deployability(guard=expired, on=today)
    assert not result.ok and "expired" in result.reason
    suspended = f.GuardFactory.build(company=company, status=Guard.Status.SUSPENDED)
    assert guard_deployability(guard=suspended, on=today).reason == "suspended"
    uncertified = f.GuardFactory.build(company=company, certificate_status=Guard.CertificateStatus.NONE, certificate_expires_on=None)
    assert not guard_deployability(guard=uncertified, on=today).ok
