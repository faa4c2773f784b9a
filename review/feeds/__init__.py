"""Personal iCal feed and per-committee Atom feeds, reached by a secret token."""
