"""Downloading released statements and confirming their receipt (clerks, the Beirat)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from review.external import access
from review.models import Dispatch, Meeting, Review, User

from . import packages, services
from .downloads import FORMATS, statement_files

PACKAGE_FORMATS = {"pdf": "application/pdf", "zip": "application/zip"}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _download(request: HttpRequest, pk: int, fmt: str, audience: str) -> FileResponse:
    # 404 for everything not allowed: a guessed id reveals nothing.
    if fmt not in FORMATS:
        raise Http404
    review = get_object_or_404(Review.objects.select_related("paper"), pk=pk)
    if not access.may_download_statement(_user(request), review, audience):
        raise Http404
    stored = statement_files(review, audience).get(fmt)
    if stored is None or not default_storage.exists(stored.path):
        raise Http404
    # Recorded so that the clerk's list can say "heruntergeladen" and the office can tell who
    # had the statement before the meeting.
    packages.record_download(review=review, fmt=fmt, by=_user(request))
    return FileResponse(
        default_storage.open(stored.path, "rb"),
        as_attachment=True,
        filename=stored.filename,
        content_type=stored.content_type,
    )


@login_required
def clerk_statement_file(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    return _download(request, pk, fmt, Dispatch.Audience.CLERK)


@login_required
def beirat_statement_file(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    return _download(request, pk, fmt, Dispatch.Audience.BEIRAT)


@login_required
def meeting_package(request: HttpRequest, meeting_pk: int, fmt: str) -> HttpResponse:
    """All released statements for one meeting: one PDF with a cover page, or a ZIP of the
    originals. 404 for a meeting of another committee or without statements."""
    if fmt not in PACKAGE_FORMATS:
        raise Http404
    user = _user(request)
    meeting = get_object_or_404(Meeting, pk=meeting_pk)
    if not packages.may_see_meeting(user, meeting):
        raise Http404
    found = packages.package_items(user, meeting)
    if not found:
        raise Http404
    items = found[: packages.MAX_STATEMENTS]
    if fmt == "pdf":
        content = packages.merged_pdf(meeting, items, total=len(found))
    else:
        content = packages.originals_zip(items, total=len(found))
    packages.record_package_download(items=items, meeting=meeting, fmt=fmt, by=user)
    day = timezone.localtime(meeting.start).date().isoformat() if meeting.start else "ohne-Datum"
    response = HttpResponse(content, content_type=PACKAGE_FORMATS[fmt])
    filename = f"Stellungnahmen_Sitzung_{day}_{meeting.pk}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not user.has_perm("review.dispatch_statement"):
        raise PermissionDenied
    dispatch = get_object_or_404(Dispatch, pk=pk)
    try:
        services.resend_dispatch(dispatch=dispatch, by=user)
    except services.DispatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Die Sendung an %(email)s wird erneut versandt.") % {"email": dispatch.email}
        )
    return redirect(reverse("workflows:review_detail", args=[dispatch.review_id]))


@login_required
@require_POST
def confirm_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    dispatch = get_object_or_404(Dispatch.objects.select_related("review"), pk=pk)
    if not dispatch.may_be_confirmed_by(user):
        raise Http404
    dispatch = services.confirm_receipt(dispatch=dispatch, by=user)
    if request.headers.get("HX-Request"):
        return render(request, "dispatch/_receipt.html", {"dispatch": dispatch})
    return redirect(reverse("external:clerk") + f"#vorgang-{dispatch.review_id}")
