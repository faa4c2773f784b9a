"""Which statement files a released review offers for download, per audience."""

from __future__ import annotations

from review.models import Dispatch, Review

from .documents import BEIRAT, COMMITTEE, DOCX, PDF, StoredFile, latest_documents

FORMATS = {"pdf": PDF, "docx": DOCX}


def statement_files(review: Review, audience: str) -> dict[str, StoredFile]:
    """{"pdf": …, "docx": …} of the statement document for clerks or the Beirat.

    The finished Document when the documents app has one; otherwise what was mailed, so the
    download is always the file the recipients got.
    """
    wanted = [BEIRAT, COMMITTEE] if audience == Dispatch.Audience.BEIRAT else [COMMITTEE]
    documents = {d.kind: d for d in latest_documents(review)}
    for kind in wanted:
        if kind in documents:
            return _by_format(documents[kind].files)
    files: list[StoredFile] = []
    dispatches = (
        Dispatch.objects.filter(review=review, status=Dispatch.Status.SENT)
        .select_related("statement_version")
        .order_by("-pk")
    )
    chosen_key = ""
    # The newest statement version first; within it the audience's own document.
    ranked = sorted(dispatches, key=lambda d: (-d.statement_version.number, d.audience != audience))
    for dispatch in ranked:
        chosen_key = chosen_key or dispatch.document_key
        if dispatch.document_key == chosen_key:
            files += [StoredFile(**a) for a in dispatch.attachments]
    return _by_format(files)


def _by_format(files: list[StoredFile]) -> dict[str, StoredFile]:
    found: dict[str, StoredFile] = {}
    for name, content_type in FORMATS.items():
        match = next((f for f in files if f.content_type == content_type), None)
        if match is not None:
            found[name] = match
    return found
