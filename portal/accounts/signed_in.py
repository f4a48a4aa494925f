"""The signed-in person, loaded on every request by a statement written once.

Every request behind the login loads its user with the company and the two-step row
(``EmailBackend.get_user``). Building and compiling that ORM query was most of what a
signed-in request cost before any page work (the benchmark's ceiling): about 1,700
Python function calls for one indexed lookup. The statement is the ORM's own (its
columns, joins and value converters taken from the models once per process and
database); the row comes back as the same three model instances, related the way
``select_related`` relates them. Nothing is cached between requests: the database stays
the only source of who may sign in, so a deactivation or a new password counts at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model

from portal.accounts.models import TwoFactor, User
from portal.companies.models import Company

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Part:
    """One model's columns in the statement, and how each value is read back."""

    model: type[Model]
    names: list[str]
    converters: list[list[Converter]]

    def build(self, db: str, values: Sequence[Any], connection: Any) -> Model:
        converted = []
        for value, field_converters, name in zip(values, self.converters, self.names, strict=True):
            for converter in field_converters:
                value = converter(value, self.model._meta.get_field(name), connection)
            converted.append(value)
        return self.model.from_db(db, self.names, converted)


@dataclass(frozen=True)
class _Statement:
    sql: str
    parts: tuple[_Part, _Part, _Part]  # user, company, two-step row


_STATEMENTS: dict[str, _Statement] = {}


def _statement(using: str) -> _Statement:
    connection = connections[using]
    key = f"{using}:{connection.vendor}"
    if key not in _STATEMENTS:
        quote = connection.ops.quote_name
        columns, parts = [], []
        for alias, model in (("u", User), ("c", Company), ("t", TwoFactor)):
            fields = list(model._meta.concrete_fields)
            columns += [f"{alias}.{quote(str(field.column))}" for field in fields]
            converters = []
            for field in fields:
                column = field.get_col(alias)
                converters.append(
                    connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                )
            parts.append(_Part(model, [field.attname for field in fields], converters))
        # Names from the models' own metadata, quoted by the database's rules; the one
        # value (the id) is a parameter.
        sql = (
            f"SELECT {', '.join(columns)} FROM {quote(User._meta.db_table)} u"  # noqa: S608
            f" LEFT OUTER JOIN {quote(Company._meta.db_table)} c"
            f" ON c.{quote(str(Company._meta.pk.column))} = u.{quote('company_id')}"
            f" LEFT OUTER JOIN {quote(TwoFactor._meta.db_table)} t"
            f" ON t.{quote('user_id')} = u.{quote(str(User._meta.pk.column))}"
            f" WHERE u.{quote(str(User._meta.pk.column))} = %s"
        )
        _STATEMENTS[key] = _Statement(sql, (parts[0], parts[1], parts[2]))
    return _STATEMENTS[key]


def load_signed_in(user_id: Any, using: str = "default") -> User | None:
    """The user ``user_id`` with ``company`` and ``two_factor`` already in hand (one
    query, as ``select_related("company", "two_factor")`` would), or None."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except Exception:  # a session holding garbage is nobody
        return None
    statement = _statement(using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    user_part, company_part, two_factor_part = statement.parts
    sizes = [len(part.names) for part in statement.parts]
    user_values = row[: sizes[0]]
    company_values = row[sizes[0] : sizes[0] + sizes[1]]
    two_factor_values = row[sizes[0] + sizes[1] :]
    user = user_part.build(using, user_values, connection)
    assert isinstance(user, User)
    company = (
        company_part.build(using, company_values, connection)
        if company_values[0] is not None
        else None
    )
    two_factor = (
        two_factor_part.build(using, two_factor_values, connection)
        if two_factor_values[0] is not None
        else None
    )
    # Where select_related would have put them: no query when the page asks.
    User._meta.get_field("company").set_cached_value(user, company)
    User._meta.get_field("two_factor").set_cached_value(user, two_factor)
    if two_factor is not None:
        TwoFactor._meta.get_field("user").set_cached_value(two_factor, user)
    return user
