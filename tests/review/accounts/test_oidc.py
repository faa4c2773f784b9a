"""Staff sign in through an OpenID Connect provider: the full authorization-code flow against a
real provider process (oidc-provider on Node, tests/review/accounts/oidc_provider.mjs)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from django.test import Client
from django.urls import reverse

from review.models import AuditEvent, Role, SignIn, User
from tests import factories as f

from .conftest import OIDC_CALLBACK

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, login: str, password: str, next_url: str = "") -> httpx.Response:
    """The button, the provider's login form filled in and posted, the provider's redirects up
    to the one that sends the browser back to Stellwerk's callback (returned, not followed)."""
    start = reverse("oidc_start") + (f"?next={next_url}" if next_url else "")
    to_provider = client.get(start)
    assert to_provider.status_code == 302
    location = to_provider["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["redirect_uri"] == [OIDC_CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    with httpx.Client(timeout=10) as browser:
        page = browser.get(location, follow_redirects=True)
        assert page.status_code == 200
        assert "Bitte melden Sie sich an." in page.text
        action = re.search(r'action="([^"]+)"', page.text)
        assert action is not None
        answer = browser.post(
            urljoin(str(page.url), action.group(1)), data={"login": login, "password": password}
        )
        # Follow the provider's own redirects; stop where it sends the browser back to us.
        while answer.is_redirect and not answer.headers["location"].startswith(OIDC_CALLBACK):
            answer = browser.get(urljoin(str(answer.url), answer.headers["location"]))
    return answer


def _callback(client: Client, answer: httpx.Response):
    assert answer.is_redirect, answer.text[:500]
    return client.get(answer.headers["location"].removeprefix("http://testserver"))


def test_login_page_offers_the_city_sign_in_when_configured(oidc) -> None:
    page = Client().get(reverse("login")).content.decode()
    assert "Mit dem Konto der Stadt Musterstadt anmelden" in page
    assert f'href="{reverse("oidc_start")}"' in page


def test_login_page_has_no_sso_button_without_configuration(settings) -> None:
    settings.OIDC_RP_CLIENT_ID = ""
    page = Client().get(reverse("login")).content.decode()
    assert reverse("oidc_start") not in page
    assert "anmelden" in page.lower()


def test_full_code_flow_creates_the_account_with_the_mapped_role(oidc) -> None:
    client = Client()
    answer = _sign_in(client, "anna.schmidt", "anna-kennwort", next_url="/aufgaben/")
    back = _callback(client, answer)
    assert back.status_code == 302
    assert back["Location"] == "/aufgaben/"
    anna = User.objects.get(username="anna.schmidt")
    assert (anna.first_name, anna.last_name, anna.email) == (
        "Anna",
        "Schmidt",
        "anna.schmidt@musterstadt.test",
    )
    assert anna.roles == {Role.OFFICER.value}
    assert anna.sign_in == SignIn.OIDC
    assert not anna.has_usable_password()
    inbox = client.get("/aufgaben/")
    assert inbox.status_code == 200
    assert AuditEvent.objects.filter(verb="account.directory_created").count() == 1


def test_several_groups_give_several_roles(oidc) -> None:
    client = Client()
    assert _callback(client, _sign_in(client, "bernd.yilmaz", "bernd-kennwort")).status_code == 302
    assert User.objects.get(username="bernd.yilmaz").roles == {
        Role.HEAD.value,
        Role.ADMIN.value,
    }


def test_wrong_password_stays_at_the_provider(oidc) -> None:
    answer = _sign_in(Client(), "anna.schmidt", "falsch")
    assert answer.status_code == 401
    assert "Benutzername oder Kennwort falsch." in answer.text
    assert not User.objects.filter(username="anna.schmidt").exists()


def test_person_without_a_mapped_group_is_sent_back_with_an_explanation(oidc) -> None:
    client = Client()
    back = _callback(client, _sign_in(client, "dieter.krause", "dieter-kennwort"))
    assert back.status_code == 302
    assert back["Location"] == "/anmelden/"
    page = client.get("/anmelden/").content.decode()
    assert "Die Anmeldung mit dem Konto der Stadt ist nicht gelungen." in page
    assert not User.objects.filter(username="dieter.krause").exists()


def test_external_account_of_the_same_name_is_not_signed_in_by_the_provider(oidc) -> None:
    guest = f.beirat_member(username="emil.gast")
    client = Client()
    back = _callback(client, _sign_in(client, "emil.gast", "emil-kennwort"))
    assert back["Location"] == "/anmelden/"
    guest.refresh_from_db()
    assert guest.sign_in == SignIn.LOCAL and guest.roles == {Role.BEIRAT.value}


def test_deactivated_account_loses_its_session_until_the_provider_vouches_again(oidc) -> None:
    client = Client()
    _callback(client, _sign_in(client, "anna.schmidt", "anna-kennwort"))
    User.objects.filter(username="anna.schmidt").update(is_active=False)
    # The Django session is no longer accepted ...
    assert client.get("/aufgaben/").status_code == 302
    # ... but the provider is the source of truth for its accounts: while it still vouches for
    # the person, a new sign-in makes the account active again, and the audit trail says so.
    again = Client()
    assert _callback(again, _sign_in(again, "anna.schmidt", "anna-kennwort")).status_code == 302
    assert User.objects.get(username="anna.schmidt").is_active
    assert AuditEvent.objects.filter(verb="account.directory_reactivated").count() == 1


def test_forged_callback_without_state_is_refused(oidc) -> None:
    client = Client()
    client.get(reverse("oidc_start"))
    back = client.get(reverse("oidc_callback"), {"code": "erfunden", "state": "falsch"})
    assert back.status_code == 400  # mozilla-django-oidc: state not in this session
    assert not User.objects.exists()


SIGN_IN_URLS = ["login", "oidc_start", "oidc_callback"]


def test_sign_in_urls_answer_every_role_as_expected(oidc, settings) -> None:
    """URL × role: the sign-in pages are open to everyone; without OIDC its two URLs are 404."""
    personas = {
        "officer": f.logged_in_client(f.officer()),
        "head": f.logged_in_client(f.head()),
        "clerk": f.logged_in_client(f.clerk()),
        "outsider": f.logged_in_client(f.outsider()),
        "anonymous": Client(),
    }
    configured = {
        role: {name: client.get(reverse(name)).status_code for name in SIGN_IN_URLS}
        for role, client in personas.items()
    }
    # The callback without code and state fails the sign-in and leads back to the login page.
    assert configured == {
        role: {"login": 200, "oidc_start": 302, "oidc_callback": 302} for role in personas
    }
    settings.OIDC_RP_CLIENT_ID = ""
    unconfigured = {
        role: {name: client.get(reverse(name)).status_code for name in SIGN_IN_URLS}
        for role, client in personas.items()
    }
    assert unconfigured == {
        role: {"login": 200, "oidc_start": 404, "oidc_callback": 404} for role in personas
    }
    assert personas["anonymous"].post(reverse("oidc_start")).status_code == 405


def test_failed_provider_sign_ins_do_not_lock_out_colleagues_behind_the_same_address(
    oidc, settings
) -> None:
    # City networks reach Stellwerk through one proxy address; the callback carries no user name.
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        client = Client()
        _callback(client, _sign_in(client, "dieter.krause", "dieter-kennwort"))
    colleague = Client()
    back = _callback(colleague, _sign_in(colleague, "anna.schmidt", "anna-kennwort"))
    assert back.status_code == 302 and back["Location"] == "/"
    assert colleague.get("/aufgaben/").status_code == 200
