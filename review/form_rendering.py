"""One way to render a form field: Django's form renderer with KERN's markup.

`{{ form }}` and `{{ field.as_field_group }}` use templates/forms/form.html and field.html
(FORM_RENDERER in config/settings.py); the widget gets its KERN class from the bound field, so no
template has to know a widget's class. Django adds `required`, `aria-invalid` and the
`aria-describedby` that names the hint and the error (`<id>_helptext`, `<id>_error`).
"""

from __future__ import annotations

from typing import Any

from django.forms import BoundField, Widget
from django.forms.renderers import TemplatesSetting


def kern_class(widget: Widget, has_errors: bool) -> str:
    """KERN's class for a widget's input element(s)."""
    if widget.is_hidden:
        return ""
    input_type = getattr(widget, "input_type", "")
    if input_type in ("checkbox", "radio"):
        return f"kern-form-check__{input_type}"
    css = (
        "kern-form-input__select"
        if widget.__class__.__name__.endswith("Select") or input_type == "select"
        else "kern-form-input__input"
    )
    return f"{css} {css}--error" if has_errors else css


class KernBoundField(BoundField):
    @property
    def is_select(self) -> bool:
        """KERN wraps a select in a wrapper that draws the arrow."""
        return kern_class(self.field.widget, False).startswith("kern-form-input__select")

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Widget | None = None) -> Any:
        attrs = super().build_widget_attrs(attrs, widget)
        css = kern_class(widget or self.field.widget, bool(self.errors))
        if css:
            # A class the form set on the widget itself stays.
            own = (widget or self.field.widget).attrs.get("class", "")
            attrs["class"] = f"{own} {css}".strip()
        return attrs


class KernFormRenderer(TemplatesSetting):
    """Renders with the project's template engine, so templates/forms/ is found first."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = KernBoundField
