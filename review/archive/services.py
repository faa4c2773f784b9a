"""The steps of an archive hand-over; each one atomic and in the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.models import (
    AuditEvent,
    AuditVerb,
    BeiratVote,
    ChangeProposal,
    Consultation,
    Contribution,
    DeletionRecord,
    Dispatch,
    Document,
    File,
    FollowUp,
    Handover,
    HandoverItem,
    Paper,
    Review,
    SendBack,
    Statement,
    StatementVersion,
    User,
)

from . import package, xdomea

NOTHING_TO_OFFER = _("There are no closed cases to offer to the archive for this date.")
NOT_OFFERED = _("The archive's evaluation can only be imported while the offer is open.")
WRONG_PROCESS = _("The message belongs to another hand-over (its process ID does not match).")
UNKNOWN_RECORDS = _("The evaluation names cases that were not offered in this hand-over.")
MISSING_DECISIONS = _("The evaluation leaves {count} offered case(s) without a decision.")
BAD_DECISION = _("The evaluation contains decisions other than “A” (archive) and “V” (discard).")
NOT_EVALUATED = _("The package can only be built once the archive's evaluation is imported.")
NOTHING_TO_ARCHIVE = _("The archive chose none of the cases; there is no package to build.")
NOT_EXPORTED = _("The hand-over can only be closed once the package was handed over.")
ALREADY_CLOSED = _("The hand-over is already closed.")
NOT_HANDED_OVER = _(
    "Case {reference} has not been handed over to the archive (no closed hand-over): "
    "it cannot be deleted."
)
HANDOVER_OPEN = _(
    "The cases can only be deleted once the hand-over is closed (receipt of the archive)."
)
NOTHING_TO_DELETE = _("The cases of this hand-over have already been deleted.")

# The data class of the deletion records of cases (review/retention/rules.py: the "cases" rule).
CASES_DATA_CLASS = "cases"


class ArchiveError(Exception):
    pass


def default_cutoff() -> datetime:
    """The start of the day the offer period ends: the same day the offer form shows, so the
    count of due cases on the page and the offer agree."""
    day = timezone.localdate() - timedelta(days=settings.ARCHIVE_OFFER_AFTER_DAYS)
    return timezone.make_aware(datetime.combine(day, time.min))


def offer_cases(*, by: User, closed_before: datetime | None = None) -> Handover:
    """Offers every closed case not yet offered (0501) and records the offer."""
    cutoff = closed_before or default_cutoff()
    with transaction.atomic():
        reviews = list(
            Review.objects.due_for_archive(cutoff)
            .select_for_update(of=("self",))
            .select_related("paper")
            .order_by("closed_at", "id")
        )
        if not reviews:
            raise ArchiveError(NOTHING_TO_OFFER)
        handover = Handover(created_by=by)
        items = [
            HandoverItem(
                handover=handover,
                review=review,
                paper_id=review.paper_id,
                reference=review.paper.reference,
            )
            for review in reviews
        ]
        message = xdomea.offer_list(handover.process_id, [package.record_of(i) for i in items])
        handover.offer.save(handover.file_name(xdomea.OFFER), ContentFile(message), save=False)
        handover.save()
        HandoverItem.objects.bulk_create(items)
        AuditEvent.record_many(
            AuditVerb.ARCHIVE_OFFERED,
            # A label, not the person: the hashed part of an event holds no personal data
            # (the person is in the "archive.offer_created" event by reference).
            actor_label="aussonderung",
            entries=[
                (review, str(review.paper.reference), review, {"process": str(handover.process_id)})
                for review in reviews
            ],
        )
        AuditEvent.record(
            AuditVerb.ARCHIVE_OFFER_CREATED, actor=by, obj=handover, details={"cases": len(reviews)}
        )
    return handover


def _check_process(handover: Handover, process_id: object) -> None:
    if process_id != handover.process_id:
        raise ArchiveError(WRONG_PROCESS)


def import_evaluation(*, handover: Handover, data: bytes, by: User) -> Handover:
    """Takes over the archive's decision per case from its 0502 message."""
    try:
        process_id, decisions = xdomea.read_evaluation(data)
    except xdomea.MessageError as exc:
        raise ArchiveError(str(exc)) from exc
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if handover.status != Handover.Status.OFFERED:
            raise ArchiveError(NOT_OFFERED)
        _check_process(handover, process_id)
        items = {item.record_id: item for item in handover.items.all()}
        if set(decisions) - set(items):
            raise ArchiveError(UNKNOWN_RECORDS)
        if missing := set(items) - set(decisions):
            raise ArchiveError(str(MISSING_DECISIONS).format(count=len(missing)))
        valid = {HandoverItem.Decision.ARCHIVE.value, HandoverItem.Decision.DISCARD.value}
        if set(decisions.values()) - valid:
            raise ArchiveError(BAD_DECISION)
        for record_id, decision in decisions.items():
            items[record_id].decision = decision
        HandoverItem.objects.bulk_update(items.values(), ["decision"])
        handover.evaluation.save(
            handover.file_name(xdomea.EVALUATION), ContentFile(data), save=False
        )
        handover.status = Handover.Status.EVALUATED
        handover.evaluated_at = timezone.now()
        handover.save()
        archive = sum(1 for d in decisions.values() if d == HandoverItem.Decision.ARCHIVE)
        AuditEvent.record(
            AuditVerb.ARCHIVE_EVALUATED,
            actor=by,
            obj=handover,
            details={"archive": archive, "discard": len(decisions) - archive},
        )
    return handover


def export_package(*, handover: Handover, by: User) -> Handover:
    """Builds the 0503 ZIP of the cases the archive chose and stores it with its checksum."""
    handover = Handover.objects.get(pk=handover.pk)
    if handover.status != Handover.Status.EVALUATED:
        raise ArchiveError(NOT_EVALUATED)
    if not handover.items.to_archive().exists():
        raise ArchiveError(NOTHING_TO_ARCHIVE)
    try:
        built = package.build(handover)  # outside the transaction: PDF conversion takes seconds
    except package.PackageError as exc:
        raise ArchiveError(str(exc)) from exc
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if handover.status != Handover.Status.EVALUATED:
            raise ArchiveError(NOT_EVALUATED)
        handover.package.save(
            handover.file_name(xdomea.HANDOVER, "zip"), ContentFile(built.data), save=False
        )
        handover.package_sha256 = built.sha256
        handover.status = Handover.Status.EXPORTED
        handover.exported_at = timezone.now()
        handover.save()
        AuditEvent.record(
            AuditVerb.ARCHIVE_EXPORTED,
            actor=by,
            obj=handover,
            details={"sha256": built.sha256, "files": len(built.checksums)},
        )
    return handover


def _close(handover: Handover, *, by: User, receipt: bytes | None) -> Handover:
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if handover.is_closed:
            raise ArchiveError(ALREADY_CLOSED)
        nothing_chosen = (
            handover.status == Handover.Status.EVALUATED
            and not handover.items.to_archive().exists()
        )
        if handover.status != Handover.Status.EXPORTED and not nothing_chosen:
            raise ArchiveError(NOT_EXPORTED)
        if receipt is not None:
            handover.receipt.save(
                handover.file_name("Aussonderung.AnbietungEmpfangBestaetigen.0504"),
                ContentFile(receipt),
                save=False,
            )
        handover.status = Handover.Status.CLOSED
        handover.closed_at = timezone.now()
        handover.closed_by = by
        handover.closed_manually = receipt is None
        handover.save()
        AuditEvent.record(
            AuditVerb.ARCHIVE_CLOSED,
            actor=by,
            obj=handover,
            details={"receipt": receipt is not None, "cases": handover.items.count()},
        )
    return handover


def confirm_receipt(*, handover: Handover, data: bytes, by: User) -> Handover:
    """The archive's receipt (0504) closes the hand-over; its cases may then be deleted."""
    try:
        process_id = xdomea.read_receipt(data)
    except xdomea.MessageError as exc:
        raise ArchiveError(str(exc)) from exc
    _check_process(handover, process_id)
    return _close(handover, by=by, receipt=data)


def confirm_manually(*, handover: Handover, by: User) -> Handover:
    """For archives that confirm by letter or phone: the administrator closes the hand-over."""
    return _close(handover, by=by, receipt=None)


def _delete_one(review: Review) -> list[str]:
    """Removes the case and everything that hangs on it; returns the stored files to remove.

    The order follows the PROTECT relations, from the leaves to the case. The audit events
    stay (their case id is a reference without a constraint) and so do the hand-over items,
    the evidence of what was handed over.
    """
    files: list[str] = []
    documents = Document.objects.filter(review=review)
    for document in documents:
        files += [field.name for field in (document.docx, document.pdf) if field.name]
    dispatches = Dispatch.objects.filter(review=review)
    for attachments in dispatches.values_list("attachments", flat=True):
        files += [entry["path"] for entry in attachments or [] if entry.get("path")]
    dispatches.delete()
    ChangeProposal.objects.filter(version__statement__review=review).delete()
    SendBack.objects.filter(review=review).delete()
    documents.delete()
    StatementVersion.objects.filter(statement__review=review).delete()
    Statement.objects.filter(review=review).delete()
    BeiratVote.objects.filter(review=review).delete()
    Contribution.objects.filter(review=review).delete()
    FollowUp.objects.filter(review=review).delete()
    # The workflow lives in `workflows`, which imports `review`, never the reverse: the model is
    # reached through the relation. Deleting it removes viewflow's process and tasks too.
    process_model = Review._meta.get_field("process").related_model
    process_model._default_manager.filter(review=review).delete()
    paper = review.paper
    Review.objects.filter(pk=review.pk).delete()  # notifications cascade
    # A non-public draft exists only here (docs/retention.md: uploaded drafts of non-public
    # Vorlagen go with the case); public papers are the council's record and stay.
    if not paper.is_public:
        paper_files = File.all_objects.filter(paper=paper)
        files += [name for name in paper_files.values_list("content", flat=True) if name]
        paper_files.delete()
        Consultation.objects.filter(paper=paper).delete()
        Paper.all_objects.filter(pk=paper.pk).delete()
    return files


def delete_cases(
    *, reviews: Iterable[Review], by: User | None = None, label: str = "aussonderung"
) -> int:
    """Deletes handed-over cases with their versions, documents, votes, workflow and files.

    Refuses the whole batch if any case has no closed hand-over. The stored files are removed
    only after the commit, so a rolled-back deletion leaves them in place.
    """
    with transaction.atomic():
        ids = [review.pk for review in reviews]
        cases = list(
            Review.objects.filter(pk__in=ids)
            .select_for_update(of=("self",))
            .select_related("paper")
            .order_by("id")
        )
        allowed = set(Review.objects.handed_over().filter(pk__in=ids).values_list("pk", flat=True))
        for case in cases:
            if case.pk not in allowed:
                raise ArchiveError(
                    str(NOT_HANDED_OVER).format(reference=case.paper.reference or case.pk)
                )
        if not cases:
            return 0
        processes = sorted(
            {
                str(process)
                for process in HandoverItem.objects.filter(review_id__in=ids).values_list(
                    "handover__process_id", flat=True
                )
            }
        )
        files: list[str] = []
        for case in cases:
            files += _delete_one(case)
        # No case reference and no person in the details: the event outlives the cases.
        AuditEvent.record(
            AuditVerb.ARCHIVE_CASES_DELETED,
            actor=by,
            actor_label="" if by else label,
            details={"cases": len(cases), "processes": processes},
        )
        transaction.on_commit(lambda: _remove_files(files))
    return len(cases)


def _remove_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def delete_handed_over_cases(*, handover: Handover, by: User) -> DeletionRecord:
    """The administrator deletes the cases of a closed hand-over and gets the record of it."""
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if not handover.is_closed:
            raise ArchiveError(HANDOVER_OPEN)
        reviews = list(Review.objects.filter(handover_items__handover=handover))
        if not reviews:
            raise ArchiveError(NOTHING_TO_DELETE)
        count = delete_cases(reviews=reviews, by=by)
        assert handover.closed_at is not None  # a closed hand-over has its time (constraint)
        return DeletionRecord.objects.create(
            data_class=CASES_DATA_CLASS,
            rule=(
                f"Aussonderung {handover.process_id}, abgeschlossen am "
                f"{timezone.localtime(handover.closed_at):%d.%m.%Y}"
            ),
            action="delete",
            count=count,
        )
