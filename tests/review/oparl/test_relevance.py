"""Relevance on import: cases open with score, reasons and deadlines; outcomes flow back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from review.models import AuditEvent, KeywordTerm, Organization, Review, Source
from review.oparl.fixture_server import FixtureServer
from review.oparl.sync import run_sync
from review.signals import decision_imported, review_opened
from tests.factories import make_source

from . import oparl_objects as o

pytestmark = pytest.mark.django_db
Serve = Callable[..., FixtureServer]


def council(
    root: Path, papers: list[dict[str, Any]], meetings: list[dict[str, Any]] | None = None
) -> Path:
    return o.write(
        root,
        organizations=[o.org("ab", "Ausländerbeirat"), o.org("bau", "Bauausschuss")],
        meetings=meetings
        or [
            o.meeting("ab1", o.in_days(12), ["ab"]),
            o.meeting("bau1", o.in_days(20), ["bau"], agendaItem=[o.agenda_item("t1", "bau1")]),
        ],
        papers=papers,
    )


def watched_source(server: FixtureServer) -> Source:
    source = make_source(system_url=server.system_url)
    Organization.all_objects.create(
        source=source,
        oparl_id=o.oid("organizations", "ab"),
        name="ab",
        is_placeholder=True,
        is_watched=True,
        is_advisory_council=True,
    )
    return source


def resync(source: Source, server: FixtureServer) -> None:
    Source.objects.filter(pk=source.pk).update(system_url=server.system_url)
    source.refresh_from_db()
    run_sync(source, full=True)


def test_paper_consulted_in_a_watched_gremium_opens_a_case_with_reasons_and_deadline(
    tmp_path: Path, serve: Serve, django_capture_on_commit_callbacks: Any
) -> None:
    papers = [
        o.paper(
            "p1",
            "Neubau Feuerwache",
            [o.consultation("c1", "bau1", ("bau",)), o.consultation("c2", "ab1", ("ab",))],
        )
    ]
    server = serve(council(tmp_path, papers))
    opened: list[dict[str, Any]] = []
    review_opened.connect(lambda **kw: opened.append(kw), weak=False, dispatch_uid="t-opened")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = run_sync(watched_source(server))
    finally:
        review_opened.disconnect(dispatch_uid="t-opened")

    review = Review.objects.get()
    beirat_day = timezone.localdate() + timedelta(days=12)
    assert run.reviews_opened == 1
    assert review.relevance_score == 60
    assert review.relevance_reasons == [f"Beratung im Ausländerbeirat am {beirat_day:%d.%m.%Y}"]
    # Earliest upcoming meeting of the Beratungsfolge (the Beirat, day 12) minus 7 days.
    assert review.deadline == beirat_day - timedelta(days=7)
    assert opened == [
        {"signal": review_opened, "sender": Review, "review_id": review.pk, "opened_by_id": None}
    ]
    event = AuditEvent.objects.get(verb="review.opened")
    assert (event.actor_label, event.review_id) == ("oparl-sync", review.pk)


def test_keywords_with_word_forms_open_a_case_and_name_the_term(
    tmp_path: Path, serve: Serve
) -> None:
    papers = [
        o.paper(
            "p1",
            "Unterbringung von Geflüchteten im Lindenhof",
            [o.consultation("c1", "bau1", ("bau",))],
        )
    ]
    run_sync(make_source(system_url=serve(council(tmp_path, papers)).system_url))

    review = Review.objects.get()
    assert review.relevance_reasons == ["Geflüchtete — im Titel: … Geflüchteten …"]
    assert review.relevance_score == KeywordTerm.objects.get(term="Geflüchtete").weight
    assert review.deadline == timezone.localdate() + timedelta(days=20 - 7)
    assert [t.slug for t in review.topics.all()] == ["soziales"]


def test_weak_keywords_alone_and_unrelated_papers_open_no_case(
    tmp_path: Path, serve: Serve
) -> None:
    papers = [o.paper("p1", "Sanierung der Schule am Park"), o.paper("p2", "Straßenreinigung")]
    run_sync(make_source(system_url=serve(council(tmp_path, papers)).system_url))
    assert not Review.objects.exists()


def test_beirat_deadline_is_the_beirats_own_next_meeting_before_the_deadline(
    tmp_path: Path, serve: Serve
) -> None:
    meetings = [
        o.meeting("ab1", o.in_days(5), ["ab"]),
        o.meeting("bau1", o.in_days(30), ["bau"]),
    ]
    papers = [o.paper("p1", "Integrationskonzept", [o.consultation("c1", "bau1", ("bau",))])]
    run_sync(watched_source(serve(council(tmp_path, papers, meetings))))
    review = Review.objects.get()
    assert review.deadline == timezone.localdate() + timedelta(days=23)
    assert review.beirat_deadline == timezone.localdate() + timedelta(days=5)


def test_reimport_updates_reasons_and_deadline_but_never_opens_a_second_case(
    tmp_path: Path, serve: Serve
) -> None:
    papers = [o.paper("p1", "Integrationskonzept", [o.consultation("c1", "bau1", ("bau",))])]
    source = make_source(system_url=serve(council(tmp_path, papers)).system_url)
    run_sync(source)
    moved = [o.meeting("ab1", o.in_days(12), ["ab"]), o.meeting("bau1", o.in_days(40), ["bau"])]
    changed = [
        o.paper("p1", "Integrationskonzept und Asyl", [o.consultation("c1", "bau1", ("bau",))])
    ]
    resync(source, serve(council(tmp_path, changed, moved)))

    review = Review.objects.get()
    assert review.relevance_reasons == [
        "Asyl — im Titel: … Asyl …",
        "Integration — im Titel: … Integrationskonzept …",
    ]
    assert review.deadline == timezone.localdate() + timedelta(days=33)


def test_a_closed_case_is_never_reopened_or_changed(tmp_path: Path, serve: Serve) -> None:
    papers = [o.paper("p1", "Integrationskonzept", [o.consultation("c1", "bau1", ("bau",))])]
    source = make_source(system_url=serve(council(tmp_path, papers)).system_url)
    run_sync(source)
    Review.objects.update(status=Review.Status.CLOSED, closed_at=timezone.now())
    changed = [
        o.paper("p1", "Integrationskonzept und Asyl", [o.consultation("c1", "bau1", ("bau",))])
    ]
    resync(source, serve(council(tmp_path, changed)))

    review = Review.objects.get()
    assert review.status == Review.Status.CLOSED
    assert review.relevance_reasons == ["Integration — im Titel: … Integrationskonzept …"]


def test_agenda_item_result_flows_back_onto_the_review(
    tmp_path: Path, serve: Serve, django_capture_on_commit_callbacks: Any
) -> None:
    papers = [o.paper("p1", "Integrationskonzept", [o.consultation("c1", "bau1", ("bau",), "t1")])]
    source = make_source(system_url=serve(council(tmp_path, papers)).system_url)
    run_sync(source)
    decided = [
        o.meeting("ab1", o.in_days(12), ["ab"]),
        o.meeting(
            "bau1",
            o.in_days(20),
            ["bau"],
            agendaItem=[
                o.agenda_item(
                    "t1",
                    "bau1",
                    result="mit Änderungen beschlossen",
                    resolutionText="Der Ausschuss beschließt …",
                )
            ],
        ),
    ]
    imported: list[int] = []
    decision_imported.connect(
        lambda **kw: imported.append(kw["review_id"]), weak=False, dispatch_uid="t-dec"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            resync(source, serve(council(tmp_path, papers, decided)))
    finally:
        decision_imported.disconnect(dispatch_uid="t-dec")

    review = Review.objects.get()
    assert review.decision_result == "mit Änderungen beschlossen"
    assert review.decision_text == "Der Ausschuss beschließt …"
    assert review.decided_at is not None
    assert imported == [review.pk]
    assert AuditEvent.objects.filter(verb="review.decision_imported", review=review).count() == 1


def test_a_moved_meeting_moves_the_deadline_of_an_open_case(tmp_path: Path, serve: Serve) -> None:
    papers = [o.paper("p1", "Integrationskonzept", [o.consultation("c1", "bau1", ("bau",))])]
    source = make_source(system_url=serve(council(tmp_path, papers)).system_url)
    run_sync(source)
    moved = [o.meeting("ab1", o.in_days(12), ["ab"]), o.meeting("bau1", o.in_days(30), ["bau"])]

    resync(source, serve(council(tmp_path, papers, moved)))  # the paper itself is unchanged

    assert Review.objects.get().deadline == timezone.localdate() + timedelta(days=23)


def _moved(paper: dict[str, Any], base: str = "https://neu.example.org/oparl") -> dict[str, Any]:
    return {**paper, "id": paper["id"].replace(o.BASE, base)}


def _one_case(tmp_path: Path, serve: Serve) -> tuple[Source, list[dict[str, Any]]]:
    """A source whose one relevant paper has a case, and that paper as the source serves it."""
    papers = [o.paper("p1", "Integrationskonzept", [o.consultation("c1", "bau1", ("bau",))])]
    source = make_source(system_url=serve(council(tmp_path / "old", papers)).system_url)
    run_sync(source)
    return source, papers


def test_a_case_follows_its_paper_when_the_host_moves_and_no_second_case_opens(
    tmp_path: Path, serve: Serve
) -> None:
    source, papers = _one_case(tmp_path, serve)
    case = Review.objects.get()
    resync(source, serve(council(tmp_path / "new", [_moved(p) for p in papers])))

    assert Review.objects.count() == 1
    case.refresh_from_db()
    assert case.paper.oparl_id == "https://neu.example.org/oparl/papers/p1"
    assert not case.paper.deleted
    event = AuditEvent.objects.get(verb="review.relinked")
    assert event.details == {
        "old_id": o.oid("papers", "p1"),
        "new_id": "https://neu.example.org/oparl/papers/p1",
    }
    from workflows.timeline import review_timeline

    entry = review_timeline(case)[-1]
    assert entry.sentence.startswith("Vorlage neu verknüpft")
    label, value = entry.details[0]
    assert (str(label), value) == ("Bisherige Kennung", o.oid("papers", "p1"))


def test_a_new_path_on_the_same_host_relinks_when_the_title_is_the_same(
    tmp_path: Path, serve: Serve
) -> None:
    source, papers = _one_case(tmp_path, serve)
    same_host = "https://ris.example.org/ris/oparl"
    resync(source, serve(council(tmp_path / "new", [_moved(p, same_host) for p in papers])))
    assert Review.objects.get().paper.oparl_id == f"{same_host}/papers/p1"


def test_another_paper_that_reuses_a_reference_gets_a_case_of_its_own(
    tmp_path: Path, serve: Serve
) -> None:
    source, papers = _one_case(tmp_path, serve)
    other = o.paper(
        "p2", "Integrationskurse an Volkshochschulen", [o.consultation("c2", "bau1", ("bau",))]
    )
    other["reference"] = papers[0]["reference"]  # same number, same host, another title
    resync(source, serve(council(tmp_path / "new", [*papers, other])))
    assert Review.objects.count() == 2
    assert not AuditEvent.objects.filter(verb="review.relinked").exists()
