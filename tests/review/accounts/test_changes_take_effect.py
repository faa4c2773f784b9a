"""Changes to roles, permissions, devices, passwords and accounts take effect with the next
request: nothing about the signed-in person is kept across requests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from review.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_role_taken_away_ends_access_with_the_next_request() -> None:
    officer = f.officer()
    client = f.logged_in_client(officer)
    assert client.get(reverse("workflows:review_list")).status_code == 200
    officer.groups.remove(Group.objects.get(name=Role.OFFICER.value))
    assert client.get(reverse("workflows:review_list")).status_code == 403


def test_a_role_given_opens_access_with_the_next_request() -> None:
    clerk = f.clerk()
    client = f.logged_in_client(clerk)
    assert client.get(reverse("workflows:review_list")).status_code == 403
    clerk.groups.add(Group.objects.get(name=Role.OFFICER.value))
    assert client.get(reverse("workflows:review_list")).status_code == 200


def test_a_permission_taken_from_a_role_counts_at_once() -> None:
    client = f.logged_in_client(f.officer())
    assert client.get(reverse("workflows:review_list")).status_code == 200
    Group.objects.get(name=Role.OFFICER.value).permissions.remove(
        *Group.objects.get(name=Role.OFFICER.value).permissions.filter(codename="view_review")
    )
    assert client.get(reverse("workflows:review_list")).status_code == 403


def test_a_device_set_up_elsewhere_asks_this_session_for_the_second_factor() -> None:
    officer = f.officer()
    client = f.logged_in_client(officer)
    assert client.get(reverse("home")).status_code == 200
    TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))


def test_a_person_deactivated_past_the_model_is_signed_out_with_the_next_request() -> None:
    from review.models import User

    officer = f.officer()
    client = f.logged_in_client(officer)
    assert client.get(reverse("workflows:inbox")).status_code == 200
    User.objects.filter(pk=officer.pk).update(is_active=False)  # no signal, no save()
    response = client.get(reverse("workflows:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_password_changed_elsewhere_ends_this_session() -> None:
    officer = f.officer()
    client = f.logged_in_client(officer)
    assert client.get(reverse("workflows:inbox")).status_code == 200
    officer.set_password("Ein-ganz-neues-Passwort-2026")
    officer.save()
    response = client.get(reverse("workflows:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
