"""make bench-web: the office's pages under load.

Uses the PostgreSQL database `stellwerk_bench` (shared with `make bench-import`, which syncs the
Karlsruhe archive into it), adds 5,000 reviews spread over every status, starts gunicorn on
loopback (4 workers, port 8180) with Redis as its shared cache, as in production (database 13,
emptied first, so every run starts cold), and lets 20 logged-in clients request the inbox, the
review list and a random one of the 5,000 review pages for 60 seconds. Prints requests/s,
p50/p95/p99 and errors per page and overall.
Targets on the 2-core machine: >= 150 requests/s, p95 <= 150 ms, 0 errors.
"""

from __future__ import annotations

import argparse
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
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_NAME = "stellwerk_bench"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
HOST = "127.0.0.1"
PASSWORD = "Bench-Passwort-2026!"
KARLSRUHE_PREFIX = "https://web1.karlsruhe.de/"
# gunicorn runs as in production, with Redis as the shared cache (sessions, permissions, page
# parts); a database of its own, emptied before each run, so every run starts cold.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
TARGETS = {"rps": 150.0, "p95_ms": 150.0}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    env.update(
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY="bench-web-" + "x" * 50,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        # Not production's 30 minutes idle matter here, only that sessions outlive the run.
        SESSION_IDLE_SECONDS="3600",
        LOGIN_FAILURE_LIMIT="1000",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def create_database() -> None:
    import psycopg

    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
            print(f"created database {DB_NAME}")


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=_env(), check=True)


def setup_django() -> None:
    os.environ.update(_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_karlsruhe() -> bool:
    """True when the Karlsruhe archive is synced into the bench database."""
    from django.db import connections

    from review.models import Paper

    count = Paper.objects.filter(oparl_id__startswith=KARLSRUHE_PREFIX).count()
    if count >= 10_000:
        print(f"Karlsruhe data present: {count} papers")
        return True
    helper = ROOT / "scripts" / "bench_import.py"
    if helper.exists():
        print("Karlsruhe data missing: syncing it with scripts/bench_import.py …")
        # The import benchmark recreates the database and leaves its synced data in it; our
        # connection must not hold the database open meanwhile.
        connections.close_all()
        result = subprocess.run([PYTHON, str(helper)], cwd=ROOT, env=_env())
        connections.close_all()
        if result.returncode == 0:
            count = Paper.objects.filter(oparl_id__startswith=KARLSRUHE_PREFIX).count()
            if count >= 10_000:
                return True
    print(
        "NOTE: the Karlsruhe archive is not synced into stellwerk_bench (run `make bench-import`"
        " first, it needs ../shared/data/oparl/karlsruhe-2026-08.tar.gz). Using synthetic papers"
        " instead; the figures are then not comparable with the targets' data set."
    )
    return False


def synthetic_papers(count: int) -> None:
    from django.utils import timezone

    from review.models import Consultation, Meeting, Organization, Paper

    existing = Paper.objects.count()
    if existing >= count:
        return
    orgs = [Organization.objects.get_or_create(name=f"Bench-Gremium {n}")[0] for n in range(1, 11)]
    now = timezone.now()
    meetings = []
    for n, org in enumerate(orgs):
        for week in range(8):
            meeting = Meeting.objects.create(
                name=f"Sitzung {org.name}", start=now + timedelta(days=7 * week + n)
            )
            meeting.organizations.add(org)
            meetings.append((org, meeting))
    papers = Paper.objects.bulk_create(
        [
            Paper(
                name=f"Bench-Vorlage {n}: Maßnahmen zur Integration im Stadtteil {n % 40}",
                reference=f"B{n:05d}/26",
                paper_type=["Beschlussvorlage", "Informationsvorlage", "Antrag"][n % 3],
                date=now.date() - timedelta(days=n % 365),
            )
            for n in range(existing, count)
        ],
        batch_size=2000,
    )
    consultations = []
    for i, paper in enumerate(papers):
        for step in range(2):
            _org, meeting = meetings[(i + step * 7) % len(meetings)]
            consultations.append(
                Consultation(paper=paper, meeting=meeting, role="Vorberatung", order=step)
            )
    created = Consultation.objects.bulk_create(consultations, batch_size=2000)
    through = Consultation.organizations.through
    by_meeting = {meeting.pk: org for org, meeting in meetings}
    through.objects.bulk_create(
        [
            through(consultation_id=c.pk, organization_id=by_meeting[c.meeting_id].pk)
            for c in created
        ],
        batch_size=5000,
    )
    print(f"created {len(papers)} synthetic papers")


def bench_users() -> list[str]:
    from django.contrib.auth.models import Group

    from review.models import Role, User

    names = [f"bench-officer-{n}" for n in range(10)]
    for name in names:
        user, created = User.objects.get_or_create(
            username=name, defaults={"first_name": "Bench", "last_name": name[-1]}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(*Group.objects.filter(name__in=[Role.HEAD.value, Role.OFFICER.value]))
    return names


def bench_tasks(usernames: list[str], per_user: int) -> None:
    """Running flows: `per_user` drafting tasks in each bench user's inbox, as many triage tasks
    in the team queue. Moved through the real services, like the demo data."""
    from django.db import transaction

    from review.models import Paper, Review, User
    from workflows.demo import STEPS
    from workflows.flows import start_for_review
    from workflows.models import ReviewProcess

    users = list(User.objects.filter(username__in=usernames).order_by("username"))
    wanted = 2 * per_user * len(users)
    if ReviewProcess.objects.count() >= wanted:
        return
    drafting = dict(STEPS)["drafting"]
    today = date.today()
    papers = Paper.objects.filter(review__isnull=True).order_by("id")[:wanted]
    started = time.monotonic()
    for n, paper in enumerate(papers):
        review = Review.objects.create(paper=paper, deadline=today + timedelta(days=n % 40))
        with transaction.atomic():
            start_for_review(review)
            if n % 2 == 0:
                officer = users[(n // 2) % len(users)]
                head = users[(n // 2 + 1) % len(users)]
                drafting(review, officer, officer, head)
    print(f"started {wanted} flows in {time.monotonic() - started:.0f} s")


def bench_reviews(count: int, usernames: list[str]) -> list[int]:
    """`count` reviews over every status, with statements and audit events like real cases."""
    from django.utils import timezone

    from review.models import AuditEvent, Paper, Review, Statement, StatementVersion, User
    from review.models.audit import GENESIS_HASH

    existing = list(Review.objects.values_list("pk", flat=True)[:count])
    if len(existing) >= count:
        return existing
    users = list(User.objects.filter(username__in=usernames))
    statuses = list(Review.Status)
    today = timezone.localdate()
    now = timezone.now()
    papers = Paper.objects.filter(review__isnull=True).order_by("-date", "-id")
    reviews = []
    for n, paper in enumerate(papers[: count - len(existing)].iterator()):
        status = statuses[n % len(statuses)]
        closed = status in Review.Status.closed_values()
        reviews.append(
            Review(
                paper=paper,
                status=status,
                assignee=None if status == Review.Status.NEW else users[n % len(users)],
                relevance_score=(n * 37) % 101,
                relevance_reasons=["Stichwort: Integration", "Beratung im Ausländerbeirat"],
                deadline=today + timedelta(days=(n % 90) - 30),
                closed_at=now if closed else None,
                close_reason="Keine Betroffenheit." if closed else "",
            )
        )
    created = Review.objects.bulk_create(reviews, batch_size=2000)
    statements = Statement.objects.bulk_create(
        [Statement(review=r) for r in created if r.status != Review.Status.NEW], batch_size=2000
    )
    StatementVersion.objects.bulk_create(
        [
            StatementVersion(
                statement=s,
                number=number,
                author=users[i % len(users)],
                facts="Die Vorlage sieht vor, …",
                assessment="Aus Sicht der Integration …",
                recommendation="approve",
            )
            for i, s in enumerate(statements)
            for number in (1, 2)
        ],
        batch_size=4000,
    )
    # The hash chain is computed here, in order, and written in one go (record() is per row).
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    previous = last or GENESIS_HASH
    events = []
    for i, review in enumerate(created):
        for verb in ("review.opened", "review.triaged", "review.assigned", "statement.saved"):
            event = AuditEvent(
                verb=verb,
                actor=users[i % len(users)],
                review=review,
                object_id=str(review.pk),
                object_repr=f"Vorgang {review.pk}",
                created_at=now,
                details={},
                prev_hash=previous,
            )
            event.hash = event.compute_hash()
            previous = event.hash
            events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=4000)
    print(f"created {len(created)} reviews, {len(statements)} statements, {len(events)} events")
    return existing + [r.pk for r in created]


# --- load -------------------------------------------------------------------------------------


class Session:
    """One logged-in client: a session cookie, a fresh connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        conn.connect()
        # Without TCP_NODELAY, Nagle's algorithm and delayed ACKs add ~40 ms to each request.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
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


def wait_for_server(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; see its output above")
        try:
            http.client.HTTPConnection(HOST, port, timeout=1).request("GET", "/anmelden/")
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def run_load(
    port: int, usernames: list[str], review_ids: list[int], clients: int, duration: float
) -> None:
    probe = Session(port)
    probe.log_in(usernames[0])
    inbox = "/aufgaben/" if probe.request("GET", "/aufgaben/")[0] == 200 else "/"
    if inbox == "/":
        print("NOTE: /aufgaben/ (inbox of the workflow) not available; measuring the start page")
    pages = {"inbox": lambda: inbox, "list": lambda: "/vorgaenge/"}
    pages["review"] = lambda: f"/vorgaenge/{random.choice(review_ids)}/"
    # Every worker compiles its templates and loads the catalogues on its first requests.
    for _n in range(8):
        for url in pages.values():
            probe.request("GET", url())
    # One client alone first: the service time of each page without queueing.
    for name, url in pages.items():
        alone = []
        for _n in range(10):
            began = time.perf_counter()
            probe.request("GET", url())
            alone.append((time.perf_counter() - began) * 1000)
        print(f"{name:<8} one client: median {statistics.median(alone):.1f} ms")
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    sessions = []
    for n in range(clients):
        session = Session(port)
        session.log_in(usernames[n % len(usernames)])
        sessions.append(session)
    start_event = threading.Event()
    stop_at = 0.0

    def worker(session: Session, offset: int) -> None:
        names = list(pages)
        i = offset
        start_event.wait()
        while time.monotonic() < stop_at:
            name = names[i % len(names)]
            i += 1
            began = time.perf_counter()
            try:
                status, _body, _r = session.request("GET", pages[name]())
                ok = status == 200
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                timings[name].append(elapsed)
                if not ok:
                    errors[name] += 1

    threads = [
        threading.Thread(target=worker, args=(s, n), daemon=True) for n, s in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at = began + duration
    start_event.set()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    report(timings, errors, wall, clients)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def report(
    timings: dict[str, list[float]], errors: dict[str, int], wall: float, clients: int
) -> None:
    print(f"\n{clients} clients, {wall:.1f} s")
    header = ["requests", "req/s", "p50 ms", "p95 ms", "p99 ms"]
    print(f"{'page':<8} " + " ".join(f"{h:>8}" for h in header) + " errors")
    everything: list[float] = []
    for name, values in timings.items():
        everything += values
        print(
            f"{name:<8} {len(values):>9} {len(values) / wall:>8.1f} "
            f"{statistics.median(values):>8.1f} {_percentile(values, 95):>8.1f} "
            f"{_percentile(values, 99):>8.1f} {errors[name]}"
        )
    total_errors = sum(errors.values())
    rps = len(everything) / wall
    p95 = _percentile(everything, 95)
    print(
        f"{'all':<8} {len(everything):>9} {rps:>8.1f} {statistics.median(everything):>8.1f} "
        f"{p95:>8.1f} {_percentile(everything, 99):>8.1f} {total_errors}"
    )
    met = rps >= TARGETS["rps"] and p95 <= TARGETS["p95_ms"] and total_errors == 0
    print(
        f"targets (>= {TARGETS['rps']:.0f} req/s, p95 <= {TARGETS['p95_ms']:.0f} ms, 0 errors): "
        + ("met" if met else "NOT met")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=5000)
    parser.add_argument("--tasks-per-user", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8180)
    args = parser.parse_args()

    create_database()
    manage("migrate", "--noinput", "-v", "0")
    setup_django()
    if not ensure_karlsruhe():
        synthetic_papers(args.reviews + 2 * args.tasks_per_user * 10)
    usernames = bench_users()
    review_ids = bench_reviews(args.reviews, usernames)
    bench_tasks(usernames, args.tasks_per_user)
    manage("collectstatic", "--noinput", "-v", "0")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"{HOST}:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            # Workers start with the code imported, not importing it on their first requests.
            "--preload",
        ],
        cwd=ROOT,
        env={**_env(), "REDIS_URL": REDIS_URL},
    )
    try:
        wait_for_server(args.port, gunicorn)
        run_load(args.port, usernames, review_ids, args.clients, args.duration)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


if __name__ == "__main__":
    main()
