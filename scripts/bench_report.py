"""make bench-report: the situation report on the web benchmark's data.

Builds what `make bench-web` builds (the Karlsruhe archive and 5,000 cases, in the database
`stellwerk_bench_report` or BENCH_DATABASE_URL), spreads the cases over five years and gives the
finished ones dispatches, receipts, Beirat votes and outcomes, then measures
- the report page for the last full year (in-process test client, signed in; median of 5 after
  one cold request),
- the Word report with its charts, CSV and XLSX made by the task's code (PDF/A too when a
  unoserver answers).
Targets on the 2-core machine: page <= 1 s, Word report <= 10 s. Exits 1 when one is missed.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/stellwerk_bench_report"
os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
sys.path.insert(0, str(ROOT / "scripts"))

# bench_web reads BENCH_DATABASE_URL when imported: the report's own database.
import bench_web  # noqa: E402
import bench_web_data  # noqa: E402

TARGETS = {"page_s": 1.0, "word_s": 10.0}
YEARS = 5


def spread_history(review_ids: list[int]) -> None:
    """Cases over five years; finished ones with what the report's figures look at."""
    from django.db import transaction
    from django.utils import timezone

    from review.models import BeiratVote, Dispatch, Review, StatementVersion, Topic, User

    if Dispatch.objects.filter(document_key__startswith="bench-report:").exists():
        return
    now = timezone.now()
    officer = User.objects.filter(username__startswith="bench-officer").first()
    topics = list(Topic.objects.all())
    outcomes = ["followed", "followed", "partly", "not_followed"]
    versions = dict(
        StatementVersion.objects.filter(number=1).values_list("statement__review_id", "pk")
    )
    with transaction.atomic():
        reviews = list(Review.objects.filter(pk__in=review_ids).select_related("paper"))
        dispatches, votes, topic_links = [], [], []
        through = Review.topics.through
        for n, review in enumerate(reviews):
            review.created_at = now - timedelta(days=(n * 7919) % (YEARS * 365))
            if review.status in (Review.Status.CLOSED, Review.Status.DISPATCHED):
                if review.status == Review.Status.CLOSED:
                    review.outcome = outcomes[n % len(outcomes)]
                    review.decision_result = "beschlossen"
                review.shared_with_beirat = n % 3 == 0
                review.beirat_deadline = (review.created_at + timedelta(days=20)).date()
                review.deadline = (review.created_at + timedelta(days=30)).date()
                if review.pk in versions:
                    sent = review.created_at + timedelta(days=15 + n % 20)
                    dispatches.append(
                        Dispatch(
                            review=review,
                            statement_version_id=versions[review.pk],
                            document_key=f"bench-report:{review.pk}",
                            email="gremien@example.org",
                            organization=None,
                            recipient=officer,
                            audience=Dispatch.Audience.CLERK,
                            status=Dispatch.Status.SENT,
                            created_by=officer,
                            sent_at=sent,
                            confirmed_at=sent + timedelta(days=n % 5),
                            confirmed_by=officer,
                        )
                    )
                if review.shared_with_beirat and officer is not None:
                    votes.append(
                        BeiratVote(
                            review=review,
                            vote="approve",
                            recorded_by=officer,
                            recorded_at=review.created_at + timedelta(days=12 + n % 15),
                        )
                    )
            if topics:
                topic_links.append(through(review=review, topic=topics[n % len(topics)]))
        Review.objects.bulk_update(
            reviews,
            [
                "created_at",
                "outcome",
                "decision_result",
                "shared_with_beirat",
                "beirat_deadline",
                "deadline",
            ],
            batch_size=2000,
        )
        # The deadlines constraint wants the Beirat's date before the case's: both set above.
        Dispatch.objects.bulk_create(dispatches, batch_size=2000)
        BeiratVote.objects.bulk_create(votes, batch_size=2000, ignore_conflicts=True)
        through.objects.bulk_create(topic_links, batch_size=5000, ignore_conflicts=True)
    print(
        f"spread {len(reviews)} cases over {YEARS} years: {len(dispatches)} dispatches, "
        f"{len(votes)} Beirat votes"
    )


def measure_page(username: str, start: date, end: date) -> list[float]:
    from django.test import Client

    from review.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    url = f"/bericht/?von={start.isoformat()}&bis={end.isoformat()}"
    timings = []
    for _ in range(6):
        began = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1")
        timings.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    return timings


def measure_word(username: str, start: date, end: date) -> tuple[float, dict[str, int], str]:
    from django.utils import translation

    from review.models import ReportDocument, User
    from review.reports.generation import produce_report

    user = User.objects.get(username=username)
    number = (
        ReportDocument.objects.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    document = ReportDocument.objects.create(
        number=number, period_start=start, period_end=end, created_by=user
    )
    began = time.perf_counter()
    with translation.override("de"):
        result = produce_report(report_document_id=document.pk)
    elapsed = time.perf_counter() - began
    document.refresh_from_db()
    sizes = {
        field: getattr(document, field).size
        for field in ("docx", "pdf", "csv", "xlsx")
        if getattr(document, field)
    }
    return elapsed, sizes, result + (f" ({document.message})" if document.message else "")


def main() -> None:
    bench_web.create_database()
    bench_web.manage("migrate", "--noinput", "-v", "0")
    # Settings as in production (DEBUG off): pages need the collected, hashed static files.
    bench_web.manage("collectstatic", "--noinput", "-v", "0")
    os.environ["MEDIA_ROOT"] = str(ROOT / "var" / "bench-report-media")
    bench_web.setup_django()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    officers, _clerks = bench_web_data.people()
    usernames = [officer.username for officer in officers]
    review_ids = bench_web_data.reviews(5000, officers)
    spread_history(review_ids)
    from django.db import connection

    # Fresh bulk-inserted rows: give the planner the statistics autovacuum would gather.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from django.utils import timezone

    end = timezone.localdate()
    start = end - timedelta(days=364)
    from review.models import Review

    in_year = Review.objects.filter(created_at__date__gte=start).count()
    print(f"cases: {Review.objects.count()}, in the year {start} – {end}: {in_year}")

    timings = measure_page(usernames[0], start, end)
    cold, warm = timings[0], statistics.median(timings[1:])
    print(
        f"report page, full year: cold {cold * 1000:.0f} ms, median {warm * 1000:.0f} ms "
        f"(max {max(timings[1:]) * 1000:.0f} ms)"
    )
    word_s, sizes, result = measure_word(usernames[0], start, end)
    files = ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sizes.items())
    print(f"Word report, full year: {word_s:.2f} s, {result}; {files}")
    missed = []
    if warm > TARGETS["page_s"]:
        missed.append(f"report page {warm:.2f} s > {TARGETS['page_s']} s")
    if word_s > TARGETS["word_s"]:
        missed.append(f"Word report {word_s:.2f} s > {TARGETS['word_s']} s")
    if missed:
        print("MISSED: " + "; ".join(missed))
        sys.exit(1)
    print(f"targets met (page <= {TARGETS['page_s']} s, Word <= {TARGETS['word_s']} s)")


if __name__ == "__main__":
    main()
