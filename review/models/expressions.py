"""Query expressions shared by the models' QuerySets."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import OuterRef, StringAgg, Subquery, TextField, Value


def joined_names(relation: Any, outer: str = "pk") -> Subquery:
    """The names behind a many-to-many relation as one "A, B" string, in name order.

    Read in the row's own query, where a prefetch would cost a query (and its compilation) per
    relation on a page opened all day. `relation` is the relation's descriptor, e.g.
    `Review.topics`; `outer` the outer row's field holding the owner's key. Soft-deleted rows
    are left out, as the default managers leave them out of `relation.all()`."""
    field = relation.field
    owner, named = field.m2m_field_name(), field.m2m_reverse_field_name()
    if relation.reverse:
        owner, named = named, owner
    rows = relation.through.objects.filter(**{owner: OuterRef(outer)})
    if any(f.name == "deleted" for f in field.related_model._meta.get_fields()):
        rows = rows.filter(**{f"{named}__deleted": False})
    # SQLite orders inside an aggregate only from 3.44 on; older ones keep the rows' order.
    ordered = connection.features.supports_aggregate_order_by_clause
    names = StringAgg(f"{named}__name", Value(", "), order_by=f"{named}__name" if ordered else None)
    return Subquery(
        rows.order_by().values(owner).annotate(names=names).values("names"),
        output_field=TextField(),
    )
