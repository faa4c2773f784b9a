"""Select fields of the workflow forms offer a German empty choice."""

from __future__ import annotations

import pytest
from django import forms

from review.models import User
from workflows.forms import AssignForm

pytestmark = pytest.mark.django_db


def test_the_assignment_select_asks_in_german(office) -> None:
    html = str(AssignForm()["assignee"])
    assert "– bitte wählen –" in html
    assert "Select an option" not in html


def test_any_other_blank_select_choice_is_german_too() -> None:
    field = forms.ModelChoiceField(queryset=User.objects.none())
    assert str(field.empty_label) == "– bitte wählen –"
