"""Relevance on import: which papers concern integration, why, and by when to react.

A paper is proposed when it is consulted in a watched Gremium, led by a watched office or matches
the keyword profile (in its title, its attachments' names or their text, review/oparl/matching.py)
strongly enough; its Review gets a score (0–100), German reasons and deadlines. Also: results
of agenda items flow back onto the Reviews of the papers decided under them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from review.models import (
    AuditEvent,
    AuditVerb,
    Consultation,
    File,
    HandoverItem,
    Meeting,
    Organization,
    Paper,
    Review,
)
from review.signals import decision_imported, review_opened

from . import learning, reasons
from .matching import Attachment, load_terms, score_keywords

ACTOR = "oparl-sync"
WATCHED_SCORE = 60
# Each further watched consultation adds a little: several watched Gremien weigh more.
WATCHED_EXTRA = 10


@dataclass
class Assessment:
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    watched: bool = False
    topic_ids: set[int] = field(default_factory=set)
    deadline: date | None = None
    beirat_deadline: date | None = None
    upcoming: bool = False


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


class RelevanceProfile:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.lead = timedelta(days=settings.RELEVANCE_LEAD_DAYS)
        self.threshold = settings.RELEVANCE_THRESHOLD
        self.recent = self.today - timedelta(days=settings.RELEVANCE_RECENT_DAYS)
        self.load()

    def load(self) -> None:
        """(Re)read the profile; the sync calls it again once Gremien and meetings are in."""
        now = self.now
        self.keywords = load_terms()
        self.model = learning.current()
        self.watched = {
            pk: name
            for pk, name, short in Organization.objects.filter(is_watched=True).values_list(
                "pk", "name", "short_name"
            )
            for name in [name or short]
        }
        self.beirat_days = sorted(
            {
                _day(start)
                for start in Meeting.objects.filter(
                    organizations__is_advisory_council=True, start__gte=now, cancelled=False
                ).values_list("start", flat=True)
            }
        )

    def assess(
        self,
        fields: dict[str, Any],
        consultations: list[tuple[Any, ...]],
        *,
        lead: set[int] | None = None,
        attachments: list[Attachment] | None = None,
    ) -> Assessment:
        """consultations: (meeting start, cancelled, organization pks) of the paper; lead: the
        pks of its lead offices (underDirectionOf)."""
        result = Assessment()
        upcoming_days: list[date] = []
        watched_hits = 0
        for start, cancelled, org_pks in sorted(consultations, key=lambda c: c[0] or self.now):
            is_upcoming = start is not None and start >= self.now and not cancelled
            if is_upcoming:
                upcoming_days.append(_day(start))
            for org_pk in sorted(org_pks):
                if org_pk in self.watched:
                    watched_hits += 1
                    committee = self.watched[org_pk]
                    result.reasons.append(
                        reasons.CONSULTED_ON(committee=committee, date=f"{_day(start):%d.%m.%Y}")
                        if start
                        else reasons.CONSULTED(committee=committee)
                    )
        for org_pk in sorted(lead or ()):
            if org_pk in self.watched:
                watched_hits += 1
                result.reasons.append(reasons.LEAD(office=self.watched[org_pk]))
        if watched_hits:
            result.watched = True
            result.score = WATCHED_SCORE + WATCHED_EXTRA * (watched_hits - 1)
        title = " ".join(str(fields.get(k) or "") for k in ("name", "paper_type"))
        keywords = score_keywords(self.keywords, title, attachments)
        result.score += keywords.score
        result.reasons.extend(keywords.reasons)
        opinion = (
            self.model.opinion(learning.document(fields, attachments or [])) if self.model else None
        )
        if opinion is not None:
            result.score += opinion[0]
            result.reasons.append(opinion[1])
        result.score = min(100, result.score)
        result.topic_ids = keywords.topic_ids
        if upcoming_days:
            result.upcoming = True
            result.deadline = min(upcoming_days) - self.lead
            before = [d for d in self.beirat_days if d <= result.deadline]
            result.beirat_deadline = before[0] if before else None
        return result

    def opens_case(self, fields: dict[str, Any], assessment: Assessment) -> bool:
        if not (assessment.watched or assessment.score >= self.threshold):
            return False
        return assessment.upcoming or self.is_recent(fields.get("date"))

    def is_recent(self, paper_date: date | None) -> bool:
        # Old papers that merely changed (archives, corrections) do not open new cases; a paper
        # without a date cannot show that it is new, so only an upcoming meeting opens it.
        return paper_date is not None and paper_date >= self.recent

    def assess_many(self, papers: dict[int, dict[str, Any]]) -> dict[int, Assessment]:
        """Assess these papers (fields: name, paper_type, date) without writing anything."""
        rows = Consultation.objects.filter(paper_id__in=list(papers), deleted=False).values_list(
            "pk", "paper_id", "meeting__start", "meeting__cancelled"
        )
        consultations: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        orgs: dict[int, set[int]] = defaultdict(set)
        cons_rows = list(rows)
        through = Consultation.organizations.through.objects.filter(
            consultation_id__in=[r[0] for r in cons_rows]
        ).values_list("consultation_id", "organization_id")
        for consultation_id, org_id in through:
            orgs[consultation_id].add(org_id)
        for pk, paper_id, start, cancelled in cons_rows:
            consultations[paper_id].append((start, bool(cancelled), orgs[pk]))
        lead, attachments = paper_context(list(papers))
        return {
            paper_id: self.assess(
                fields,
                consultations[paper_id],
                lead=lead[paper_id],
                attachments=attachments[paper_id],
            )
            for paper_id, fields in papers.items()
        }

    def assess_papers(self, papers: dict[int, dict[str, Any]], *, create: bool = True) -> int:
        """Create or update the Reviews of these papers; returns how many were opened."""
        if not papers or not (self.keywords or self.watched):
            return 0
        assessments = self.assess_many(papers)
        existing = {r.paper_id: r for r in Review.objects.filter(paper_id__in=list(papers))}
        existing |= relink_moved_cases([pk for pk in papers if pk not in existing])
        # A paper whose case was handed to the archive (and maybe deleted since) opens no new one.
        handed_over = set(
            HandoverItem.objects.filter(paper_id__in=list(papers)).values_list(
                "paper_id", flat=True
            )
        )
        new: list[tuple[Review, Assessment, str]] = []
        changed: list[Review] = []
        for paper_id, fields in papers.items():
            assessment = assessments[paper_id]
            review = existing.get(paper_id)
            if review is None:
                if create and paper_id not in handed_over and self.opens_case(fields, assessment):
                    reference = fields.get("reference") or str(paper_id)
                    new.append((self._new_review(paper_id, assessment), assessment, reference))
            elif not review.is_closed and self._update(review, assessment):
                changed.append(review)
        if changed:
            Review.objects.bulk_update(
                changed,
                [
                    "relevance_score",
                    "relevance_reasons",
                    "deadline",
                    "beirat_deadline",
                    "updated_at",
                ],
            )
        if new:
            self._open(new)
        return len(new)

    def _new_review(self, paper_id: int, a: Assessment) -> Review:
        return Review(
            paper_id=paper_id,
            relevance_score=a.score,
            relevance_reasons=a.reasons,
            deadline=a.deadline,
            beirat_deadline=a.beirat_deadline,
        )

    def _update(self, review: Review, a: Assessment) -> bool:
        values = {
            "relevance_score": a.score,
            "relevance_reasons": a.reasons,
            "deadline": a.deadline or review.deadline,
            "beirat_deadline": a.beirat_deadline if a.deadline else review.beirat_deadline,
        }
        if all(getattr(review, k) == v for k, v in values.items()):
            return False
        for key, value in values.items():
            setattr(review, key, value)
        review.updated_at = self.now
        return True

    def _open(self, new: list[tuple[Review, Assessment, str]]) -> None:
        reviews = Review.objects.bulk_create([review for review, _a, _ref in new])
        Review.topics.through.objects.bulk_create(
            [
                Review.topics.through(review_id=review.pk, topic_id=topic_id)
                for review, assessment, _ref in new
                for topic_id in sorted(assessment.topic_ids)
            ]
        )
        # The audit trail is written in German, also when a sync runs in an English request.
        with translation.override(settings.LANGUAGE_CODE):
            label = str(Review.Status.NEW.label)
        AuditEvent.record_many(
            AuditVerb.REVIEW_OPENED,
            actor_label=ACTOR,
            entries=[
                (review, f"{ref}: {label}", review, {"score": a.score, "reasons": a.reasons})
                for review, (_r, a, ref) in zip(reviews, new, strict=True)
            ],
        )
        ids = [review.pk for review in reviews]
        transaction.on_commit(lambda: _announce_opened(ids))

    def meetings_changed(self, meeting_pks: list[int]) -> None:
        """A moved or cancelled meeting changes the deadlines of open cases consulted there."""
        if not meeting_pks:
            return
        rows = (
            Consultation.objects.filter(
                meeting_id__in=meeting_pks, deleted=False, paper__review__isnull=False
            )
            .exclude(paper__review__status__in=Review.Status.closed_values())
            .values_list("paper_id", "paper__name", "paper__paper_type", "paper__date")
            .distinct()
        )
        papers = {
            pk: {"name": name, "paper_type": kind, "date": day} for pk, name, kind, day in rows
        }
        self.assess_papers(papers, create=False)


def reassess(paper_ids: list[int], *, now: datetime, create: bool = True) -> int:
    """Score these papers again (their text or the profile changed); returns cases opened."""
    rows = Paper.objects.filter(pk__in=paper_ids).values_list(
        "pk", "name", "paper_type", "date", "reference"
    )
    papers = {
        pk: {"name": name, "paper_type": kind, "date": day, "reference": reference}
        for pk, name, kind, day, reference in rows
    }
    return RelevanceProfile(now).assess_papers(papers, create=create)


def paper_context(
    paper_ids: list[int],
) -> tuple[dict[int, set[int]], dict[int, list[Attachment]]]:
    """The lead offices and the attachments (name, text) of these papers."""
    lead: dict[int, set[int]] = defaultdict(set)
    for paper_id, org_id in Paper.under_direction_of.through.objects.filter(
        paper_id__in=paper_ids
    ).values_list("paper_id", "organization_id"):
        lead[paper_id].add(org_id)
    attachments: dict[int, list[Attachment]] = defaultdict(list)
    rows = (
        File.objects.filter(paper_id__in=paper_ids)
        .order_by("paper_id", "-is_main_file", "id")
        .values_list("paper_id", "name", "file_name", "text")
    )
    for paper_id, name, file_name, text in rows:
        attachments[paper_id].append(Attachment(name or file_name, text))
    return lead, attachments


def relink_moved_cases(paper_ids: list[int]) -> dict[int, Review]:
    """Cases whose paper the source now lists under a new id, moved onto the new row.

    When a council information system moves to another host (or path), every id changes: the
    papers arrive again as new rows, and the old rows are soft-deleted by the next full run.
    Without this, a relevant paper would get a second case and the first one would stay on a
    row that no longer updates. A case moves when its paper has the same source and Vorlagen-Nr.
    as one of `paper_ids` and is the same paper by another sign: soft-deleted already, on
    another host, or with the same title. Returns the moved cases by their new paper."""
    rows = (
        Paper.all_objects.filter(pk__in=paper_ids, source__isnull=False)
        .exclude(reference="")
        .values_list("pk", "source_id", "reference", "name", "oparl_id")
    )
    arrived: dict[tuple[int | None, str], tuple[int, str, str | None]] = {
        (source, reference): (pk, name, oparl_id) for pk, source, reference, name, oparl_id in rows
    }
    if not arrived:
        return {}
    candidates = (
        Review.objects.filter(paper__reference__in={reference for _s, reference in arrived})
        .exclude(paper_id__in=paper_ids)
        .select_related("paper")
    )
    moved: dict[int, Review] = {}
    details: list[dict[str, Any]] = []
    for review in candidates:
        old = review.paper
        match = arrived.get((old.source_id, old.reference))
        if match is None or match[0] in moved:
            continue
        pk, name, oparl_id = match
        if old.deleted or _host(old.oparl_id) != _host(oparl_id) or old.name == name:
            review.paper_id = pk
            moved[pk] = review
            details.append({"old_id": old.oparl_id, "new_id": oparl_id})
    if moved:
        Review.objects.bulk_update(moved.values(), ["paper"])
        AuditEvent.record_many(
            AuditVerb.REVIEW_RELINKED,
            actor_label=ACTOR,
            entries=[
                (review, f"Vorgang {review.pk}", review, detail)
                for review, detail in zip(moved.values(), details, strict=True)
            ],
        )
    return moved


def _host(url: str | None) -> str:
    return urlsplit(url or "").netloc.lower()


def _announce_opened(ids: list[int]) -> None:
    for review_id in ids:
        review_opened.send(sender=Review, review_id=review_id, opened_by_id=None)


def import_outcomes(
    *,
    now: datetime,
    agenda_item_pks: list[int] | None = None,
    consultation_pks: list[int] | None = None,
) -> int:
    """Store the result of the agenda item under which a reviewed paper was decided."""
    if not agenda_item_pks and not consultation_pks:
        return 0
    rows = (
        Consultation.objects.filter(
            Q(agenda_item_id__in=agenda_item_pks or []) | Q(pk__in=consultation_pks or []),
            deleted=False,
            paper__review__isnull=False,
            agenda_item__isnull=False,
        )
        .exclude(agenda_item__result="")
        .values_list(
            "paper__review__id",
            "authoritative",
            "agenda_item__meeting__start",
            "agenda_item__result",
            "agenda_item__resolution_text",
        )
    )
    best: dict[int, tuple[Any, ...]] = {}
    for review_id, authoritative, start, result, text in rows:
        key = (bool(authoritative), start or now)
        if review_id not in best or key > best[review_id][0]:
            best[review_id] = (key, result, text, start)
    if not best:
        return 0
    reviews = Review.objects.filter(pk__in=list(best)).select_related("paper")
    changed = []
    for review in reviews:
        _key, result, text, start = best[review.pk]
        if (review.decision_result, review.decision_text, review.decided_at) == (
            result,
            text,
            start,
        ):
            continue
        review.decision_result, review.decision_text, review.decided_at = result, text, start
        review.updated_at = now
        changed.append(review)
    if not changed:
        return 0
    Review.objects.bulk_update(
        changed, ["decision_result", "decision_text", "decided_at", "updated_at"]
    )
    AuditEvent.record_many(
        AuditVerb.REVIEW_DECISION_IMPORTED,
        actor_label=ACTOR,
        entries=[(r, str(r), r, {"result": r.decision_result}) for r in changed],
    )
    ids = [r.pk for r in changed]
    transaction.on_commit(lambda: [decision_imported.send(sender=Review, review_id=i) for i in ids])
    return len(changed)
