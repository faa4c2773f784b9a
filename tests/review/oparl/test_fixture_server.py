"""The fixture server speaks OParl 1.1 the way the sync expects from a well-behaved server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from review.oparl.fixture_server import FixtureServer

from . import oparl_objects as o

Serve = Callable[..., FixtureServer]


def directory(root: Path) -> Path:
    papers = [o.paper(f"p{n}", f"Vorlage {n}") for n in range(5)]
    papers.append(o.tombstone("papers", "gone"))
    return o.write(root, papers=papers, system={"vendor": "Teststadt-IT"})


def test_lists_are_paged_through_links_next_and_hide_tombstones_without_a_filter(
    tmp_path: Path, serve: Serve
) -> None:
    server = serve(directory(tmp_path), page_size=2)
    system = httpx.get(server.system_url).json()
    body = httpx.get(system["body"]).json()["data"][0]
    url, ids = body["paper"], []
    while url:
        page = httpx.get(url).json()
        ids += [obj["id"] for obj in page["data"]]
        url = page["links"].get("next")
    assert system["vendor"] == "Teststadt-IT"
    assert body["id"] == o.BASE + "/bodies/1"
    assert len(ids) == 5 and o.oid("papers", "gone") not in ids


def test_modified_since_returns_changes_and_tombstones_and_rejects_microseconds(
    tmp_path: Path, serve: Serve
) -> None:
    server = serve(directory(tmp_path))
    papers = f"{server.base_url}/body/papers"
    recent = httpx.get(papers, params={"modified_since": o.now_stamp(-5)}).json()["data"]
    assert [obj["id"] for obj in recent] == [o.oid("papers", "gone")]
    assert (
        httpx.get(papers, params={"modified_since": "2026-01-01T00:00:00.5+00:00"}).status_code
        == 400
    )


def test_fail_every_and_loopback_only(tmp_path: Path, serve: Serve) -> None:
    server = serve(directory(tmp_path), fail_every=2)
    statuses = [httpx.get(server.system_url).status_code for _ in range(4)]
    assert statuses == [200, 500, 200, 500]
    assert server.server_address[0] == "127.0.0.1"
