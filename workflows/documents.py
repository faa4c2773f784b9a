"""Bridges to review.documents and review.dispatch (other helpers' modules, imported lazily)."""

from __future__ import annotations

from review.models import Review


def queue(*, review: Review) -> None:
    pass


def dispatch(*, review: Review) -> None:
    pass
