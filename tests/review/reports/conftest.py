"""One case per figure of the report, opened in January 2026 and looked at on 1 July 2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from review.models import AuditEvent, AuditVerb, Dispatch, Organization, Review, Topic, User
from review.reports.figures import ReportFilter
from tests import factories as f

NOW = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
OPENED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
MEETING = datetime(2026, 2, 10, 17, 0, tzinfo=UTC)
PERIOD = ReportFilter(start=date(2026, 1, 1), end=date(2026, 6, 30))


@dataclass
class Cases:
    on_time: Review
    late: Review
    not_affected: Review
    followed: Review
    partly: Review
    not_followed: Review
    beirat_in_time: Review
    beirat_late: Review
    still_new: Review
    education: Topic
    housing: Topic
    committee: Organization
    officer: User


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _opened(review: Review, when: datetime = OPENED) -> Review:
    # created_at is auto_now_add; the report counts by it.
    Review.objects.filter(pk=review.pk).update(created_at=when)
    review.refresh_from_db()
    return review


def _event(verb: str, review: Review, when: datetime, actor: User | None = None) -> None:
    with time_machine.travel(when, tick=False):
        AuditEvent.record(AuditVerb(verb), actor=actor, obj=review, review=review)
    if verb == AuditVerb.REVIEW_TRIAGED:
        # The triage time is a fact on the case (Review.triaged_at), as the service records it.
        Review.objects.filter(pk=review.pk).update(triaged_at=when)


def _sent(review: Review, when: datetime, **fields: Any) -> Dispatch:
    fields.setdefault("email", f"{review.pk}-{fields.get('audience', 'clerk')}@example.org")
    return f.make_dispatch(review, None, sent_at=when, **fields)


@pytest.fixture
def cases(db: None, frozen: Any) -> Cases:
    officer = f.officer(first_name="Anna", last_name="Amtmann")
    committee = f.make_organization("Ausschuss für Soziales")
    beirat = f.make_organization("Ausländerbeirat", is_advisory_council=True)
    education, housing = f.make_topic("Bildung"), f.make_topic("Wohnen")
    meeting = f.make_meeting(committee, start=MEETING)
    f.make_meeting(beirat, start=MEETING - timedelta(days=7))

    def case(name: str, topic: Topic, public: bool = True, **fields: Any) -> Review:
        paper = f.make_paper(name, is_public=public)
        f.make_consultation(paper, meeting, organization=committee)
        review = f.make_review(paper, assignee=officer, **fields)
        review.topics.add(topic)
        return _opened(review)

    released = Review.Status.DISPATCHED
    on_time = case("Sprachkurse", education, status=released)
    f.make_statement_version(on_time, officer, recommendation="approve")
    _sent(on_time, MEETING - timedelta(days=3), organization=committee)
    late = case("Schulwegplanung", education, status=released)
    f.make_statement_version(late, officer, recommendation="reject")
    _sent(late, MEETING + timedelta(hours=1), organization=committee)
    not_affected = case(
        "Parkgebühren",
        housing,
        status=Review.Status.NOT_AFFECTED,
        close_reason="keine Betroffenheit",
        closed_at=NOW,
    )
    _event("review.triaged", not_affected, OPENED + timedelta(days=2), officer)

    def decided(name: str, topic: Topic, outcome: str, public: bool = True) -> Review:
        review = case(name, topic, public, status=Review.Status.CLOSED, closed_at=NOW)
        review.outcome = outcome
        review.decision_result = "beschlossen"
        review.save()
        f.make_statement_version(review, officer, recommendation="approve_with_changes")
        _sent(review, MEETING - timedelta(days=5), organization=committee)
        return review

    followed = decided("Kita-Ausbau", education, "followed")
    partly = decided("Wohnraum für Geflüchtete", housing, "partly")
    not_followed = decided("Interner Personalplan", housing, "not_followed", public=False)
    deadline = (MEETING - timedelta(days=7)).date()
    beirat_in_time = case(
        "Beiratswahl", education, status=released, shared_with_beirat=True, beirat_deadline=deadline
    )
    f.make_statement_version(beirat_in_time, officer)
    _sent(beirat_in_time, MEETING - timedelta(days=5), organization=committee)
    _sent(
        beirat_in_time,
        MEETING - timedelta(days=10),
        organization=beirat,
        audience=Dispatch.Audience.BEIRAT,
    )
    f.make_beirat_vote(beirat_in_time, officer).__class__.objects.filter(
        review=beirat_in_time
    ).update(recorded_at=MEETING - timedelta(days=8))
    beirat_late = case(
        "Integrationskonzept",
        housing,
        status=released,
        shared_with_beirat=True,
        beirat_deadline=deadline,
    )
    f.make_statement_version(beirat_late, officer)
    _sent(beirat_late, MEETING - timedelta(days=1), organization=committee)
    _sent(
        beirat_late,
        MEETING - timedelta(days=2),
        organization=beirat,
        audience=Dispatch.Audience.BEIRAT,
    )
    f.make_beirat_vote(beirat_late, officer).__class__.objects.filter(review=beirat_late).update(
        recorded_at=MEETING - timedelta(days=1)
    )
    still_new = case("Neue Vorlage", education)
    _opened(still_new, NOW - timedelta(days=3))
    # Outside the period: never counted.
    _opened(case("Vorjahr", education), datetime(2025, 12, 31, 12, 0, tzinfo=UTC))
    return Cases(
        on_time,
        late,
        not_affected,
        followed,
        partly,
        not_followed,
        beirat_in_time,
        beirat_late,
        still_new,
        education,
        housing,
        committee,
        officer,
    )
