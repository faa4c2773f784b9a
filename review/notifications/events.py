"""Who is told what when something happens in a case: one function per workflow event.

The workflow (`workflows/`) calls these; each picks the recipients and a dedupe key that names
the event, so calling it twice (a retried task, a re-run timer) notifies nobody twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse

from review.models import (
    Notification,
    NotificationKind,
    Review,
    Role,
    StatementVersion,
    User,
)

from .services import notify


def _active(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


def heads() -> QuerySet[User]:
    """The active Beauftragte."""
    return User.objects.filter(groups__name=Role.HEAD.value, is_active=True)


def beirat_members(review: Review) -> list[User]:
    """Members of the Beirat; if the paper names the Beirat's Gremium, its members first."""
    members = User.objects.filter(groups__name=Role.BEIRAT.value, is_active=True)
    councils = review.paper.consultations.filter(
        organizations__is_advisory_council=True
    ).values_list("organizations", flat=True)
    scoped = members.filter(organizations__in=list(councils)) if councils else members.none()
    return _active(scoped if scoped.exists() else members)


def committee_clerks(review: Review) -> list[User]:
    """Clerks of the Gremien that deliberate the paper."""
    organizations = review.paper.consultations.values_list("organizations", flat=True)
    return _active(
        User.objects.filter(
            groups__name=Role.CLERK.value, organizations__in=list(organizations)
        ).distinct()
    )


def task_assigned(
    *, review: Review, assignee: User, task_name: str, task_key: str, link: str = ""
) -> Notification | None:
    return notify(
        kind=NotificationKind.TASK_ASSIGNED,
        recipient=assignee,
        review=review,
        dedupe_key=f"task:{task_key}:assigned:{assignee.pk}",
        context={"task": task_name},
        link=link,
    )


def approval_requested(*, review: Review, round_key: str) -> list[Notification]:
    """The Schlusszeichnung is waiting: to every active Beauftragte who wrote no version
    (four-eyes), once per approval round (`round_key` names the event that opened it)."""
    drafters = StatementVersion.objects.filter(statement__review=review).values("author")
    sent = [
        task_assigned(
            review=review,
            assignee=head,
            task_name="Schlusszeichnung",
            task_key=f"review:{review.pk}:approve:{round_key}",
        )
        for head in _active(heads().exclude(pk__in=drafters).distinct())
    ]
    return [n for n in sent if n is not None]


def task_overdue(
    *,
    review: Review,
    recipient: User,
    task_name: str,
    task_key: str,
    escalated: bool,
    link: str = "",
) -> Notification | None:
    return notify(
        kind=NotificationKind.OVERDUE,
        recipient=recipient,
        review=review,
        dedupe_key=f"task:{task_key}:{'escalated' if escalated else 'overdue'}:{recipient.pk}",
        context={"task": task_name, "escalated": escalated},
        link=link,
    )


def beirat_vote_requested(*, review: Review) -> list[Notification]:
    link = reverse("external:beirat_review", args=[review.pk])
    sent = [
        notify(
            kind=NotificationKind.BEIRAT_VOTE_REQUESTED,
            recipient=member,
            review=review,
            dedupe_key=f"review:{review.pk}:beirat_vote_requested",
            link=link,
        )
        for member in beirat_members(review)
    ]
    return [n for n in sent if n is not None]


def statement_released(
    *,
    review: Review,
    recipients: Iterable[User] | None = None,
    mailed: Iterable[int] = (),
) -> list[Notification]:
    """To the clerks of the consulted committees (or the dispatch's recipients).

    `mailed` names the people who already received the statement itself by e-mail (the
    dispatch mail): they get the in-app entry but no second e-mail about the same thing.
    """
    link = reverse("external:clerk") + f"#vorgang-{review.pk}"
    people = _active(recipients) if recipients is not None else committee_clerks(review)
    if review.shared_with_beirat:
        people = _active([*people, *beirat_members(review)])
    already_mailed = set(mailed)
    sent = [
        notify(
            kind=NotificationKind.STATEMENT_RELEASED,
            recipient=person,
            review=review,
            dedupe_key=f"review:{review.pk}:released",
            link=link
            if not person.has_role(Role.BEIRAT)
            else reverse("external:beirat_review", args=[review.pk]),
            send_email=person.pk not in already_mailed,
        )
        for person in people
    ]
    return [n for n in sent if n is not None]


def outcome_recorded(*, review: Review, by: User | None = None) -> list[Notification]:
    """To the drafter, the Beauftragte, and the Beirat if the case was shared with it;
    not to `by`, who recorded the outcome and knows it."""
    people: list[User] = []
    if review.assignee is not None:
        people.append(review.assignee)
    people += list(heads())
    if review.shared_with_beirat:
        people += beirat_members(review)
    sent = [
        notify(
            kind=NotificationKind.OUTCOME_RECORDED,
            recipient=person,
            review=review,
            dedupe_key=f"review:{review.pk}:outcome",
            link=reverse("external:beirat_review", args=[review.pk])
            if person.has_role(Role.BEIRAT)
            else "",
        )
        for person in _active(people)
        if by is None or person.pk != by.pk
    ]
    return [n for n in sent if n is not None]


def decision_imported(*, review: Review) -> list[Notification]:
    """The sync brought the committee's decision: whoever drafted the statement compares it with
    the recommendation (the outcome step); with nobody assigned, every Beauftragte hears of it."""
    people = [review.assignee] if review.assignee is not None else list(heads())
    sent = [
        notify(
            kind=NotificationKind.DECISION_IMPORTED,
            recipient=person,
            review=review,
            dedupe_key=f"review:{review.pk}:decision:{review.decision_result}"[:200],
            context={"result": review.decision_result},
        )
        for person in _active(people)
    ]
    return [n for n in sent if n is not None]
