"""The one search: results page (htmx as you type), the header box's preview, similar cases."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from review.external import access
from review.models import Review, SearchEntry, User
from review.search import query
from review.search.highlight import mark, snippet

from .listing import page_query

PAGE_SIZE = 20
# Hits in the list that follows the typing (no facets, no pages: Enter opens the full page).
TYPING_SIZE = 10
PREVIEW_SIZE = 6
SIMILAR_SIZE = 5
MAX_QUERY = 200
Kind = SearchEntry.Kind


@dataclass
class Hit:
    kind: str  # as the page names it
    reference: str
    date: date | None
    status: str  # a case's status as the case pages name it, else ""
    url: str
    title: SafeString
    snippet: SafeString
    by_number: bool

    @property
    def meta(self) -> str:
        """The line above a hit in the results: kind · number · date · status (one variable
        for the template instead of four conditions and a date filter per hit)."""
        day = self.date.strftime("%d.%m.%Y") if self.date else ""
        return " · ".join(part for part in (self.kind, self.reference, day, self.status) if part)


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not (
        user.has_perm("review.view_paper")
        or access.is_office(user)
        or user.has_perm("review.view_shared_review")
    ):
        raise PermissionDenied
    return user


# Stands for the object's id in a URL reversed once per request and kind.
_ID = 2_147_483_647


def _url_patterns(user: User) -> dict[str, str]:
    """Per kind, its hit's URL with "{}" for the object's id: one reverse() per kind, not per
    hit."""
    case = "workflows:review_detail" if access.is_office(user) else "external:beirat_review"
    papers = reverse("papers:list")
    return {
        Kind.CASE: reverse(case, args=[_ID]).replace(str(_ID), "{}"),
        Kind.PAPER: reverse("papers:detail", args=[_ID]).replace(str(_ID), "{}"),
        Kind.MEETING: papers + "?sitzung={}",
        Kind.ORGANIZATION: papers + "?gremium={}",
    }


def _hits(ids: list[int], ranked: query.Ranked, user: User) -> list[Hit]:
    # Only the shown columns (their analysed terms are the bulk of a row).
    rows = query.hit_rows(ids, with_text=not ranked.titles_only)
    terms = ranked.plan.terms() if ranked.plan else set()
    prefixes = ranked.plan.prefix_terms if ranked.plan else set()
    urls = _url_patterns(user)
    kinds = {value: str(label) for value, label in Kind.choices}
    statuses = {value: str(label) for value, label in Review.Status.choices}
    hits = []
    for pk in ids:
        _pk, kind, object_id, title, reference, day, status, *text = rows[pk]
        hits.append(
            Hit(
                kind=kinds.get(kind, kind),
                reference=reference,
                date=day,
                status=statuses.get(status, ""),
                url=urls[kind].format(object_id),
                title=mark(title, terms, prefixes),
                snippet=snippet(text[0], terms, prefixes) if text else SafeString(""),
                by_number=pk in ranked.by_number,
            )
        )
    return hits


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(request: HttpRequest) -> query.Filters:
    get = request.GET
    kind = get.get("art", "")
    return query.Filters(
        kind=kind if kind in Kind.values else "",
        paper_type=get.get("vorlagenart", "")[:200],
        year=_int(get.get("jahr")),
        status=get.get("status", "")[:20],
        organization=_int(get.get("gremium")),
        topic=_int(get.get("thema")),
    )


FACET_GROUPS = [
    ("kind", "art", _("Kind")),
    ("paper_type", "vorlagenart", _("Vorlagenart")),
    ("year", "jahr", _("Year")),
    ("status", "status", _("Case status")),
    ("organization", "gremium", _("Gremium")),
    ("topic", "thema", _("Topic")),
]


def _facet_links(request: HttpRequest, facets: dict[str, Counter]) -> list[dict[str, Any]]:
    """Facet groups with a link per value that sets (or, when it is set, removes) the filter."""
    labels = {
        "kind": dict(Kind.choices),
        "status": dict(Review.Status.choices),
    }
    params = request.GET.copy()
    params.pop("seite", None)
    result: list[dict[str, Any]] = []
    for name, param, title in FACET_GROUPS:
        counts = facets.get(name)
        if not counts:
            continue
        # The other filters once per group; each value adds its own parameter.
        selected = params.get(param)
        others = params.copy()
        others.pop(param, None)
        base = "?" + others.urlencode()
        joiner = "&" if len(base) > 1 else ""
        values = []
        for value, count in counts.most_common(12):
            key, label = value if isinstance(value, tuple) else (value, value)
            current = selected == str(key)
            values.append(
                {
                    # Strings already: the template would localise each number on its own.
                    "label": str(labels.get(name, {}).get(key, label)),
                    "count": str(count),
                    "url": base if current else f"{base}{joiner}{urlencode({param: key})}",
                    "current": current,
                }
            )
        result.append({"name": name, "title": title, "values": values})
    return result


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    filters = _filters(request)
    context: dict[str, object] = {"query": text, "filter_params": page_query(request.GET)}
    # While typing (htmx, every pause of a keystroke) only the best hits: facets, their links
    # and the pages cost more than the search itself and wait for Enter (docs/search.md).
    typing = bool(request.headers.get("HX-Request")) and request.GET.get("teil") == "ergebnisse"
    if text and typing:
        ranked = query.run(text=text, user=user, filters=filters, facets=False)
        context.update(
            ranked=ranked,
            hits=_hits(ranked.ids[:TYPING_SIZE], ranked, user),
            more=ranked.total > TYPING_SIZE,
            filtered=filters != query.Filters(),
        )
    elif text:
        ranked = query.run(text=text, user=user, filters=filters)
        page = Paginator(ranked.ids, PAGE_SIZE).get_page(request.GET.get("seite"))
        context.update(
            page=page,
            ranked=ranked,
            hits=_hits(list(page.object_list), ranked, user),
            facet_groups=_facet_links(request, ranked.facets),
            filtered=filters != query.Filters(),
        )
    template = "review/search/results.html"
    if typing:
        template += "#typing"
    return render(request, template, context)


@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """The header box's list while typing: the best few hits, each a link."""
    user = _user(request)
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    hits: list[Hit] = []
    ranked = None
    if len(text) >= 2:
        ranked = query.run(text=text, user=user)
        hits = _hits(ranked.ids[:PREVIEW_SIZE], ranked, user)
    return render(
        request, "review/search/preview.html", {"query": text, "hits": hits, "ranked": ranked}
    )


@login_required
def similar_cases(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Earlier cases on similar papers, for the case page and the drafting page (office only)."""
    user = _user(request)
    if not access.is_office(user):
        raise PermissionDenied
    if not Review.objects.filter(pk=review_pk).exists():
        raise Http404
    ranked = query.similar_cases(review_id=review_pk, limit=SIMILAR_SIZE)
    return render(
        request,
        "review/search/similar.html",
        {"hits": _hits(ranked.ids, ranked, user), "review_pk": review_pk},
    )
