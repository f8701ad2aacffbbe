import datetime

from patrol.demo import seed_patrols
from patrol.models import CheckIn, Patrol, RecurringPlan, VenueInspection
from patrol.selectors import patrol_week_coverage
from tests import factories as f


def test_seed_patrols_builds_history_and_this_week_once(township, company):
    # given a small county: 4 points with guards and a responsible officer
    points = [f.LiaisonPointFactory(township=township, responsible_officer=f.OfficerFactory()) for _ in range(4)]
    for p in points:
        f.GuardFactory.create_batch(6, company=company, liaison_point=p)
    today = datetime.date(2026, 11, 19)  # a Thursday

    # when
    made = seed_patrols(seed=7, today=today, weeks=3)

    # then there are patrols in each of the 4 weeks, with teams and check-ins, and plans ahead
    assert made["patrols"] == Patrol.objects.filter(plan__isnull=True).count() > 0
    assert Patrol.objects.filter(status="done").exists()
    assert Patrol.objects.filter(status="planned", plan__isnull=True).exists()  # rest of this week
    assert CheckIn.objects.filter(status="present").count() > CheckIn.objects.filter(status="absent").count()
    assert RecurringPlan.objects.count() == 3
    assert VenueInspection.objects.exists()
    coverage = patrol_week_coverage(monday=datetime.date(2026, 11, 9))
    assert sum(r.done for r in coverage) > 0
    # and a second run adds nothing
    assert seed_patrols(seed=7, today=today, weeks=3) == {}
    assert Patrol.objects.filter(plan__isnull=True).count() == made["patrols"]


def test_demo_guard_account_has_a_patrol_today(township, company):
    from accounts.models import Role

    point = f.LiaisonPointFactory(township=township, responsible_officer=f.OfficerFactory())
    f.GuardFactory.create_batch(5, company=company, liaison_point=point)
    demo = f.GuardFactory(company=company, liaison_point=point, user=f.UserFactory(username="guard", role=Role.GUARD))
    today = datetime.date(2026, 11, 19)

    seed_patrols(seed=3, today=today, weeks=1)

    from django.utils import timezone

    days = {timezone.localtime(p.planned_start).date() for p in Patrol.objects.filter(members__guard=demo)}
    assert today in days
