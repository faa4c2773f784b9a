"""Feeds reached by a secret token (calendar apps and feed readers cannot log in)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from review.external import access
from review.models import FeedToken, Organization, Review, User


def _owner(token: str) -> User:
    feed_token = FeedToken.objects.select_related("user").filter(token=token).first()
    if feed_token is None or not feed_token.user.is_active:
        raise Http404
    return feed_token.user


def calendar(request: HttpRequest, token: str) -> HttpResponse:
    from .ical import build_calendar

    response = HttpResponse(
        build_calendar(_owner(token)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="stellwerk.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


class CommitteeStatementsFeed(Feed):
    """Released statements for one committee, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, token: str, pk: int) -> tuple[User, Organization]:
        user = _owner(token)
        organization = get_object_or_404(Organization, pk=pk)
        if organization not in access.visible_organizations(user):
            raise Http404
        return user, organization

    def title(self, obj: tuple[User, Organization]) -> str:
        return _("Statements for %(committee)s") % {"committee": obj[1].full_name}

    def subtitle(self, obj: tuple[User, Organization]) -> str:
        return _("Statements of the integration office released for this committee.")

    def link(self, obj: tuple[User, Organization]) -> str:
        return reverse("external:clerk")

    def items(self, obj: tuple[User, Organization]) -> list[Review]:
        user, organization = obj
        reviews = list(
            access.feed_reviews(user, organization)
            .select_related("paper")
            .order_by("-updated_at")[:50]
        )
        # Beirat members cannot open the clerks' page; their entries lead to the case page.
        for_beirat = not access.is_office(user) and not user.has_perm(
            "review.view_released_statement"
        )
        for review in reviews:
            review.feed_committee = organization.full_name
            review.feed_link = (
                reverse("external:beirat_review", args=[review.pk])
                if for_beirat
                else reverse("external:clerk") + f"#vorgang-{review.pk}"
            )
        return reviews

    def item_title(self, item: Review) -> str:
        return _("Statement on paper %(reference)s: %(title)s") % {
            "reference": item.paper.reference,
            "title": item.paper.name,
        }

    def item_description(self, item: Review) -> str:
        # Which committee the statement is for, in full; the office's status means nothing here.
        line = _("For: %(committee)s") % {"committee": getattr(item, "feed_committee", "")}
        return f"{line}. {item.summary}" if item.summary else line

    def item_link(self, item: Review) -> str:
        return str(getattr(item, "feed_link", reverse("external:clerk") + f"#vorgang-{item.pk}"))

    def item_guid(self, item: Review) -> str:
        return f"stellwerk-review-{item.pk}-statement"

    def item_updateddate(self, item: Review) -> datetime:
        return item.updated_at

    def item_pubdate(self, item: Review) -> datetime:
        return item.updated_at

    def feed_extra_kwargs(self, obj: Any) -> dict[str, Any]:
        return {}


committee_statements = CommitteeStatementsFeed()


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    feed_token = FeedToken.objects.filter(user=user).first()
    committees = access.visible_organizations(user).order_by("name") if feed_token else []
    return render(
        request,
        "feeds/settings.html",
        {
            "feed_token": feed_token,
            "calendar_url": request.build_absolute_uri(
                reverse("feeds:calendar", args=[feed_token.token])
            )
            if feed_token
            else "",
            "committee_feeds": [
                (
                    org,
                    request.build_absolute_uri(
                        reverse("feeds:committee_statements", args=[feed_token.token, org.pk])
                    ),
                )
                for org in committees
            ]
            if feed_token
            else [],
        },
    )


@login_required
@require_POST
def regenerate_token(request: HttpRequest) -> HttpResponse:
    feed_token, created = FeedToken.objects.get_or_create(user=request.user)  # type: ignore[misc]
    if not created:
        feed_token.regenerate()
        messages.success(request, _("New addresses created. The old ones no longer work."))
    else:
        messages.success(request, _("Your feed addresses are ready."))
    return redirect("feeds_settings")


@login_required
@require_POST
def revoke_token(request: HttpRequest) -> HttpResponse:
    FeedToken.objects.filter(user=request.user).delete()  # type: ignore[misc]
    messages.success(request, _("Your feed addresses are switched off."))
    return redirect("feeds_settings")
