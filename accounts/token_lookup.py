"""The token, its account and the account's guard or manager profile in one hand-built statement.

Every API request signs in with its token, so this lookup is on every request's path. The ORM's
`select_related("user", "user__guard_profile", "user__manager_profile")` gave the same rows, but
compiling that four-table query and filling the instances cost about 1.3 ms of Python per request
against 0.45 ms for the statement itself (issue #14: at the 19:00 burst, a fifth of a check-in).
The statement is built once per process from the models' own fields (all of them, so the
instances are complete, not deferred) and prepared once per connection (config/prepared.py), and the rows fill the instances with `Model.from_db`, wired
as select_related would (the profile caches set, to None when the account has none).

accounts sits below the domain apps: the profiles are reached through the user's reverse relations,
not imported."""
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

from config import prepared

_PROFILES = ("guard_profile", "manager_profile")
_statement: tuple[str, list] | None = None


def _build() -> tuple[str, list]:
    quote = connection.ops.quote_name
    user_model = get_user_model()
    parts = [("t", Token, None), ("u", user_model, None)]
    joins = [f"{quote(Token._meta.db_table)} t JOIN {quote(user_model._meta.db_table)} u ON u.{quote(user_model._meta.pk.column)} = t.{quote(Token._meta.get_field('user').column)}"]
    for i, name in enumerate(_PROFILES):
        relation = user_model._meta.get_field(name)
        alias = f"p{i}"
        parts.append((alias, relation.related_model, relation))
        joins.append(f"LEFT JOIN {quote(relation.related_model._meta.db_table)} {alias} ON {alias}.{quote(relation.field.column)} = u.{quote(user_model._meta.pk.column)}")
    layout, columns = [], []
    for alias, model, relation in parts:
        fields = model._meta.concrete_fields
        layout.append((model, relation, [f.attname for f in fields], len(fields), prepared.converters(fields, alias)))
        columns += [f"{alias}.{quote(f.column)}" for f in fields]
    sql = f"SELECT {', '.join(columns)} FROM {' '.join(joins)} WHERE t.{quote(Token._meta.get_field('key').column)} = %s"
    return sql, layout


def token_with_profiles(key: str) -> Token:
    """The token `key` with `.user` and the user's profile caches filled; Token.DoesNotExist if none."""
    global _statement
    if _statement is None:
        _statement = _build()
    sql, layout = _statement
    with connection.cursor() as cursor:
        prepared.execute(cursor, "jpo_token_lookup", sql, [key])
        row = cursor.fetchone()
    if row is None:
        raise Token.DoesNotExist
    instances, start = [], 0
    for model, _relation, names, count, converters in layout:
        values = row[start:start + count]
        start += count
        # LEFT JOIN: None when the account has no such profile
        instances.append(None if values[0] is None else prepared.instance(model, names, values, converters))
    token, user, *profiles = instances
    Token._meta.get_field("user").set_cached_value(token, user)
    for (_model, relation, *_rest), profile in zip(layout[2:], profiles, strict=True):
        relation.set_cached_value(user, profile)
        if profile is not None:
            relation.field.set_cached_value(profile, user)
    return token
