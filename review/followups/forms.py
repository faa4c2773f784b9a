from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import FollowUp, Organization, User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.unit})" if obj.unit else str(obj)


class OpenFollowUpForm(forms.Form):
    task = forms.CharField(
        label=_("What has to be done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the lead office must do to carry out the decision."),
    )
    due_date = forms.DateField(label=_("Due by"), widget=DateInput())
    assignee = PersonField(
        label=_("Asked"),
        help_text=_("The colleague who reports whether the decision is carried out."),
        queryset=User.objects.filter(is_active=True, is_external=False).order_by(
            "last_name", "first_name", "username"
        ),
    )
    lead_office = forms.ModelChoiceField(
        label=_("Lead office"),
        required=False,
        queryset=Organization.objects.filter(deleted=False).order_by("name"),
        help_text=_("Empty: the paper's lead office."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUp.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “not implemented”: why not."),
    )
