"""Writing the search index: what each kind of record is found by.

Papers are (re)indexed in bulk after a sync (the sync writes them in bulk, without save()), cases
when they or their statement change (review/search/receivers.py), and everything by
`manage.py search_reindex`. After a large write the planner's statistics are refreshed: a fresh
import without them leaves PostgreSQL guessing and scanning instead of using the GIN index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet

from review.models import (
    File,
    Meeting,
    Organization,
    Paper,
    Review,
    SearchEntry,
    SearchTerm,
    StatementVersion,
    SyncRun,
)

from .analysis import index_terms, reference_key

BATCH = 500
# The snippet text kept per row; the terms cover the whole text.
TEXT_LIMIT = 4000
# A sync that changed at least this many papers refreshes the statistics (a full sync always).
ANALYZE_AFTER = 200
Kind = SearchEntry.Kind
# Told how many rows a batch wrote (a progress bar on the terminal).
Progress = Callable[[int], object] | None


def _padded(terms: str) -> str:
    return f" {terms} " if terms else ""


def _entry(
    *,
    kind: str,
    object_id: int,
    title: str,
    body: Iterable[str],
    reference: str = "",
    **fields: object,
) -> SearchEntry:
    text = "\n".join(part for part in body if part)
    key = reference_key(reference)
    return SearchEntry(
        kind=kind,
        object_id=object_id,
        title=title,
        text=text[:TEXT_LIMIT],
        reference=reference,
        reference_key=key if "/" in key else "",
        reference_number=int(key.rsplit("/", 1)[-1]) if key else None,
        title_terms=_padded(index_terms(f"{reference} {title}")),
        body_terms=_padded(index_terms(text)),
        **fields,
    )


def _papers() -> QuerySet[Paper]:
    return Paper.objects.prefetch_related(
        "under_direction_of",
        "consultations__organizations",
        Prefetch("files", queryset=File.objects.order_by("pk")),
    )


def paper_entry(paper: Paper) -> tuple[SearchEntry, set[int]]:
    lead = list(paper.under_direction_of.all())
    committees = {o.pk for c in paper.consultations.all() for o in c.organizations.all()}
    # The attachment text read by the relevance engine (File.text, review/oparl/attachments.py).
    attachments = [f"{f.name or f.file_name}\n{f.text}" for f in paper.files.all()]
    entry = _entry(
        kind=Kind.PAPER,
        object_id=paper.pk,
        title=paper.name,
        reference=paper.reference,
        body=[paper.paper_type, *(o.name for o in lead), paper.originator, *attachments],
        paper=paper,
        date=paper.date,
        paper_type=paper.paper_type,
    )
    return entry, committees | {o.pk for o in lead}


def _reviews() -> QuerySet[Review]:
    # Only the newest version: autosave adds one every few seconds, and a statement drafted
    # for a day has hundreds, each read with its whole text on every save before.
    latest = StatementVersion.objects.order_by("-number")[:1]
    return Review.objects.select_related("paper", "statement").prefetch_related(
        "topics", Prefetch("statement__versions", queryset=latest, to_attr="newest_versions")
    )


# The fields of a case its entry is built from (case_entry), apart from the two copied as they
# are (CASE_FLAGS). A save whose update_fields names none of them leaves the entry's text and
# terms as they were (tests/review/search/test_search.py checks that case_entry reads no other).
CASE_TEXT_FIELDS = frozenset(
    {
        "paper",
        "summary",
        "relevance_reasons",
        "close_reason",
        "decision_result",
        "decision_text",
        "created_at",
    }
)
CASE_FLAGS = ("status", "shared_with_beirat")


def case_entry(review: Review) -> SearchEntry:
    statement = getattr(review, "statement", None)
    # _reviews() reads the newest version only (a sliced prefetch, which needs its own attribute).
    version = next(iter(statement.newest_versions), None) if statement else None
    return _case_entry(review, version)


def _case_entry(review: Review, version: StatementVersion | None) -> SearchEntry:
    paper = review.paper
    reasons = [str(reason) for reason in review.relevance_reasons or []]
    body = [
        review.summary,
        *reasons,
        *(t.name for t in review.topics.all()),
        review.close_reason,
        review.decision_result,
        review.decision_text,
    ]
    if version is not None:
        body += [version.facts, version.assessment, version.recommendation_text]
    return _entry(
        kind=Kind.CASE,
        object_id=review.pk,
        title=paper.name,
        reference=paper.reference,
        body=body,
        paper=paper,
        review=review,
        date=paper.date or review.created_at.date(),
        paper_type=paper.paper_type,
        status=review.status,
        shared_with_beirat=review.shared_with_beirat,
    )


def meeting_entry(meeting: Meeting) -> SearchEntry:
    return _entry(
        kind=Kind.MEETING,
        object_id=meeting.pk,
        title=meeting.name,
        body=[meeting.location, *(o.name for o in meeting.organizations.all())],
        date=meeting.start.date() if meeting.start else None,
    )


def organization_entry(organization: Organization) -> SearchEntry:
    return _entry(
        kind=Kind.ORGANIZATION,
        object_id=organization.pk,
        title=organization.name,
        body=[organization.short_name, organization.organization_type],
    )


def _batches[T](items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _write(kind: str, entries: list[tuple[SearchEntry, set[int], set[int]]]) -> None:
    """Replace the rows of these objects (with their committees and topics) in one go."""
    ids = [entry.object_id for entry, _orgs, _topics in entries]
    with transaction.atomic():
        SearchEntry.objects.filter(kind=kind, object_id__in=ids).delete()
        created = SearchEntry.objects.bulk_create([entry for entry, _o, _t in entries])
        SearchEntry.organizations.through.objects.bulk_create(
            SearchEntry.organizations.through(searchentry_id=row.pk, organization_id=org)
            for row, (_e, orgs, _t) in zip(created, entries, strict=True)
            for org in orgs
        )
        SearchEntry.topics.through.objects.bulk_create(
            SearchEntry.topics.through(searchentry_id=row.pk, topic_id=topic)
            for row, (_e, _o, topics) in zip(created, entries, strict=True)
            for topic in topics
        )
        _add_terms(created)


def _add_terms(rows: list[SearchEntry]) -> None:
    """The rows' terms into the vocabulary (the typo lookup compares words with it)."""
    terms = {t for row in rows for t in (row.title_terms + row.body_terms).split()}
    SearchTerm.objects.bulk_create([SearchTerm(term=t[:100]) for t in terms], ignore_conflicts=True)


def _remove(kind: str, ids: Iterable[int]) -> None:
    SearchEntry.objects.filter(kind=kind, object_id__in=list(ids)).delete()


def index_papers(paper_ids: Iterable[int] | None = None, progress: Progress = None) -> int:
    """(Re)index these papers, or all; soft-deleted ones leave the index. Returns the count."""
    papers = _papers() if paper_ids is None else _papers().filter(pk__in=list(paper_ids))
    if paper_ids is not None:
        ids = set(paper_ids)
        _remove(Kind.PAPER, ids - set(papers.values_list("pk", flat=True)))
    count = 0
    for batch in _batches(papers.order_by("pk").iterator(chunk_size=BATCH)):
        _write(Kind.PAPER, [(*paper_entry(p), set()) for p in batch])
        count += len(batch)
        if progress is not None:
            progress(len(batch))
    return count


def index_reviews(review_ids: Iterable[int] | None = None, progress: Progress = None) -> int:
    reviews = _reviews() if review_ids is None else _reviews().filter(pk__in=list(review_ids))
    count = 0
    for batch in _batches(reviews.order_by("pk").iterator(chunk_size=BATCH)):
        _write(
            Kind.CASE,
            [
                (
                    case_entry(r),
                    {o.pk for o in r.paper.under_direction_of.all()},
                    {t.pk for t in r.topics.all()},
                )
                for r in batch
            ],
        )
        count += len(batch)
        if progress is not None:
            progress(len(batch))
    return count


def index_case_flags(review: Review) -> None:
    """Copy the status and the sharing to the case's entry, after a save that changed no field
    the entry's text is built from (a triage, a step of the flow): the text, its terms, the
    committees and topics stay as they are. A case without an entry yet gets its whole entry."""
    flags = {name: getattr(review, name) for name in CASE_FLAGS}
    if not SearchEntry.objects.filter(kind=Kind.CASE, object_id=review.pk).update(**flags):
        index_reviews([review.pk])


def index_new_version(version: StatementVersion) -> None:
    """A statement's new version is the newest (versions are only ever added): its text goes
    into the case's entry, updated in place. Committees and topics do not change with the
    statement, so their rows stay; a case without an entry yet gets its whole entry."""
    review_id = version.statement.review_id
    review = Review.objects.select_related("paper").prefetch_related("topics").get(pk=review_id)
    entry = _case_entry(review, version)
    fields = {
        field.attname: getattr(entry, field.attname)
        for field in SearchEntry._meta.concrete_fields
        if not field.primary_key
    }
    with transaction.atomic():
        if not SearchEntry.objects.filter(kind=Kind.CASE, object_id=review_id).update(**fields):
            index_reviews([review_id])
            return
        _add_terms([entry])


def index_council(meeting_ids: Iterable[int] | None = None, progress: Progress = None) -> int:
    """Meetings (or these meetings) and all committees: few rows, rebuilt together."""
    meetings = Meeting.objects.prefetch_related("organizations")
    if meeting_ids is not None:
        meetings = meetings.filter(pk__in=list(meeting_ids))
    count = 0
    for batch in _batches(meetings.order_by("pk").iterator(chunk_size=BATCH)):
        _write(
            Kind.MEETING,
            [(meeting_entry(m), {o.pk for o in m.organizations.all()}, set()) for m in batch],
        )
        count += len(batch)
        if progress is not None:
            progress(len(batch))
    organizations = list(Organization.objects.filter(is_placeholder=False))
    _write(Kind.ORGANIZATION, [(organization_entry(o), {o.pk}, set()) for o in organizations])
    return count + len(organizations)


def index_after_sync(run: SyncRun) -> int:
    """Index what a sync run wrote (it stamps every row it writes with its start time), then
    refresh the statistics after a full or a large run."""
    since = run.started_at
    paper_ids = list(Paper.all_objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    count = index_papers(paper_ids)
    review_ids = Review.objects.filter(
        Q(paper_id__in=paper_ids) | Q(created_at__gte=since)
    ).values_list("pk", flat=True)
    count += index_reviews(list(review_ids))
    meeting_ids = Meeting.all_objects.filter(updated_at__gte=since).values_list("pk", flat=True)
    _remove(
        Kind.MEETING,
        Meeting.all_objects.filter(pk__in=meeting_ids, deleted=True).values_list("pk", flat=True),
    )
    count += index_council(list(meeting_ids))
    if run.is_full or len(paper_ids) >= ANALYZE_AFTER:
        refresh_statistics()
    else:
        merge_pending_index_entries()
    return count


def index_all(progress: Progress = None) -> int:
    SearchEntry.objects.all().delete()
    SearchTerm.objects.all().delete()
    count = index_papers(progress=progress)
    count += index_reviews(progress=progress)
    count += index_council(progress=progress)
    refresh_statistics()
    return count


def refresh_statistics() -> None:
    """ANALYZE the index tables (PostgreSQL): without statistics the planner does not know the
    GIN index pays off and reads the whole table (issue #14; docs/performance.md). Then the
    rows just written are merged into the GIN index (`merge_pending_index_entries`)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE review_searchentry, review_searchentry_organizations, "
                "review_searchentry_topics, review_searchterm, review_paper"
            )
    merge_pending_index_entries()


def merge_pending_index_entries() -> None:
    """Move the rows a write left in the GIN index's pending list into the index proper.

    PostgreSQL collects new GIN entries in an unsorted list (up to 4 MB) that every search reads
    whole until a VACUUM merges it: after the Karlsruhe import 362 pages, 4.7 of a word query's
    5 ms in PostgreSQL (docs/search.md). Merging once after a write costs what a search would
    otherwise pay again and again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('review_searchentry_vector'::regclass)")
