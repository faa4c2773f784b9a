"""The filters of the case list."""

from __future__ import annotations

import pytest

from tests import factories as f
from workflows.filters import ReviewFilterForm

pytestmark = pytest.mark.django_db


def test_the_gremium_filter_shows_full_names_sorted_as_shown() -> None:
    f.make_organization("Haupt- und Finanzausschuss", short_name="HFA")
    f.make_organization("Ausländerbeirat", short_name="AB")
    f.make_organization("Integrationsausschuss", short_name="IA")
    f.make_organization("Rat")
    labels = [label for _value, label in ReviewFilterForm().fields["gremium"].choices][1:]
    assert labels == [
        "Ausländerbeirat (AB)",
        "Haupt- und Finanzausschuss (HFA)",
        "Integrationsausschuss (IA)",
        "Rat",
    ]
