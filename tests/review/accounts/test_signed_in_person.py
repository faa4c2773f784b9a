"""The signed-in person comes with their permissions and second factor in one statement.

Every page asks both (navigation, header, the second-factor middleware); the backend reads them
with the person (review.accounts.backends.ModelBackend.get_user), and the answers must be the
ones Django's own two permission queries and the device query give.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from review.accounts import otp
from review.accounts.backends import ModelBackend
from review.models import Notification, User
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_person_comes_with_their_roles_and_own_permissions(django_assert_num_queries) -> None:
    person = f.officer()
    person.user_permissions.add(Permission.objects.get(codename="view_syncrun"))
    with django_assert_num_queries(1):
        signed_in = ModelBackend().get_user(person.pk)
        assert signed_in is not None
        assert signed_in.has_perm("review.draft_statement")  # from the role
        assert signed_in.has_perm("review.view_syncrun")  # granted to the person
        assert not signed_in.has_perm("review.change_keywordterm")
        assert not otp.has_second_factor(signed_in)
        assert signed_in.signed_in_unread == 0  # type: ignore[attr-defined]
    assert signed_in.get_all_permissions() == User.objects.get(pk=person.pk).granted_permissions()


def test_a_confirmed_device_is_known_without_asking_again(django_assert_num_queries) -> None:
    member = f.beirat_member()
    TOTPDevice.objects.create(user=member, name="App", confirmed=True)
    TOTPDevice.objects.create(user=f.officer(), name="App", confirmed=True)  # someone else’s
    with django_assert_num_queries(1):
        signed_in = ModelBackend().get_user(member.pk)
        assert signed_in is not None
        assert otp.has_second_factor(signed_in)
        assert signed_in.has_perm("review.view_shared_review")


def test_an_unconfirmed_device_is_no_second_factor() -> None:
    person = f.officer()
    TOTPDevice.objects.create(user=person, name="App", confirmed=False)
    signed_in = ModelBackend().get_user(person.pk)
    assert signed_in is not None
    assert not otp.has_second_factor(signed_in)


def test_a_superuser_keeps_every_permission_and_a_deactivated_person_is_nobody() -> None:
    admin = f.administrator(is_staff=True, is_superuser=True)
    signed_in = ModelBackend().get_user(admin.pk)
    assert signed_in is not None
    assert signed_in.has_perm("review.approve_statement")  # Django's answer for a superuser
    assert "review.approve_statement" not in signed_in.granted_permissions()
    assert ModelBackend().get_user(f.officer(is_active=False).pk) is None
    assert ModelBackend().get_user(999_999) is None


def test_the_header_counts_the_unread_notifications_read_with_the_person() -> None:
    person = f.officer()
    for n in range(3):
        Notification.objects.create(recipient=person, kind="task_assigned", dedupe_key=f"k{n}")
    Notification.objects.filter(dedupe_key="k0").update(read_at=timezone.now())
    Notification.objects.create(recipient=f.head(), kind="task_assigned", dedupe_key="other")
    signed_in = ModelBackend().get_user(person.pk)
    assert signed_in is not None
    assert signed_in.signed_in_unread == 2  # type: ignore[attr-defined]
    page = f.logged_in_client(person).get("/aufgaben/").content.decode()
    badge = page.split('data-testid="nav-notifications"')[1].split("</a>")[0]
    assert "2</span>" in badge
