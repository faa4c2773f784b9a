"""The data `make bench-web` runs on (scripts/bench_web.py), made through the models.

5,000 cases over every status with statement versions and audit events, a drafting task for
every office person and a pool of unclaimed triage tasks each, sent dispatches awaiting the
clerks' receipt, and a stored session per person. Each run tops up what the last one used.
"""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PASSWORD = "Bench-Passwort-2026!"
OFFICERS, CLERKS = 20, 2
TRIAGE_POOL = 30  # unclaimed triage tasks per office person at the start of a run
RECEIPTS = 600  # unconfirmed dispatches per clerk at the start of a run
LIST_QUERIES = ["/vorgaenge/", "/vorgaenge/?seite=3", "/vorgaenge/?status=drafting"]


def papers_without_case(count: int) -> None:
    """At least `count` papers without a case (synthetic ones, with their Beratungsfolge)."""
    from django.utils import timezone

    from review.models import Consultation, Meeting, Organization, Paper

    missing = count - Paper.objects.filter(review__isnull=True).count()
    if missing <= 0:
        return
    start = Paper.objects.count()
    org, _new = Organization.objects.get_or_create(name="Bench-Ausschuss für Integration")
    meeting = Meeting.objects.create(name="Sitzung Bench", start=timezone.now() + timedelta(14))
    meeting.organizations.add(org)
    papers = Paper.objects.bulk_create(
        [
            Paper(
                name=f"Bench-Vorlage {n}: Maßnahmen zur Integration im Stadtteil {n % 40}",
                reference=f"B{n:06d}/26",
                paper_type=["Beschlussvorlage", "Informationsvorlage", "Antrag"][n % 3],
                date=date.today() - timedelta(days=n % 365),
            )
            for n in range(start, start + missing)
        ],
        batch_size=2000,
    )
    consultations = Consultation.objects.bulk_create(
        [Consultation(paper=p, meeting=meeting, role="Vorberatung", order=0) for p in papers],
        batch_size=2000,
    )
    Consultation.organizations.through.objects.bulk_create(
        [
            Consultation.organizations.through(consultation_id=c.pk, organization_id=org.pk)
            for c in consultations
        ],
        batch_size=5000,
    )
    print(f"created {missing} synthetic papers")


def people() -> tuple[list[Any], list[Any]]:
    from django.contrib.auth.models import Group

    from review.models import Role, User

    def person(name: str, roles: list[Role]) -> User:
        user, created = User.objects.get_or_create(
            username=name, defaults={"first_name": "Bench", "last_name": name.rsplit("-", 1)[1]}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
        return user

    officers = [person(f"bench-officer-{n}", [Role.HEAD, Role.OFFICER]) for n in range(OFFICERS)]
    clerks = [person(f"bench-clerk-{n}", [Role.CLERK]) for n in range(CLERKS)]
    return officers, clerks


def reviews(count: int, officers: list[Any]) -> list[int]:
    """`count` cases over every status, with statement versions and audit events."""
    from django.utils import timezone

    from review.models import AuditEvent, Review, Statement, StatementVersion
    from review.models.audit import GENESIS_HASH

    existing = list(Review.objects.order_by("id").values_list("pk", flat=True)[:count])
    if len(existing) >= count:
        return existing
    papers_without_case(count - len(existing))
    from review.models import Paper

    now, today, statuses = timezone.now(), timezone.localdate(), list(Review.Status)
    created = Review.objects.bulk_create(
        [
            Review(
                paper=paper,
                status=(status := statuses[n % len(statuses)]),
                assignee=None if status == Review.Status.NEW else officers[n % len(officers)],
                # The facts the "review.assigned" event below stands for (the report reads these).
                triaged_at=None if status == Review.Status.NEW else now,
                assigned_at=None if status == Review.Status.NEW else now,
                relevance_score=(n * 37) % 101,
                relevance_reasons=["Stichwort: Integration", "Beratung im Ausländerbeirat"],
                deadline=today + timedelta(days=(n % 90) - 30),
                closed_at=now if (closed := status in Review.Status.closed_values()) else None,
                close_reason="Keine Betroffenheit." if closed else "",
            )
            for n, paper in enumerate(
                Paper.objects.filter(review__isnull=True).order_by("id")[: count - len(existing)]
            )
        ],
        batch_size=2000,
    )
    statements = Statement.objects.bulk_create(
        [Statement(review=r) for r in created if r.status != Review.Status.NEW], batch_size=2000
    )
    StatementVersion.objects.bulk_create(
        [
            StatementVersion(
                statement=s,
                number=number,
                author=officers[i % len(officers)],
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
    previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    previous = previous or GENESIS_HASH
    events = []
    for i, review in enumerate(created):
        for verb in ("review.opened", "review.triaged", "review.assigned", "statement.saved"):
            event = AuditEvent(
                verb=verb,
                actor=officers[i % len(officers)],
                review=review,
                object_id=str(review.pk),
                object_repr=f"Vorgang {review.pk}",
                created_at=now,
                details={},
                prev_hash=previous,
            )
            event.hash = previous = event.compute_hash()
            events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=4000)
    print(f"created {len(created)} cases with {len(statements)} statements")
    return existing + [r.pk for r in created]


def open_tasks(officers: list[Any]) -> dict[int, dict[str, list[int]]]:
    """A drafting task for every office person and a pool of unclaimed triage tasks each."""
    from django.db import transaction
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from review.models import Paper, Review
    from workflows.demo import STEPS
    from workflows.flows import ReviewFlow, start_for_review

    def drafts(user: Any) -> list[int]:
        return list(
            Task.objects.filter(flow_task=ReviewFlow.draft, status=STATUS.ASSIGNED, owner=user)
            .order_by("id")
            .values_list("pk", flat=True)
        )

    triage = list(
        Task.objects.filter(flow_task=ReviewFlow.triage, status=STATUS.NEW, owner__isnull=True)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    lacking = [u for u in officers if not drafts(u)]
    wanted = len(lacking) + max(0, TRIAGE_POOL * len(officers) - len(triage))
    papers_without_case(wanted)
    started = time.monotonic()
    papers = list(Paper.objects.filter(review__isnull=True).order_by("id")[:wanted])
    for n, paper in enumerate(papers):
        review = Review.objects.create(paper=paper, deadline=date.today() + timedelta(n % 40))
        with transaction.atomic():
            start_for_review(review)
            if n < len(lacking):
                dict(STEPS)["drafting"](review, lacking[n], lacking[n], officers[0])
            else:
                triage.append(
                    Task.objects.get(
                        process__reviewprocess__review=review, flow_task=ReviewFlow.triage
                    ).pk
                )
    if papers:
        print(f"started {len(papers)} flows in {time.monotonic() - started:.0f} s")
    return {
        u.pk: {"draft_tasks": drafts(u), "triage_tasks": triage[i :: len(officers)]}
        for i, u in enumerate(officers)
    }


def receipts(clerks: list[Any], officers: list[Any]) -> dict[int, list[int]]:
    """Statements sent to each clerk and not yet confirmed."""
    from django.utils import timezone

    from review.models import Dispatch, StatementVersion

    plan = {}
    for clerk in clerks:
        waiting = Dispatch.objects.filter(recipient=clerk, confirmed_at__isnull=True)
        missing = RECEIPTS - waiting.count()
        if missing > 0:
            taken = Dispatch.objects.filter(recipient=clerk).values("statement_version")
            versions = StatementVersion.objects.exclude(pk__in=taken).select_related("statement")
            Dispatch.objects.bulk_create(
                Dispatch(
                    review_id=v.statement.review_id,
                    statement_version=v,
                    document_key=f"bench-{v.pk}",
                    recipient=clerk,
                    email=f"{clerk.username}@example.org",
                    audience=Dispatch.Audience.CLERK,
                    status=Dispatch.Status.SENT,
                    sent_at=timezone.now(),
                    created_by=officers[0],
                )
                for v in versions[:missing]
            )
        plan[clerk.pk] = list(waiting.values_list("pk", flat=True))
    return plan


def session_for(user: Any) -> str:
    """A stored session as a login leaves it (the person signed in before the run)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "review.accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def write_plan(path: Path, case_count: int) -> None:
    officers, clerks = people()
    review_ids = reviews(case_count, officers)
    tasks = open_tasks(officers)
    waiting = receipts(clerks, officers)
    from django.db import connection

    # The tables as autovacuum keeps them on a database in use: dead rows of the last runs'
    # writes removed (on a server with autovacuum off, as here, the task table held as many
    # dead rows as live ones after a few runs, and every page got slower) and planner
    # statistics current (without them the first minutes after bulk inserts measure guessed
    # plans, e.g. a nested loop over every process for the inbox). VACUUM cannot run in a
    # transaction, and Django's connection is in autocommit here.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    plan = {
        "password": PASSWORD,
        "reviews": review_ids,
        "list_queries": LIST_QUERIES,
        "officers": [
            {"username": u.username, "session": session_for(u), **tasks[u.pk]} for u in officers
        ],
        "clerks": [
            {"username": u.username, "session": session_for(u), "dispatches": waiting[u.pk]}
            for u in clerks
        ],
    }
    path.write_text(json.dumps(plan))
