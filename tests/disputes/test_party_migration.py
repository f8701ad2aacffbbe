"""disputes 0005: the parties text of existing disputes (a JSON list parsed from "name, phone, role"
lines) becomes party rows; what the old parser took for a phone goes back into the name."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("disputes", "0004_tip_activity_counts")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_parties_text_becomes_rows():
    old = _migrate(BEFORE)
    Township = old.get_model("liaison_points", "Township")
    Station = old.get_model("liaison_points", "PoliceStation")
    Point = old.get_model("liaison_points", "LiaisonPoint")
    Dispute = old.get_model("disputes", "Dispute")
    town = Township.objects.create(code="T1", name="城关镇")
    point = Point.objects.create(code="P1", name="城关联勤点", township=town, station=Station.objects.create(name="城关派出所", township=town),
                                 latitude=Decimal("32.27"), longitude=Decimal("111.6"))
    now = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)
    common = {"category": "neighbours", "place": "幸福小区", "latitude": Decimal("32.27"), "longitude": Decimal("111.6"), "liaison_point": point,
              "reported_by_kind": "officer", "reported_at": now, "first_response_due": now, "resolution_due": now}
    parsed = Dispute.objects.create(title="Parsed", parties=[
        {"name": "王某", "phone": "13907100001", "role": "申请人"},
        {"name": "住户王某（男", "phone": "约60岁）", "role": ""},   # what the old form made of 住户王某（男，约60岁）
        {"name": "赵某", "phone": "0710-1234567", "role": "邻居"},
        {"name": "", "phone": "", "role": ""},
    ], **common)
    empty = Dispute.objects.create(title="None", parties=[], **common)

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Party = new.get_model("disputes", "DisputeParty")
    rows = list(Party.objects.filter(dispute_id=parsed.pk).order_by("position").values_list("position", "name", "role", "phone"))
    assert rows == [
        (0, "王某", "applicant", "13907100001"),
        (1, "住户王某（男，约60岁）", "party", ""),
        (2, "赵某（邻居）", "other", "0710-1234567"),
    ]
    assert not Party.objects.filter(dispute_id=empty.pk).exists()
    assert "parties" not in {f.name for f in new.get_model("disputes", "Dispute")._meta.get_fields()}
