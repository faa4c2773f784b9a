"""{% cached_part "name" vary… %}…{% end_cached_part %}: a page part from the shared cache.

Shared by everyone with the same permissions; `{% cached_part "name" vary… per_person %}` for a
part that shows the viewer's own things (the inbox). The part is rendered with a placeholder for
the CSRF token, so forms inside it work for every viewer; see review.caching for when a part is
rendered anew. Django's own `{% cache %}` keeps a fragment for a fixed time with the token of
whoever rendered it first, which breaks every form in it for everyone else.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.functional import LazyObject, empty
from django.utils.safestring import SafeString, mark_safe

from review import caching

register = template.Library()


class CachedPartNode(template.Node):
    def __init__(
        self, name: str, vary_on: list[FilterExpression], per_person: bool, nodelist: NodeList
    ) -> None:
        self.name = name
        self.vary_on = vary_on
        self.per_person = per_person
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        request = context.get("request")
        user = getattr(request, "user", None)
        if not settings.PAGE_CACHE or request is None or not user or not user.is_authenticated:
            return self.nodelist.render(context)
        key = caching.part_key(
            request,
            self.name,
            [_plain(v.resolve(context)) for v in self.vary_on],
            per_person=self.per_person,
        )
        html = cache.get(key)
        if html is None:
            with context.push(csrf_token=caching.CSRF_PLACEHOLDER):
                html = str(self.nodelist.render(context))
            cache.set(key, html, settings.PAGE_CACHE_SECONDS)
        if caching.CSRF_PLACEHOLDER in html:
            html = html.replace(caching.CSRF_PLACEHOLDER, str(context.get("csrf_token", "")))
        return mark_safe(html)


def _plain(value: Any) -> Any:
    """The value behind a lazy object: the key must hold it, not the object's address."""
    if isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        return value._wrapped
    return value


@register.tag("cached_part")
def cached_part(parser: Parser, token: Token) -> CachedPartNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("cached_part needs a name")
    name, vary_on = bits[1].strip("\"'"), bits[2:]
    per_person = bool(vary_on) and vary_on[-1] == "per_person"
    if per_person:
        vary_on = vary_on[:-1]
    nodelist = parser.parse(("end_cached_part",))
    parser.delete_first_token()
    return CachedPartNode(
        name, [parser.compile_filter(bit) for bit in vary_on], per_person, nodelist
    )
