"""The report's period and filters, read from the query string."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.models import Organization, Source, Topic

from .figures import ReportFilter

PERIOD_TOO_LONG = _("Choose a period of at most five years.")
PERIOD_REVERSED = _("The end of the period lies before its start.")
MAX_DAYS = 5 * 366


def default_period(today: date | None = None) -> tuple[date, date]:
    """The past twelve months up to today."""
    today = today or timezone.localdate()
    start = date(today.year - 1, today.month, 1) + timedelta(days=31)
    return date(start.year, start.month, 1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class OrganizationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class ReportFilterForm(forms.Form):
    # The query parameters stay German: links to a report are shared, and a report document
    # keeps the parameters it was made with.
    PARAMETERS: ClassVar[dict[str, str]] = {
        "start": "von",
        "end": "bis",
        "topic": "thema",
        "organization": "gremium",
        "lead_office": "federfuehrung",
        "source": "quelle",
    }

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("all"),
    )
    organization = OrganizationField(
        label=_("Committee"),
        required=False,
        queryset=Organization.objects.filter(deleted=False).order_by("name", "pk"),
        empty_label=_("all"),
    )
    lead_office = OrganizationField(
        label=_("Lead office"),
        required=False,
        queryset=Organization.objects.filter(deleted=False).order_by("name", "pk"),
        empty_label=_("all"),
    )
    source = forms.ModelChoiceField(
        label=_("Source"), required=False, queryset=Source.objects.all(), empty_label=_("all")
    )

    def add_prefix(self, field_name: str) -> str:
        """The field's query parameter."""
        return self.PARAMETERS.get(field_name, field_name)

    @classmethod
    def from_query(cls, query: Any) -> ReportFilterForm:
        """Bound to the query string, with the default period where none is given."""
        data = query.copy()
        start, end = default_period()
        data.setdefault("von", start.isoformat())
        data.setdefault("bis", end.isoformat())
        return cls(data)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(PERIOD_REVERSED)
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(PERIOD_TOO_LONG)
        return data

    def report_filter(self) -> ReportFilter:
        """The filter of a valid form; the default period for an invalid one."""
        if not self.is_valid():
            return ReportFilter(*default_period())
        data = self.cleaned_data
        return ReportFilter(
            start=data["start"],
            end=data["end"],
            topic=data["topic"],
            organization=data["organization"],
            lead_office=data["lead_office"],
            source=data["source"],
        )

    def query_params(self) -> dict[str, str]:
        """The valid filters as query parameters, for the links behind the figures."""
        if not self.is_valid():
            start, end = default_period()
            return {"von": start.isoformat(), "bis": end.isoformat()}
        keys = [self.add_prefix(name) for name in self.fields]
        params = {key: str(self.data.get(key, "")) for key in keys}
        return {key: value for key, value in params.items() if value}
