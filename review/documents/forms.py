from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import DocumentKind
from review.reports import templates as report_templates

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


class TemplateUploadForm(forms.Form):
    # The statements' kinds, and the situation report's template (checked on the same path).
    kind = forms.ChoiceField(
        label=_("Dokumentart"),
        choices=[*DocumentKind.choices, (report_templates.KIND, report_templates.KIND_LABEL)],
    )
    file = forms.FileField(
        label=_("Word-Vorlage (.docx)"),
        help_text=_("Die Vorlage wird vor der Übernahme geprüft und mit Beispieldaten erstellt."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )
    note = forms.CharField(label=_("Anmerkung"), max_length=300, required=False)

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 10 MB."))
        if not upload.name.lower().endswith(".docx"):
            raise forms.ValidationError(_("Bitte eine Word-Datei im Format .docx hochladen."))
        return upload.read()
