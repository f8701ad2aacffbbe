import datetime

import pytest

from guards.models import DutyPolicy, Guard
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
    assert guard_deployability(guard=ok, on=today).status == "yes"
    expired = f.GuardFactory.build(company=company, certificate_expires_on=today - datetime.timedelta(days=1))
    result = guard_deployability(guard=expired, on=today)
    assert result.ok and result.status == "with warnings" and "expired" in result.warning_text  # default: certificate warns
    suspended = f.GuardFactory.build(company=company, status=Guard.Status.SUSPENDED)
    assert guard_deployability(guard=suspended, on=today).reason == "suspended"
    assert guard_deployability(guard=suspended, on=today).status == "no"
    uncertified = f.GuardFactory.build(company=company, certificate_status=Guard.CertificateStatus.NONE, certificate_expires_on=None)
    assert guard_deployability(guard=uncertified, on=today).reasons == ("no guard certificate",)


GATE_CASES = {
    "removed": ({"status": Guard.Status.REMOVED}, "removed from the scheme"),
    "suspended": ({"status": Guard.Status.SUSPENDED}, "suspended"),
    "failed_assessment": ({"last_assessment_outcome": "remove"}, "failed the last assessment"),
    "certificate": ({"certificate_status": Guard.CertificateStatus.NONE, "certificate_expires_on": None}, "no guard certificate"),
    "training": ({"training_missed_quarter": "2026Q3"}, "missed the 2026Q3 training"),
}


@pytest.mark.parametrize("gate", DutyPolicy.GATES)
@pytest.mark.parametrize("mode", ["block", "warn"])
def test_each_gate_blocks_or_warns_as_the_office_policy_says(company, gate, mode):
    today = datetime.date(2026, 11, 23)
    changes, reason = GATE_CASES[gate]
    g = f.GuardFactory.build(company=company, **changes)
    DutyPolicy.objects.create(**{gate: mode})
    verdict = guard_deployability(guard=g, on=today)
    assert verdict.status == ("no" if mode == "block" else "with warnings")
    assert any(reason in r for r in verdict.reasons)


def test_policy_defaults_come_from_settings_and_the_saved_row_wins(company, settings):
    today = datetime.date(2026, 11, 23)
    g = f.GuardFactory.build(company=company, certificate_status=Guard.CertificateStatus.NONE, certificate_expires_on=None)
    settings.DUTY_POLICY_DEFAULTS = {**settings.DUTY_POLICY_DEFAULTS, "certificate": "block"}
    assert guard_deployability(guard=g, on=today).status == "no"
    DutyPolicy.objects.create(certificate="warn")  # saving the row drops the cached defaults
    assert guard_deployability(guard=g, on=today).status == "with warnings"