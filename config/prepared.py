"""The intake path's hand-built statements, prepared once per PostgreSQL connection.

A guard's tip or check-in sends a few small statements whose planning costs PostgreSQL about as much
as running them: the token lookup joins four tables (0.45 ms a round trip, 0.2 ms prepared, measured
on the province's data). `execute` sends `PREPARE name AS …` the first time a connection meets a
statement and `EXECUTE name(…)` after, so the plan is made once per connection (connections live
CONN_MAX_AGE seconds). Prepared statements outlive a rolled-back transaction (PostgreSQL keeps
them for the session), so a failed request leaves nothing behind.

A connection pooler in transaction mode (PgBouncer's `pool_mode = transaction`) hands each
transaction another server connection, where the statement was never prepared: set
DATABASE_PREPARED_STATEMENTS=false there. On SQLite it is a plain execute."""
import threading
import weakref

from django.conf import settings
from django.db import connection

# The statements prepared on each open driver connection (forgotten with the connection).
_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _placeholders(sql: str) -> str:
    """%s → $1, $2, … (the statements here hold no other %)."""
    parts = sql.split("%s")
    return "".join(f"{part}${i}" if i < len(parts) else part for i, part in enumerate(parts, start=1))


def execute(cursor, name: str, sql: str, params: list) -> None:
    """`cursor.execute(sql, params)`, through a statement prepared on this connection as `name`."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    raw = connection.connection
    with _lock:  # threads may share a connection (tests do): prepare each name once on it
        names = _prepared.setdefault(raw, set())
        if name not in names:
            # On the driver's own cursor: the preparing is not one of the request's queries (tests count them).
            cursor.cursor.execute(f"PREPARE {name} AS {_placeholders(sql)}")
            names.add(name)
    cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}", params)


def converters(fields, alias: str) -> list:
    """For a row of `fields` read by hand under table alias `alias`: (position, column, functions)
    of each value the ORM converts when it reads it (aware datetimes on SQLite, decimals, JSON…)."""
    found = []
    for i, field in enumerate(fields):
        col = field.get_col(alias)
        functions = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if functions:
            found.append((i, col, functions))
    return found


def instance(model, names: list[str], values, row_converters: list):
    """`model` from a hand-read row, its values converted as the ORM's own reads convert them."""
    values = list(values)
    for i, col, functions in row_converters:
        for convert in functions:
            values[i] = convert(values[i], col, connection)
    return model.from_db(connection.alias, names, values)
