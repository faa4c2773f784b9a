"""Views for the committee clerks and the Beirat (mobile first)."""

from __future__ import annotations

from collections import OrderedDict
from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from review.dispatch.downloads import statement_files
from review.dispatch.packages import agenda_key
from review.models import File, Meeting, Review, StatementVersion, User

from . import access, services
from . import clerk as clerk_cards
from .forms import BeiratVoteForm
from .timeline import timeline


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _get_shared_review_for_user(request: HttpRequest, pk: int) -> Review:
    """404 for anything not shared with the Beirat: a guessed id reveals nothing."""
    user = _user(request)
    if not (access.is_office(user) or user.has_perm("review.view_shared_review")):
        raise Http404
    return get_object_or_404(
        access.beirat_reviews(user).select_related("paper", "beirat_vote"), pk=pk
    )


@login_required
def beirat(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (access.is_office(user) or user.has_perm("review.view_shared_review")):
        raise Http404
    reviews = (
        access.beirat_reviews(user)
        .select_related("paper", "beirat_vote")
        .order_by(F("beirat_deadline").asc(nulls_last=True), "deadline", "id")
    )
    # What a member opens the page for on the phone comes first: the open vote requests,
    # nearest deadline first (a stable sort keeps the deadline order within each part).
    rows = sorted(((r, access.awaits_beirat_vote(r)) for r in reviews), key=lambda r: not r[1])
    now = timezone.now()
    beirat_meetings = Meeting.objects.filter(
        organizations__is_advisory_council=True,
        start__gte=now,
        cancelled=False,
    ).distinct()[:5]
    return render(
        request,
        "external/beirat.html",
        {
            "reviews": rows,
            "vote_requests": sum(1 for _review, awaits in rows if awaits),
            "beirat_meetings": beirat_meetings,
        },
    )


@login_required
def beirat_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = _get_shared_review_for_user(request, pk)
    user = _user(request)
    paper = review.paper
    may_vote = access.awaits_beirat_vote(review) and user.has_perm("review.record_beirat_vote")
    return render(
        request,
        "external/beirat_review.html",
        {
            "review": review,
            "paper": paper,
            "files": paper.files.all() if access.may_see_files(user, review) else None,
            "consultations": paper.consultations.select_related("meeting")
            .prefetch_related("organizations")
            .filter(meeting__start__gte=timezone.now() - timedelta(days=1)),
            "timeline": timeline(review),
            "vote": getattr(review, "beirat_vote", None),
            "form": BeiratVoteForm() if may_vote else None,
            "statement_version": review.statement.current_version
            if access.is_released(review)
            else None,
            "draft_version": _shared_draft(review),
            "statement_files": statement_files(review, "beirat")
            if access.may_download_statement(user, review, "beirat")
            else {},
        },
    )


def _shared_draft(review: Review) -> StatementVersion | None:
    """The draft the office put to the Beirat when it asked for the vote, which members read
    before they vote. Later working drafts stay in the office; papers that are not public show
    only the office's summary; once the statement is released its final text is shown instead."""
    if access.is_released(review) or not review.paper.is_public:
        return None
    return review.beirat_draft


@login_required
@require_POST
def beirat_vote(request: HttpRequest, pk: int) -> HttpResponse:
    review = _get_shared_review_for_user(request, pk)
    user = _user(request)
    if not user.has_perm("review.record_beirat_vote"):
        raise Http404
    form = BeiratVoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose the vote."))
        return redirect("external:beirat_review", pk=review.pk)
    try:
        services.record_beirat_vote(
            review=review,
            vote=form.cleaned_data["vote"],
            text=form.cleaned_data["text"],
            meeting_date=form.cleaned_data["meeting_date"],
            by=user,
        )
    except services.VoteError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The Beirat's vote is recorded. The office sees it now."))
    return redirect("external:beirat_review", pk=review.pk)


@login_required
def beirat_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = get_object_or_404(File.objects.select_related("paper"), pk=pk)
    if attachment.paper_id is None:
        raise Http404
    review = Review.objects.filter(paper_id=attachment.paper_id).first()
    if review is None:
        raise Http404
    _get_shared_review_for_user(request, review.pk)
    if not access.may_see_files(_user(request), review):
        raise Http404
    if attachment.content:
        return FileResponse(
            attachment.content.open("rb"),
            as_attachment=True,
            filename=attachment.file_name or attachment.content.name.rsplit("/", 1)[-1],
        )
    if attachment.download_url or attachment.access_url:
        return HttpResponseRedirect(attachment.download_url or attachment.access_url)
    raise Http404


@login_required
def clerk(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (access.is_office(user) or user.has_perm("review.view_released_statement")):
        raise Http404
    reviews = list(
        access.clerk_reviews(user)
        .select_related("paper")
        .prefetch_related(
            "paper__consultations__meeting__organizations",
            "paper__consultations__organizations",
            "paper__consultations__agenda_item",
        )
        .order_by("deadline", "id")
    )
    # The office sees every committee; a clerk only their own.
    committees = (
        set() if access.is_office(user) else set(user.organizations.values_list("pk", flat=True))
    )
    keyed = [(access.next_meeting_for(review, committees), review) for review in reviews]
    keyed.sort(key=lambda pair: (pair[0] is None, pair[0].start if pair[0] else None, pair[1].pk))
    groups: OrderedDict[Meeting | None, list[Review]] = OrderedDict()
    for meeting, review in keyed:
        groups.setdefault(meeting, []).append(review)
    for meeting, rows in groups.items():
        if meeting is not None:
            # As on the agenda and in the meeting's package, so its numbering matches the page.
            rows.sort(key=partial(agenda_key, meeting=meeting))
    receipts = services.receipts_for(user, reviews)
    downloads = clerk_cards.downloads_by(user, reviews)

    def card(review: Review, meeting: Meeting | None) -> clerk_cards.ClerkCard:
        mails = receipts.get(review.pk, [])
        return clerk_cards.ClerkCard(
            review=review,
            committees=clerk_cards.committees_for(review, committees),
            meeting=meeting,
            status=clerk_cards.clerk_status(mails, downloads.get(review.pk)),
            downloaded_at=downloads.get(review.pk),
        )

    def in_package(meeting: Meeting | None) -> int:
        # The meeting's package holds every statement deliberated there, also those listed
        # under an earlier meeting of the same paper (dispatch/packages.py: package_items).
        if meeting is None:
            return 0
        return sum(
            any(c.meeting_id == meeting.pk for c in r.paper.consultations.all()) for r in reviews
        )

    return render(
        request,
        "external/clerk.html",
        {
            "groups": [
                (
                    meeting,
                    in_package(meeting),
                    [
                        (card(r, meeting), statement_files(r, "clerk"), receipts.get(r.pk, []))
                        for r in rows
                    ],
                )
                for meeting, rows in groups.items()
            ],
        },
    )
