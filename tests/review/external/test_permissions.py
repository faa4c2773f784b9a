"""Every URL of the external users' area, for every persona, in one matrix."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404

# url name → status for (officer, head, clerk, beirat member, administrator, outsider)
MATRIX = {
    "notifications:list": (OK, OK, OK, OK, OK, OK),
    "notifications:preferences": (OK, OK, OK, OK, OK, OK),
    "feeds_settings": (OK, OK, OK, OK, OK, OK),
    "accounts:security": (OK, OK, OK, OK, OK, OK),
    "accounts:external_accounts": (FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "external:beirat": (OK, OK, NOT_FOUND, OK, OK, NOT_FOUND),
    "external:clerk": (OK, OK, OK, NOT_FOUND, OK, NOT_FOUND),
}
PERSONAS = [f.officer, f.head, f.clerk, f.beirat_member, f.administrator, f.outsider]


def _client_for(user) -> Client:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.is_external:
        device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.mark.parametrize("url_name", list(MATRIX))
def test_permission_matrix(url_name: str) -> None:
    url = reverse(url_name)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    for persona, expected in zip(PERSONAS, MATRIX[url_name], strict=True):
        response = _client_for(persona()).get(url)
        assert response.status_code == expected, (url_name, persona.__name__)


def test_external_people_are_stopped_on_every_page_until_the_second_factor() -> None:
    member = f.beirat_member()
    client = Client()
    client.force_login(member)
    for url_name in MATRIX:
        response = client.get(reverse(url_name))
        assert response.status_code == 302, url_name
        assert response["Location"].startswith(reverse("accounts:setup")), url_name
