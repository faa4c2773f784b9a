"""The office's own Word template for the report, checked and uploaded on the same path as the
statements' templates (review/documents/checks.py: archive limits, sandbox, known placeholders,
a trial render in a child process under the same memory and time limits) before it replaces the
bundled one. The administration uploads it on the templates page as the kind "situation report".
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from review.documents.checks import CheckResult, check_template
from review.documents.services import TemplateRejected
from review.models import AuditEvent, AuditVerb, ReportTemplate, User

from .document import TEMPLATE, render_report
from .figures import ReportFilter
from .summary import build_report

# The kind offered next to the statements' kinds on the templates page.
KIND = "situation_report"
KIND_LABEL = _("Situation report")
VARIABLES: dict[str, str | Promise] = {
    "office": "city, name",
    "document": "title, date",
    "period": "start, end",
    "filters": _("the chosen filters as text"),
    "sections": _("per section heading, text, chart (picture), table (Word table)"),
}
# Without the sections the report would be a letterhead and nothing else.
REQUIRED = ("sections",)


def _trial(data: bytes) -> None:
    # A month of the installation's own data: the report has no invented sample.
    today = timezone.localdate()
    render_report(
        build_report(ReportFilter(start=today - timedelta(days=30), end=today)), template=data
    )


def check(data: bytes) -> CheckResult:
    return check_template(data, variables=VARIABLES, required=REQUIRED, trial=_trial)


def active_template() -> bytes:
    """The newest active upload, else the bundled template."""
    template = ReportTemplate.objects.filter(is_active=True).first()
    name = template.file.name if template is not None else None
    if not name or not default_storage.exists(name):
        return TEMPLATE.read_bytes()
    with default_storage.open(name, "rb") as stored:
        return bytes(stored.read())


def upload(*, data: bytes, by: User, note: str = "") -> ReportTemplate:
    """Checks the file and, if it passes, makes it the report's template; TemplateRejected with
    the German reasons otherwise (as the statements' upload_template)."""
    result = check(data)
    if not result.ok:
        raise TemplateRejected(result)
    with transaction.atomic():
        current = ReportTemplate.objects.select_for_update()
        version = (current.aggregate(n=Max("version"))["n"] or 0) + 1
        current.filter(is_active=True).update(is_active=False)
        template = ReportTemplate(
            version=version, sha256=hashlib.sha256(data).hexdigest(), uploaded_by=by
        )
        template.file.save(f"situation_report_v{version}.docx", ContentFile(data), save=False)
        template.save()
        AuditEvent.record(
            AuditVerb.REPORT_TEMPLATE_UPLOADED,
            actor=by,
            obj=template,
            details={"version": version, "note": note},
        )
    return template
