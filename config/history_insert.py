"""A new row and its simple-history record written in one statement, for the intake endpoints.

A tip saved the ordinary way costs four round trips to PostgreSQL (BEGIN, the INSERT, the history
INSERT its post_save signal writes, COMMIT) and two ORM compilations; at a province's rate of tips
that was a fifth of the intake's time (issue #14). On PostgreSQL `insert_with_history` sends one
statement, sent alone in autocommit, so it is its own transaction: both rows or neither:

    WITH new AS (INSERT INTO <table> (...) VALUES (...) RETURNING *)
    INSERT INTO <history table> (<tracked columns>, history_date, history_type, history_user_id,
                                 history_change_reason)
    SELECT <tracked columns>, %s, '+', %s, %s FROM new RETURNING (SELECT id FROM new)

prepared once per connection (config/prepared.py).

The history row holds what simple-history's own post_save would have written (the same tracked
fields, `+`, the author and the reason). Inside a transaction the caller holds open it is one
statement of that transaction. Like bulk_create, it sends no post_save: callers use it only for
models whose receivers have nothing to do for a new row (they say which). On SQLite (development,
tests) it is `save()` in a transaction, which sends them."""
from django.db import connection, transaction
from django.utils import timezone

from config import prepared

_statements: dict[type, tuple[str, list]] = {}


def _statement(model) -> tuple[str, list]:
    """The statement for `model` and the fields whose values it takes, built once per model."""
    cached = _statements.get(model)
    if cached is not None:
        return cached
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    history = model.history.model
    own = {f.attname for f in model._meta.concrete_fields}
    tracked = [f.column for f in history._meta.concrete_fields if f.attname in own]
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    copied = ", ".join(quote(c) for c in tracked)

    def cast(name: str) -> str:  # a prepared statement's parameter in a SELECT list needs its type said
        field = history._meta.get_field(name)
        return field.target_field.rel_db_type(connection) if field.is_relation else field.db_type(connection)

    sql = (
        f"WITH new AS (INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values}) RETURNING *) "
        f"INSERT INTO {quote(history._meta.db_table)} ({copied}, history_date, history_type, history_user_id, history_change_reason) "
        f"SELECT {copied}, %s::{cast('history_date')}, '+', %s::{cast('history_user')}, %s::{cast('history_change_reason')} "
        f"FROM new RETURNING (SELECT {quote(model._meta.pk.column)} FROM new)"
    )
    _statements[model] = (sql, fields)
    return sql, fields


def insert_with_history(obj, *, by, reason: str | None = None) -> None:
    """Insert the unsaved `obj` with its history record (author `by`, `reason`); sets its pk."""
    if connection.vendor != "postgresql":
        obj._history_user = by if getattr(by, "pk", None) else None
        if reason is not None:
            obj._change_reason = reason
        with transaction.atomic():
            obj.save()
        return
    sql, fields = _statement(type(obj))
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    params += [timezone.now(), getattr(by, "pk", None), reason]
    with connection.cursor() as cursor:
        prepared.execute(cursor, f"jpo_insert_{type(obj)._meta.db_table}", sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias
