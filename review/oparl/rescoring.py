"""Re-scoring after the profile, the watched Gremien or the watched lead offices changed.

At go-live an office imports first and sets up its profile afterwards; without this, nothing
already imported would ever be proposed. Only papers inside the relevance window are scored
(recent ones and those with an upcoming meeting), a paper without a date never counts as
recent, and closed or triaged cases keep their status: scores and reasons of open cases are
updated, but no case is reopened and none is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop

from review.models import Paper, Review

from .relevance import RelevanceProfile

CHUNK = 1000
# "14 Vorlagen würden neu vorgeschlagen, 3 nicht mehr" — the administrator's preview.
PREVIEW = gettext_noop("%(new)s papers would be newly proposed, %(dropped)s no longer")
SAMPLE = 20
# "Knapp unter der Schwelle": papers of the last four weeks, at most this many.
NEAR_DAYS = 28
NEAR_LIMIT = 100


@dataclass
class Preview:
    papers: int = 0
    new: list[tuple[int, str, int]] = field(default_factory=list)  # paper pk, label, score
    dropped: list[tuple[int, str, int]] = field(default_factory=list)  # review pk, label, score

    def __str__(self) -> str:
        return gettext(PREVIEW) % {"new": len(self.new), "dropped": len(self.dropped)}


def window_papers(profile: RelevanceProfile) -> Any:
    upcoming = Q(
        consultations__deleted=False,
        consultations__meeting__start__gte=profile.now,
        consultations__meeting__cancelled=False,
    )
    ids = Paper.objects.filter(Q(date__gte=profile.recent) | upcoming).values("pk")
    return Paper.objects.filter(pk__in=ids).order_by("pk")


def _chunks(
    profile: RelevanceProfile, progress: Callable[[int], None] | None
) -> Iterator[dict[int, dict[str, Any]]]:
    rows = window_papers(profile).values_list("pk", "name", "paper_type", "date", "reference")
    chunk: dict[int, dict[str, Any]] = {}
    for pk, name, kind, day, reference in rows.iterator(chunk_size=CHUNK):
        chunk[pk] = {"name": name, "paper_type": kind, "date": day, "reference": reference}
        if len(chunk) == CHUNK:
            yield chunk
            if progress:
                progress(len(chunk))
            chunk = {}
    if chunk:
        yield chunk
        if progress:
            progress(len(chunk))


def preview(*, now: datetime, progress: Callable[[int], None] | None = None) -> Preview:
    """What a re-scoring would change, without changing anything."""
    profile = RelevanceProfile(now)
    result = Preview()
    for papers in _chunks(profile, progress):
        result.papers += len(papers)
        assessments = profile.assess_many(papers)
        reviews = {
            paper_id: (pk, status)
            for paper_id, pk, status in Review.objects.filter(
                paper_id__in=list(papers)
            ).values_list("paper_id", "pk", "status")
        }
        for paper_id, fields in papers.items():
            assessment = assessments[paper_id]
            label = f"{fields['reference']} {fields['name']}".strip()[:200]
            if paper_id not in reviews:
                if profile.opens_case(fields, assessment):
                    result.new.append((paper_id, label, assessment.score))
                continue
            review_pk, status = reviews[paper_id]
            # Only cases nobody has looked at yet can "no longer be proposed".
            proposed = assessment.watched or assessment.score >= profile.threshold
            if status == Review.Status.NEW and not proposed:
                result.dropped.append((review_pk, label, assessment.score))
    result.new.sort(key=lambda entry: -entry[2])
    return result


def rescore(*, now: datetime, progress: Callable[[int], None] | None = None) -> int:
    """Score every paper inside the window again; returns how many cases were opened."""
    profile = RelevanceProfile(now)
    opened = 0
    for papers in _chunks(profile, progress):
        with transaction.atomic():
            opened += profile.assess_papers(papers)
    return opened


@dataclass
class NearMiss:
    paper_id: int
    label: str
    score: int
    reasons: list[str]


def near_threshold(*, now: datetime, days: int = NEAR_DAYS) -> list[NearMiss]:
    """Papers of the last weeks without a case that scored something, but not enough: the
    list an officer skims so that nothing slips through unseen. Highest scores first."""
    profile = RelevanceProfile(now)
    since = profile.today - timedelta(days=days)
    rows = Paper.objects.filter(date__gte=since, review__isnull=True).values_list(
        "pk", "name", "paper_type", "date", "reference"
    )
    papers = {
        pk: {"name": name, "paper_type": kind, "date": day, "reference": reference}
        for pk, name, kind, day, reference in rows
    }
    misses = []
    for paper_id, assessment in profile.assess_many(papers).items():
        if assessment.score > 0 and not profile.opens_case(papers[paper_id], assessment):
            fields = papers[paper_id]
            label = f"{fields['reference']} {fields['name']}".strip()[:200]
            misses.append(NearMiss(paper_id, label, assessment.score, assessment.reasons))
    misses.sort(key=lambda miss: (-miss.score, miss.label))
    return misses[:NEAR_LIMIT]
