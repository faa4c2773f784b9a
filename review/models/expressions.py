"""SQL fragments for the annotations of pages opened all day, and queries compiled once.

Django builds and compiles a subquery expression (`Subquery`, `Exists`) anew for every query,
which costs about as much Python time as running a query of its own (docs/performance.md,
"Figures behind the code"). These fragments are plain SQL
built from the models' metadata, so they compile to themselves. They refer to the outer row by
its table's name, so they are for the base table of a query, not for joined ones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Model, QuerySet, TextField
from django.db.models.expressions import RawSQL


def _quote(*names: str) -> str:
    return ".".join(connection.ops.quote_name(name) for name in names)


def _column_name(model: type[Model], field: str) -> str:
    meta = model._meta
    column = meta.pk.column if field == "pk" else getattr(meta.get_field(field), "column", None)
    if not column:
        raise ValueError(f"{meta.label}.{field} is not a column")
    return str(column)


def _column(model: type[Model], field: str) -> str:
    """The outer row's column, qualified with its table."""
    return _quote(model._meta.db_table, _column_name(model, field))


def has_rows(model: type[Model], foreign_key: str, outer: type[Model], field: str = "pk") -> RawSQL:
    """EXISTS: some row of `model` points at the outer row through `foreign_key`."""
    return RawSQL(_has_rows_sql(model, foreign_key, outer, field), (), output_field=BooleanField())


# The fragments are the same for the life of the process; a page asks for several per request.
@functools.cache
def _has_rows_sql(model: type[Model], foreign_key: str, outer: type[Model], field: str) -> str:
    column = _column_name(model, foreign_key)
    return (
        f"EXISTS (SELECT 1 FROM {_quote(model._meta.db_table)} WHERE {_quote(column)} = "
        f"{_column(outer, field)})"
    )


def joined_names(relation: Any, outer: type[Model], field: str = "pk") -> RawSQL:
    """The names behind a many-to-many relation as one "A, B" string in name order, or NULL.

    `relation` is the relation's descriptor (`Review.topics`), `outer` the model of the query's
    base table and `field` its column holding the owner's key. Soft-deleted rows are left out,
    as the default managers leave them out of `relation.all()`."""
    sql = _joined_names_sql(relation, outer, field, connection.vendor)
    return RawSQL(sql, (), output_field=TextField())


@functools.cache
def _joined_names_sql(relation: Any, outer: type[Model], field: str, vendor: str) -> str:
    m2m = relation.field
    owner, named = m2m.m2m_column_name(), m2m.m2m_reverse_name()
    if relation.reverse:
        owner, named = named, owner
    target = (m2m.model if relation.reverse else m2m.related_model)._meta
    through = relation.through._meta
    rows = (
        f"FROM {_quote(through.db_table)} m JOIN {_quote(target.db_table)} t "
        f"ON t.{_quote(str(target.pk.column))} = m.{_quote(named)} "
        f"WHERE m.{_quote(owner)} = {_column(outer, field)}"
    )
    if any(f.name == "deleted" for f in target.get_fields()):
        rows += " AND NOT t.deleted"
    name = f"t.{_quote(_column_name(target.model, 'name'))}"
    if vendor == "postgresql":
        return f"(SELECT string_agg({name}, ', ' ORDER BY {name}) {rows})"
    # SQLite: group_concat keeps the order its input rows arrive in
    return f"(SELECT group_concat(name, ', ') FROM (SELECT {name} AS name {rows} ORDER BY 1))"


class ConstantQuery:
    """A query whose SQL does not depend on the request, compiled on its first run in a process.
    Django compiles a queryset anew each time it runs, which for short lists asked for on every
    visit (the case list's filter options, the inbox's alerts) costs more than PostgreSQL's
    answering them. Only the SQL is kept: the rows are read anew on every call."""

    def __init__(self, build: Callable[[], QuerySet[Any, Any]]) -> None:
        self._build = build
        self._sql: tuple[str, tuple[Any, ...]] | None = None

    def rows(self) -> list[tuple[Any, ...]]:
        if self._sql is None:
            self._sql = self._build().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(*self._sql)
            return cursor.fetchall()


class CompiledQuery[M: Model]:
    """A query whose SQL differs between calls in one value only (the signed-in person's id),
    compiled on its first run in a process with a marker in that value's place. Every request
    sends one such query; compiling it cost more than PostgreSQL's answering it. The row comes
    as a model instance through `raw()`, with the annotations as attributes."""

    # No row has this id; it is found among the compiled query's parameters.
    MARKER = -7_263_542

    def __init__(self, build: Callable[[int], QuerySet[M]]) -> None:
        self._build = build
        self._compiled: tuple[type[M], str, list[Any], int] | None = None

    def get(self, value: int) -> M | None:
        """The one row for this value, or None."""
        if self._compiled is None:
            queryset = self._build(self.MARKER)
            sql, params = queryset.query.sql_with_params()
            places = [n for n, param in enumerate(params) if param == self.MARKER]
            if len(places) != 1:
                raise ValueError(f"the marker is {len(places)} times among the parameters")
            self._compiled = (queryset.model, sql, list(params), places[0])
        model, sql, template, at = self._compiled
        values = [*template[:at], value, *template[at + 1 :]]
        return next(iter(model._default_manager.raw(sql, values)), None)
