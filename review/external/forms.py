from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import Recommendation


class BeiratVoteForm(forms.Form):
    vote = forms.ChoiceField(
        label=_("Vote of the Beirat"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    meeting_date = forms.DateField(
        label=_("Beirat meeting on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a written procedure (Umlaufverfahren)."),
    )
    text = forms.CharField(
        label=_("Text of the vote"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
