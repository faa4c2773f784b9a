from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from review.models import Organization, Role

from .services import INVITABLE_ROLES


class LoginForm(AuthenticationForm):
    """Django's login form, refusing over-long names before they reach the lockout's table
    (its username column takes 255 characters; a longer one was an HTTP 500)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        # Django sets max_length after the field is built, so no validator enforces it.
        field.validators.append(
            MaxLengthValidator(
                getattr(field, "max_length", None) or 150,
                _("The username is too long (at most %(limit_value)d characters)."),
            )
        )


class TokenForm(forms.Form):
    """The six-digit code opens the phone's number pad (volunteers log in on their phones);
    a recovery code has letters, so its variant keeps the text keyboard."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six-digit code from your authenticator app."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if recovery:
            field = self.fields["token"]
            field.help_text = _("One of your recovery codes, e.g. 3f9a2-7c41b.")
            field.widget.attrs.update({"inputmode": "text", "autocomplete": "off"})


class SetupTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class InvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in INVITABLE_ROLES])
    organizations = forms.ModelMultipleChoiceField(
        label=_("Committees"),
        queryset=Organization.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Clerks see the statements for these committees; Beirat members their Beirat."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            end_date__isnull=True
        ).order_by("name")

    @property
    def role_value(self) -> Role:
        return Role(self.cleaned_data["role"])
