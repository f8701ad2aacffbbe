"""Demo bulletins: twelve weeks of falling case figures, a recipient list, last week's draft and
the week before's sent record (no email leaves), idempotent."""
import datetime

import pytest
from django.core import mail

from bulletins.demo import EXTRA_RECIPIENTS, WEEKS, seed_bulletins
from bulletins.models import BulletinDelivery, BulletinRecipient, CaseFigure, WeeklyBulletin
from liaison_points.models import Township
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)  # Wednesday of 2026-W48
LAST = datetime.date(2026, 11, 16)
BEFORE = datetime.date(2026, 11, 9)


def test_seed_bulletins_builds_a_plausible_history_once(officer, manager):
    towns = [f.TownshipFactory(code=f"T{i}") for i in range(4)]
    manager.email = "manager@gucheng.example"
    manager.save()

    created = seed_bulletins(seed=7, today=TODAY)

    assert created["case figures"] == WEEKS * Township.objects.count()
    mondays = sorted(set(CaseFigure.objects.values_list("week_start", flat=True)))
    assert len(mondays) == WEEKS and mondays[-1] == LAST and all(m.weekday() == 0 for m in mondays)
    first = sum(CaseFigure.objects.filter(week_start__in=mondays[:3]).values_list("count", flat=True))
    last = sum(CaseFigure.objects.filter(week_start__in=mondays[-3:]).values_list("count", flat=True))
    assert last < first  # a downward trend
    assert CaseFigure.objects.filter(count__gt=15).count() == 0

    emails = set(BulletinRecipient.objects.values_list("email", flat=True))
    assert {e for _n, e, _k in EXTRA_RECIPIENTS} <= emails and "manager@gucheng.example" in emails
    assert BulletinRecipient.objects.get(email="manager@gucheng.example").company_id is not None

    draft = WeeklyBulletin.objects.get(week_start=LAST)
    sent = WeeklyBulletin.objects.get(week_start=BEFORE)
    assert draft.status == "draft" and draft.figures["week"] == "2026-W47"
    assert sent.status == "sent" and sent.sent_at is not None and sent.figures["week"] == "2026-W46"
    assert sent.deliveries.count() == len(emails) and not sent.deliveries.exclude(status="sent").exists()
    assert not mail.outbox  # demo records: nothing was emailed

    assert seed_bulletins(seed=7, today=TODAY) == {}
    assert BulletinDelivery.objects.count() == len(emails)
