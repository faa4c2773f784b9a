"""Task pages show the paper with its Beratungsfolge."""

from __future__ import annotations

from review.models import Review
from tests import factories as f
from tests.workflows.conftest import Office, client_for, open_task, task_url
from workflows.flows import ReviewFlow


def test_the_triage_page_names_the_gremien_in_full(office: Office, review: Review) -> None:
    ia = f.make_organization("Integrationsausschuss", short_name="IA")
    f.make_consultation(review.paper, f.make_meeting(ia), organization=ia)
    task = open_task(review, ReviewFlow.triage)
    html = client_for(office.officer).get(task_url(task)).content.decode()
    assert "Integrationsausschuss (Vorberatung)" in " ".join(html.split())  # as it reads
