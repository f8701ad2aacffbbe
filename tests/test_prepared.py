"""config.prepared: a hand-built statement is prepared once per PostgreSQL connection and gives the
plain statement's rows; off (a pooler in transaction mode) or on SQLite it is a plain execute."""
import pytest
from django.db import connection, transaction

from config import prepared

pytestmark = pytest.mark.django_db
SQL = "SELECT CAST(%s AS integer) + CAST(%s AS integer), CAST(%s AS text)"


def _names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return set()
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_the_rows_are_the_plain_statements(settings):
    for enabled in (True, False):
        settings.DATABASE_PREPARED_STATEMENTS = enabled
        with connection.cursor() as cursor:
            prepared.execute(cursor, "jpo_test_sum", SQL, [2, 3, "x"])
            assert cursor.fetchone() == (5, "x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")
def test_prepared_once_per_connection_and_kept_after_a_rollback(settings, django_assert_num_queries):
    settings.DATABASE_PREPARED_STATEMENTS = True
    with pytest.raises(RuntimeError), transaction.atomic():
        with connection.cursor() as cursor:
            prepared.execute(cursor, "jpo_test_kept", SQL, [1, 1, "a"])
        raise RuntimeError("the request failed")
    assert "jpo_test_kept" in _names()
    # the next uses only EXECUTE: one query each, no second PREPARE
    with django_assert_num_queries(2), connection.cursor() as cursor:
        prepared.execute(cursor, "jpo_test_kept", SQL, [4, 5, "b"])
        assert cursor.fetchone() == (9, "b")
        prepared.execute(cursor, "jpo_test_kept", SQL, [None, 1, None])
        assert cursor.fetchone() == (None, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")
def test_off_nothing_is_prepared(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    with connection.cursor() as cursor:
        prepared.execute(cursor, "jpo_test_off", SQL, [1, 2, "c"])
        assert cursor.fetchone() == (3, "c")
    assert "jpo_test_off" not in _names()
