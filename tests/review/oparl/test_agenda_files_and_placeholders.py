"""Real vendor data: agenda items' files (the decision document), placeholder phrases, locations
repeated in the description, undated papers, and Beratungsfolge dates with their year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import AgendaItem, File, Meeting, Review
from review.oparl.fixture_server import FixtureServer
from review.oparl.sync import run_sync
from tests import factories as f

from . import oparl_objects as o

pytestmark = pytest.mark.django_db
Serve = Callable[..., FixtureServer]
DECISION_URL = "https://ris.example.org/files/beschluss-a1.pdf"


def _decided(result: str = "einstimmig beschlossen", **agenda: object) -> dict[str, object]:
    return o.agenda_item(
        "a1",
        "m1",
        result=result,
        resolutionFile={
            "id": o.oid("files", "beschluss-a1"),
            "name": "Beschluss zu TOP a1",
            "mimeType": "application/pdf",
            "accessUrl": DECISION_URL,
        },
        auxiliaryFile=[
            {"id": o.oid("files", "anlage-a1"), "name": "Präsentation", "accessUrl": DECISION_URL}
        ],
        **agenda,
    )


def _sync(
    tmp_path: Path, serve: Serve, agenda: dict[str, object], *, runs: int = 1, **meeting: object
) -> None:
    root = o.write(
        tmp_path,
        organizations=[o.org("soz", "Sozialausschuss")],
        meetings=[o.meeting("m1", o.in_days(-3), ["soz"], agendaItem=[agenda], **meeting)],
        papers=[
            o.paper("p1", "Sprachkurse", [o.consultation("c1", "m1", ("soz",), "a1")]),
        ],
    )
    source = f.make_source(system_url=serve(root).system_url)
    for _ in range(runs):
        run_sync(source)


def test_the_decision_document_and_attachments_of_agenda_items_are_imported(
    tmp_path: Path, serve: Serve
) -> None:
    _sync(tmp_path, serve, _decided())
    item = AgendaItem.objects.get(number="a1")
    decision = File.objects.get(is_resolution_file=True)
    assert (decision.agenda_item, decision.meeting) == (item, item.meeting)
    assert decision.name == "Beschluss zu TOP a1" and decision.url == DECISION_URL
    attachment = File.objects.get(name="Präsentation")
    assert attachment.agenda_item == item and not attachment.is_resolution_file
    paper = item.consultations.get().paper
    assert [f.name for f in paper.decision_files()] == ["Beschluss zu TOP a1", "Präsentation"]


def test_a_second_run_keeps_the_agenda_files_as_they_are(tmp_path: Path, serve: Serve) -> None:
    _sync(tmp_path, serve, _decided(), runs=2)
    assert File.objects.filter(agenda_item__isnull=False).count() == 2
    assert File.all_objects.filter(deleted=True).count() == 0


def test_the_decision_document_is_shown_where_the_decision_is(tmp_path: Path, serve: Serve):
    _sync(tmp_path, serve, _decided())
    paper = AgendaItem.objects.get().consultations.get().paper
    review = Review.objects.filter(paper=paper).first() or f.make_review(paper)
    review.decision_result = "einstimmig beschlossen"
    review.save()
    client = f.logged_in_client(f.officer())
    paper_page = client.get(reverse("papers:detail", args=[paper.pk])).content.decode()
    assert f'href="{DECISION_URL}" data-testid="resolution-file">Beschlussdokument' in paper_page
    case_page = client.get(reverse("workflows:review_detail", args=[review.pk])).content.decode()
    # The case page reads the Beratungsfolge its own way (oparl.consultations_of_paper).
    steps = case_page.split('data-testid="consultations"', 1)[1].split("</table>", 1)[0]
    assert f'href="{DECISION_URL}" data-testid="resolution-file">Beschlussdokument' in steps
    decision = case_page.split('id="outcome-heading"', 1)[1].split("</section>", 1)[0]
    assert "einstimmig beschlossen" in decision
    assert "Beschluss zu TOP a1" in decision and "Beschlussdokument" in decision


def test_kein_text_vorhanden_is_no_decision(tmp_path: Path, serve: Serve) -> None:
    _sync(
        tmp_path,
        serve,
        _decided(result="(kein Text vorhanden)", resolutionText="(kein Text vorhanden)"),
    )
    item = AgendaItem.objects.get()
    assert (item.result, item.resolution_text) == ("", "")
    paper = item.consultations.get().paper
    html = f.logged_in_client(f.officer()).get(reverse("papers:detail", args=[paper.pk]))
    assert "kein Text vorhanden" not in html.content.decode()


def test_a_location_repeated_in_the_description_is_shown_once(tmp_path: Path, serve: Serve) -> None:
    location = {
        "description": "Rathaus, Großer Sitzungssaal, Marktplatz 1",
        "room": "Großer Sitzungssaal",
        "streetAddress": "Marktplatz 1",
    }
    _sync(tmp_path, serve, _decided(), location=location)
    assert Meeting.objects.get().location == "Rathaus, Großer Sitzungssaal, Marktplatz 1"


def test_room_and_street_are_added_when_the_description_lacks_them(
    tmp_path: Path, serve: Serve
) -> None:
    location = {"description": "Rathaus", "room": "Saal 2", "streetAddress": "Marktplatz 1"}
    _sync(tmp_path, serve, _decided(), location=location)
    assert Meeting.objects.get().location == "Rathaus, Saal 2, Marktplatz 1"


def test_undated_papers_sort_last_both_ways() -> None:
    f.make_paper("Ohne Datum", reference="V-ohne", date=None)
    f.make_paper("Neu", reference="V-neu", date=date(2026, 3, 1))
    f.make_paper("Alt", reference="V-alt", date=date(2025, 3, 1))
    client = f.logged_in_client(f.officer())
    for sort, expected in [("-date", ["V-neu", "V-alt"]), ("date", ["V-alt", "V-neu"])]:
        html = client.get(reverse("papers:list"), {"sort": sort}).content.decode()
        table = html.split('data-testid="paper-table"', 1)[1]
        positions = [table.index(ref) for ref in [*expected, "V-ohne"]]
        assert positions == sorted(positions), sort


def test_beratungsfolge_dates_in_the_list_show_the_year() -> None:
    committee = f.make_organization("Sozialausschuss")
    paper = f.make_paper("Sprachkurse")
    start = timezone.make_aware(datetime(2027, 1, 14, 17, 0))
    f.make_consultation(paper, f.make_meeting(committee, start=start), organization=committee)
    html = f.logged_in_client(f.officer()).get(reverse("papers:list")).content.decode()
    assert "(14.01.2027)" in html
