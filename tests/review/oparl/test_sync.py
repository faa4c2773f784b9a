"""The sync run end to end against the project's fixture server on loopback."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from review.models import (
    AgendaItem,
    AuditEvent,
    Consultation,
    File,
    Meeting,
    Organization,
    Paper,
    SyncRun,
)
from review.oparl.fixture_server import FixtureServer
from review.oparl.sync import run_sync
from tests.factories import make_source

from . import oparl_objects as o

pytestmark = pytest.mark.django_db
Serve = Callable[..., FixtureServer]


def council(root: Path, **changes: object) -> Path:
    """Two Gremien, two meetings with agenda items, three papers with Beratungsfolgen."""
    objects: dict[str, object] = {
        "organizations": [o.org("soz", "Sozialausschuss"), o.org("rat", "Stadtrat")],
        "meetings": [
            o.meeting("m1", o.in_days(10), ["soz"], agendaItem=[o.agenda_item("a1", "m1")]),
            o.meeting("m2", o.in_days(20), ["rat"], agendaItem=[o.agenda_item("a2", "m2")]),
        ],
        "papers": [
            o.paper(
                "p1",
                "Straßenreinigung",
                [o.consultation("c1", "m1", ("soz",), "a1"), o.consultation("c2", "m2", ("rat",))],
                mainFile={"id": o.oid("files", "f1"), "name": "Vorlage", "mimeType": "pdf"},
            ),
            o.paper("p2", "Friedhofssatzung", [o.consultation("c3", "m2", ("rat",), "a2")]),
            o.paper("p3", "Parkgebühren"),
        ],
    }
    objects.update(changes)
    return o.write(root, **objects)  # type: ignore[arg-type]


def test_full_sync_imports_gremien_meetings_papers_and_beratungsfolgen(
    tmp_path: Path, serve: Serve
) -> None:
    server = serve(council(tmp_path), page_size=2)
    run = run_sync(make_source(system_url=server.system_url))

    assert run.status == SyncRun.Status.SUCCESS
    assert Organization.objects.count() == 2
    assert Meeting.objects.count() == 2
    assert Paper.objects.count() == 3
    p1 = Paper.objects.get(reference="V-p1")
    steps = list(p1.consultations.order_by("order"))
    assert [c.meeting.name for c in steps] == ["Sitzung m1", "Sitzung m2"]
    assert steps[0].agenda_item.number == "a1"
    assert [org.name for org in steps[0].organizations.all()] == ["Sozialausschuss"]
    assert p1.files.get().mime_type == "application/pdf"
    # Paging follows links.next: pages of two objects each.
    assert any("page=2" in path for path in server.request_log)


def test_second_run_changes_nothing_and_writes_no_audit_events(
    tmp_path: Path, serve: Serve
) -> None:
    server = serve(council(tmp_path))
    source = make_source(system_url=server.system_url)
    run_sync(source)
    events = AuditEvent.objects.count()

    again = run_sync(source, full=True)

    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert again.unchanged == 2 + 2 + 3
    assert AuditEvent.objects.count() == events


def test_incremental_run_asks_only_for_changes_since_the_last_run_minus_overlap(
    tmp_path: Path, serve: Serve
) -> None:
    server = serve(council(tmp_path))
    source = make_source(system_url=server.system_url, overlap_minutes=60)
    first = run_sync(source)

    second = run_sync(source)

    assert not second.is_full
    assert second.modified_since is not None
    assert first.started_at - second.modified_since == pytest.approx(
        __import__("datetime").timedelta(minutes=60),
        abs=__import__("datetime").timedelta(seconds=1),
    )
    sent = [path for path in server.request_log if "papers" in path][-1]
    assert "modified_since=" in sent
    assert "." not in sent.split("modified_since=")[1].split("&")[0]  # no microseconds


def test_tombstone_without_type_soft_deletes_and_keeps_the_row(
    tmp_path: Path, serve: Serve
) -> None:
    source = make_source(system_url=serve(council(tmp_path)).system_url)
    run_sync(source)
    papers = [
        o.paper("p1", "Straßenreinigung"),
        o.paper("p2", "Friedhofssatzung"),
        o.tombstone("papers", "p3", name="", reference=""),
    ]
    source.system_url = serve(council(tmp_path, papers=papers)).system_url
    source.save()

    run = run_sync(source)

    assert run.deleted >= 1
    gone = Paper.all_objects.get(reference="V-p3")
    assert gone.deleted and gone.deleted_at is not None
    assert not Paper.objects.filter(reference="V-p3").exists()
    assert gone.name == "Parkgebühren"  # the tombstone's empty strings do not overwrite data


def test_changed_parent_replaces_its_embedded_children_as_a_set(
    tmp_path: Path, serve: Serve
) -> None:
    source = make_source(system_url=serve(council(tmp_path)).system_url)
    run_sync(source)
    # In 1.0 a consultation can vanish without a tombstone: only c2 remains for p1.
    changed = [
        o.paper("p1", "Straßenreinigung (geändert)", [o.consultation("c2", "m2", ("rat",))]),
        o.paper("p2", "Friedhofssatzung", [o.consultation("c3", "m2", ("rat",), "a2")]),
        o.paper("p3", "Parkgebühren"),
    ]
    source.system_url = serve(council(tmp_path, papers=changed)).system_url
    source.save()

    run = run_sync(source, full=True)

    p1 = Paper.objects.get(reference="V-p1")
    assert p1.name == "Straßenreinigung (geändert)"
    assert [c.oparl_id for c in p1.consultations.filter(deleted=False)] == [
        o.oid("consultations", "c2")
    ]
    assert Consultation.all_objects.get(oparl_id=o.oid("consultations", "c1")).deleted
    assert File.all_objects.get(oparl_id=o.oid("files", "f1")).deleted  # mainFile gone too
    assert run.updated == 1


def test_dangling_references_become_placeholders_that_a_later_run_fills_in(
    tmp_path: Path, serve: Serve
) -> None:
    papers = [o.paper("p9", "Kulturförderung", [o.consultation("c9", "m9", ("kult",), "a9")])]
    source = make_source(system_url=serve(o.write(tmp_path, papers=papers)).system_url)

    run = run_sync(source)

    assert run.status == SyncRun.Status.SUCCESS
    placeholder = Meeting.all_objects.get(oparl_id=o.oid("meetings", "m9"))
    assert placeholder.is_placeholder
    assert Organization.all_objects.get(oparl_id=o.oid("organizations", "kult")).is_placeholder
    assert AgendaItem.all_objects.get(oparl_id=o.oid("agendaitems", "a9")).meeting == placeholder

    o.write(
        tmp_path,
        organizations=[o.org("kult", "Kulturausschuss")],
        meetings=[o.meeting("m9", o.in_days(5), ["kult"], agendaItem=[o.agenda_item("a9", "m9")])],
        papers=papers,
    )
    source.system_url = serve(tmp_path).system_url
    source.save()
    run_sync(source, full=True)

    resolved = Meeting.objects.get(oparl_id=o.oid("meetings", "m9"))
    assert resolved.pk == placeholder.pk and not resolved.is_placeholder
    assert resolved.name == "Sitzung m9"
    assert Organization.objects.get(pk=resolved.organizations.get().pk).name == "Kulturausschuss"


def test_full_reconciliation_soft_deletes_objects_no_longer_listed(
    tmp_path: Path, serve: Serve
) -> None:
    source = make_source(system_url=serve(council(tmp_path)).system_url)
    run_sync(source)
    papers = [o.paper("p1", "Straßenreinigung"), o.paper("p2", "Friedhofssatzung")]
    source.system_url = serve(council(tmp_path, papers=papers)).system_url
    source.save()

    run_sync(source, full=True)

    assert set(Paper.objects.values_list("reference", flat=True)) == {"V-p1", "V-p2"}
    assert Paper.all_objects.get(reference="V-p3").deleted


def test_local_settings_of_a_gremium_survive_a_changed_import(tmp_path: Path, serve: Serve) -> None:
    source = make_source(system_url=serve(council(tmp_path)).system_url)
    run_sync(source)
    Organization.objects.filter(name="Sozialausschuss").update(is_watched=True, email="soz@x.de")
    orgs = [o.org("soz", "Ausschuss für Soziales"), o.org("rat", "Stadtrat")]
    source.system_url = serve(council(tmp_path, organizations=orgs)).system_url
    source.save()

    run_sync(source, full=True)

    soz = Organization.objects.get(oparl_id=o.oid("organizations", "soz"))
    assert (soz.name, soz.is_watched, soz.email) == ("Ausschuss für Soziales", True, "soz@x.de")


def test_a_full_run_fetches_placeholders_on_the_sources_host_one_by_one(
    tmp_path: Path, serve: Serve
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/oparl"
    hidden = {**o.meeting("m7", o.in_days(4), []), "id": f"{base}/meetings/m7"}
    step = {**o.consultation("c7"), "meeting": hidden["id"]}
    o.write(tmp_path, papers=[o.paper("p7", "Spielplatz", [step])])
    # The meeting list leaves it out (a dangling reference), but its id answers.
    (tmp_path / "meetings" / "m7.json").write_text(json.dumps(hidden))
    (tmp_path / "_routes.json").write_text(
        json.dumps([{"path": "/oparl/body/meetings", "body": "[]"}])
    )

    run = run_sync(make_source(system_url=serve(tmp_path, port=port).system_url))

    assert run.status == SyncRun.Status.SUCCESS
    meeting = Meeting.objects.get(oparl_id=hidden["id"])
    assert not meeting.is_placeholder and meeting.name == "Sitzung m7"
