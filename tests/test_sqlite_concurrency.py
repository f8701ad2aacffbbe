"""The embedded default (SQLite, `make run`) serves a small office: WAL, a busy timeout and
IMMEDIATE transactions, so concurrent writes wait their turn instead of failing with "database is
locked". The test database is in memory (one shared cache, table locks instead of WAL), so the
concurrency test opens its own file database with the settings' options."""
import threading
import time

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.utils import ConnectionHandler, OperationalError


def _sqlite_settings() -> dict:
    """The settings module's DATABASES entry as it is built for the embedded default."""
    import importlib
    import os

    from config import settings as module

    saved = os.environ.pop("DATABASE_URL", None)
    try:
        fresh = importlib.reload(module)
        return dict(fresh.DATABASES["default"])
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved
        importlib.reload(module)


def test_embedded_default_uses_wal_busy_timeout_and_immediate_transactions():
    db = _sqlite_settings()
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "busy_timeout=" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5


def _wrapper(path, options) -> DatabaseWrapper:
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}})
    return handler["default"]


def _report_tips_at_once(path, options, n=3) -> list:
    """n threads each run the shape of a tip report: read (routing, checks), then write, in one transaction."""
    setup = _wrapper(path, options)
    with setup.cursor() as cur:
        cur.execute("CREATE TABLE tip (id INTEGER PRIMARY KEY, text TEXT)")
    setup.close()
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def report(i):
        conn = _wrapper(path, options)
        try:
            conn.ensure_connection()
            barrier.wait()
            conn.set_autocommit(False)
            conn._start_transaction_under_autocommit()  # what transaction.atomic() does on SQLite
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM tip")
                time.sleep(0.2)  # all three have read before anyone writes
                cur.execute("INSERT INTO tip (text) VALUES (%s)", [f"tip {i}"])
            conn.commit()
            outcomes[i] = "ok"
        except OperationalError as exc:
            outcomes[i] = str(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=report, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_three_concurrent_reports_on_a_file_database_all_succeed(tmp_path, django_db_blocker):
    options = _sqlite_settings()["OPTIONS"]
    with django_db_blocker.unblock():  # our own file database, not the test database
        outcomes = _report_tips_at_once(tmp_path / "office.sqlite3", options)
        check = _wrapper(tmp_path / "office.sqlite3", options)
        with check.cursor() as cur:
            cur.execute("PRAGMA journal_mode")
            mode = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM tip")
            count = cur.fetchone()[0]
        check.close()
    assert outcomes == ["ok", "ok", "ok"]
    assert mode == "wal" and count == 3


def test_without_immediate_transactions_the_same_reports_fail(tmp_path, django_db_blocker):
    # the control: deferred transactions cannot upgrade a read to a write under contention
    options = {**_sqlite_settings()["OPTIONS"], "transaction_mode": "DEFERRED"}
    with django_db_blocker.unblock():
        outcomes = _report_tips_at_once(tmp_path / "office.sqlite3", options)
    assert any("locked" in str(o) for o in outcomes), outcomes
