"""CheckIn.company (issue #14): the company the guard had when the check-in was written, set on
every write path, back-filled by the migration, and what roll-call by company counts."""
import datetime
import importlib
from types import SimpleNamespace

from django.apps import apps

from patrol.figures import roll_call_week_figures
from patrol.models import CheckIn, Patrol
from tests import factories as f
from tests.factories import local_dt

MONDAY = datetime.date(2026, 11, 16)


def _done_patrol(guards):
    start = local_dt(2026, 11, 17, 19)
    patrol = f.PatrolFactory(status=Patrol.Status.DONE, planned_start=start, planned_end=start + datetime.timedelta(hours=2),
                             actual_start=start, actual_end=start + datetime.timedelta(hours=2))
    for g in guards:
        f.PatrolMemberFactory(patrol=patrol, guard=g)
    return patrol


def test_written_check_in_keeps_the_company_the_guard_had_then(db):
    red, blue = f.SecurityCompanyFactory(name="红盾保安"), f.SecurityCompanyFactory(name="蓝盾保安")
    guard = f.GuardFactory(company=red)
    patrol = _done_patrol([guard])
    check_in = CheckIn.objects.create(patrol=patrol, guard=guard, at=patrol.planned_start, status="present", source="guard")
    assert check_in.company_id == red.pk
    guard.company = blue
    guard.save()
    check_in.refresh_from_db()
    assert check_in.company_id == red.pk
    rows = roll_call_week_figures(monday=MONDAY)["by_company"]
    assert [(r["company"], r["present"]) for r in rows] == [("红盾保安", 1)]


def test_backfill_sets_the_guards_company_on_existing_rows(db):
    red = f.SecurityCompanyFactory()
    guards = f.GuardFactory.create_batch(2, company=red)
    patrol = _done_patrol(guards)
    for g in guards:
        CheckIn.objects.create(patrol=patrol, guard=g, at=patrol.planned_start, status="present", source="guard")
    CheckIn.objects.update(company=None)  # as the rows were before the column existed
    migration = importlib.import_module("patrol.migrations.0006_checkin_company")
    migration.backfill(apps, SimpleNamespace(connection=SimpleNamespace(alias="default")))
    assert list(CheckIn.objects.values_list("company_id", flat=True)) == [red.pk, red.pk]


def test_absent_marks_at_finish_carry_the_company(db):
    from patrol.services.lifecycle import patrol_finish

    red = f.SecurityCompanyFactory()
    guard = f.GuardFactory(company=red)
    patrol = _done_patrol([guard])
    Patrol.objects.filter(pk=patrol.pk).update(status=Patrol.Status.UNDER_WAY, actual_end=None)
    patrol_finish(patrol=Patrol.objects.get(pk=patrol.pk), at=patrol.planned_end)
    assert list(CheckIn.objects.values_list("status", "company_id")) == [("absent", red.pk)]
