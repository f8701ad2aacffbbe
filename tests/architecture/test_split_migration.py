"""A database from before the guards/ split (guards 0006: training, points, payouts, assessments and
equipment in guards_* tables) migrates forward into rewards, training and assessments with every row,
its history, the ledger's idempotency keys and the content types (permissions) kept."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("guards", "0006_list_indexes"), ("rewards", None), ("training", None), ("assessments", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_keeps_every_row():
    # given the schema as it was before the split, with a guard's lifecycle in guards_* tables
    old = _migrate(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    for model in ("pointentry", "trainingroster", "assessment"):
        ContentType.objects.get_or_create(app_label="guards", model=model)
    Township = old.get_model("liaison_points", "Township")
    Company = old.get_model("guards", "SecurityCompany")
    Guard = old.get_model("guards", "Guard")
    company = Company.objects.create(name="恒安保安公司", licence_number="L-1")
    Township.objects.create(name="城关镇")
    guard = Guard.objects.create(
        company=company, name="张伟", phone="13800000000", national_id="420625199001011234", post="幸福小区",
        post_latitude=Decimal("32.27"), post_longitude=Decimal("111.6"),
    )
    Session = old.get_model("guards", "TrainingSession")
    Roster = old.get_model("guards", "TrainingRoster")
    Entry = old.get_model("guards", "RosterEntry")
    session = Session.objects.create(quarter="2026Q4", held_on=datetime.date(2026, 11, 20), place="礼堂", subject_areas=["patrol"], capacity=30)
    roster = Roster.objects.create(company=company, quarter="2026Q4", status="locked")
    entry = Entry.objects.create(roster=roster, guard=guard, session=session, attended=True)
    old.get_model("guards", "HistoricalTrainingRoster").objects.create(
        id=roster.pk, company=company, quarter="2026Q4", status="approved", unplaced=[], compiled_at=datetime.datetime.now(datetime.UTC),
        history_date=datetime.datetime.now(datetime.UTC), history_type="~",
    )
    old.get_model("guards", "PointRule").objects.update_or_create(kind="training", defaults={"points": 3})
    old.get_model("guards", "PointEntry").objects.create(
        guard=guard, kind="training", points=3, source_type="guards.rosterentry", source_id=entry.pk, occurred_on=session.held_on
    )
    run = old.get_model("guards", "PayoutRun").objects.create(month=datetime.date(2026, 10, 1), yuan_per_point=Decimal("2.00"), total_points=3, total_amount=Decimal("6.00"))
    old.get_model("guards", "PayoutLine").objects.create(run=run, guard=guard, company=company, points=3, amount=Decimal("6.00"))
    old.get_model("guards", "CertificateExam").objects.create(guard=guard, taken_on=datetime.date(2026, 11, 12), score=88, passed=True)
    old.get_model("guards", "Assessment").objects.create(guard=guard, quarter="2026Q3", score=Decimal("91.5"), components={}, outcome="pass")
    item = old.get_model("guards", "Equipment").objects.create(kind="baton", serial_number="GD-001", status="recall", issued_to_guard=guard)
    old.get_model("guards", "EquipmentRecall").objects.create(equipment=item, guard=guard, opened_on=datetime.date(2026, 11, 1))

    # when the code of today migrates it forward
    executor = MigrationExecutor(connection)
    new = _migrate(executor.loader.graph.leaf_nodes())

    # then every row is there, in its new app's tables
    tables = set(connection.introspection.table_names())
    assert {"rewards_pointentry", "training_trainingroster", "training_historicaltrainingroster", "assessments_equipment"} <= tables
    assert not {t for t in tables if t.startswith("guards_") and t.split("_", 1)[1] in {"pointentry", "trainingroster", "assessment", "equipment"}}
    assert new.get_model("training", "RosterEntry").objects.get().attended is True
    assert new.get_model("training", "TrainingRoster").objects.get().status == "locked"
    assert new.get_model("training", "HistoricalTrainingRoster").objects.get().status == "approved"
    assert new.get_model("training", "CertificateExam").objects.get().score == 88
    ledger = new.get_model("rewards", "PointEntry").objects.get()
    assert (ledger.source_type, ledger.source_id, ledger.points) == ("training.rosterentry", entry.pk, 3)
    assert new.get_model("rewards", "PayoutLine").objects.get().amount == Decimal("6.00")
    assert new.get_model("assessments", "Assessment").objects.get().outcome == "pass"
    assert new.get_model("assessments", "EquipmentRecall").objects.get().equipment.serial_number == "GD-001"
    labels = set(new.get_model("contenttypes", "ContentType").objects.filter(model__in=["pointentry", "trainingroster", "assessment"]).values_list("app_label", "model"))
    assert labels == {("rewards", "pointentry"), ("training", "trainingroster"), ("assessments", "assessment")}


@pytest.mark.django_db
def test_an_award_after_the_split_finds_the_credit_made_before_it(guard, company):
    """points_award is idempotent by (guard, kind, source): a migrated training credit is found, not doubled."""
    from rewards.models import PointEntry, PointRule
    from rewards.services import points_award
    from training.models import RosterEntry, TrainingRoster, TrainingSession

    session = TrainingSession.objects.create(quarter="2026Q4", held_on=datetime.date(2026, 11, 20), place="礼堂", subject_areas=["patrol"], capacity=30)
    roster = TrainingRoster.objects.create(company=company, quarter="2026Q4")
    entry = RosterEntry.objects.create(roster=roster, guard=guard, session=session, attended=True)
    PointRule.objects.update_or_create(kind="training", defaults={"points": 3, "active": True})
    PointEntry.objects.create(guard=guard, kind="training", points=3, source_type="training.rosterentry", source_id=entry.pk)

    points_award(guard_id=guard.pk, kind="training", source=entry)

    assert PointEntry.objects.filter(guard=guard, kind="training").count() == 1
