"""The triage worklist: list, decide in the row, decide several at once, preview (#15).

A decision is one POST that answers with the decided row (htmx) and, in the same answer, the
preview of the next paper; without JavaScript the same POST redirects back to the list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from review.models import Review, User

from .. import worklist
from ..forms import staff
from .access import permission

TEMPLATE = "workflows/worklist.html"
# One screen of decisions; the officer pages on (decided rows stay until the next load).
PAGE_SIZE = 30
RELEVANT, NOT_AFFECTED = "relevant", "not_affected"


def _people(user: User) -> list[User]:
    """Whom the row offers for a direct assignment: only for people who may assign."""
    if not user.has_perm("review.assign_review"):
        return []
    return list(staff())


def _context(request: HttpRequest) -> dict[str, Any]:
    form = worklist.WorklistFilterForm(request.GET or None)
    reviews = worklist.worklist(form.filter(Review.objects.all()), form.sort_key)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return {
        "form": form,
        "page": page,
        "rows": worklist.rows(list(page.object_list)),
        "people": _people(request.user),  # type: ignore[arg-type]
        "today": timezone.localdate(),
        "filter_params": query.urlencode(),
        "filtered": any(
            request.GET.get(name) for name in ("relevanz", "gremium", "art", "entschieden")
        ),
    }


@permission("review.triage_review")
@require_GET
def worklist_page(request: HttpRequest) -> HttpResponse:
    template = TEMPLATE
    if request.headers.get("HX-Request"):
        template += "#results"  # a filter changed: only the list is replaced
    return render(request, template, _context(request))


def _preview_context(review: Review) -> dict[str, Any]:
    row = worklist.rows([review])[0]
    consultations = list(
        review.paper.consultations.select_related("meeting")
        .prefetch_related("organizations")
        .order_by("meeting__start", "order", "id")
    )
    return {"row": row, "review": review, "consultations": consultations}


def _review_or_404(pk: int) -> Review:
    return get_object_or_404(Review.objects.select_related("paper"), pk=pk)


@permission("review.triage_review")
@require_GET
def preview(request: HttpRequest, review_pk: int) -> HttpResponse:
    review = _review_or_404(review_pk)
    return render(request, f"{TEMPLATE}#preview", _preview_context(review))


def _assignee(request: HttpRequest) -> User | None:
    pk = request.POST.get("assignee", "")
    if not pk.isdigit() or not request.user.has_perm("review.assign_review"):
        return None
    return staff().filter(pk=int(pk)).first()


@permission("review.triage_review")
@require_POST
def decide(request: HttpRequest, review_pk: int) -> HttpResponse:
    review = _review_or_404(review_pk)
    user: User = request.user  # type: ignore[assignment]
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    error: str | None = _("Please choose “affected” or “not affected”.")
    if decision in (RELEVANT, NOT_AFFECTED):
        error = worklist.decide(
            review=review,
            by=user,
            request=request,
            relevant=decision == RELEVANT,
            reason=reason,
            assignee=_assignee(request) if decision == RELEVANT else None,
        )
    review.refresh_from_db()
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, f"{review.paper.reference}: {error}")
        return redirect("workflows:worklist")
    context: dict[str, Any] = {
        "row": worklist.rows([review])[0],
        "error": error,
        "reason": reason,
        "people": _people(user),
        "today": timezone.localdate(),
    }
    next_pk = request.POST.get("next", "")
    if next_pk.isdigit():
        following = Review.objects.select_related("paper").filter(pk=int(next_pk)).first()
        if following is not None:
            context["next_preview"] = _preview_context(following)
    return render(request, "workflows/_worklist_decided.html", context)


@permission("review.triage_review")
@require_POST
def decide_many(request: HttpRequest) -> HttpResponse:
    """Several papers at once with one decision and one reason."""
    user: User = request.user  # type: ignore[assignment]
    ids = [int(pk) for pk in request.POST.getlist("review") if pk.isdigit()]
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    if not ids:
        messages.error(request, str(worklist.NOTHING_SELECTED))
    elif decision not in (RELEVANT, NOT_AFFECTED):
        messages.error(request, _("Please choose “affected” or “not affected”."))
    else:
        done, refused = 0, []
        for review in Review.objects.filter(pk__in=ids).select_related("paper").order_by("id"):
            error = worklist.decide(
                review=review,
                by=user,
                request=request,
                relevant=decision == RELEVANT,
                reason=reason,
            )
            if error is None:
                done += 1
            else:
                refused.append(f"{review.paper.reference}: {error}")
        if done:
            messages.success(
                request,
                ngettext("%(n)d paper triaged.", "%(n)d papers triaged.", done) % {"n": done},
            )
        for text in refused:
            messages.error(request, text)
    if request.headers.get("HX-Request"):
        return render(request, f"{TEMPLATE}#results", _context(request))
    return redirect("workflows:worklist")
