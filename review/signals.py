"""Domain events that other apps react to.

`review` never imports `workflows`; the workflow app subscribes to these instead. Senders fire
them from `transaction.on_commit`, so receivers see committed rows.
"""

from django.dispatch import Signal

# A new Review was opened (by the OParl sync's relevance check or by an officer by hand).
# kwargs: review_id: int, opened_by_id: int | None
review_opened = Signal()

# A sync brought the result of the agenda item under which a reviewed paper was decided.
# kwargs: review_id: int
decision_imported = Signal()

# Every document requested for the review's current generation is finished (the .docx done and
# the PDF done or skipped because LibreOffice is not available). Receivers must be idempotent:
# two documents finishing at the same moment may both announce it.
# kwargs: review_id: int
documents_ready = Signal()

# Making a document failed; the document shows the error with a retry action.
# kwargs: review_id: int, document_id: int, error: str
documents_failed = Signal()
