"""Notifications: in-app records and the e-mails sent for them (immediately or as a digest)."""
