"""The case list's filter options and rows, built in Python rather than by the template engine:
the engine's work per value is most of what a page of the list costs (docs/performance.md)."""

from __future__ import annotations

from html import escape

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def filter_options(field: BoundField) -> SafeString:
    """The field's <option>s with the current value selected."""
    value = field.value()
    current = "" if value is None else str(value)
    options = []
    for choice, label in field.field.choices:  # type: ignore[attr-defined]
        choice = str(choice)
        selected = " selected" if choice == current else ""
        options.append(f'<option value="{escape(choice)}"{selected}>{escape(str(label))}</option>')
    return mark_safe("".join(options))


# The markup of one row of the case list: the view's values (workflows.views.reviews._rows), the
# deadline with its badge already HTML.
ROW = (
    '<tr class="kern-table__row" data-testid="review-row">\n'
    '  <td class="kern-table__cell">\n'
    '    <a class="kern-link" href="{link}">{reference}</a><br><span\n'
    '      class="kern-body--small">{title}</span>\n'
    "  </td>\n"
    '  <td class="kern-table__cell">{status}</td>\n'
    '  <td class="kern-table__cell">{assignee}</td>\n'
    '  <td class="kern-table__cell">{deadline}</td>\n'
    '  <td class="kern-table__cell kern-table__cell--numeric">{relevance}</td>\n'
    '  <td class="kern-table__cell">{topics}</td>\n'
    "</tr>"
)


@register.simple_tag
def case_rows(rows: list[dict[str, object]]) -> SafeString:
    """The rows of the case list's table."""
    return mark_safe(
        "".join(
            ROW.format(
                **{key: escape(str(value)) for key, value in row.items() if key != "deadline"},
                deadline=conditional_escape(str(row["deadline"])),
            )
            for row in rows
        )
    )
