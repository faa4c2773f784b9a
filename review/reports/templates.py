"""The office's own Word template for the report: checked like the statements' templates
(parse in the sandbox, only known placeholders, no access to Python internals, a trial render)
before it replaces the bundled one."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from jinja2 import TemplateError, meta

from review.documents import checks
from review.documents.rendering import DocumentRenderError, OfficeDocxTemplate, make_environment
from review.models import AuditEvent, AuditVerb, ReportTemplate, User

from .document import TEMPLATE, render_report
from .figures import ReportFilter
from .summary import build_report

VARIABLES: dict[str, str | Promise] = {
    "office": "city, name",
    "document": "title, date",
    "period": "start, end",
    "filters": _("the chosen filters as text"),
    "sections": _("per section heading, text, chart (picture), table (Word table)"),
}


class ReportTemplateRejected(Exception):
    pass


def check(data: bytes) -> list[str]:
    """Error messages in the uploader's language; empty when the template may be used."""
    try:
        tpl = OfficeDocxTemplate(io.BytesIO(data))
        tpl.init_docx()
        sources = checks._sources(tpl)
    except Exception:  # python-docx raises several unrelated types for a non-Word file
        return [str(checks.NOT_A_DOCX)]
    env = make_environment()
    used: set[str] = set()
    for source in sources:
        probe = checks._PROBE.search(checks._TAGS.sub("", source))
        if probe:
            return [checks.UNSAFE.format(detail=f"„{probe.group(0)}“")]
        try:
            used |= meta.find_undeclared_variables(env.parse(source))
        except TemplateError as exc:
            return [checks.SYNTAX_ERROR.format(detail=checks._german(str(exc)))]
    unknown = sorted(used - VARIABLES.keys())
    if unknown:
        return [
            checks.UNKNOWN_VARIABLES.format(
                names=", ".join(f"„{name}“" for name in unknown), allowed=", ".join(VARIABLES)
            )
        ]
    # A trial render on a month of the installation's own data.
    today = timezone.localdate()
    sample = build_report(ReportFilter(start=today - timedelta(days=30), end=today))
    try:
        render_report(sample, template=data)
    except (TemplateError, DocumentRenderError) as exc:
        return [checks.RENDER_FAILED.format(detail=checks._german(str(exc)))]
    return []


def active_template() -> bytes:
    """The newest active upload, else the bundled template."""
    template = ReportTemplate.objects.filter(is_active=True).first()
    name = template.file.name if template is not None else None
    if not name or not default_storage.exists(name):
        return TEMPLATE.read_bytes()
    with default_storage.open(name, "rb") as stored:
        return bytes(stored.read())


def upload(*, data: bytes, by: User) -> ReportTemplate:
    errors = check(data)
    if errors:
        raise ReportTemplateRejected(errors)
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
            AuditVerb.REPORT_TEMPLATE_UPLOADED, actor=by, obj=template, details={"version": version}
        )
    return template
