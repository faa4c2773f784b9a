"""The administrator's pages of the archive hand-over: offer, evaluation, package, receipt."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from review.models import AuditCheck, Handover, Review, User

from . import services
from .forms import MessageUploadForm, OfferForm

PERMISSION = "review.hand_over_to_archive"


@login_required
@permission_required(PERMISSION, raise_exception=True)
def handover_list(request: HttpRequest) -> HttpResponse:
    cutoff = services.default_cutoff()
    form = OfferForm(initial={"closed_before": timezone.localtime(cutoff).date()})
    handovers = Handover.objects.select_related("created_by").annotate(
        cases=Count("items"), to_archive=Count("items", filter=Q(items__decision="A"))
    )
    # Closed but younger than the period: the page says so, so that nobody wonders where the
    # cases are (the demo's are all younger than a year).
    younger = Review.objects.due_for_archive(timezone.now()).filter(closed_at__gte=cutoff)
    return render(
        request,
        "archive/handover_list.html",
        {
            "form": form,
            "handovers": handovers,
            "due": Review.objects.due_for_archive(cutoff).count(),
            "younger": younger.count(),
            "oldest_younger": younger.order_by("closed_at").values_list("closed_at", flat=True)[:1],
            "offer_after_days": settings.ARCHIVE_OFFER_AFTER_DAYS,
            "audit_alert": AuditCheck.objects.latest_failure(),
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def handover_offer(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = OfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the day before which the cases were closed."))
        return redirect("archive:list")
    try:
        handover = services.offer_cases(by=user, closed_before=form.cutoff())
    except services.ArchiveError as exc:
        messages.error(request, str(exc))
        return redirect("archive:list")
    count = handover.items.count()
    messages.success(
        request,
        ngettext(
            "%(count)s case offered. Download the offer list below and send it to the archive.",
            "%(count)s cases offered. Download the offer list below and send it to the archive.",
            count,
        )
        % {"count": count},
    )
    return redirect("archive:detail", pk=handover.pk)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(Handover.objects.select_related("created_by", "closed_by"), pk=pk)
    return render(
        request,
        "archive/handover_detail.html",
        {
            "handover": handover,
            "items": handover.items.annotate(
                present=Exists(Review.objects.filter(pk=OuterRef("review_id")))
            ).order_by("reference", "id"),
            "upload_form": MessageUploadForm(),
            "can_close_without_package": handover.status == Handover.Status.EVALUATED
            and not handover.items.to_archive().exists(),
            "remaining": _remaining(handover),
        },
    )


def _remaining(handover: Handover) -> int:
    """How many of the hand-over's cases are still in Stellwerk."""
    return Review.objects.filter(handover_items__handover=handover).count()


@login_required
@permission_required(PERMISSION, raise_exception=True)
def handover_delete_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(Handover, pk=pk)
    if not handover.is_closed:
        messages.error(request, str(services.HANDOVER_OPEN))
        return redirect("archive:detail", pk=pk)
    return render(
        request,
        "archive/handover_delete.html",
        {"handover": handover, "remaining": _remaining(handover)},
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def handover_delete(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(Handover, pk=pk)
    try:
        record = services.delete_handed_over_cases(
            handover=handover,
            by=request.user,  # type: ignore[arg-type]
        )
    except services.ArchiveError as exc:
        messages.error(request, str(exc))
        return redirect("archive:detail", pk=pk)
    messages.success(
        request,
        ngettext(
            "%(count)s case deleted. The deletion record is on the page “Retention and deletion”.",
            "%(count)s cases deleted. The deletion record is on the page “Retention and deletion”.",
            record.count,
        )
        % {"count": record.count},
    )
    return redirect("archive:detail", pk=pk)


def _upload(
    request: HttpRequest, pk: int, action: Callable[..., Handover], done: str
) -> HttpResponse:
    handover = get_object_or_404(Handover, pk=pk)
    form = MessageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, str(error))
        return redirect("archive:detail", pk=pk)
    try:
        action(handover=handover, data=form.cleaned_data["file"], by=request.user)
    except services.ArchiveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("archive:detail", pk=pk)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def handover_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, pk, services.import_evaluation, _("The evaluation was imported."))


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def handover_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(
        request,
        pk,
        services.confirm_receipt,
        _("The receipt was imported; the hand-over is closed."),
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def handover_export(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(Handover, pk=pk)
    try:
        services.export_package(handover=handover, by=request.user)  # type: ignore[arg-type]
    except services.ArchiveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The package was built. Download it and send it to the archive.")
        )
    return redirect("archive:detail", pk=pk)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def handover_close(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(Handover, pk=pk)
    try:
        services.confirm_manually(handover=handover, by=request.user)  # type: ignore[arg-type]
    except services.ArchiveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The hand-over is closed."))
    return redirect("archive:detail", pk=pk)


def _download(field: FieldFile, content_type: str) -> FileResponse:
    if not field:
        raise Http404
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=(field.name or "").rsplit("/", 1)[-1]
    )
    response["Content-Type"] = content_type
    return response


@login_required
@permission_required(PERMISSION, raise_exception=True)
def handover_file(request: HttpRequest, pk: int, part: str) -> FileResponse:
    handover = get_object_or_404(Handover, pk=pk)
    files = {
        "anbieteverzeichnis": (handover.offer, "application/xml"),
        "bewertung": (handover.evaluation, "application/xml"),
        "paket": (handover.package, "application/zip"),
        "empfangsbestaetigung": (handover.receipt, "application/xml"),
    }
    if part not in files:
        raise Http404
    return _download(*files[part])
