"""{{ event|audit_sentence }}: an AuditEvent's verb as the German sentence of the timeline."""

from __future__ import annotations

from django import template

from review.models import AuditEvent

from ..timeline import sentence_for

register = template.Library()


@register.filter
def audit_sentence(event: AuditEvent) -> str:
    details = event.details if isinstance(event.details, dict) else {}
    return sentence_for(event.verb, details)
