"""Addresses for the page shell (base.html, header, footer), which every page renders.

The shell's links take no arguments and its static files do not change while the process runs,
so each is worked out once per process instead of on every page: `{% url %}` and `{% static %}`
cost about 1 ms per page for the shell alone (docs/performance.md, "Fifth pass").
"""

from __future__ import annotations

import functools

from django import template
from django.templatetags.static import static

from review.navigation import url_of

register = template.Library()


@register.simple_tag
def shell_url(name: str) -> str:
    """`{% url name %}` for a view without arguments, reversed once per process."""
    return url_of(name)


@register.simple_tag
def shell_static(path: str) -> str:
    """`{% static path %}`, looked up in the manifest once per process."""
    return _static(path)


@functools.cache
def _static(path: str) -> str:
    return static(path)
