"""The one search: results page (htmx as you type), the header box's preview, similar cases."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString

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
    entry: SearchEntry
    url: str
    title: SafeString
    snippet: SafeString
    by_number: bool


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not (
        user.has_perm("review.view_paper")
        or access.is_office(user)
        or user.has_perm("review.view_shared_review")
    ):
        raise PermissionDenied
    return user


def _url(entry: SearchEntry, user: User) -> str:
    if entry.kind == Kind.CASE:
        if access.is_office(user):
            return reverse("workflows:review_detail", args=[entry.object_id])
        return reverse("external:beirat_review", args=[entry.object_id])
    if entry.kind == Kind.PAPER:
        return reverse("papers:detail", args=[entry.object_id])
    if entry.kind == Kind.MEETING:
        return reverse("papers:list") + f"?sitzung={entry.object_id}"
    return reverse("papers:list") + f"?gremium={entry.object_id}"


def _hits(ids: list[int], ranked: query.Ranked, user: User) -> list[Hit]:
    entries = SearchEntry.objects.in_bulk(ids)
    terms = ranked.plan.terms() if ranked.plan else set()
    prefixes = ranked.plan.prefix_terms if ranked.plan else set()
    _query, titles_only = query.visible_entries(user)
    hits = []
    for pk in ids:
        entry = entries[pk]
        hits.append(
            Hit(
                entry=entry,
                url=_url(entry, user),
                title=mark(entry.title, terms, prefixes),
                snippet=SafeString("") if titles_only else snippet(entry.text, terms, prefixes),
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


def _facet_links(request: HttpRequest, facets: dict[str, Counter]) -> list[dict[str, Any]]:
    """Facet groups with a link per value that sets (or, when it is set, removes) the filter."""
    labels = {
        "kind": dict(Kind.choices),
        "status": dict(Review.Status.choices),
    }
    groups = [
        ("kind", "art"),
        ("paper_type", "vorlagenart"),
        ("year", "jahr"),
        ("status", "status"),
        ("organization", "gremium"),
        ("topic", "thema"),
    ]
    result: list[dict[str, Any]] = []
    for name, param in groups:
        values = []
        for value, count in facets.get(name, Counter()).most_common(12):
            key, label = value if isinstance(value, tuple) else (value, value)
            label = labels.get(name, {}).get(key, label)
            params = request.GET.copy()
            params.pop("seite", None)
            current = params.get(param) == str(key)
            if current:
                params.pop(param)
            else:
                params[param] = str(key)
            values.append(
                {
                    "label": label,
                    "count": count,
                    "url": "?" + params.urlencode(),
                    "current": current,
                }
            )
        if values:
            result.append({"name": name, "values": values})
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
