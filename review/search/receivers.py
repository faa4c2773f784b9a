"""Keeps index rows current when a record is saved one at a time (a case, its topics or
statement, a paper entered by hand with its attachments and Beratungsfolge).

Index rows are derived data like a cache, so they follow writes through signals, the one place
every service's writes pass. One row is rewritten in the same transaction (a few milliseconds):
a search right after the save finds the change, and a rollback takes the row back with it. The
sync writes in bulk without signals and indexes its own run (indexing.index_after_sync).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from review.models import Consultation, File, Paper, Review, StatementVersion

from . import indexing


@receiver(post_save, sender=Review, dispatch_uid="search.review_saved")
def _review_saved(
    instance: Review, raw: bool = False, update_fields: Iterable[str] | None = None, **kwargs: Any
) -> None:
    if raw:
        return
    # The services name what they change: a status step rewrites two columns, not the text.
    if update_fields is not None and indexing.CASE_TEXT_FIELDS.isdisjoint(update_fields):
        indexing.index_case_flags(instance)
    else:
        indexing.index_reviews([instance.pk])


@receiver(m2m_changed, sender=Review.topics.through, dispatch_uid="search.review_topics")
def _review_topics(instance: Any, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Review):
        indexing.index_reviews([instance.pk])


@receiver(post_save, sender=StatementVersion, dispatch_uid="search.statement_saved")
def _statement_saved(instance: StatementVersion, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        indexing.index_new_version(instance)


@receiver(post_save, sender=Paper, dispatch_uid="search.paper_saved")
def _paper_saved(instance: Paper, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        indexing.index_papers([instance.pk])


@receiver(post_save, sender=File, dispatch_uid="search.file_saved")
@receiver(post_save, sender=Consultation, dispatch_uid="search.consultation_saved")
def _paper_part_saved(instance: File | Consultation, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.paper_id is not None:
        indexing.index_papers([instance.paper_id])


@receiver(m2m_changed, sender=Consultation.organizations.through, dispatch_uid="search.committees")
@receiver(m2m_changed, sender=Paper.under_direction_of.through, dispatch_uid="search.lead")
def _committees_changed(instance: Any, action: str, **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Paper):
        indexing.index_papers([instance.pk])
    elif isinstance(instance, Consultation):
        indexing.index_papers([instance.paper_id])
