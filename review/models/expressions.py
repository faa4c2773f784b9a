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
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Model, QuerySet, TextField
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
    """A query whose SQL differs between calls in a few values only (the signed-in person's id,
    today's date), compiled on its first run in a process with a marker in each value's place.
    Pages opened all day send such queries on every visit, and compiling them cost more than
    PostgreSQL's answering them. The rows come as model instances, with the annotations as
    attributes; only the SQL and how to read its columns are kept, the rows are read anew on
    every call."""

    # Values no row has; they are found among the compiled query's parameters and replaced
    # there by the call's values. SQLite receives dates as text, hence the second form.
    MARKER = -7_263_542
    DAY_MARKER = date(1901, 2, 3)

    def __init__(
        self, build: Callable[..., QuerySet[M]], markers: tuple[Any, ...] = (MARKER,)
    ) -> None:
        self._build = build
        self._markers = markers
        self._compiled: _Compiled[M] | None = None

    def _compile(self) -> _Compiled[M]:
        queryset = self._build(*self._markers)
        sql, params = queryset.query.sql_with_params()
        places = []  # (position among the parameters, which value goes there)
        for which, marker in enumerate(self._markers):
            found = [
                at
                for at, param in enumerate(params)
                if type(param) in (type(marker), str) and param in (marker, str(marker))
            ]
            if not found:
                raise ValueError(f"the marker {marker!r} is not among the parameters")
            places += [(at, which) for at in found]
        return _Compiled(queryset.query, sql, list(params), places)

    def all(self, *values: Any) -> list[M]:
        """The rows for these values (one for each marker, in the markers' order)."""
        if self._compiled is None:
            self._compiled = self._compile()
        return self._compiled.rows(values)

    def get(self, *values: Any) -> M | None:
        """The one row for these values, or None."""
        return next(iter(self.all(*values)), None)


class _Compiled[M: Model]:
    """A compiled statement and how its columns become an instance. `raw()` works that out
    again on every call (which model field each column is, its converters), and that cost
    three times the statement's own reading; here it is worked out from the first answer."""

    def __init__(self, query: Any, sql: str, params: list[Any], places: list[tuple[int, int]]):
        self.model: type[M] = query.model
        self.sql, self.params, self.places = sql, params, places
        # Only its converters are asked for; they depend on the columns, not on the query.
        self.compiler = connection.ops.compiler("SQLCompiler")(query, connection, connection.alias)
        self.layout: tuple[list[str], list[int], list[tuple[str, int]], Any] | None = None

    def _params(self, values: tuple[Any, ...]) -> list[Any]:
        params = list(self.params)
        for at, which in self.places:
            params[at] = values[which]
        return params

    def _layout(self, description: Any) -> tuple[list[str], list[int], list[tuple[str, int]], Any]:
        """Which columns are the model's fields and which annotations, and the fields'
        converters: the rules of Django's RawQuerySet (resolve_model_init_order)."""
        name = connection.introspection.identifier_converter
        columns = [name(column[0]) for column in description]
        fields = {name(str(field.column)): field for field in self.model._meta.concrete_fields}
        loaded = [field for column, field in fields.items() if column in columns]
        positions = [columns.index(name(str(field.column))) for field in loaded]
        annotations = [(column, at) for at, column in enumerate(columns) if column not in fields]
        expressions: Any = [
            fields[column].get_col(self.model._meta.db_table) if column in fields else None
            for column in columns
        ]
        converters = self.compiler.get_converters(expressions)
        return [field.attname for field in loaded], positions, annotations, converters

    def rows(self, values: tuple[Any, ...]) -> list[M]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self._params(values))
            if self.layout is None:
                self.layout = self._layout(cursor.description)
            rows: Any = cursor.fetchall()
        names, positions, annotations, converters = self.layout
        if converters:
            rows = self.compiler.apply_converters(rows, converters)
        instances = []
        for row in rows:
            instance = self.model.from_db(connection.alias, names, [row[at] for at in positions])
            for annotation, at in annotations:
                setattr(instance, annotation, row[at])
            instances.append(instance)
        return instances


class Joined:
    """A related row read as columns beside the rows of a `CompiledQuery`, which builds its
    instances from the columns and so cannot select_related: `annotations()` for the query,
    `attach(row)` to put the related object in place afterwards, with only these fields loaded."""

    def __init__(self, relation: str, model: type[Model], fields: tuple[str, ...]) -> None:
        self.relation = relation
        self.model = model
        self.fields = ("id", *fields)

    def _name(self, field: str) -> str:
        # Not "<relation>_<field>": that would be the relation's own column for "id".
        return f"joined_{self.relation}_{field}"

    def annotations(self) -> dict[str, F]:
        return {self._name(field): F(f"{self.relation}__{field}") for field in self.fields}

    def attach(self, row: Model) -> None:
        values = {field: getattr(row, self._name(field)) for field in self.fields}
        setattr(row, self.relation, None if values["id"] is None else loaded(self.model, values))


def loaded[N: Model](model: type[N], values: dict[str, Any]) -> N:
    """An instance of `model` with only these fields loaded (by attname, the rest deferred),
    as a query's row becomes one. `Model.from_db` takes the values in the model's field order."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    if len(names) != len(values):
        raise ValueError(f"not fields of {model.__name__}: {set(values) - set(names)}")
    return model.from_db(None, names, [values[name] for name in names])
