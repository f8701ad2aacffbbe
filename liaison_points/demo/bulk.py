"""Writing many new rows fast, with a "created" history row for each (django-simple-history)."""
from django.db import connection
from django.utils import timezone

from liaison_points.demo.common import HISTORY_REASON


def _adapter(field):
    """How to turn a Python value of `field` into what the database driver expects."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if kind in ("CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField", "ForeignKey",
                "OneToOneField", "PositiveIntegerField", "SmallIntegerField", "PositiveSmallIntegerField"):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _executemany(model, fields, rows_of_values, batch_size: int) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows_of_values), batch_size):
            cursor.executemany(sql, rows_of_values[start:start + batch_size])


def _db_rows(fields, objs, values_for=None) -> list[tuple]:
    adapters = [(f.attname, _adapter(f)) for f in fields]
    rows = []
    for obj in objs:
        row = []
        for attname, adapt in adapters:
            value = values_for(obj, attname) if values_for else getattr(obj, attname)
            row.append(adapt(value) if adapt is not None and value is not None else value)
        rows.append(tuple(row))
    return rows


def bulk_insert_with_history(objs: list, model, *, key: str, reason: str = HISTORY_REASON, batch_size: int = 5000) -> None:
    """Insert many new rows of `model`, and a "created" history row for each, with executemany.

    bulk_create prepares every value through the field machinery and, on SQLite, sends fewer than
    50 rows a statement; for 50,000 guards that was most of the seed's time. Here values are
    adapted once per field type (connection.ops, so PostgreSQL works too), and the new ids are read
    back through the unique natural key `key` (the objects get their pk set)."""
    if not objs:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    _executemany(model, fields, _db_rows(fields, objs), batch_size)
    wanted = {getattr(obj, key) for obj in objs}
    ids = {k: pk for k, pk in model._default_manager.values_list(key, "pk").iterator(chunk_size=10_000) if k in wanted}
    for obj in objs:
        obj.pk = ids[getattr(obj, key)]

    history_model = model.history.model
    special = {"history_date": now, "history_type": "+", "history_change_reason": reason, "history_user_id": None}
    history_fields = [f for f in history_model._meta.concrete_fields if not f.primary_key]

    def value(obj, attname):
        return special[attname] if attname in special else getattr(obj, attname, None)

    _executemany(history_model, history_fields, _db_rows(history_fields, objs, value), batch_size)
