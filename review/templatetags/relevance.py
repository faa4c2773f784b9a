from __future__ import annotations

from django import template

from review.oparl.reasons import describe

register = template.Library()


@register.filter
def reason(value: object) -> str:
    """A stored (German) relevance reason in the reader's language."""
    return describe(value)
