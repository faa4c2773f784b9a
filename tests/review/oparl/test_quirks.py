"""One test per quirk of the vendor table in oparl.md, reproduced by the fixture server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from review.models import Body, File, Meeting, Organization, Paper, Source, SyncRun
from review.oparl import client
from review.oparl.fixture_server import FixtureServer
from review.oparl.sync import run_sync
from tests.factories import make_source

from . import oparl_objects as o

pytestmark = pytest.mark.django_db
Serve = Callable[..., FixtureServer]
PAPERS = "/oparl/body/papers"


def simple(root: Path, routes: list[Any] | None = None, **extra: object) -> Path:
    objects: dict[str, object] = {
        "organizations": [o.org("soz", "Sozialausschuss")],
        "papers": [o.paper("p1", "Straßenreinigung"), o.paper("p2", "Friedhofssatzung")],
        **extra,
    }
    return o.write(root, routes=routes, **objects)  # type: ignore[arg-type]


def sync_dir(serve: Serve, root: Path, **options: object) -> SyncRun:
    server = serve(root, **options)
    return run_sync(make_source(system_url=server.system_url))


def test_filtered_list_without_hits_answered_with_404_is_an_empty_list(
    tmp_path: Path, serve: Serve
) -> None:
    routes = [
        {
            "path": "/oparl/body/meetings",
            "query_has": "modified_since",
            "status": 404,
            "body": json.dumps({"error": "Keine Daten"}),
        }
    ]
    run = sync_dir(serve, simple(tmp_path, routes))
    assert run.status == SyncRun.Status.SUCCESS
    assert Paper.objects.count() == 2


def test_empty_list_as_bare_array_and_a_single_object_instead_of_a_list(
    tmp_path: Path, serve: Serve
) -> None:
    routes = [
        {"path": "/oparl/body/meetings", "body": "[]"},
        {"path": "/oparl/body/organizations", "body": json.dumps(o.org("rat", "Stadtrat"))},
    ]
    run = sync_dir(serve, simple(tmp_path, routes))
    assert run.status == SyncRun.Status.SUCCESS
    assert list(Organization.objects.values_list("name", flat=True)) == ["Stadtrat"]


def test_deleted_objects_without_type_in_lists_are_tombstones_of_the_lists_kind(
    tmp_path: Path, serve: Serve
) -> None:
    papers = [o.paper("p1", "Straßenreinigung"), {"id": o.oid("papers", "p2"), "deleted": True}]
    run = sync_dir(serve, o.write(tmp_path, papers=papers))
    assert run.status == SyncRun.Status.SUCCESS
    assert Paper.all_objects.get(oparl_id=o.oid("papers", "p2")).deleted


def test_embedded_objects_without_type_or_dates_and_objects_where_urls_were_expected(
    tmp_path: Path, serve: Serve
) -> None:
    embedded = {
        "meeting": {"id": o.oid("meetings", "m1"), "name": "als Objekt"},
        "organization": [{"id": o.oid("organizations", "soz")}],
        "role": "Anhörung",
    }
    papers = [o.paper("p1", "Straßenreinigung", [embedded])]
    run = sync_dir(serve, o.write(tmp_path, papers=papers))
    assert run.status == SyncRun.Status.SUCCESS
    step = Paper.objects.get().consultations.get()
    assert step.role == "Anhörung"
    assert step.oparl_id == o.oid("papers", "p1") + "#consultation-0"
    assert step.meeting.oparl_id == o.oid("meetings", "m1")


def test_file_urls_with_double_slashes_repeated_extensions_and_odd_mime_types(
    tmp_path: Path, serve: Serve
) -> None:
    main = {
        "id": o.oid("files", "f1"),
        "accessUrl": "https://ris.example.org//files//a.pdf.pdf",
        "mimeType": "application/octetstream; charset=UTF-8",
        "size": 0,
        "downloadUrl": "",
    }
    aux = {"id": o.oid("files", "f2"), "mimeType": "pdf", "date": "2026-03-01T10:00:00+01:00"}
    papers = [o.paper("p1", "Straßenreinigung", mainFile=main, auxiliaryFile=aux)]
    sync_dir(serve, o.write(tmp_path, papers=papers))
    first = File.objects.get(oparl_id=o.oid("files", "f1"))
    assert first.access_url == "https://ris.example.org/files/a.pdf"
    assert (first.mime_type, first.size, first.download_url) == (
        "application/octet-stream",
        None,
        "",
    )
    second = File.objects.get(oparl_id=o.oid("files", "f2"))  # auxiliaryFile as an object
    assert (second.mime_type, str(second.date)) == ("application/pdf", "2026-03-01")


def test_ags_with_a_lost_leading_zero_is_restored(tmp_path: Path, serve: Serve) -> None:
    root = simple(tmp_path)
    (root / "body.json").write_text(
        json.dumps({"id": o.BASE + "/bodies/1", "name": "X", "ags": 5212000})
    )
    sync_dir(serve, root)
    assert Body.objects.get().ags == "05212000"


def test_whitespace_na_and_trailing_newlines_are_cleaned(tmp_path: Path, serve: Serve) -> None:
    papers = [o.paper("p1", "  Straßenreinigung\n", reference="N/A", paperType="   ")]
    sync_dir(serve, o.write(tmp_path, papers=papers))
    paper = Paper.objects.get()
    assert (paper.name, paper.reference, paper.paper_type) == ("Straßenreinigung", "", "")


def test_ids_longer_than_255_characters_and_vendor_extension_keys(
    tmp_path: Path, serve: Serve
) -> None:
    long_id = o.oid("papers", "p" * 400)
    papers = [{**o.paper("x", "Lange ID"), "id": long_id, "SD.NET:intern": {"a": 1}}]
    sync_dir(serve, o.write(tmp_path, papers=papers))
    assert Paper.objects.get().oparl_id == long_id


def test_slow_pages_and_a_5xx_on_every_5th_request_still_complete(
    tmp_path: Path, serve: Serve
) -> None:
    run = sync_dir(serve, simple(tmp_path), fail_every=5, latency_ms=500, page_size=1)
    assert run.status == SyncRun.Status.SUCCESS
    assert Paper.objects.count() == 2
    assert run.requests > 6  # the failed ones were retried


def test_modified_since_answered_with_an_html_503_falls_back_to_the_unfiltered_list(
    tmp_path: Path, serve: Serve
) -> None:
    routes = [
        {
            "path": PAPERS,
            "query_has": "modified_since",
            "status": 503,
            "content_type": "text/html",
            "body": "<html>Wartung</html>",
        }
    ]
    run = sync_dir(serve, simple(tmp_path, routes))
    assert Paper.objects.count() == 2
    assert "ungefiltert" in run.errors.get().message


def test_limit_answered_with_400_is_dropped(tmp_path: Path, serve: Serve) -> None:
    routes = [{"path": PAPERS, "query_has": "limit", "status": 400, "body": "{}"}]
    server = serve(simple(tmp_path, routes))
    run = run_sync(make_source(system_url=server.system_url, page_size=1))
    assert Paper.objects.count() == 2
    assert "limit" in run.errors.get().message


@pytest.mark.parametrize("encoding", ["plain_utc", "percent"])
def test_modified_since_encoding_is_configurable_per_source(
    tmp_path: Path, serve: Serve, encoding: str
) -> None:
    server = serve(simple(tmp_path))
    run_sync(make_source(system_url=server.system_url, query_encoding=encoding))
    sent = next(p for p in server.request_log if p.startswith(PAPERS))
    value = sent.split("modified_since=")[1].split("&")[0]
    assert value == (
        "1970-01-01T00:00:00Z" if encoding == "plain_utc" else "1970-01-01T00%3A00%3A00%2B00%3A00"
    )


def test_sessionnet_gets_plain_utc_timestamps_by_default(tmp_path: Path, serve: Serve) -> None:
    server = serve(simple(tmp_path, system={"vendor": "Somacos", "product": "SessionNet"}))
    run_sync(make_source(system_url=server.system_url))
    assert any("modified_since=1970-01-01T00:00:00Z" in p for p in server.request_log)


def test_pagination_without_totals_and_404_as_text_plain(tmp_path: Path, serve: Serve) -> None:
    page = {"data": [o.paper("p1", "Straßenreinigung")], "links": {}}
    routes = [
        {"path": PAPERS, "body": json.dumps(page)},
        {
            "path": "/oparl/body/meetings",
            "status": 404,
            "content_type": "text/plain",
            "body": "Not Found",
        },
    ]
    run = sync_dir(serve, simple(tmp_path, routes))
    assert run.status == SyncRun.Status.SUCCESS
    assert Paper.objects.count() == 1


def test_list_fields_named_consultations_and_files(tmp_path: Path, serve: Serve) -> None:
    paper = o.paper("p1", "Straßenreinigung")
    paper["consultations"] = [o.consultation("c1", "m1", ("soz",))]
    paper["files"] = [{"id": o.oid("files", "f1"), "name": "Anlage"}]
    del paper["consultation"]
    sync_dir(serve, o.write(tmp_path, papers=[paper]))
    imported = Paper.objects.get()
    assert imported.consultations.count() == 1
    assert imported.files.get().name == "Anlage"


def test_endless_paging_loop_ends_the_run_with_a_clear_message(
    tmp_path: Path, serve: Serve
) -> None:
    routes = [{"path": PAPERS, "loop": True}]
    run = sync_dir(serve, simple(tmp_path, routes), page_size=1)
    assert run.status == SyncRun.Status.FAILED
    assert "Endlosschleife" in run.errors.get().message


def test_ids_that_do_not_match_the_served_host_are_kept_as_ids(
    tmp_path: Path, serve: Serve
) -> None:
    sync_dir(serve, simple(tmp_path))
    # The server runs on 127.0.0.1, the ids name ris.example.org (like /oparl/ vs /ris/oparl/).
    assert Paper.objects.filter(oparl_id__startswith="https://ris.example.org/").count() == 2


def test_invalid_json_with_unescaped_control_characters_is_read(
    tmp_path: Path, serve: Serve
) -> None:
    paper_id = o.oid("papers", "p1")
    body = '{"data": [{"id": "' + paper_id + '", "name": "Zeile\x01eins\tzwei"}], "links": {}}'
    run = sync_dir(serve, simple(tmp_path, [{"path": PAPERS, "body": body}]))
    assert run.status == SyncRun.Status.SUCCESS
    assert Paper.objects.get().name.startswith("Zeile")


def test_date_times_in_date_fields_and_a_broken_timezone(tmp_path: Path, serve: Serve) -> None:
    meetings = [o.meeting("m1", "2026-05-04T17:00:00+01::00", ["soz"])]
    papers = [o.paper("p1", "X", date="2026-05-01T00:00:00+02:00")]
    sync_dir(serve, simple(tmp_path, meetings=meetings, papers=papers))
    assert str(Paper.objects.get().date) == "2026-05-01"
    assert Meeting.objects.get().start.isoformat() == "2026-05-04T16:00:00+00:00"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("<html><body>Fehler 42</body></html>", "text/html", "HTML-Seite"),
        ('{"data": [{"id": "https://ris.example.org/x", "na', "application/json", "kein gültiges"),
    ],
)
def test_html_error_page_or_truncated_json_ends_the_run_and_leaves_earlier_data(
    tmp_path: Path, serve: Serve, body: str, content_type: str, expected: str
) -> None:
    root = simple(tmp_path)
    source = make_source(system_url=serve(root).system_url)
    run_sync(source)
    before = list(Paper.objects.values_list("pk", "name", "content_hash").order_by("pk"))
    o.write(
        root,
        papers=[o.paper("p1", "Neu"), o.paper("p2", "Neu")],
        routes=[{"path": PAPERS, "body": body, "content_type": content_type}],
    )
    Source.objects.filter(pk=source.pk).update(system_url=serve(root).system_url)
    source.refresh_from_db()

    run = run_sync(source, full=True)

    assert run.status == SyncRun.Status.FAILED
    assert expected in run.errors.get().message
    assert list(Paper.objects.values_list("pk", "name", "content_hash").order_by("pk")) == before


def test_vendor_modified_set_to_now_on_every_object_changes_nothing(
    tmp_path: Path, serve: Serve
) -> None:
    root = simple(tmp_path)
    source = make_source(system_url=serve(root).system_url)
    run_sync(source)
    papers = [
        o.paper("p1", "Straßenreinigung", modified=o.now_stamp()),
        o.paper("p2", "Friedhofssatzung", modified=o.now_stamp()),
    ]
    Source.objects.filter(pk=source.pk).update(
        system_url=serve(simple(root, papers=papers)).system_url
    )
    source.refresh_from_db()
    run = run_sync(source)
    assert (run.created, run.updated, run.unchanged) == (0, 0, 2)


def test_unknown_path_answered_with_the_system_object_is_not_imported(
    tmp_path: Path, serve: Serve
) -> None:
    system = {"id": "x", "type": "https://schema.oparl.org/1.1/System", "name": "System"}
    routes = [{"path": "/oparl/body/meetings", "body": json.dumps(system)}]
    run = sync_dir(serve, simple(tmp_path, routes))
    assert Meeting.objects.count() == 0
    assert "System statt Meeting" in run.errors.get().message


def test_next_link_to_a_foreign_host_is_refused(tmp_path: Path, serve: Serve) -> None:
    page = {"data": [o.paper("p1", "X")], "links": {"next": "https://evil.example/page2"}}
    run = sync_dir(serve, simple(tmp_path, [{"path": PAPERS, "body": json.dumps(page)}]))
    assert run.status == SyncRun.Status.FAILED
    assert "fremden Server" in run.errors.get().message


def test_hosts_that_move_are_handled_by_full_reconciliation(tmp_path: Path, serve: Serve) -> None:
    root = simple(tmp_path)
    source = make_source(system_url=serve(root).system_url)
    run_sync(source)
    moved = [{**o.paper("p1", "Straßenreinigung"), "id": "https://neu.example.org/p1"}]
    Source.objects.filter(pk=source.pk).update(
        system_url=serve(simple(root, papers=moved)).system_url
    )
    source.refresh_from_db()
    run_sync(source, full=True)
    assert list(Paper.objects.values_list("oparl_id", flat=True)) == ["https://neu.example.org/p1"]


def test_client_messages_are_german_module_constants() -> None:
    assert "Endlosschleife" in client.PAGING_LOOP


def test_a_list_answered_with_404_is_not_reconciled_away_in_a_full_run(
    tmp_path: Path, serve: Serve
) -> None:
    root = simple(tmp_path, meetings=[o.meeting("m1", o.in_days(3), ["soz"])])
    source = make_source(system_url=serve(root).system_url)
    run_sync(source)
    routes = [{"path": "/oparl/body/meetings", "status": 404, "body": "{}"}]
    Source.objects.filter(pk=source.pk).update(system_url=serve(simple(root, routes)).system_url)
    source.refresh_from_db()

    run = run_sync(source, full=True)

    assert run.status == SyncRun.Status.SUCCESS
    assert Meeting.objects.filter(oparl_id=o.oid("meetings", "m1")).exists()
