"""Dispatch of released statements to the committee clerks and the Beirat, with receipts."""
