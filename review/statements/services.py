"""Statement drafting and approval (Schlusszeichnung) with the four-eyes rule."""

from __future__ import annotations

from review.models import Review, StatementVersion, User


def is_drafter(*, review: Review, user: User) -> bool:
    """True if the person wrote any version of the review's statement."""
    return StatementVersion.objects.filter(statement__review=review, author=user).exists()
