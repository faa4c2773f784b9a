"""What the clerk's list says about each statement: for which committee and meeting, and where it
stands from the clerk's side ("Neu für Sie", "heruntergeladen", "Empfang bestätigt")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from review.models import Dispatch, Meeting, Organization, Review, StatementDownload, User


class ClerkStatus(models.TextChoices):
    """The office's own statuses ("Abgeschlossen", "Versandt") say nothing to a clerk."""

    NEW = "new", _("New for you")
    DOWNLOADED = "downloaded", _("Downloaded")
    CONFIRMED = "confirmed", _("Receipt confirmed")
    REPLACED = "replaced", _("Replaced by a new version")


BADGES = {
    ClerkStatus.NEW: "info",
    ClerkStatus.DOWNLOADED: "info",
    ClerkStatus.CONFIRMED: "success",
    ClerkStatus.REPLACED: "warning",
}


@dataclass(frozen=True)
class ClerkCard:
    review: Review
    committees: list[Organization]
    meeting: Meeting | None
    status: ClerkStatus
    downloaded_at: datetime | None

    @property
    def badge(self) -> str:
        return BADGES[self.status]


def downloads_by(user: User, reviews: list[Review]) -> dict[int, datetime]:
    """When this person last downloaded each statement (single file or meeting package)."""
    rows = StatementDownload.objects.filter(person=user, review__in=reviews)
    return dict(rows.values_list("review_id", "last_downloaded_at"))


def clerk_status(dispatches: list[Dispatch], downloaded_at: datetime | None) -> ClerkStatus:
    """From the mails this clerk received for one statement and their last download."""
    if dispatches:
        newest = max(d.statement_version.number for d in dispatches)
        current = [d for d in dispatches if d.statement_version.number == newest]
        if all(d.confirmed_at for d in current):
            return ClerkStatus.CONFIRMED
        if len(current) < len(dispatches):
            # An earlier version reached the clerk; this one replaces it.
            return ClerkStatus.REPLACED
        sent = max(d.sent_at for d in current if d.sent_at)
        if downloaded_at is not None and downloaded_at >= sent:
            return ClerkStatus.DOWNLOADED
        return ClerkStatus.NEW
    return ClerkStatus.DOWNLOADED if downloaded_at is not None else ClerkStatus.NEW


def committees_for(review: Review, committees: set[int]) -> list[Organization]:
    """The committees of the Beratungsfolge that the statement is for, as this person sees
    them (their own committees; the office sees all)."""
    found: dict[int, Organization] = {}
    for consultation in review.paper.consultations.all():
        for organization in consultation.organizations.all():
            if not committees or organization.pk in committees:
                found[organization.pk] = organization
    return list(found.values())
