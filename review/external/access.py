"""Need-to-know in one place: which cases, meetings and statements a person may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from review.models import Meeting, Organization, Review, Role, User
from review.models.reviews import ReviewQuerySet

RELEASED_STATUSES = [Review.Status.APPROVED, Review.Status.DISPATCHED, Review.Status.CLOSED]


def is_office(user: User) -> bool:
    return user.has_perm("review.view_review")


def released_reviews() -> ReviewQuerySet:
    """Reviews whose statement the Beauftragte has approved (and possibly sent)."""
    return Review.objects.filter(status__in=RELEASED_STATUSES, statement__isnull=False)


def visible_organizations(user: User) -> QuerySet[Organization]:
    if is_office(user):
        return Organization.objects.all()
    return user.organizations.all()


def reviews_for_committees(user: User, organizations: QuerySet[Organization]) -> ReviewQuerySet:
    """Released statements on papers consulted in these committees."""
    return (
        released_reviews().filter(paper__consultations__organizations__in=organizations).distinct()
    )


def clerk_reviews(user: User) -> ReviewQuerySet:
    if is_office(user):
        return released_reviews()
    if not user.has_perm("review.view_released_statement"):
        return Review.objects.none()
    return reviews_for_committees(user, user.organizations.all())


def beirat_reviews(user: User) -> ReviewQuerySet:
    """Cases the office shared with the Beirat."""
    if not (is_office(user) or user.has_perm("review.view_shared_review")):
        return Review.objects.none()
    return Review.objects.filter(shared_with_beirat=True)


def feed_reviews(user: User, organization: Organization) -> ReviewQuerySet:
    """Released statements for one committee's Atom feed, as this person may see them."""
    if is_office(user):
        reviews = released_reviews()
    elif organization not in user.organizations.all():
        return Review.objects.none()
    elif user.has_perm("review.view_released_statement"):
        reviews = released_reviews()
    elif user.has_perm("review.view_shared_review"):
        reviews = released_reviews().filter(shared_with_beirat=True, paper__is_public=True)
    else:
        return Review.objects.none()
    return reviews.filter(paper__consultations__organizations=organization).distinct()


def calendar_meetings(user: User) -> QuerySet[Meeting]:
    """Meetings of my committees and of the papers I am working on."""
    condition = Q(organizations__in=user.organizations.all())
    if is_office(user):
        condition |= Q(consultations__paper__review__assignee=user)
    return Meeting.objects.filter(condition).distinct()


def has_role(user: User, role: Role) -> bool:
    return user.has_role(role)


def is_released(review: Review) -> bool:
    return review.status in RELEASED_STATUSES and hasattr(review, "statement")


def may_see_files(user: User, review: Review) -> bool:
    """Non-public papers: the Beirat sees metadata only, never the attachments."""
    return is_office(user) or review.paper.is_public


def awaits_beirat_vote(review: Review) -> bool:
    """Whether the case waits for the Beirat's vote (shared, open, no vote yet)."""
    return (
        review.shared_with_beirat
        and not review.is_closed
        and review.status == Review.Status.PARTICIPATION
        and not hasattr(review, "beirat_vote")
    )


def next_meeting_for(review: Review, committees: set[int]) -> Meeting | None:
    """The next meeting of one of these committees that deliberates the paper."""
    now = timezone.now()
    best: Meeting | None = None
    for consultation in review.paper.consultations.all():
        meeting = consultation.meeting
        if meeting is None or meeting.start is None or meeting.start < now or meeting.cancelled:
            continue
        if committees and not {o.pk for o in consultation.organizations.all()} & committees:
            continue
        if best is None or (best.start is not None and meeting.start < best.start):
            best = meeting
    return best


def may_download_statement(user: User, review: Review, audience: str) -> bool:
    """Released statements: clerks for their committees, the Beirat for shared public cases."""
    if not is_released(review):
        return False
    if is_office(user):
        return True
    if audience == "clerk":
        return clerk_reviews(user).filter(pk=review.pk).exists()
    return (
        user.has_perm("review.view_shared_review")
        and review.shared_with_beirat
        and review.paper.is_public
    )
