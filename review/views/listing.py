"""Sortable, filterable lists: the column headers' links and the paging links keep the filters."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import QueryDict


@dataclass(frozen=True)
class SortColumn:
    label: str
    url: str
    # "ascending"/"descending" for the column the list is sorted by, else "" (aria-sort).
    aria_sort: str


def sort_columns(
    params: QueryDict, current: str, columns: list[tuple[str, str]]
) -> list[SortColumn]:
    """Header links for (key, label) columns: a click sorts by it, a second click reverses it."""
    result = []
    for key, label in columns:
        query = params.copy()
        query.pop("seite", None)
        if current == key:
            query["sort"], aria = f"-{key}", "ascending"
        elif current == f"-{key}":
            query["sort"], aria = key, "descending"
        else:
            query["sort"], aria = key, ""
        result.append(SortColumn(label, f"?{query.urlencode()}", aria))
    return result


def page_query(params: QueryDict) -> str:
    """The current filters and sort without the page number, for the paging links."""
    query = params.copy()
    query.pop("seite", None)
    return query.urlencode()


class CountingPaginator(Paginator):
    """Pages of `rows`, counted on `counted`: the same records without the columns and the
    sorting. Django's count() of a values() query with annotations takes its select list apart
    first, which costs more than counting the plain query."""

    def __init__(self, rows: QuerySet[Any, Any], counted: QuerySet[Any, Any], per_page: int):
        super().__init__(rows, per_page)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        return self.counted.count()
