"""The office's relevance settings: keyword terms and the watched Gremien and lead offices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import KeywordTerm, Organization


class KeywordTermForm(forms.ModelForm):
    class Meta:
        model = KeywordTerm
        fields = [
            "term",
            "word_forms",
            "strength",
            "weight",
            "topic",
            "negative_contexts",
            "is_active",
        ]
        widgets = {
            "word_forms": forms.Textarea(attrs={"rows": 3}),
            "negative_contexts": forms.Textarea(attrs={"rows": 2}),
        }


class WatchedForm(forms.Form):
    watched = forms.ModelMultipleChoiceField(
        label=_("Watched committees and lead offices"),
        help_text=_(
            "Papers consulted in one of these committees or led by one of these offices "
            "are proposed."
        ),
        queryset=Organization.objects.filter(is_placeholder=False).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "watched": list(
                    Organization.objects.filter(is_watched=True).values_list("pk", flat=True)
                )
            },
        )
        super().__init__(*args, **kwargs)
