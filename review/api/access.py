"""What an API token may read: the need-to-know of its account (review/external/access.py, the
same rules as the UI), narrowed by the token's scopes."""

from __future__ import annotations

from django.db.models import QuerySet

from review.external import access
from review.models import Document, Paper, Review, User
from review.models.reviews import ReviewQuerySet


def cases(user: User) -> ReviewQuerySet:
    if access.is_office(user):
        return Review.objects.all()
    return (access.clerk_reviews(user) | access.beirat_reviews(user)).distinct()


def statements(user: User) -> ReviewQuerySet:
    """Released statements: the office all, clerks those for their committees, the Beirat
    those shared with it on public papers."""
    if access.is_office(user):
        return access.released_reviews()
    shared = access.released_reviews().filter(shared_with_beirat=True, paper__is_public=True)
    if not user.has_perm("review.view_shared_review"):
        shared = Review.objects.none()
    return (access.clerk_reviews(user) | shared).distinct()


def papers(user: User) -> QuerySet[Paper]:
    if not user.has_perm("review.view_paper"):
        return Paper.objects.none()
    return Paper.objects.visible_to(user)


def released_documents(user: User) -> QuerySet[Document]:
    """The finished documents of the statements this account may read (the approved version)."""
    return Document.objects.filter(
        review__in=statements(user).values("pk"),
        statement_version__isnull=False,
        status=Document.Status.READY,
    )
