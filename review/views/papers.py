"""Vorlagen: a searchable, sortable list with facets, and a detail page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from review.models import Consultation, Organization, Paper, SearchEntry
from review.models.expressions import joined_names
from review.models.oparl import PaperQuerySet
from review.search import query as search_query

from .listing import page_query, sort_columns

PAGE_SIZE = 25
# ?sort= value → ordering; a leading "-" in the value sorts descending.
SORTS = {
    "date": ("date", "id"),
    "reference": ("reference", "id"),
    "title": ("name", "id"),
    "type": ("paper_type", "reference", "id"),
}
DEFAULT_SORT = "-date"


def _ordering(sort: str) -> tuple[str, tuple[OrderBy, ...]]:
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.removeprefix("-")
    descending = sort.startswith("-")
    # Papers without a date (or type) go last both ways; PostgreSQL would put them first when
    # sorting newest first.
    fields = tuple(
        F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        for field in SORTS[key]
    )
    return sort, fields


def _consultations() -> Prefetch:
    # The list shows each committee's short name, so the committees themselves are loaded.
    return Prefetch(
        "consultations",
        queryset=Consultation.objects.select_related("meeting", "agenda_item")
        .prefetch_related("organizations")
        .order_by("order", "id"),
    )


def _facets(papers: QuerySet[Paper]) -> dict[str, object]:
    types = (
        papers.exclude(paper_type="")
        .values("paper_type")
        .annotate(count=Count("id"))
        .order_by("-count", "paper_type")
    )
    organizations = (
        Organization.objects.filter(consultations__paper__in=papers.values("pk"))
        .annotate(count=Count("consultations__paper", distinct=True))
        .order_by("-count", "name")[:20]
    )
    return {"type_facets": list(types), "organization_facets": list(organizations)}


@login_required
@permission_required("review.view_paper", raise_exception=True)
def paper_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    paper_type = request.GET.get("art", "")
    organization = request.GET.get("gremium", "")
    meeting = request.GET.get("sitzung", "")
    papers: PaperQuerySet = Paper.objects.visible_to(request.user)
    if query:
        # The one search (review/search), kept to papers; the list keeps its own sort order.
        ranked = search_query.run(
            text=query,
            user=request.user,  # type: ignore[arg-type]
            filters=search_query.Filters(kind="paper"),
            facets=False,  # the list counts its own facets over the papers found
        )
        papers = papers.filter(
            pk__in=SearchEntry.objects.filter(pk__in=ranked.ids).values("object_id")
        )
    if meeting.isdigit():
        papers = papers.filter(consultations__meeting=int(meeting)).distinct()
    if paper_type:
        papers = papers.filter(paper_type=paper_type)
    if organization.isdigit():
        papers = papers.filter(consultations__organizations=int(organization)).distinct()
    sort, ordering = _ordering(request.GET.get("sort", DEFAULT_SORT))
    page = Paginator(
        papers.select_related("review").prefetch_related(_consultations()).order_by(*ordering),
        PAGE_SIZE,
    ).get_page(request.GET.get("seite"))
    return render(
        request,
        "review/papers/list.html",
        {
            "page": page,
            "query": query,
            "paper_type": paper_type,
            "organization": organization,
            "sort": sort,
            "filter_params": page_query(request.GET),
            "columns": sort_columns(
                request.GET,
                sort,
                [
                    ("reference", _("Vorlagen-Nr.")),
                    ("title", _("Titel")),
                    ("type", _("Art")),
                    ("date", _("Datum")),
                ],
            ),
            **_facets(papers),
        },
    )


@login_required
@permission_required("review.view_paper", raise_exception=True)
def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(
        Paper.objects.visible_to(request.user)
        .select_related("review", "body")
        .prefetch_related(
            "files", Prefetch("consultations", queryset=Consultation.objects.for_display())
        )
        .annotate(lead_names=joined_names(Paper.under_direction_of, Paper)),
        pk=pk,
    )
    return render(
        request,
        "review/papers/detail.html",
        {
            "paper": paper,
            "lead_names": paper.lead_names,
            "review": getattr(paper, "review", None),
            "may_see_review": request.user.has_perm("review.view_review"),
        },
    )
