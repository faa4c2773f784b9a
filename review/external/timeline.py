"""The status timeline of a case as the Beirat and the clerks see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from review.models import BeiratVote, Dispatch, Review

_IN_REVIEW = {
    Review.Status.ASSIGNED,
    Review.Status.DRAFTING,
    Review.Status.PARTICIPATION,
    Review.Status.APPROVAL,
    Review.Status.APPROVED,
    Review.Status.DISPATCHED,
    Review.Status.CLOSED,
}
_SENT = {Review.Status.DISPATCHED, Review.Status.CLOSED}


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    when: datetime | date | None = None
    note: str = ""


def timeline(review: Review) -> list[Step]:
    vote = BeiratVote.objects.filter(review=review).first()
    steps = [
        Step(_("Received"), True, review.created_at),
        Step(_("In review by the integration office"), review.status in _IN_REVIEW),
    ]
    if review.shared_with_beirat:
        if vote is not None:
            steps.append(
                Step(_("Beirat vote recorded"), True, vote.recorded_at, vote.get_vote_display())
            )
        else:
            steps.append(
                Step(
                    _("Beirat vote requested"),
                    False,
                    review.beirat_deadline,
                    _("until %(date)s") % {"date": review.beirat_deadline.strftime("%d.%m.%Y")}
                    if review.beirat_deadline
                    else "",
                )
            )
    first_sent = (
        Dispatch.objects.filter(review=review, sent_at__isnull=False)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    steps.append(Step(_("Statement sent"), review.status in _SENT, first_sent))
    steps.append(
        Step(
            _("Committee decided"),
            review.decided_at is not None,
            review.decided_at,
            review.decision_result,
        )
    )
    return steps
