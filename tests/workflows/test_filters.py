"""The filters of the case list."""

from __future__ import annotations

import pytest

from tests import factories as f
from workflows.filters import OrganizationChoiceField, ReviewFilterForm

pytestmark = pytest.mark.django_db


def test_the_committee_filter_shows_full_names_sorted_as_shown() -> None:
    f.make_organization("Haupt- und Finanzausschuss", short_name="HFA")
    f.make_organization("Ausländerbeirat", short_name="AB")
    f.make_organization("Integrationsausschuss", short_name="IA")
    f.make_organization("Rat")
    field = ReviewFilterForm().fields["organization"]
    assert isinstance(field, OrganizationChoiceField)
    labels = [field.label_from_instance(o) for o in field.queryset]  # type: ignore[union-attr]
    assert labels == [
        "Ausländerbeirat (AB)",
        "Haupt- und Finanzausschuss (HFA)",
        "Integrationsausschuss (IA)",
        "Rat",
    ]


def test_the_fields_are_english_and_the_query_parameters_stay_german() -> None:
    topic = f.make_topic("Bildung", slug="bildung")
    form = ReviewFilterForm(
        {"frist": "ueberfaellig", "bearbeitung": "keine", "relevanz": "hoch", "thema": "bildung"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadline"] == "ueberfaellig"
    assert form.cleaned_data["assignee"] == "keine"
    assert form.cleaned_data["relevance"] == "hoch"
    names = {name: form[name].html_name for name in form.fields}
    assert names == {
        "status": "status",
        "deadline": "frist",
        "organization": "gremium",
        "assignee": "bearbeitung",
        "relevance": "relevanz",
        "topic": "thema",
    }
    assert 'name="frist"' in str(form["deadline"]) and 'id="id_frist"' in str(form["deadline"])
    assert form.cleaned_data["topic"] == topic
