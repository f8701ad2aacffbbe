"""assessments.demo.seed_lifecycle builds what it says on a small county, and only once."""
import datetime

import pytest
from django.core import mail

from assessments.demo import seed_lifecycle
from assessments.models import Assessment, Equipment, EquipmentRecall, UnitAssessment
from guards.models import Guard, SecurityCompany
from rewards.models import PayoutRun, PointEntry, RewardRound
from training.models import CertificateExam, RosterEntry, TrainingRoster, TrainingSession
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)  # 2026Q4; previous quarter 2026Q3


@pytest.fixture(autouse=True)
def _today(time_machine):
    """The whole clock frozen on TODAY (10:00 in the office's time zone), not only timezone.localdate():
    timestamps, date.today() and factory defaults agree with it on every date the suite runs."""
    time_machine.move_to(f.local_dt(TODAY.year, TODAY.month, TODAY.day, 10), tick=False)


@pytest.fixture
def county(db, officer):
    points = [f.LiaisonPointFactory(kind=kind) for kind in ("central", "post", "post", "unit", "post")]
    guards = []
    for n in range(3):
        company = f.SecurityCompanyFactory()
        guards += f.GuardFactory.create_batch(12, company=company, liaison_point=points[n], post=f"Post {n}")
    for g in guards[::3]:  # some patrol history last month, for the payout
        PointEntry.objects.create(guard=g, kind="patrol", points=2, occurred_on=datetime.date(2026, 10, 14))
    return {"points": points, "guards": guards}


def test_seed_lifecycle_builds_what_it_says(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = seed_lifecycle(seed=7, today=TODAY)

    # rotation sessions: four in each quarter, the current ones still to come
    assert TrainingSession.objects.filter(quarter="2026Q3", kind="rotation").count() == 4
    current = TrainingSession.objects.filter(quarter="2026Q4", kind="rotation")
    assert current.count() == 4 and all(s.held_on >= TODAY for s in current)
    # previous quarter: approved and locked, attendance known, absentees carried over
    prev = TrainingRoster.objects.filter(quarter="2026Q3")
    assert prev.count() == 3 and set(prev.values_list("status", flat=True)) == {"locked"}
    assert not RosterEntry.objects.filter(roster__quarter="2026Q3", attended__isnull=True).exists()
    absent = set(RosterEntry.objects.filter(roster__quarter="2026Q3", attended=False).values_list("guard_id", flat=True))
    carried = set(RosterEntry.objects.filter(roster__quarter="2026Q4", carried_over=True).values_list("guard_id", flat=True))
    assert carried == absent - set(Guard.objects.filter(status="removed").values_list("pk", flat=True))
    assert PointEntry.objects.filter(kind="training", source_type="training.rosterentry").count() == RosterEntry.objects.filter(roster__quarter="2026Q3", attended=True).count()
    # current quarter: compiled, one submitted, one returned, the rest draft; every active guard placed
    statuses = sorted(TrainingRoster.objects.filter(quarter="2026Q4").values_list("status", flat=True))
    assert statuses == ["draft", "returned", "submitted"]
    assert RosterEntry.objects.filter(roster__quarter="2026Q4").count() == Guard.objects.filter(status="active").count()
    assert len(mail.outbox) == 0  # the demo mails nobody
    # exams in each of the last three months, most passed
    months = {d.month for d in CertificateExam.objects.values_list("taken_on", flat=True)}
    assert months == {9, 10, 11}
    assert CertificateExam.objects.filter(passed=True).count() > CertificateExam.objects.filter(passed=False).count()
    # last month's payout approved; the previous quarter assessed, not applied
    run = PayoutRun.objects.get()
    assert run.month == datetime.date(2026, 10, 1) and run.status == "approved" and run.lines.count() == 12
    assert Assessment.objects.filter(quarter="2026Q3").count() == Guard.objects.exclude(status="removed").count() == 34
    assert not Assessment.objects.filter(applied_at__isnull=False).exists()
    # equipment of every kind at points and with guards, four motorcycles, two open recalls
    kinds = set(Equipment.objects.values_list("kind", flat=True))
    assert {"baton", "shield", "fork", "radio", "motorcycle"} <= kinds
    assert Equipment.objects.filter(kind="motorcycle").count() == 4
    assert Equipment.objects.filter(issued_to_point__isnull=False).exists() and Equipment.objects.filter(issued_to_guard__isnull=False).exists()
    assert EquipmentRecall.objects.filter(returned_on__isnull=True).count() == 2
    assert Guard.objects.filter(status="removed").count() == 2
    assert made["training sessions"] == 8 and made["equipment recalls"] == 2
    # issue 13: monthly trainings and a drill with attendance (points), an approved reward round,
    # units with leaders and a joint assessment of the previous quarter
    assert TrainingSession.objects.filter(kind="drill").exists() and TrainingSession.objects.filter(kind="business").count() == 3
    assert PointEntry.objects.filter(kind="training", source_type="training.sessionattendance").count() == made["session attendances"] > 0
    rnd = RewardRound.objects.get()
    assert rnd.status == "approved" and rnd.lines.filter(kind="unit").count() <= 1 and rnd.total_amount <= 3500
    assert UnitAssessment.objects.filter(quarter="2026Q3").count() == SecurityCompany.objects.filter(active=True).count()
    assert not SecurityCompany.objects.filter(responsible_leader="").exists()


def test_seed_lifecycle_is_idempotent(county):
    seed_lifecycle(seed=7, today=TODAY)
    counts = [m.objects.count() for m in (TrainingSession, TrainingRoster, RosterEntry, CertificateExam, PayoutRun, Assessment, Equipment)]

    assert seed_lifecycle(seed=7, today=TODAY) == {}

    assert [m.objects.count() for m in (TrainingSession, TrainingRoster, RosterEntry, CertificateExam, PayoutRun, Assessment, Equipment)] == counts


def test_seed_lifecycle_without_guards_does_nothing(db):
    assert seed_lifecycle(seed=7, today=TODAY) == {}
    assert not TrainingSession.objects.exists()
