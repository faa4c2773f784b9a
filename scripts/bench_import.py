"""Benchmark of the OParl sync with the Karlsruhe archive (`make bench-import`).

Unpacks ../shared/data/oparl/karlsruhe-2026-08.tar.gz into bench-data/, serves it with the
project's fixture server (a separate process, as a real server would be), and syncs it into a
fresh PostgreSQL database `stellwerk_bench` (or BENCH_DATABASE_URL): a full sync, a run with
nothing changed, and a run after 1 % of the papers changed. Prints wall time, objects per
second, peak memory (RSS) and SQL query count for each, and checks the expected totals.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE_NAME = "karlsruhe-2026-08.tar.gz"
DATA = ROOT / "bench-data" / "karlsruhe"
EXPECTED = {
    "live papers": 13_736,
    "soft-deleted papers": 268,
    "meetings": 2_609,
    "organizations": 97,
}


def find_archive() -> Path | None:
    candidates = [
        os.environ.get("BENCH_ARCHIVE", ""),
        str(ROOT.parent / "shared" / "data" / "oparl" / ARCHIVE_NAME),
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def prepare_database() -> str:
    url = (
        os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/stellwerk_bench"
    )
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def unpack(archive: Path) -> None:
    marker = DATA / ".unpacked"
    if marker.exists():
        return
    DATA.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(DATA, filter="data")
    marker.touch()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "oparl_fixture_server", str(DATA), "--port", str(port),
         "--page-size", "1000"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("fixture server did not start")


def change_one_percent() -> int:
    papers = sorted((DATA / "papers").glob("*.json"))
    changed = 0
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    for path in papers[::100]:
        obj = json.loads(path.read_text())
        if obj.get("deleted"):
            continue
        obj["name"] = f"{obj.get('name', '')} (geändert)"
        obj["modified"] = stamp
        path.write_text(json.dumps(obj, ensure_ascii=False))
        changed += 1
    return changed


def main() -> int:
    archive = find_archive()
    if archive is None:
        print(f"bench-import: {ARCHIVE_NAME} not found next to the repository (../shared/data/"
              "oparl/) and BENCH_ARCHIVE is not set; nothing to measure.")  # fmt: skip
        return 0
    os.environ["DATABASE_URL"] = prepare_database()
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from review.models import AuditEvent, Meeting, Organization, Paper, Source
    from review.oparl.sync import run_sync

    call_command("migrate", verbosity=0)
    # A fresh unpack: earlier 1 % changes must not leak into the full run.
    if (DATA / ".unpacked").exists():
        subprocess.run(["rm", "-rf", str(DATA)], check=True)
    unpack(archive)
    port = free_port()
    server = start_server(port)
    source = Source.objects.create(
        name="Karlsruhe (Benchmark)",
        system_url=f"http://127.0.0.1:{port}/oparl/system",
        page_size=1000,
    )
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    results = []
    failures = []
    try:
        for label in ("full", "no change", "1 % changed"):
            if label == "1 % changed":
                changed = change_one_percent()
                server.terminate()
                server.wait()
                server = start_server(port)
            queries = 0
            audit_before = AuditEvent.objects.count()
            started = time.monotonic()
            with connection.execute_wrapper(count):
                run = run_sync(source)
            wall = time.monotonic() - started
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            objects = run.created + run.updated + run.deleted + run.unchanged
            results.append((label, wall, objects / wall if wall else 0, rss, queries, run))
            if run.status != "success":
                messages = list(run.errors.values_list("message", flat=True))
                failures.append(f"{label}: run {run.status}: {messages}")
            if label == "no change" and (
                run.created
                or run.updated
                or run.deleted
                or AuditEvent.objects.count() != audit_before
            ):
                failures.append("no-change run changed rows or wrote audit events")
            if label == "1 % changed" and run.updated < changed:
                failures.append(f"1 % run updated {run.updated} rows, expected {changed}")
    finally:
        server.terminate()
        server.wait()
    totals = {
        "live papers": Paper.objects.filter(is_placeholder=False).count(),
        "soft-deleted papers": Paper.all_objects.filter(deleted=True).count(),
        "meetings": Meeting.objects.filter(is_placeholder=False).count(),
        "organizations": Organization.objects.filter(is_placeholder=False).count(),
    }
    print(f"OParl import benchmark, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs")
    print(f"{'run':<13}{'wall s':>8}{'objects/s':>11}{'peak RSS MB':>13}{'SQL queries':>13}"
          f"{'created':>9}{'updated':>9}{'deleted':>9}{'unchanged':>11}")  # fmt: skip
    for label, wall, rate, rss, count_, run in results:
        print(f"{label:<13}{wall:>8.1f}{rate:>11.0f}{rss:>13.0f}{count_:>13}"
              f"{run.created:>9}{run.updated:>9}{run.deleted:>9}{run.unchanged:>11}")  # fmt: skip
    for key, expected in EXPECTED.items():
        mark = "ok" if totals[key] == expected else f"EXPECTED {expected}"
        print(f"{key}: {totals[key]:,} {mark}")
        if totals[key] != expected:
            failures.append(f"{key}: {totals[key]} != {expected}")
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
