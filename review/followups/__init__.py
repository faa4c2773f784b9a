"""Beschlusskontrolle: follow-ups on the council's decisions, with reminders."""
