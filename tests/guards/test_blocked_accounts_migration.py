"""guards 0010: guards suspended or removed before their account was stopped with them (by
guards.services.guard_account_sync) lose the sign-in account and its API tokens; active guards,
officers and managers keep theirs."""
import importlib

import pytest
from django.apps import apps as live_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.authtoken.models import Token

from accounts.models import AuditEvent, Role, User
from guards.models import Guard
from tests import factories as f

migration = importlib.import_module("guards.migrations.0010_deactivate_blocked_guard_accounts")

BEFORE = [("guards", "0009_guard_full_name_and_status_label")]


def _guard(company, point, username, status):
    # The factory saves the row directly: no service runs, as for the guards of before the rule.
    user = f.UserFactory(username=username, role=Role.GUARD)
    Token.objects.create(user=user)
    return f.GuardFactory(company=company, liaison_point=point, user=user, status=status)


@pytest.fixture
def cast(db, company, point, officer, manager):
    Token.objects.create(user=officer)
    Token.objects.create(user=manager)
    return {
        "active": _guard(company, point, "g_active", Guard.Status.ACTIVE),
        "suspended": _guard(company, point, "g_suspended", Guard.Status.SUSPENDED),
        "removed": _guard(company, point, "g_removed", Guard.Status.REMOVED),
        "officer": officer,
        "manager": manager,
    }


def _active(username) -> bool:
    return User.objects.get(username=username).is_active


def _has_token(username) -> bool:
    return Token.objects.filter(user__username=username).exists()


def test_blocked_guards_lose_account_and_tokens(cast):
    # when
    changed = migration.deactivate_blocked_guard_accounts(live_apps, None)

    # then
    assert changed == 2
    state = {name: (_active(name), _has_token(name)) for name in ("g_active", "g_suspended", "g_removed", "officer", "manager_a")}
    assert state == {
        "g_active": (True, True), "g_suspended": (False, False), "g_removed": (False, False),
        "officer": (True, True), "manager_a": (True, True),
    }
    lines = {e.detail["account"]: e for e in AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCESS_REVOKED)}
    assert set(lines) == {"g_suspended", "g_removed"}
    assert lines["g_suspended"].detail["reason"] == "guard suspended"
    assert (lines["g_removed"].object_type, lines["g_removed"].object_id) == ("accounts.user", str(cast["removed"].user_id))


def test_rerun_changes_nothing_but_clears_a_token_issued_since(cast):
    migration.deactivate_blocked_guard_accounts(live_apps, None)
    Token.objects.create(user=cast["suspended"].user)  # e.g. made by hand in the admin

    assert migration.deactivate_blocked_guard_accounts(live_apps, None) == 0

    assert not _has_token("g_suspended")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCESS_REVOKED).count() == 2


def test_blocked_guard_without_account_or_already_inactive_is_left_alone(db, company, point):
    f.GuardFactory(company=company, liaison_point=point, status=Guard.Status.REMOVED, user=None)
    inactive = _guard(company, point, "g_old", Guard.Status.SUSPENDED)
    User.objects.filter(pk=inactive.user_id).update(is_active=False)

    assert migration.deactivate_blocked_guard_accounts(live_apps, None) == 0

    assert not _has_token("g_old")  # its token goes all the same
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCESS_REVOKED).exists()


def test_the_blocked_guards_token_no_longer_signs_in(api_for, cast):
    token = Token.objects.get(user=cast["suspended"].user).key
    migration.deactivate_blocked_guard_accounts(live_apps, None)

    response = api_for(None).get("/api/v1/patrols/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_migration_runs_in_the_chain(company, point):
    # given: the database as it was before 0010, with a suspended guard still able to sign in
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    _guard(company, point, "g_before", Guard.Status.SUSPENDED)

    # when
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    # then
    assert not _active("g_before") and not _has_token("g_before")
