"""The filters of the case list."""

from __future__ import annotations

import pytest

from tests import factories as f
from workflows.filters import OrganizationChoiceField, ReviewFilterForm

pytestmark = pytest.mark.django_db


def test_the_gremium_filter_shows_full_names_sorted_as_shown() -> None:
    f.make_organization("Haupt- und Finanzausschuss", short_name="HFA")
    f.make_organization("Ausländerbeirat", short_name="AB")
    f.make_organization("Integrationsausschuss", short_name="IA")
    f.make_organization("Rat")
    field = ReviewFilterForm().fields["gremium"]
    assert isinstance(field, OrganizationChoiceField)
    labels = [field.label_from_instance(o) for o in field.queryset]  # type: ignore[union-attr]
    assert labels == [
        "Ausländerbeirat (AB)",
        "Haupt- und Finanzausschuss (HFA)",
        "Integrationsausschuss (IA)",
        "Rat",
    ]
