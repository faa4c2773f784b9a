"""A small OParl 1.1 server for tests, the benchmark and the demo.

It serves a directory with one JSON file per object (`papers/*.json`, `meetings/*.json`, …, as
in the Karlsruhe archive) or one list file per kind (`organizations.json`) as paged lists that
follow OParl 1.1: `links.next` paging, `modified_since`/`modified_until`/`limit` filters, and
tombstones only when `modified_since` is given. Optional `system.json`/`body.json` supply the
System's and Body's fields; their list URLs always point at this server. Files in `files/` are
served as `/oparl/files/<name>` (attachments whose text the sync reads).

Vendor misbehaviour is reproduced with `_routes.json`: a list of overrides
`{"path": "/oparl/body/papers", "query_has": "modified_since", "status": 503,
"content_type": "text/html", "body": "...", "times": 1, "loop": false}`; `loop: true` answers
the first page of the list again and again with a fresh `next` link (an endless paging loop).
"""

from __future__ import annotations

import json
import mimetypes
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

PREFIX = "/oparl"
KINDS = {
    "organization": ("organizations", "Organization"),
    "person": ("persons", "Person"),
    "meeting": ("meetings", "Meeting"),
    "paper": ("papers", "Paper"),
}
SCHEMA = "https://schema.oparl.org/1.1/"
MAX_LIMIT = 1000


def parse_since(value: str) -> datetime:
    """Strict like SessionNet: no microseconds, an offset or Z."""
    if "." in value:
        raise ValueError("microseconds are not accepted")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("timezone missing")
    return parsed


@dataclass
class Entry:
    oparl_id: str
    modified: datetime | None
    deleted: bool
    raw: bytes


@dataclass
class FixtureData:
    root: Path
    lists: dict[str, list[Entry]] = field(default_factory=dict)
    system: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    routes: list[dict[str, Any]] = field(default_factory=list)
    # Objects by the path of their id, for GETs of single objects (placeholder resolution).
    by_path: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> FixtureData:
        data = cls(root=root)
        for kind, (plural, _type) in KINDS.items():
            objects: list[dict[str, Any]] = []
            folder = root / plural
            if folder.is_dir():
                objects.extend(_read_json(path) for path in folder.glob("*.json"))
            list_file = root / f"{plural}.json"
            if list_file.is_file():
                loaded = _read_json(list_file)
                objects.extend(loaded["data"] if isinstance(loaded, dict) else loaded)
            objects.sort(key=lambda obj: str(obj.get("id", "")))
            data.lists[kind] = [_entry(obj) for obj in objects]
            for entry in data.lists[kind]:
                data.by_path[urlsplit(entry.oparl_id).path] = entry.raw
        for name in ("system", "body"):
            path = root / f"{name}.json"
            if path.is_file():
                setattr(data, name, _read_json(path))
        routes = root / "_routes.json"
        if routes.is_file():
            data.routes = _read_json(routes)
        return data

    def body_id(self) -> str:
        if self.body.get("id"):
            return str(self.body["id"])
        for entries in self.lists.values():
            for entry in entries:
                body = json.loads(entry.raw).get("body")
                if isinstance(body, str) and body:
                    return body
        return "urn:stellwerk:fixture:body"


def _read_json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def _entry(obj: dict[str, Any]) -> Entry:
    modified = None
    if isinstance(obj.get("modified"), str):
        try:
            modified = datetime.fromisoformat(obj["modified"].replace("Z", "+00:00"))
        except ValueError:
            modified = None
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return Entry(str(obj.get("id", "")), modified, bool(obj.get("deleted")), raw)


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        root: Path,
        *,
        port: int = 0,
        latency_ms: int = 0,
        fail_every: int = 0,
        page_size: int = 100,
        die_after: int = 0,
    ) -> None:
        super().__init__(("127.0.0.1", port), FixtureHandler)
        self.data = FixtureData.load(root)
        self.latency = latency_ms / 1000
        self.fail_every = fail_every
        self.die_after = die_after
        self.page_size = page_size
        self.requests = 0
        self.request_log: list[str] = []
        self._counter_lock = threading.Lock()
        self._route_uses: dict[int, int] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{PREFIX}"

    @property
    def system_url(self) -> str:
        return f"{self.base_url}/system"

    def count_request(self, path: str) -> int:
        with self._counter_lock:
            self.requests += 1
            self.request_log.append(path)
            return self.requests

    def matching_route(self, path: str, query: str) -> dict[str, Any] | None:
        with self._counter_lock:
            for index, route in enumerate(self.data.routes):
                if route["path"] != path or route.get("query_has", "") not in query:
                    continue
                used = self._route_uses.get(index, 0)
                if route.get("times") is not None and used >= route["times"]:
                    continue
                self._route_uses[index] = used + 1
                return route
        return None

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="oparl-fixture",
        )
        thread.start()
        return thread

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class FixtureHandler(BaseHTTPRequestHandler):
    server: FixtureServer
    protocol_version = "HTTP/1.1"
    # Without TCP_NODELAY every response waits ~30 ms for Nagle's algorithm.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and the benchmark print their own summaries

    def do_GET(self) -> None:
        number = self.server.count_request(self.path)
        if self.server.die_after and number > self.server.die_after:
            # Simulates a dead server: the connection closes without an answer.
            self.close_connection = True
            self.connection.close()
            return
        if self.server.latency:
            time.sleep(self.server.latency)
        if self.server.fail_every and number % self.server.fail_every == 0:
            self._send(500, "text/html", b"<html><body>Internal Server Error</body></html>")
            return
        parts = urlsplit(self.path)
        route = self.server.matching_route(parts.path, parts.query)
        if route is not None and not route.get("loop"):
            body = str(route.get("body", "")).encode()
            self._send(
                route.get("status", 200), route.get("content_type", "application/json"), body
            )
            return
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if route is not None:
            query["_loop"] = "1"
        self._dispatch(parts.path, query)

    def _dispatch(self, path: str, query: dict[str, str]) -> None:
        base = self.server.base_url
        data = self.server.data
        if path in (PREFIX, PREFIX + "/", PREFIX + "/system"):
            system = {
                "type": SCHEMA + "System",
                "oparlVersion": "https://schema.oparl.org/1.1/",
                "name": "Stellwerk-Testserver",
                **data.system,
                "id": f"{base}/system",
                "body": f"{base}/bodies",
            }
            self._json(system)
        elif path == PREFIX + "/bodies":
            self._json({"data": [self._body()], "pagination": {}, "links": {}})
        elif path == PREFIX + "/body":
            self._json(self._body())
        elif path.startswith(PREFIX + "/body/"):
            plural = path.removeprefix(PREFIX + "/body/")
            kind = next((k for k, (p, _t) in KINDS.items() if p == plural), None)
            if kind is None:
                self._error(404, "Unbekannte Liste")
            else:
                self._list(kind, path, query)
        elif path.startswith(PREFIX + "/files/"):
            self._file(path.removeprefix(PREFIX + "/files/"))
        elif path in data.by_path:
            self._send(200, "application/json; charset=utf-8", data.by_path[path])
        else:
            self._error(404, "Nicht gefunden")

    def _body(self) -> dict[str, Any]:
        base = self.server.base_url
        data = self.server.data
        body: dict[str, Any] = {"type": SCHEMA + "Body", "name": "Testkommune", **data.body}
        body["id"] = data.body_id()
        body["system"] = f"{base}/system"
        for kind, (plural, _type) in KINDS.items():
            body[kind] = f"{base}/body/{plural}"
        return body

    def _list(self, kind: str, path: str, query: dict[str, str]) -> None:
        entries = self.server.data.lists.get(kind, [])
        try:
            since = parse_since(query["modified_since"]) if "modified_since" in query else None
            until = parse_since(query["modified_until"]) if "modified_until" in query else None
            limit = min(int(query.get("limit", self.server.page_size)), MAX_LIMIT)
            page = int(query.get("page", "1"))
        except ValueError as error:
            self._error(400, f"Ungültiger Parameter: {error}")
            return
        if limit < 1 or page < 1:
            self._error(400, "Ungültiger Parameter")
            return
        if since is None:
            selected = [e for e in entries if not e.deleted]
        else:
            selected = [e for e in entries if e.modified is None or e.modified >= since]
        if until is not None:
            selected = [e for e in selected if e.modified is None or e.modified <= until]
        looping = "_loop" in query
        chunk = selected[:limit] if looping else selected[(page - 1) * limit : page * limit]
        links: dict[str, str] = {}
        params = {k: v for k, v in query.items() if k != "_loop"}
        if looping or page * limit < len(selected):
            links["next"] = f"http://{self.headers.get('Host')}{path}?" + urlencode(
                {**params, "page": page + 1}
            )
        pagination = {
            "totalElements": len(selected),
            "elementsPerPage": limit,
            "currentPage": page,
            "totalPages": max(1, -(-len(selected) // limit)),
        }
        out = (
            b'{"data":['
            + b",".join(e.raw for e in chunk)
            + b'],"pagination":'
            + json.dumps(pagination).encode()
            + b',"links":'
            + json.dumps(links).encode()
            + b"}"
        )
        self._send(200, "application/json; charset=utf-8", out)

    def _file(self, name: str) -> None:
        """Attachments (`files/*.pdf` in the directory) for the text extraction."""
        path = self.server.data.root / "files" / name
        if "/" in name or name.startswith(".") or not path.is_file():
            self._error(404, "Datei nicht gefunden")
            return
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self._send(200, kind, path.read_bytes())

    def _json(self, obj: dict[str, Any]) -> None:
        self._send(200, "application/json; charset=utf-8", json.dumps(obj).encode())

    def _error(self, status: int, message: str) -> None:
        self._send(
            status, "application/json; charset=utf-8", json.dumps({"error": message}).encode()
        )

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
