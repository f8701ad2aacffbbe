"""Intake's cost per request does not grow with the data (issue #14): a guard's tip and a guard's
check-in, sent as the phone sends them (token, Idempotency-Key), take the same few queries with one
point and one patrol as with many points, guards, tips and patrols around them."""
import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from disputes.models import Tip
from liaison_points.routing import routing_table
from patrol.models import CheckIn
from patrol.services import patrol_plan
from tests import factories as f

NOW = datetime.datetime(2026, 11, 17, 19, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
# Measured, SQLite (transaction statements and savepoints count): the idempotency key booked (in a
# savepoint) and its response stored, the token with the account's guard, the tip and its history row
# in a savepoint (routing reads the process's table, the chosen point's row included). On PostgreSQL
# the key is booked by one statement without the savepoint (accounts/idempotency.py), and the tip
# with its history row is one statement (config/history_insert.py): 4.
TIP_QUERIES = {"sqlite": 9, "postgresql": 4}
# The key (as above), the token, the patrol in scope (a guard's scope holds only the patrols they are
# on, so membership needs no query of its own; its point comes from the process's routing table),
# the check-in (in a savepoint here, inside the test's transaction; alone in autocommit in a
# running server), the key's response.
CHECKIN_QUERIES = {"sqlite": 9, "postgresql": 7}


def _expected(counts: dict) -> int:
    from django.db import connection

    return counts[connection.vendor]


def _phone(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _post(client, path, body):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)


def _grow(n: int, leader) -> None:
    """n more points, 3n guards, 2n tips, n patrols with their members checked in."""
    for i in range(n):
        point = f.LiaisonPointFactory(latitude=f"{30 + i * 0.05:.6f}", longitude=f"{110 + i * 0.05:.6f}")
        guards = [f.GuardFactory(liaison_point=point) for _ in range(3)]
        f.TipFactory.create_batch(2, liaison_point=point)
        patrol = patrol_plan(liaison_point=point, leader=leader, planned_start=NOW - datetime.timedelta(minutes=5),
                             planned_end=NOW + datetime.timedelta(hours=2), guard_ids=[g.pk for g in guards])
        CheckIn.objects.bulk_create(CheckIn(patrol=patrol, guard=g, company=g.company, at=NOW, status="present", source="guard")
                                    for g in guards)


def _guard_user(point):
    user = f.UserFactory(role=Role.GUARD)
    f.GuardFactory(liaison_point=point, user=user)
    return user


def _tip_queries(client, django_assert_num_queries, i: int) -> None:
    body = {"kind": "hazard", "text": "Loose cables at the market gate.", "place": "Market gate",
            "latitude": f"{32.27 + i * 0.001:.6f}", "longitude": "111.600000"}
    assert _post(client, "/api/v1/tips/", body).status_code == 201  # warms the process's routing table
    with django_assert_num_queries(_expected(TIP_QUERIES)):
        response = _post(client, "/api/v1/tips/", body | {"text": "Second report."})
    assert response.status_code == 201, response.content
    assert response.json()["liaison_point"] is not None


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("more", [0, 12])
def test_tip_create_query_count_is_flat(point, officer, django_assert_num_queries, more):
    _grow(more, officer.officer_profile)
    client = _phone(_guard_user(point))
    _tip_queries(client, django_assert_num_queries, more)
    assert Tip.objects.filter(text="Second report.").count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("more", [0, 12])
def test_checkin_create_query_count_is_flat(point, officer, django_assert_num_queries, more):
    _grow(more, officer.officer_profile)
    user = _guard_user(point)
    patrol = patrol_plan(liaison_point=point, leader=officer.officer_profile, planned_start=NOW - datetime.timedelta(minutes=5),
                         planned_end=NOW + datetime.timedelta(hours=2), guard_ids=[user.guard_profile.pk])
    client = _phone(user)
    routing_table()  # warm, as in a running process
    with django_assert_num_queries(_expected(CHECKIN_QUERIES)):
        response = _post(client, f"/api/v1/patrols/{patrol.pk}/check-in/",
                         {"latitude": "32.270100", "longitude": "111.600100", "accuracy": 12})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "present"
    assert CheckIn.objects.filter(patrol=patrol, guard=user.guard_profile).count() == 1
