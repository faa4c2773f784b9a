"""make bench-search: does the search find what an officer expects, and how fast, on real data.

Syncs the Karlsruhe archive into a fresh PostgreSQL database (BENCH_DATABASE_URL, default
`stellwerk_bench_search`) with scripts/bench_import.py's unpacking and fixture server; the sync
indexes what it wrote and refreshes the statistics itself. Then, right after the import and once
more after a pause with autovacuum's chance to run:

- recall per category: each query has a rule over the data (a pattern over paper titles, or the
  paper a Vorlage number names) that defines the papers a person would expect; recall is the
  share of them among the search's papers (the search code run in-process, as the page runs it);
- latency over HTTP against gunicorn, for the list htmx fetches while typing (`teil=ergebnisse`,
  no facets) and for the full page (Enter): every query with 1 client, then all with 10
  concurrent clients; p50/p95/p99 per category and overall;
- EXPLAIN of the statements a number, prefix, typo and word query send: no sequential scan of
  the index, term or paper table.

`--reuse` measures the database an earlier run imported (migrated first); instead of "right
after the import" it drops the planner statistics of the index tables and runs the refresh a
sync ends with, so the first pass still shows what a fresh import leaves.

Targets (2-core machine): overall recall >= 90 %, no category below 80 %, p95 <= 100 ms with
10 clients in every category, for the typing list and the full page; no sequential scan. Exits
non-zero when one is missed.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_import  # noqa: E402  (the scripts directory is no package)
import bench_web  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stellwerk_bench_search"
)
TARGETS = {"recall": 0.90, "category_recall": 0.80, "p95_ms": 100.0}
CLIENTS = 10
# Tables a search must never read whole (the small ones, e.g. the synonyms, may be).
LARGE_TABLES = {"review_searchentry", "review_paper", "review_searchterm"}
ROUNDS = 2  # every query this many times per client count


PASSWORD = "Bench-Passwort-2026!"


class Session:
    """One logged-in client: a session cookie, a fresh connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        conn = http.client.HTTPConnection(bench_web.HOST, self.port, timeout=timeout)
        conn.connect()
        # Without TCP_NODELAY, Nagle's algorithm and delayed ACKs add ~40 ms to each request.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        headers = {
            **(headers or {}),
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{bench_web.HOST}:{self.port}{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, data, response

    def log_in(self, username: str) -> None:
        status, html, _r = self.request("GET", "/anmelden/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert status == 200 and token, f"login page: {status}"
        body = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": PASSWORD,
            }
        )
        status, _html, _r = self.request("POST", "/anmelden/", body)
        assert status == 302, f"login failed for {username}: {status}"


def _t(pattern: str) -> Callable[[str, str], bool]:
    """Expected: the title matches this case-insensitive pattern."""
    compiled = re.compile(pattern, re.IGNORECASE)
    return lambda title, reference: bool(compiled.search(title))


def _ref(reference: str) -> Callable[[str, str], bool]:
    return lambda title, ref: ref == reference


# category → [(query, rule)]; the rules say what a person means, not what the engine does.
# Number queries are filled in from the data (papers with a four-digit-year reference).
QUERIES: dict[str, list[tuple[str, Callable[[str, str], bool]]]] = {
    "word": [
        ("Klimaschutz", _t(r"klimaschutz")),
        ("Feuerwehr", _t(r"feuerwehr")),
        ("Spielplatz", _t(r"spielpl[aä]tz")),
        ("Sanierung", _t(r"sanierung")),
        ("Straßenbahn", _t(r"stra(ß|ss)enbahn")),
        ("Wohnungsbau", _t(r"wohnungsbau")),
        ("Haushalt", _t(r"haushalt")),
        ("Radverkehr", _t(r"radverkehr")),
        ("Integration", _t(r"integration")),
        ("Barrierefreiheit", _t(r"barrierefrei")),
    ],
    "compound": [
        ("Unterkunft", _t(r"unterkunft|unterkünfte")),
        (
            "Flüchtlingsunterkunft",
            _t(r"(flüchtling|geflüchtete)\w*unterk|unterk\w* (für|von) (flüchtling|geflüchtet)"),
        ),
        ("Ausländer", _t(r"ausländer")),
        ("Behörde", _t(r"behörde")),
        ("Parkplatz", _t(r"parkpl[aä]tz")),
        ("Schule", _t(r"schule\b|schulen\b")),
        ("Beirat", _t(r"beirat")),
        ("Verkehr", _t(r"verkehr")),
        ("Bad", _t(r"bad\b|bades\b|bäder")),
        ("Sportplatz", _t(r"sportpl[aä]tz")),
    ],
    "plural/inflection": [
        ("Kitas", _t(r"\bkitas?\b|kita-")),
        ("Flüchtlinge", _t(r"flüchtling")),
        ("Schulen", _t(r"\bschulen?\b")),
        ("Bäume", _t(r"\bb(a|ä)um(e|es|en)?\b")),
        ("Wohnungen", _t(r"\bwohnung(en)?\b")),
        ("Anträge", _t(r"\bantr(a|ä)g(e|es|en)?\b")),
        ("Gebühren", _t(r"\bgebühr(en)?\b")),
        ("Straßen", _t(r"\bstra(ß|ss)en?\b")),
        ("Brücken", _t(r"\bbrücken?\b")),
        ("Kinder", _t(r"\bkind(er|ern|es)?\b")),
    ],
    "synonym": [
        ("Kita", _t(r"\bkita|kindertages|kindergärt|kindergart|kinderkrippe")),
        ("Nahverkehr", _t(r"nahverkehr|öpnv|\bstadtbahn|straßenbahn")),
        ("ÖPNV", _t(r"nahverkehr|öpnv|\bstadtbahn|straßenbahn")),
        ("Asyl", _t(r"asyl|geflüchtete|flüchtling")),
        ("Ampel", _t(r"\bampel|lichtsignal|\blsa\b")),
        ("Kindergarten", _t(r"\bkita|kindertages|kindergärt|kindergart|kinderkrippe")),
        ("Geflüchtete", _t(r"asyl|geflüchtete|flüchtling")),
        ("Radweg", _t(r"radweg|radverkehr|fahrradweg|radschnellweg")),
        ("Deutschkurs", _t(r"sprachkurs|deutschkurs|integrationskurs|sprachförder")),
        ("B-Plan", _t(r"bebauungsplan|b-plan")),
    ],
    "umlaut spelling": [
        ("Fluechtlinge", _t(r"flüchtling")),
        ("Gebuehren", _t(r"gebühr")),
        ("Auslaenderbehoerde", _t(r"ausländerbehörde")),
        ("Buergerbeteiligung", _t(r"bürgerbeteiligung")),
        ("Strassenbahn", _t(r"straßenbahn")),
        ("Baeume", _t(r"\bb(a|ä)um(e|es|en)?\b")),
        ("Schueler", _t(r"schüler")),
        ("Oeffentlichkeit", _t(r"öffentlichkeit")),
        ("Gruenflaeche", _t(r"grünfläche")),
        ("Massnahmen", _t(r"maßnahme")),
    ],
    "prefix": [
        ("Flücht", _t(r"\bflücht")),
        ("Integrat", _t(r"\bintegrat")),
        ("Klimasch", _t(r"\bklimasch")),
        ("Feuerw", _t(r"\bfeuerw")),
        ("Sanier", _t(r"\bsanier")),
        ("Bürgerbet", _t(r"\bbürgerbet")),
        ("Spielpl", _t(r"\bspielpl")),
        ("Haushaltss", _t(r"\bhaushaltss")),
        ("Digitali", _t(r"\bdigitali")),
        ("Barrieref", _t(r"\bbarrieref")),
    ],
    "typo": [
        ("Flüchtlnge", _t(r"flüchtling")),
        ("Integartion", _t(r"integration")),
        ("Klimascutz", _t(r"klimaschutz")),
        ("Feuerwher", _t(r"feuerwehr")),
        ("Bürgerbeteilgung", _t(r"bürgerbeteiligung")),
        ("Strassenbhan", _t(r"straßenbahn")),
        ("Sanirung", _t(r"sanierung")),
        ("Haushlat", _t(r"haushalt")),
        ("Spielpaltz", _t(r"spielplatz")),
        ("Digitalisirung", _t(r"digitalisierung")),
    ],
}
NUMBER_FORMS: list[Callable[[int, int], str]] = [
    lambda year, n: f"{year}/{n:04d}",
    lambda year, n: f"{year}/{n}",
    lambda year, n: f"{year % 100:02d}/{n:04d}",
    lambda year, n: f"{n:04d}/{year}",
    lambda year, n: f"{year} {n:04d}",
]


def number_queries(
    papers: list[tuple[int, str, str]],
) -> list[tuple[str, Callable[[str, str], bool]]]:
    """Ten papers with a "…YYYY/NNNN" reference, each in one of the usual forms."""
    pattern = re.compile(r"(?:^|/)((?:19|20)\d\d)/(\d{3,4})$")
    candidates = [(ref, pattern.search(ref)) for _pk, _title, ref in papers]
    found = [(ref, m) for ref, m in candidates if m]
    random.Random(14).shuffle(found)
    queries = []
    for i, (ref, match) in enumerate(found[:10]):
        year, number = int(match.group(1)), int(match.group(2))
        queries.append((NUMBER_FORMS[i % len(NUMBER_FORMS)](year, number), _ref(ref)))
    return queries


def import_karlsruhe() -> bool:
    archive = bench_import.find_archive()
    if archive is None:
        print("bench-search: the Karlsruhe archive is not in ../shared/data/oparl/ and "
              "BENCH_ARCHIVE is not set; nothing to measure.")  # fmt: skip
        return False
    os.environ["BENCH_DATABASE_URL"] = DATABASE_URL
    bench_import.prepare_database()
    os.environ.update(bench_web._env(), DATABASE_URL=DATABASE_URL)
    os.environ.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from review.models import Paper, SearchEntry, Source
    from review.oparl.sync import run_sync

    bench_import.unpack(archive)
    port = bench_import.free_port()
    server = start_fixture_server(port)
    try:
        source = Source.objects.create(
            name="Karlsruhe (Benchmark)",
            system_url=f"http://127.0.0.1:{port}/oparl/system",
            page_size=1000,
        )
        began = time.monotonic()
        run = run_sync(source)
        wall = time.monotonic() - began
    finally:
        server.terminate()
        server.wait()
    print(
        f"full sync with indexing: {wall:.1f} s, {Paper.objects.count():,} papers, "
        f"{SearchEntry.objects.count():,} index rows, run {run.status}"
    )
    return True


def start_fixture_server(port: int) -> subprocess.Popen[bytes]:
    """bench_import's fixture server, given longer to load the archive on a busy machine."""
    server = subprocess.Popen(
        [sys.executable, "manage.py", "oparl_fixture_server", str(bench_import.DATA),
         "--port", str(port), "--page-size", "1000"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("fixture server did not start")


def bench_user() -> str:
    from django.contrib.auth.models import Group

    from review.models import Role, User

    user = User.objects.create_user(username="bench-search", password=PASSWORD)
    user.groups.add(Group.objects.get(name=Role.OFFICER.value))
    return user.username


def recall(
    queries: dict[str, list[tuple[str, Callable[[str, str], bool]]]],
) -> tuple[dict[str, float], float]:
    """Recall per category (mean over its queries) and over all queries."""
    from review.models import Paper, SearchEntry, User
    from review.search import query

    user = User.objects.get(username="bench-search")
    papers = list(Paper.objects.values_list("pk", "name", "reference"))
    per_category: dict[str, list[float]] = defaultdict(list)
    print(f"\n{'category':<18}{'query':<24}{'expected':>9}{'found':>7}{'recall':>8}")
    for category, items in queries.items():
        for text, rule in items:
            expected = {pk for pk, title, ref in papers if rule(title or "", ref or "")}
            ranked = query.run(text=text, user=user, filters=query.Filters(kind="paper"))
            found = set(
                SearchEntry.objects.filter(pk__in=ranked.ids).values_list("object_id", flat=True)
            )
            share = len(expected & found) / len(expected) if expected else 1.0
            per_category[category].append(share)
            print(f"{category:<18}{text:<24}{len(expected):>9}{len(expected & found):>7}"
                  f"{share:>8.0%}")  # fmt: skip
    every = [share for shares in per_category.values() for share in shares]
    return {c: statistics.mean(v) for c, v in per_category.items()}, statistics.mean(every)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


# What is timed: the list htmx fetches while typing (no facets) and the full page after Enter.
KINDS = {
    "typing": ("&teil=ergebnisse", {"HX-Request": "true"}),
    "full page": ("", {}),
}


def latency(
    port: int,
    username: str,
    queries: dict[str, list[tuple[str, object]]],
    clients: int,
    kind: str,
) -> dict[str, list[float]]:
    work = [(c, q) for c, items in queries.items() for q, _rule in items] * ROUNDS
    random.Random(clients).shuffle(work)
    timings: dict[str, list[float]] = defaultdict(list)
    errors = 0
    lock = threading.Lock()
    sessions = []
    for _n in range(clients):
        session = Session(port)
        session.log_in(username)
        sessions.append(session)

    def worker(session: Session, share: list[tuple[str, str]]) -> None:
        nonlocal errors
        for category, text in share:
            began = time.perf_counter()
            suffix, headers = KINDS[kind]
            status, _body, _r = session.request(
                "GET", f"/suche/?q={quote(text)}{suffix}", headers=headers
            )
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                timings[category].append(elapsed)
                errors += status != 200

    threads = [
        threading.Thread(target=worker, args=(s, work[n::clients])) for n, s in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        timings["errors"] = [float(errors)]
    return timings


def print_latency(label: str, timings: dict[str, list[float]]) -> float:
    print(f"\n{label}")
    print(f"{'category':<18}{'requests':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    worst = 0.0
    everything: list[float] = []
    for category, values in timings.items():
        if category == "errors":
            continue
        everything += values
        p95 = _percentile(values, 95)
        worst = max(worst, p95)
        print(f"{category:<18}{len(values):>9}{statistics.median(values):>8.1f}{p95:>8.1f}"
              f"{_percentile(values, 99):>8.1f}")  # fmt: skip
    print(f"{'all':<18}{len(everything):>9}{statistics.median(everything):>8.1f}"
          f"{_percentile(everything, 95):>8.1f}{_percentile(everything, 99):>8.1f}"
          f"   errors: {int(timings.get('errors', [0])[0])}")  # fmt: skip
    return worst


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True
    )
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind",
         f"{bench_web.HOST}:{port}", "--workers", "4", "--log-level", "warning", "--preload"],
        cwd=ROOT,
        env={**bench_web._env(), "DATABASE_URL": DATABASE_URL},
    )  # fmt: skip
    try:
        wait_for_gunicorn(port, process)
    except BaseException:
        process.terminate()  # a server that never answered must not outlive the benchmark
        process.wait(timeout=30)
        raise
    return process


def measure(label: str, port: int, username: str, queries: dict) -> dict[str, float]:
    """The worst category's p95 with CLIENTS clients, per kind of request."""
    # Every worker loads templates and catalogues once, the typing list's partial too; with
    # words that are no query of the benchmark, so no timed request finds anything of its own
    # in a worker's caches.
    for text in ("Warmlauf", "2025/0001"):
        session = Session(port)
        session.log_in(username)
        for _n in range(8):
            # The first search of a worker reads the compound splitter's tables (seconds).
            for suffix, headers in KINDS.values():
                session.request(
                    "GET", f"/suche/?q={quote(text)}{suffix}", headers=headers, timeout=300
                )
    worst = {}
    for kind in KINDS:
        print_latency(f"{label}, {kind}: 1 client", latency(port, username, queries, 1, kind))
        worst[kind] = print_latency(
            f"{label}, {kind}: {CLIENTS} clients",
            latency(port, username, queries, CLIENTS, kind),
        )
    return worst


def reuse_import() -> bool:
    """`--reuse`: measure the data an earlier run imported, migrated to the current code. To
    stand in for "right after the import", the index tables' planner statistics are dropped
    and rebuilt by the refresh a sync ends with (`refresh_statistics`)."""
    os.environ.update(bench_web._env(), DATABASE_URL=DATABASE_URL)
    os.environ.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from django.db import connection

    from review.models import Paper, User
    from review.search.indexing import refresh_statistics

    User.objects.filter(username="bench-search").delete()
    if Paper.objects.count() < 10_000:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM pg_statistic WHERE starelid IN ('review_searchentry'::regclass, "
            "'review_searchentry_organizations'::regclass, 'review_searchentry_topics'::regclass, "
            "'review_searchterm'::regclass, 'review_paper'::regclass)"
        )
    began = time.monotonic()
    refresh_statistics()
    took = time.monotonic() - began
    print(f"--reuse: statistics dropped and refreshed as after a sync ({took:.1f} s)")
    return True


def explain(queries: dict[str, list[tuple[str, Callable[[str, str], bool]]]]) -> list[str]:
    """EXPLAIN every statement the search sends for the first number, prefix, typo and word
    query; the large tables read without an index (a sequential scan) are returned."""
    from django.db import connection

    from review.models import User
    from review.search import query

    user = User.objects.get(username="bench-search")
    scans = []
    sent: list[tuple[str, Any]] = []

    def log(execute: Callable, sql: str, params: object, many: bool, context: object) -> object:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    for category in ("number", "prefix", "typo", "word"):
        text = queries[category][0][0]
        sent.clear()
        with connection.execute_wrapper(log):
            query.run(text=text, user=user)
        with connection.cursor() as cursor:
            for sql, params in sent:
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                for table in re.findall(r"Seq Scan on (\w+)", plan):
                    if table in LARGE_TABLES:
                        scans.append(f"{category} {text!r}: sequential scan of {table}")
        print(f"EXPLAIN {category} {text!r}: {len(sent)} statements")
    return scans


def wait_for_gunicorn(port: int, process: subprocess.Popen[bytes]) -> None:
    """bench_web's wait, with time for a machine busy with other jobs."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; see its output above")
        try:
            with socket.create_connection((bench_web.HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 600 s")


def main() -> int:
    if "--reuse" in sys.argv[1:]:
        if not reuse_import():
            print("--reuse: no imported data in the bench database; run without --reuse")
            return 1
    elif not import_karlsruhe():
        return 0
    from review.models import Paper

    username = bench_user()
    papers = list(Paper.objects.values_list("pk", "name", "reference"))
    queries = {**QUERIES, "number": number_queries(papers)}
    print(f"search benchmark, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, "
          f"{sum(len(v) for v in queries.values())} queries")  # fmt: skip
    failures = explain(queries)
    for scan in failures:
        print(scan)
    port = bench_import.free_port()
    gunicorn = start_gunicorn(port)
    try:
        first = (
            "right after the statistics refresh (--reuse)"
            if "--reuse" in sys.argv
            else "right after the import"
        )
        fresh = measure(first, port, username, queries)
        per_category, overall = recall(queries)
        print(
            "\nrecall per category: " + ", ".join(f"{c} {v:.0%}" for c, v in per_category.items())
        )
        print(f"recall overall (mean over all queries): {overall:.0%}")
        later = measure("a second pass", port, username, queries)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    if overall < TARGETS["recall"]:
        failures.append(f"overall recall {overall:.0%} < {TARGETS['recall']:.0%}")
    for category, value in per_category.items():
        if value < TARGETS["category_recall"]:
            failures.append(f"{category} recall {value:.0%} < {TARGETS['category_recall']:.0%}")
    print(f"\nworst category p95 with {CLIENTS} clients (target {TARGETS['p95_ms']:.0f} ms):")
    for label, worst in ((first, fresh), ("a second pass", later)):
        for kind, p95 in worst.items():
            print(f"  {label}, {kind}: {p95:.0f} ms")
            if p95 > TARGETS["p95_ms"]:
                failures.append(f"{label}, {kind}: worst category p95 {p95:.0f} ms")
    for failure in failures:
        print("NOT MET:", failure)
    if not failures:
        print("targets met")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
