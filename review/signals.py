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
