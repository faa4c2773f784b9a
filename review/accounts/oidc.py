"""Sign-in through the city's OpenID Connect provider (Keycloak, ADFS), on mozilla-django-oidc.

The provider vouches for the person; the groups claim (OIDC_GROUPS_CLAIM) is mapped to roles by
OIDC_ROLE_GROUPS, the account is found by the user-name claim (OIDC_USERNAME_CLAIM) instead of
the e-mail address, which people change and which two accounts may share.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from review.models import SignIn, User

from .directory import DirectoryPerson, parse_role_groups, roles_for, sign_in_person

SIGN_IN_FAILED = _(
    "Sign-in with the city account did not succeed. If you should have access, ask the "
    "administration to add you to a Stellwerk group in the directory."
)


def is_configured() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


def _claim_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


def person_from_claims(claims: dict[str, Any]) -> DirectoryPerson | None:
    username = str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip().lower()
    if not username:
        return None
    return DirectoryPerson(
        username=username[:150],
        first_name=str(claims.get("given_name") or ""),
        last_name=str(claims.get("family_name") or ""),
        email=str(claims.get("email") or "").lower(),
        groups=frozenset(_claim_list(claims.get(settings.OIDC_GROUPS_CLAIM))),
    )


def is_provider_callback(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """AXES_WHITELIST_CALLABLE: the provider checked the password, not Stellwerk. A refused
    callback (no role) carries no user name, so django-axes would count it against the address
    only, and a city's staff behind one proxy address would lock each other out."""
    return request.path == reverse("oidc_callback")


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with Stellwerk's account rules (directory.sign_in_person)."""

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        # The ID token's claims first, the userinfo answer over them (ADFS puts groups in one,
        # Keycloak in both).
        person = person_from_claims({**payload, **claims})
        if person is None:
            raise SuspiciousOperation("OIDC answer without the user-name claim")
        mapping = parse_role_groups(settings.OIDC_ROLE_GROUPS, setting="OIDC_ROLE_GROUPS")
        return sign_in_person(
            person=person, roles=roles_for(person.groups, mapping), source=SignIn.OIDC
        )

    def get_user(self, user_id: int) -> User | None:
        # mozilla-django-oidc's own get_user ignores is_active; a deactivated account is out.
        return User.objects.filter(pk=user_id, is_active=True).first()


class _CallbackView(OIDCAuthenticationCallbackView):
    def login_failure(self) -> HttpResponse:
        messages.error(self.request, SIGN_IN_FAILED)
        return super().login_failure()


class LoginView(auth_views.LoginView):
    """Django's login page, with the button to the city's sign-in when OIDC is configured."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if is_configured():
            context["oidc_label"] = settings.OIDC_LOGIN_LABEL or _("Sign in with the city account")
        return context


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """To the provider's login page (the button "Mit dem Dienstkonto anmelden")."""
    if not is_configured():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: the code is exchanged and the account created or updated."""
    if not is_configured():
        raise Http404
    return _CallbackView.as_view()(request)
