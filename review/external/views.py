"""Views for the committee clerks and the Beirat (mobile first)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from review.models import User

from . import access


@login_required
def clerk(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    reviews = access.clerk_reviews(user).select_related("paper").order_by("deadline", "id")
    return render(request, "external/clerk.html", {"reviews": reviews})
