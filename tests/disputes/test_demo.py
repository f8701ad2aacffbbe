"""The demo history: Gucheng-like figures, consistent rows, idempotent."""
import pytest
from django.utils import timezone

from disputes.demo import seed_disputes
from disputes.models import Dispute, Tip
from disputes.selectors import dispute_list_overdue
from rewards.models import PointEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_seed_disputes_figures_and_idempotence(township, point_rules):
    officer = f.OfficerFactory()
    points = [f.LiaisonPointFactory(township=township, responsible_officer=officer) for _ in range(3)]
    for p in points:
        f.GuardFactory.create_batch(3, liaison_point=p)

    created = seed_disputes(seed=7)

    assert created["disputes"] == 160 and created["tips"] == 80
    assert Dispute.objects.filter(status__in=Dispute.FINISHED_STATUSES).count() == 150
    assert Dispute.objects.filter(status__in=Dispute.OPEN_STATUSES).count() == 10
    assert Tip.objects.filter(outcome="case_solved").exclude(case_number="").count() == 13
    assert not Dispute.objects.filter(status="escalated", escalated_to="").exists()
    assert not Dispute.objects.filter(notified_at__isnull=True).exists()  # no inbox flood
    assert PointEntry.objects.filter(kind__in=["tip", "dispute"]).exists()
    for d in Dispute.objects.filter(status="resolved")[:20]:
        assert d.events.filter(kind="transition", to_status="resolved").exists()
        assert d.follow_ups.count() == 2
    assert dispute_list_overdue().count() < 10
    assert seed_disputes(seed=7) == {}


def test_seed_disputes_dates_are_the_office_days(township, point_rules, time_machine):
    # seeded at 00:30 in the office, when the date in UTC is still the day before
    time_machine.move_to(f.local_dt(2027, 1, 4, 0, 30), tick=False)
    officer = f.OfficerFactory()
    for p in [f.LiaisonPointFactory(township=township, responsible_officer=officer) for _ in range(3)]:
        f.GuardFactory.create_batch(3, liaison_point=p)

    seed_disputes(seed=7)

    hazards = list(Tip.objects.exclude(rectification_due=None))
    assert hazards
    assert all((t.rectification_due - timezone.localtime(t.received_at).date()).days in (3, 7, 14) for t in hazards)
    solved = list(Tip.objects.exclude(case_number=""))
    assert solved
    assert all(t.case_number.startswith(f"鄂公刑{timezone.localtime(t.received_at).year}") for t in solved)
