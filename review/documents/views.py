"""Template versions for administrators; download, preview and retry of documents for the office."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from review.models import Document, DocumentTemplate, ReportTemplate, Review, User
from review.reports import templates as report_templates

from . import preview, services
from .context import CONTEXT_VARIABLES, FILTERS_HELP
from .forms import TemplateUploadForm

OFFICE_PERMISSION = "review.view_review"
TEMPLATE_PERMISSION = "review.manage_document_templates"


def _get_document_for_user(request: HttpRequest, pk: int) -> Document:
    if not request.user.has_perm(OFFICE_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(Document.objects.select_related("review__paper"), pk=pk)


def _upload(data: dict[str, Any], by: User) -> str:
    """Checks and takes over one template; the report's keeps versions of its own."""
    if data["kind"] == report_templates.KIND:
        report = report_templates.upload(data=data["file"], by=by, note=data["note"])
        return f"{report_templates.KIND_LABEL} – Version {report.version}"
    return str(
        services.upload_template(kind=data["kind"], data=data["file"], by=by, note=data["note"])
    )


@login_required
@permission_required(TEMPLATE_PERMISSION, raise_exception=True)
def template_list(request: HttpRequest) -> HttpResponse:
    services.ensure_default_templates()
    user: User = request.user  # type: ignore[assignment]
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    rejection: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            template = _upload(form.cleaned_data, user)
        except services.TemplateRejected as exc:
            rejection = exc.result.errors
        else:
            messages.success(
                request, _("%(template)s was checked and is now active.") % {"template": template}
            )
            return redirect("documents:templates")
    status = 422 if rejection or form.errors else 200
    return render(
        request,
        "documents/templates.html",
        {
            "form": form,
            "rejection": rejection,
            "templates": DocumentTemplate.objects.select_related("uploaded_by"),
            "report_templates": ReportTemplate.objects.select_related("uploaded_by")[:20],
            "report_variables": report_templates.VARIABLES,
            "variables": CONTEXT_VARIABLES,
            "filters": FILTERS_HELP,
        },
        status=status,
    )


@login_required
@permission_required(TEMPLATE_PERMISSION, raise_exception=True)
@require_POST
def template_activate(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(DocumentTemplate, pk=pk)
    services.activate_template(template=template, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(template)s is now active.") % {"template": template})
    return redirect("documents:templates")


@login_required
@permission_required(TEMPLATE_PERMISSION, raise_exception=True)
def template_download(request: HttpRequest, pk: int) -> FileResponse:
    template = get_object_or_404(DocumentTemplate, pk=pk)
    return FileResponse(
        template.file.open("rb"),
        as_attachment=True,
        filename=f"Vorlage_{template.kind}_v{template.version}.docx",
    )


@login_required
def document_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    document = _get_document_for_user(request, pk)
    file = document.docx if fmt == "docx" else document.pdf
    if fmt not in ("docx", "pdf") or not file:
        raise Http404
    filename = document.docx_filename if fmt == "docx" else document.pdf_filename
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename)


@login_required
def document_preview(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document_for_user(request, pk)
    pages = preview.preview_page_count(document) if preview.preview_available(document) else 0
    return render(
        request, "documents/preview.html", {"document": document, "pages": range(1, pages + 1)}
    )


@login_required
def document_preview_image(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    document = _get_document_for_user(request, pk)
    image = preview.preview_image(document, page)
    if image is None:
        raise Http404
    response = HttpResponse(image, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def document_retry(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_document_for_user(request, pk)
    try:
        services.retry_document(document=document, by=request.user)  # type: ignore[arg-type]
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The document is being generated again."))
    if request.headers.get("HX-Request"):
        return review_documents(request, document.review_id)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("documents:review_documents", document.review_id)


@login_required
def review_documents(request: HttpRequest, review_pk: int) -> HttpResponse:
    """The documents partial on its own, for htmx polling while documents are being made."""
    if not request.user.has_perm(OFFICE_PERMISSION):
        raise PermissionDenied
    review = get_object_or_404(Review.objects.select_related("paper"), pk=review_pk)
    documents = services.documents_for_review(review)
    template = (
        "documents/_review_documents.html"
        if request.headers.get("HX-Request")
        else "documents/review_documents.html"
    )
    return render(request, template, {"review": review, "documents": documents})
