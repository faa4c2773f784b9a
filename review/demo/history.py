"""A year of finished demo cases, so that `make run`'s situation report has something to show.

The demo's council data covers the weeks around today; the report needs history. These cases
are entered like hand-made papers (no OParl id) and are all closed, so no workflow starts for
them: decided in every outcome, on time and late, with and without the Beirat, and a few
"not affected". Deterministic (a fixed seed), created once.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from review.models import (
    AuditEvent,
    AuditVerb,
    BeiratVote,
    Consultation,
    Dispatch,
    FollowUp,
    Meeting,
    Organization,
    Paper,
    Review,
    Statement,
    StatementVersion,
    Topic,
    User,
)
from review.reports.forms import default_period

MARKER = AuditVerb.DEMO_HISTORY
TITLES = [
    "Sprachförderung in Kindertagesstätten",
    "Ausbau der Schulsozialarbeit",
    "Unterbringung Geflüchteter in der Nordstadt",
    "Förderrichtlinie Migrantenorganisationen",
    "Dolmetscherpool für Beratungsstellen",
    "Wohnraumversorgungskonzept",
    "Integrationskurse an der Volkshochschule",
    "Gesundheitslotsen für Zugewanderte",
    "Mehrsprachige Bürgerinformation",
    "Quartiersmanagement Südstadt",
    "Ausbildungsoffensive im Handwerk",
    "Interkulturelle Öffnung der Verwaltung",
    "Kulturförderung: Festival der Vielfalt",
    "Bebauungsplan Am Bahnhof",
    "Elternbeteiligung an Grundschulen",
    "Sportförderung für Vereine",
]
OUTCOMES = ["followed"] * 5 + ["partly"] * 3 + ["not_followed"] * 2


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def create_history(*, officer: User, head: User, clerk: User, today: date | None = None) -> int:
    """About five cases a month over the past twelve months; returns how many were made."""
    if AuditEvent.objects.filter(verb=MARKER).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(17)
    committees = list(Organization.objects.filter(is_advisory_council=False, deleted=False)[:4])
    beirat = Organization.objects.filter(is_advisory_council=True).first()
    topics = list(Topic.objects.all())
    if not committees or not topics:
        return 0
    made = 0
    for index in range(60):
        opened = today - timedelta(days=360 - index * 6 + rng.randint(0, 3))
        committee = committees[index % len(committees)]
        meeting = Meeting.objects.create(
            name=f"Sitzung {committee.name}", start=_at(opened + timedelta(days=28), 17)
        )
        meeting.organizations.add(committee)
        paper = Paper.objects.create(
            name=TITLES[index % len(TITLES)],
            reference=f"V{700 + index}/{opened:%y}",
            paper_type="Beschlussvorlage",
            date=opened - timedelta(days=2),
            is_public=index % 9 != 0,
        )
        consultation = Consultation.objects.create(paper=paper, meeting=meeting, role="Vorberatung")
        consultation.organizations.add(committee)
        if index % 7 == 3:
            review = Review.objects.create(
                paper=paper,
                status=Review.Status.NOT_AFFECTED,
                close_reason="Keine besondere Betroffenheit von Zugewanderten.",
                closed_at=_at(opened + timedelta(days=2)),
                closed_by=officer,
            )
        else:
            decided = _at(meeting.start.date() + timedelta(days=1))
            with_beirat = index % 3 == 0 and beirat is not None
            review = Review.objects.create(
                paper=paper,
                status=Review.Status.CLOSED,
                assignee=officer,
                deadline=meeting.start.date() - timedelta(days=7),
                beirat_deadline=meeting.start.date() - timedelta(days=12) if with_beirat else None,
                shared_with_beirat=with_beirat,
                decision_result="beschlossen",
                decided_at=decided,
                outcome=OUTCOMES[rng.randrange(len(OUTCOMES))],
                closed_at=decided,
                closed_by=head,
            )
            statement = Statement.objects.create(review=review)
            version = StatementVersion.objects.create(
                statement=statement,
                number=1,
                author=officer,
                facts="Die Vorlage sieht vor, das Angebot auszuweiten.",
                assessment="Zugewanderte sind besonders betroffen.",
                recommendation=rng.choice(["approve", "approve_with_changes", "reject"]),
                created_at=_at(opened + timedelta(days=10)),
            )
            # One in five statements reaches the committee only after its meeting.
            late = index % 5 == 4
            sent = meeting.start + (timedelta(hours=2) if late else -timedelta(days=6))
            Dispatch.objects.create(
                review=review,
                statement_version=version,
                document_key=f"demo-history:{review.pk}",
                email=clerk.email or "gremien@musterstadt.example",
                recipient=clerk,
                organization=committee,
                audience=Dispatch.Audience.CLERK,
                status=Dispatch.Status.SENT,
                created_by=officer,
                sent_at=sent,
                confirmed_at=sent + timedelta(days=rng.randint(0, 4), hours=3),
                confirmed_by=clerk,
            )
            if with_beirat and beirat is not None:
                Dispatch.objects.create(
                    review=review,
                    statement_version=version,
                    document_key=f"demo-history:{review.pk}:beirat",
                    email="beirat@musterstadt.example",
                    organization=beirat,
                    audience=Dispatch.Audience.BEIRAT,
                    status=Dispatch.Status.SENT,
                    created_by=officer,
                    sent_at=meeting.start - timedelta(days=14 if index % 2 else 9),
                )
                BeiratVote.objects.create(
                    review=review,
                    vote="approve",
                    text="Der Beirat schließt sich der Stellungnahme an.",
                    recorded_by=officer,
                    recorded_at=meeting.start - timedelta(days=13 if index % 2 else 8),
                )
        Review.objects.filter(pk=review.pk).update(created_at=_at(opened, 8))
        review.topics.add(topics[index % len(topics)], topics[(index * 5 + 2) % len(topics)])
        made += 1
    _follow_ups(officer, head, today)
    AuditEvent.record(MARKER, actor_label="demo", details={"cases": made})
    return made


def _follow_ups(officer: User, head: User, today: date) -> None:
    """One overdue follow-up and one implemented, on the oldest decided cases that the report's
    default period still shows (its figures link to them)."""
    start, _end = default_period(today)
    decided = list(
        Review.objects.filter(
            outcome="followed",
            status=Review.Status.CLOSED,
            created_at__gte=_at(start, 0),
        ).order_by("created_at")[:2]
    )
    if len(decided) < 2:
        return
    FollowUp.objects.create(
        review=decided[0],
        task="Mehrsprachige Informationsblätter erstellen und an die Kitas verteilen.",
        due_date=today - timedelta(days=20),
        assignee=officer,
        created_by=head,
    )
    FollowUp.objects.create(
        review=decided[1],
        task="Beratungsangebot in der Nordstadt einrichten.",
        due_date=today - timedelta(days=60),
        assignee=officer,
        created_by=head,
        status=FollowUp.Status.DONE,
        note="Seit Jahresbeginn zweimal wöchentlich geöffnet.",
        closed_at=_at(today - timedelta(days=70)),
    )
