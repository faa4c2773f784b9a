from __future__ import annotations

from datetime import date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_MESSAGE_BYTES = 20 * 1024 * 1024


class OfferForm(forms.Form):
    closed_before = forms.DateField(
        label=_("Cases closed before"),
        help_text=_("Every case closed before this day and not yet offered goes into the list."),
        # ISO: a date input takes no other value, and German localisation would write 05.12.2025,
        # which the browser drops, so the prefilled day was sent empty.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def cutoff(self) -> datetime:
        day: date = self.cleaned_data["closed_before"]
        return timezone.make_aware(datetime.combine(day, time.min))


class MessageUploadForm(forms.Form):
    """An xdomea message from the archive (0502 evaluation or 0504 receipt)."""

    file = forms.FileField(
        label=_("xdomea message (.xml)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_MESSAGE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError(_("Please upload the archive's message as an .xml file."))
        return bytes(upload.read())
