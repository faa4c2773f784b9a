"""Endpoints of the read API. Every request names a token (`Authorization: Bearer stw_…`);
the token's account decides what is visible (review/api/access.py), its scopes which endpoints
answer. Lists are paginated (`?page=`, `?page_size=` up to 100); each token may make
API_RATE_LIMIT requests (default 120/min). The OpenAPI description is at /api/v1/openapi.json.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from review.models import ApiToken, Consultation, Document, StatementVersion

from . import access
from .schemas import CaseOut, ErrorOut, PaperOut, StatementOut

NO_SCOPE = "This token may not read {scope}."


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.authenticate(token)
        if found is not None:
            # Once a minute is enough to see which systems still use their token.
            now = timezone.now()
            if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found


class TokenThrottle(AuthRateThrottle):
    def get_cache_key(self, request: HttpRequest) -> str:
        token = getattr(request, "auth", None)
        ident = token.key_id if isinstance(token, ApiToken) else self.get_ident(request)
        return self.cache_format % {"scope": "api-token", "ident": ident}


api = NinjaAPI(
    title="Stellwerk",
    version="1",
    description="Read access for the municipality's systems: cases, released statements with "
    "their documents, council papers and decisions.",
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=[TokenThrottle(settings.API_RATE_LIMIT)],
    # The interactive docs load scripts from a CDN, which the CSP refuses; the schema suffices.
    docs_url=None,
)


def _token(request: HttpRequest, scope: ApiToken.Scope) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    if not token.allows(scope):
        raise HttpError(403, NO_SCOPE.format(scope=scope.value))
    return token


def _consultations() -> Prefetch:
    return Prefetch(
        "consultations",
        queryset=Consultation.objects.select_related("meeting", "agenda_item")
        .prefetch_related("organizations")
        .order_by("order", "id"),
    )


def _statements(request: HttpRequest) -> Any:
    token = _token(request, ApiToken.Scope.STATEMENTS)
    ready = Document.objects.filter(status=Document.Status.READY, statement_version__isnull=False)
    return (
        access.statements(token.user)
        .select_related("paper", "statement")
        .prefetch_related(
            Prefetch("documents", queryset=ready, to_attr="ready_documents"),
            # The newest version of each statement, for the whole page in one query.
            Prefetch(
                "statement__versions",
                queryset=StatementVersion.objects.order_by("-number"),
                to_attr="versions_newest_first",
            ),
        )
    )


@api.get("/cases", response=list[CaseOut], tags=["cases"])
@paginate(PageNumberPagination, page_size=25, max_page_size=100)
def list_cases(request: HttpRequest) -> Any:
    token = _token(request, ApiToken.Scope.CASES)
    reviews = access.cases(token.user).select_related("paper").prefetch_related("topics")
    return reviews.order_by("-updated_at", "-pk")


@api.get("/cases/{pk}", response={200: CaseOut, 404: ErrorOut}, tags=["cases"])
def get_case(request: HttpRequest, pk: int) -> Any:
    token = _token(request, ApiToken.Scope.CASES)
    return get_object_or_404(access.cases(token.user).select_related("paper"), pk=pk)


@api.get("/statements", response=list[StatementOut], tags=["statements"])
@paginate(PageNumberPagination, page_size=25, max_page_size=100)
def list_statements(request: HttpRequest) -> Any:
    return _statements(request).order_by("-updated_at", "-pk")


@api.get("/statements/{case_pk}", response={200: StatementOut, 404: ErrorOut}, tags=["statements"])
def get_statement(request: HttpRequest, case_pk: int) -> Any:
    return get_object_or_404(_statements(request), pk=case_pk)


@api.get(
    "/documents/{pk}/{fmt}", response={404: ErrorOut}, url_name="document_file", tags=["statements"]
)
def document_file(request: HttpRequest, pk: int, fmt: str) -> Any:
    token = _token(request, ApiToken.Scope.STATEMENTS)
    document = get_object_or_404(access.released_documents(token.user), pk=pk)
    stored = {"docx": document.docx, "pdf": document.pdf}.get(fmt)
    if not stored:
        raise HttpError(404, "Not found")
    name = f"{document.file_stem}.{fmt}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


@api.get("/papers", response=list[PaperOut], tags=["papers"])
@paginate(PageNumberPagination, page_size=25, max_page_size=100)
def list_papers(request: HttpRequest) -> Any:
    token = _token(request, ApiToken.Scope.PAPERS)
    papers = access.papers(token.user).prefetch_related(_consultations())
    return papers.order_by("-date", "-pk")


@api.get("/papers/{pk}", response={200: PaperOut, 404: ErrorOut}, tags=["papers"])
def get_paper(request: HttpRequest, pk: int) -> Any:
    token = _token(request, ApiToken.Scope.PAPERS)
    papers = access.papers(token.user).prefetch_related(_consultations())
    return get_object_or_404(papers, pk=pk)
