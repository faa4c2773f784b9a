"""Where a request's time goes: CPU, wall time and SQL of single pages, in one process.

Runs the WSGI application as gunicorn does (production settings of `make bench-web`), signed in
with a session stored like a login leaves it, against a database `make bench-web` filled
(BENCH_DATABASE_URL) and a Redis for cache and sessions (BENCH_REDIS_URL):

    .venv/bin/python scripts/profile_pages.py                 # table: CPU, wall, queries per page
    .venv/bin/python scripts/profile_pages.py --profile case  # cProfile of one page, top entries
    .venv/bin/python scripts/profile_pages.py --sql floor     # the SQL one page sends

CPU time (`time.process_time`) is the figure to compare on a shared machine: wall time and
throughput depend on what else runs. Figures and their reading: docs/performance.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_web  # noqa: E402  (the scripts directory is no package)


def setup() -> None:
    os.environ.update(bench_web._env())
    os.environ["CACHE_KEY_PREFIX"] = f"profile-{os.getpid()}"
    import django

    django.setup()


def pages() -> dict[str, str]:
    from review.models import Review, SearchEntry

    found = {
        "floor": "/bench/boden/",
        "inbox": "/aufgaben/",
        "case list": "/vorgaenge/",
        "case list p3": "/vorgaenge/?seite=3",
        "case list status": "/vorgaenge/?status=drafting",
    }
    if reviews := list(Review.objects.order_by("id").values_list("pk", flat=True)[:101]):
        found["case page"] = f"/vorgaenge/{reviews[-1]}/"
    if SearchEntry.objects.exists():
        found["search page"] = "/suche/?q=Integration"
        found["search typo"] = "/suche/?q=Integartion"
        found["search number"] = "/suche/?q=2025/0576"
        found["search typing"] = "/suche/?q=Integrat&teil=ergebnisse"
    return found


def session_for(username: str) -> str:
    from bench_web_data import session_for as stored_session

    from review.models import User

    return stored_session(User.objects.get(username=username))


def call(path: str, session: str) -> tuple[int, int]:
    """One request through the WSGI handler; the status and the body's length."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = _handler(WSGIHandler)
    url, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": url,
        "QUERY_STRING": query,
        "SERVER_NAME": bench_web.HOST,
        "SERVER_PORT": "80",
        "HTTP_HOST": bench_web.HOST,
        "HTTP_COOKIE": f"sessionid={session}",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    if "teil=ergebnisse" in query:
        environ["HTTP_HX_REQUEST"] = "true"  # what htmx sends while typing
    status: list[str] = []
    body = b"".join(handler(environ, lambda s, h, *a: status.append(s)))
    return int(status[0].split()[0]), len(body)


_handlers: dict[type, Any] = {}


def _handler(cls: type) -> Any:
    if cls not in _handlers:
        _handlers[cls] = cls()
    return _handlers[cls]


class QueryLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        self.statements.append(sql)
        return execute(sql, *args)


def measure(path: str, session: str, rounds: int) -> tuple[float, float, int, int]:
    from django.db import connection

    call(path, session)  # templates compiled, catalogues loaded
    cpu, wall = [], []
    log = QueryLog()
    for _n in range(rounds):
        log.statements.clear()
        with connection.execute_wrapper(log):
            began_cpu, began = time.process_time(), time.perf_counter()
            status, _size = call(path, session)
            cpu.append((time.process_time() - began_cpu) * 1000)
            wall.append((time.perf_counter() - began) * 1000)
    return statistics.median(cpu), statistics.median(wall), len(log.statements), status


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--user", default="bench-officer-0")
    parser.add_argument("--profile", metavar="PAGE", help="cProfile of this page")
    parser.add_argument("--sql", metavar="PAGE", help="print the SQL of this page")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=45, help="entries of the profile shown")
    args = parser.parse_args()
    setup()
    session = session_for(args.user)
    known = pages()
    if args.profile:
        path = known[args.profile]
        call(path, session)
        profiler = cProfile.Profile(time.process_time)  # CPU: wall time depends on the load
        profiler.enable()
        for _n in range(args.rounds):
            call(path, session)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.lines)
        print(out.getvalue())
        return
    if args.sql:
        from django.db import connection

        log = QueryLog()
        call(known[args.sql], session)
        with connection.execute_wrapper(log):
            call(known[args.sql], session)
        for sql in log.statements:
            print(sql[:400], end="\n\n")
        return
    print(f"{'page':<20}{'status':>7}{'queries':>9}{'CPU ms':>9}{'wall ms':>9}")
    for name, path in known.items():
        cpu, wall, queries, status = measure(path, session, args.rounds)
        print(f"{name:<20}{status:>7}{queries:>9}{cpu:>9.1f}{wall:>9.1f}")


if __name__ == "__main__":
    main()
