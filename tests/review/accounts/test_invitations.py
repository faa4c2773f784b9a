"""Inviting an external person, accepting, enrolling a second factor, logging in."""

from __future__ import annotations

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from review.accounts import services
from review.accounts.tokens import invitation_token
from review.models import AuditEvent, Invitation, Role, User
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def _invite(head: User, email: str = "amira@example.org") -> Invitation:
    committee = f.make_organization("Ausländerbeirat", is_advisory_council=True)
    return services.invite_external(
        email=email,
        first_name="Amira",
        last_name="Haddad",
        role=Role.BEIRAT,
        organizations=[committee],
        by=head,
    )


def test_the_office_invites_a_beirat_member_by_email(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    head = f.head()
    client.force_login(head)
    org = f.make_organization("Ausländerbeirat")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:external_accounts"),
            {
                "first_name": "Amira",
                "last_name": "Haddad",
                "email": "Amira@Example.org",
                "role": Role.BEIRAT.value,
                "organizations": [org.pk],
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="amira@example.org")
    assert user.is_external and not user.has_usable_password()
    assert user.has_role(Role.BEIRAT)
    assert list(user.organizations.all()) == [org]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amira@example.org"]
    assert "Haddad" not in message.subject and "amira" not in message.subject.lower()
    assert "/konto/einladung/" in message.body
    assert AuditEvent.objects.filter(verb="account.invited").exists()


def test_an_email_can_be_invited_only_once() -> None:
    head = f.head()
    _invite(head)
    with pytest.raises(services.AccountError, match=str(services.EMAIL_TAKEN)):
        _invite(head, email="AMIRA@example.org")


def test_accepting_sets_the_password_and_leads_to_two_factor_setup(client: Client) -> None:
    invitation = _invite(f.head())
    url = reverse("accounts:accept_invitation", args=[invitation_token(invitation)])
    page = client.get(url)
    assert page.status_code == 200
    assert invitation.user.username in page.content.decode()
    response = client.post(url, {"new_password1": f.PASSWORD, "new_password2": f.PASSWORD})
    assert response["Location"] == reverse("accounts:setup")
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    # The link works once.
    assert client.get(url).status_code == 410
    # Every other page sends the person to the set-up until a device is confirmed.
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:setup"))


def test_an_expired_or_forged_invitation_link_is_refused(client: Client, settings) -> None:
    invitation = _invite(f.head())
    forged = signing.dumps({"i": invitation.pk, "n": "guess"}, salt="stellwerk.invitation")
    assert client.get(reverse("accounts:accept_invitation", args=[forged])).status_code == 410
    settings.INVITATION_MAX_AGE_DAYS = -1
    token = invitation_token(invitation)
    assert client.get(reverse("accounts:accept_invitation", args=[token])).status_code == 410


def test_resending_an_invitation_invalidates_the_old_link(client: Client) -> None:
    head = f.head()
    invitation = _invite(head)
    old = invitation_token(invitation)
    services.resend_invitation(user=invitation.user, by=head)
    assert client.get(reverse("accounts:accept_invitation", args=[old])).status_code == 410
    invitation.refresh_from_db()
    new = invitation_token(invitation)
    assert client.get(reverse("accounts:accept_invitation", args=[new])).status_code == 200


def test_enrolment_shows_a_qr_code_and_then_recovery_codes_once(client: Client) -> None:
    member = f.beirat_member()
    client.force_login(member)
    page = client.get(reverse("accounts:setup"))
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert "<script" not in html.split("</head>", 1)[1]
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    wrong = client.post(reverse("accounts:setup"), {"token": "000000"})
    assert "Der Code stimmt nicht" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a second
    code = f"{totp(device.bin_key):06d}"
    done = client.post(reverse("accounts:setup"), {"token": code})
    assert done["Location"] == reverse("accounts:recovery_codes")
    codes_page = client.get(reverse("accounts:recovery_codes")).content.decode()
    tokens = list(StaticToken.objects.filter(device__user=member).values_list("token", flat=True))
    assert len(tokens) == 10 and all(t in codes_page for t in tokens)
    # Shown once only.
    assert client.get(reverse("accounts:recovery_codes")).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home"), follow=True).status_code == 200


def _enrolled(member: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=member, name="App", confirmed=True)


def test_an_external_person_must_enter_the_second_factor_after_the_password(
    client: Client,
) -> None:
    member = f.beirat_member()
    device = _enrolled(member)
    response = client.post(reverse("login"), {"username": member.username, "password": f.PASSWORD})
    assert response.status_code == 302
    blocked = client.get(reverse("notifications:list"))
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("accounts:verify"))
    verified = client.post(
        reverse("accounts:verify"),
        {"token": f"{totp(device.bin_key):06d}", "next": reverse("notifications:list")},
    )
    assert verified["Location"] == reverse("notifications:list")
    assert client.get(reverse("notifications:list")).status_code == 200


def test_a_recovery_code_works_once(client: Client) -> None:
    member = f.beirat_member()
    _enrolled(member)
    from review.accounts.otp import replace_recovery_codes

    code = replace_recovery_codes(user=member)[0]
    client.force_login(member)
    assert client.post(reverse("accounts:verify"), {"token": code}).status_code == 302
    other = Client()
    other.force_login(member)
    again = other.post(reverse("accounts:verify"), {"token": code})
    assert again.status_code == 200
    assert "Der Code ist ungültig" in again.content.decode()


def test_staff_without_a_device_are_not_asked_for_a_second_factor(client: Client) -> None:
    client.force_login(f.officer())
    assert client.get(reverse("notifications:list")).status_code == 200


def test_wrong_codes_lock_the_login(client: Client, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    member = f.beirat_member()
    _enrolled(member)
    client.force_login(member)
    statuses = [
        client.post(reverse("accounts:verify"), {"token": "123456"}).status_code for _ in range(3)
    ]
    assert statuses[-1] == 429
    assert "vorübergehend gesperrt" in client.get(reverse("accounts:verify")).content.decode() or (
        client.get(reverse("home")).status_code == 302
    )
    # Logged out: the password alone does not get back in either.
    again = client.post(reverse("login"), {"username": member.username, "password": f.PASSWORD})
    assert again.status_code in (403, 429)


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(client: Client) -> None:
    head = f.head()
    member = f.beirat_member()
    client.force_login(member)
    services.deactivate_account(user=member, by=head)
    assert client.get(reverse("notifications:list")).status_code == 302
    refused = Client().post(reverse("login"), {"username": member.username, "password": f.PASSWORD})
    assert refused.status_code == 200  # the form again, with an error
    assert AuditEvent.objects.filter(verb="account.deactivated").exists()


def test_password_reset_mails_a_link_in_german(
    client: Client, django_capture_on_commit_callbacks, eager_tasks
) -> None:
    member = f.beirat_member()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": member.email})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert "neues Passwort" in mail.outbox[0].subject
    assert "/konto/passwort-neu/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (f.head, 200),
        (f.administrator, 200),
        (f.officer, 403),
        (f.clerk, 403),
        (f.outsider, 403),
    ],
)
def test_only_the_office_and_administrators_manage_external_accounts(
    client: Client, persona, status
) -> None:
    client.force_login(persona())
    assert client.get(reverse("accounts:external_accounts")).status_code == status


def test_a_beirat_member_cannot_manage_external_accounts_even_when_verified(
    client: Client,
) -> None:
    member = f.beirat_member()
    device = _enrolled(member)
    client.force_login(member)
    client.post(reverse("accounts:verify"), {"token": f"{totp(device.bin_key):06d}"})
    other = f.clerk(is_external=True)
    url = reverse("accounts:deactivate_account", args=[other.pk])
    assert client.post(url).status_code == 403
