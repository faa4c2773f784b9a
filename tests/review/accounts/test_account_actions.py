"""The office's four actions on an external account, each its own POST view."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from review.models import AuditEvent, Invitation, User
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

PATHS = {
    "deactivate_account": "deactivate",
    "reactivate_account": "reactivate",
    "resend_invitation": "resend",
    "reset_second_factor": "reset-2fa",
}


@pytest.fixture
def office(client: Client) -> Client:
    client.force_login(f.head())
    return client


@pytest.fixture
def member() -> User:
    return f.beirat_member(is_external=True)


def _post(client: Client, name: str, user: User) -> str:
    response = client.post(reverse(f"accounts:{name}", args=[user.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:external_accounts")
    return response.content.decode()


def test_each_action_keeps_the_path_it_had(member: User) -> None:
    for name, word in PATHS.items():
        assert reverse(f"accounts:{name}", args=[member.pk]) == (
            f"/konto/externe-zugaenge/{member.pk}/{word}/"
        )


def test_deactivating_and_reactivating_an_account(office: Client, member: User) -> None:
    html = _post(office, "deactivate_account", member)
    member.refresh_from_db()
    assert not member.is_active and f"{member} kann sich nicht mehr anmelden." in html
    html = _post(office, "reactivate_account", member)
    member.refresh_from_db()
    assert member.is_active and f"{member} kann sich wieder anmelden." in html
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="account.").values_list("verb", flat=True)
    )
    assert verbs == ["account.deactivated", "account.reactivated"]


def test_resending_gives_a_new_link_and_refuses_an_accepted_invitation(
    office: Client, member: User
) -> None:
    html = _post(office, "resend_invitation", member)
    assert "Ein neuer Einladungslink ist unterwegs." in html
    invitation = Invitation.objects.get(user=member)
    invitation.accepted_at = invitation.created_at
    invitation.save()
    html = _post(office, "resend_invitation", member)
    assert "Diese Einladung wurde bereits angenommen." in html


def test_resetting_the_second_factor_removes_the_device(office: Client, member: User) -> None:
    TOTPDevice.objects.create(user=member, name="Telefon")
    html = _post(office, "reset_second_factor", member)
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert "richtet bei der nächsten Anmeldung einen neuen zweiten Faktor ein." in html


def test_the_actions_take_only_post_only_external_accounts_only_the_office(
    client: Client, office: Client, member: User
) -> None:
    colleague = f.officer()
    for name in PATHS:
        url = reverse(f"accounts:{name}", args=[member.pk])
        assert office.get(url).status_code == 405
        assert office.post(reverse(f"accounts:{name}", args=[colleague.pk])).status_code == 404
    assert office.post(f"/konto/externe-zugaenge/{member.pk}/delete/").status_code == 404
    outsider = Client()
    outsider.force_login(f.officer(username="ohne-recht"))
    assert (
        outsider.post(reverse("accounts:deactivate_account", args=[member.pk])).status_code == 403
    )
    member.refresh_from_db()
    assert member.is_active
