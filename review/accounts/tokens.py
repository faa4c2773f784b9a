"""Signed, expiring tokens in invitation links."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from review.models import Invitation

_SALT = "stellwerk.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation the token names, or None if it is forged, expired or used."""
    max_age = settings.INVITATION_MAX_AGE_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    invitation = (
        Invitation.objects.select_related("user")
        .filter(pk=payload.get("i"), nonce=payload.get("n"), accepted_at__isnull=True)
        .first()
    )
    if invitation is None or not invitation.user.is_active:
        return None
    return invitation
