"""Inviting, activating and deactivating the accounts of people outside the administration;
the absence and deputy of the office's staff."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.models import AuditEvent, AuditVerb, FeedToken, Invitation, Organization, Role, User
from review.notifications import emails

from . import otp
from .tokens import invitation_token

INVITABLE_ROLES = (Role.BEIRAT, Role.CLERK)

EMAIL_TAKEN = _("There is already an account with this e-mail address.")
ROLE_NOT_INVITABLE = _("Only Beirat members and committee service can be invited.")
ALREADY_ACCEPTED = _("This invitation has already been accepted.")
ABSENCE_NOT_YOURS = _("Only the person themselves or the Commissioner may set an absence.")
ABSENCE_ENDS_BEFORE_START = _("The absence cannot end before it starts.")
DEPUTY_IS_SELF = _("Nobody can be their own deputy.")
DEPUTY_NOT_STAFF = _("The deputy must be an active member of the office (Officer or Commissioner).")
DEPUTY_ABSENT_TOO = _("The deputy is absent on that day as well; please choose someone else.")


class AccountError(Exception):
    pass


def _username_for(email: str) -> str:
    base = email.split("@", 1)[0].lower()[:120] or "extern"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def invite_external(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    organizations: Iterable[Organization],
    by: User,
) -> Invitation:
    """Create the account (no password yet, two-factor login required) and e-mail the link."""
    if role not in INVITABLE_ROLES:
        raise AccountError(ROLE_NOT_INVITABLE)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(EMAIL_TAKEN)
    user = User(
        username=_username_for(email),
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_external=True,
    )
    user.set_unusable_password()
    user.save()
    user.groups.set([Group.objects.get(name=role.value)])
    user.organizations.set(list(organizations))
    invitation = Invitation.objects.create(user=user, invited_by=by)
    AuditEvent.record(
        AuditVerb.ACCOUNT_INVITED, actor=by, obj=user, details={"role": role.value, "email": email}
    )
    _queue_invitation(invitation)
    return invitation


def _queue_invitation(invitation: Invitation) -> None:
    from review.notifications.tasks import send_invitation_email

    pk = invitation.pk
    transaction.on_commit(lambda: send_invitation_email.delay(pk))


@transaction.atomic
def resend_invitation(*, user: User, by: User) -> Invitation:
    """A fresh link; earlier links of this person stop working."""
    invitation = Invitation.objects.select_for_update().filter(user=user).first()
    if invitation is None:
        invitation = Invitation.objects.create(user=user, invited_by=by)
    elif invitation.is_accepted:
        raise AccountError(ALREADY_ACCEPTED)
    else:
        invitation.nonce = Invitation._meta.get_field("nonce").get_default()
        invitation.sent_at = None
        invitation.created_at = timezone.now()
        invitation.invited_by = by
        invitation.save(update_fields=["nonce", "sent_at", "created_at", "invited_by"])
    AuditEvent.record(AuditVerb.ACCOUNT_INVITATION_RESENT, actor=by, obj=user)
    _queue_invitation(invitation)
    return invitation


def deliver_invitation(*, invitation_id: int) -> bool:
    claimed = Invitation.objects.filter(
        pk=invitation_id, sent_at__isnull=True, accepted_at__isnull=True
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("user").get(pk=invitation_id)
    link = reverse("accounts:accept_invitation", args=[invitation_token(invitation)])
    try:
        emails.invitation_email(invitation, link).send()
    except Exception:
        Invitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str) -> User:
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    AuditEvent.record(AuditVerb.ACCOUNT_INVITATION_ACCEPTED, actor=user, obj=user)
    return user


def _end_sessions(user: User) -> None:
    # Sessions are signed blobs keyed by id; decoding each is fine for a municipal user count.
    # Deleted through the session engine, so a copy in the cache (cached_db) goes as well.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()


@transaction.atomic
def deactivate_account(*, user: User, by: User) -> None:
    """The person can no longer log in; open sessions end and feed addresses stop working."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    FeedToken.objects.filter(user=user).delete()
    _end_sessions(user)
    AuditEvent.record(AuditVerb.ACCOUNT_DEACTIVATED, actor=by, obj=user)


@transaction.atomic
def reactivate_account(*, user: User, by: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    AuditEvent.record(AuditVerb.ACCOUNT_REACTIVATED, actor=by, obj=user)


@transaction.atomic
def reset_second_factor(*, user: User, by: User) -> None:
    """For a lost phone: the person sets up a new device at the next login."""
    otp.remove_second_factor(user=user)
    _end_sessions(user)
    AuditEvent.record(AuditVerb.ACCOUNT_SECOND_FACTOR_RESET, actor=by, obj=user)


def may_set_absence(*, person: User, by: User) -> bool:
    """The person for themselves; the Commissioner (who assigns the cases) for anyone."""
    return by.pk == person.pk or "review.assign_review" in by.granted_permissions()


@transaction.atomic
def set_absence(
    *,
    person: User,
    absent_from: date | None,
    absent_until: date | None,
    deputy: User | None,
    by: User,
) -> User:
    """Absent from/until (either may be open) and who acts meanwhile. Tasks owned by an absent
    person go to the deputy's list (User.acting_person); the assignment desk skips them."""
    if not may_set_absence(person=person, by=by):
        raise AccountError(ABSENCE_NOT_YOURS)
    if absent_from and absent_until and absent_until < absent_from:
        raise AccountError(ABSENCE_ENDS_BEFORE_START)
    if deputy is not None:
        if deputy.pk == person.pk:
            raise AccountError(DEPUTY_IS_SELF)
        if not deputy.is_active or not (
            deputy.has_role(Role.OFFICER) or deputy.has_role(Role.HEAD)
        ):
            raise AccountError(DEPUTY_NOT_STAFF)
        first_day = absent_from or timezone.localdate()
        if (absent_from or absent_until) and deputy.is_absent(first_day):
            raise AccountError(DEPUTY_ABSENT_TOO)
    person = User.objects.select_for_update().get(pk=person.pk)
    person.absent_from, person.absent_until, person.deputy = absent_from, absent_until, deputy
    person.save(update_fields=["absent_from", "absent_until", "deputy"])
    AuditEvent.record(
        AuditVerb.ACCOUNT_ABSENCE_SET,
        actor=by,
        obj=person,
        details={
            "from": absent_from,
            "until": absent_until,
            "deputy": deputy.get_username() if deputy is not None else None,
        },
    )
    return person


def external_accounts() -> list[User]:
    return list(
        User.objects.filter(is_external=True)
        .prefetch_related("groups", "organizations", "invitations")
        .order_by("last_name", "first_name")
    )
