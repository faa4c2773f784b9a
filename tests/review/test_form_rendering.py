"""Every form field is rendered once, by the project's form renderer, in KERN's markup."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from review.form_rendering import KernBoundField, KernFormRenderer


class Sample(forms.Form):
    title = forms.CharField(label="Titel", max_length=5)
    note = forms.CharField(
        label="Notiz", required=False, help_text="Kurz halten.", widget=forms.Textarea
    )
    kind = forms.ChoiceField(label="Art", choices=[("a", "Eins"), ("b", "Zwei")])
    vote = forms.ChoiceField(
        label="Votum", choices=[("yes", "Ja"), ("no", "Nein")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="Einverstanden", required=False)
    step = forms.CharField(widget=forms.HiddenInput, initial="1")


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def _bound() -> Sample:
    form = Sample({"title": "zu lang", "kind": "a", "step": "1"})
    assert not form.is_valid()
    return form


def _tag(html: str, name: str) -> str:
    found = re.search(rf'<(input|textarea|select)[^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


def test_the_project_renderer_and_bound_field_are_used() -> None:
    form = Sample()
    assert isinstance(form.renderer, KernFormRenderer)
    assert isinstance(form["title"], KernBoundField)


def test_a_field_with_an_error_names_its_message_and_hint_for_screen_readers() -> None:
    html = str(_bound())
    title = _tag(html, "title")
    assert 'class="kern-form-input__input kern-form-input__input--error"' in title
    assert 'aria-invalid="true"' in title and "required" in title
    assert 'aria-describedby="id_title_error"' in title
    error = re.search(
        r'<div id="id_title_error">\s*<p class="kern-error" role="alert">(.*?)</p>', html
    )
    assert error and "höchstens 5 Zeichen" in error.group(1)
    note = _tag(html, "note")
    assert 'aria-describedby="id_note_helptext"' in note and "--error" not in note
    assert '<div class="kern-hint" id="id_note_helptext">Kurz halten.</div>' in html


def test_only_optional_fields_are_marked_and_the_label_names_the_input() -> None:
    html = str(Sample())
    assert '<label class="kern-label" for="id_title">Titel</label>' in html
    assert (
        '<label class="kern-label" for="id_note">Notiz'
        ' <span class="kern-label__optional">– optional</span></label>'
    ) in html
    # A single checkbox is optional by nature and carries no marker.
    assert '<label class="kern-label" for="id_agree">Einverstanden</label>' in html
    assert html.count("kern-label__optional") == 1


def test_selects_radios_checkboxes_and_hidden_fields_get_their_kern_markup() -> None:
    html = str(_bound())
    assert re.search(
        r'<div class="kern-form-input__select-wrapper"><select name="kind"[^>]*'
        r'class="kern-form-input__select"',
        html,
    )
    radios = re.search(r'<fieldset class="kern-fieldset kern-fieldset--error"[^>]*>', html)
    assert radios and 'aria-describedby="id_vote_error"' in radios.group(0)
    assert '<legend class="kern-label">Votum</legend>' in html
    assert 'class="kern-form-check__radio"' in _tag(html, "vote")
    assert 'class="kern-form-check__checkbox"' in _tag(html, "agree")
    step = _tag(html, "step")
    assert 'type="hidden"' in step and "class=" not in step
    assert "id_step_helptext" not in html and ">step<" not in html.lower()


def test_non_field_errors_come_first_as_a_kern_alert() -> None:
    form = Sample({"title": "ok", "kind": "a", "vote": "yes", "step": "1"})
    assert form.is_valid()
    form.add_error(None, "Bitte später erneut versuchen.")
    html = str(form)
    assert html.startswith('<div class="kern-alert kern-alert--danger" role="alert">')
    assert '<p class="kern-body">Bitte später erneut versuchen.</p>' in html


def test_form_field_group_and_the_old_includes_render_the_same() -> None:
    form = _bound()
    whole = str(form)
    for name in ("title", "note", "kind", "vote", "agree"):
        group = form[name].as_field_group()
        assert group in whole
        for include in ("accounts/field.html", "workflows/_field.html"):
            rendered = Template(f'{{% include "{include}" %}}').render(
                Context({"field": form[name]})
            )
            assert rendered.strip().endswith(group)
    old_form = Template('{% include "workflows/_form.html" %}').render(Context({"form": form}))
    assert old_form.strip().endswith(whole)
