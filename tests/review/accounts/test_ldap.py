"""Staff sign in with their directory account (a real slapd, tests/review/accounts/servers.py)."""

from __future__ import annotations

import ldap3
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from review.accounts import ldap
from review.accounts.directory import DirectoryError, parse_role_groups
from review.models import AuditEvent, Role, SignIn, User
from tests import factories as f

from .servers import ADMIN_DN, ADMIN_PASSWORD, SUFFIX

pytestmark = pytest.mark.django_db


def _log_in(username: str, password: str) -> tuple[Client, int]:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client, response.status_code


def _admin(directory) -> ldap3.Connection:
    return ldap3.Connection(directory.uri, ADMIN_DN, ADMIN_PASSWORD, auto_bind=True)


def test_first_directory_sign_in_creates_the_account_with_its_role(directory) -> None:
    client, status = _log_in("anna.schmidt", "anna-kennwort")
    assert status == 302
    anna = User.objects.get(username="anna.schmidt")
    assert (anna.first_name, anna.last_name, anna.email) == (
        "Anna",
        "Schmidt",
        "anna.schmidt@musterstadt.test",
    )
    assert anna.roles == {Role.OFFICER.value}
    assert anna.sign_in == SignIn.LDAP
    assert not anna.has_usable_password()
    assert client.get(reverse("home"), follow=True).status_code == 200
    event = AuditEvent.objects.get(verb="account.directory_created")
    assert event.details == {"roles": ["Sachbearbeitung"], "sign_in": "ldap"}
    # Names stay out of the audit trail.
    assert "Schmidt" not in str(event.details)


def test_a_group_named_by_its_cn_gives_its_role(directory) -> None:
    assert _log_in("bernd.yilmaz", "bernd-kennwort")[1] == 302
    assert User.objects.get(username="bernd.yilmaz").roles == {Role.HEAD.value}


def test_wrong_password_unknown_person_and_empty_password_are_refused(directory) -> None:
    assert _log_in("anna.schmidt", "falsch")[1] == 200
    assert _log_in("niemand", "anna-kennwort")[1] == 200
    assert _log_in("anna.schmidt", "")[1] == 200
    assert not User.objects.filter(username__in=["anna.schmidt", "niemand"]).exists()


def test_disabled_person_cannot_sign_in(directory) -> None:
    # carla.weber is in a Stellwerk group but marked as having left (outside the user filter).
    assert _log_in("carla.weber", "carla-kennwort")[1] == 200
    assert not User.objects.filter(username="carla.weber").exists()


def test_person_without_a_mapped_group_cannot_sign_in(directory) -> None:
    response = Client().post(
        reverse("login"), {"username": "dieter.krause", "password": "dieter-kennwort"}
    )
    assert response.status_code == 200
    assert "Beide Felder berücksichtigen die Groß-/Kleinschreibung" in response.content.decode()
    assert not User.objects.filter(username="dieter.krause").exists()


def test_external_account_of_the_same_name_keeps_its_local_password(directory) -> None:
    guest = f.beirat_member(username="emil.gast")
    assert _log_in("emil.gast", "emil-kennwort")[1] == 200
    guest.refresh_from_db()
    assert guest.sign_in == SignIn.LOCAL and guest.roles == {Role.BEIRAT.value}
    assert _log_in("emil.gast", f.PASSWORD)[1] == 302


def test_next_sign_in_brings_roles_and_names_up_to_date(directory) -> None:
    _log_in("anna.schmidt", "anna-kennwort")
    admin = _admin(directory)
    anna_dn = f"uid=anna.schmidt,ou=personen,{SUFFIX}"
    admin.modify(anna_dn, {"sn": [(ldap3.MODIFY_REPLACE, ["Schmidt-Öztürk"])]})
    admin.modify(
        f"cn=integration-leitung,ou=gruppen,{SUFFIX}", {"member": [(ldap3.MODIFY_ADD, [anna_dn])]}
    )
    admin.modify(
        f"cn=integration-sachbearbeitung,ou=gruppen,{SUFFIX}",
        {"member": [(ldap3.MODIFY_DELETE, [anna_dn])]},
    )
    assert _log_in("anna.schmidt", "anna-kennwort")[1] == 302
    anna = User.objects.get(username="anna.schmidt")
    assert anna.last_name == "Schmidt-Öztürk"
    assert anna.roles == {Role.HEAD.value}
    event = AuditEvent.objects.get(verb="account.directory_updated")
    assert event.details["before"]["roles"] == ["Sachbearbeitung"]
    assert event.details["after"]["roles"] == ["Beauftragte"]


def test_local_staff_account_is_taken_over_by_the_directory(directory) -> None:
    local = f.officer(username="anna.schmidt")
    assert _log_in("anna.schmidt", "anna-kennwort")[1] == 302
    local.refresh_from_db()
    assert local.sign_in == SignIn.LDAP
    assert not local.has_usable_password()  # the old local password no longer works


def test_nightly_check_deactivates_removed_and_disabled_people(directory, eager_tasks) -> None:
    for name in ("anna.schmidt", "bernd.yilmaz"):
        _log_in(name, f"{name.split('.')[0]}-kennwort")
    signed_in, _ = _log_in("anna.schmidt", "anna-kennwort")
    admin = _admin(directory)
    admin.delete(f"uid=bernd.yilmaz,ou=personen,{SUFFIX}")
    admin.modify(
        f"uid=anna.schmidt,ou=personen,{SUFFIX}",
        {"employeeType": [(ldap3.MODIFY_ADD, ["ausgeschieden"])]},
    )
    local = f.officer(username="lokal")
    external = f.beirat_member(username="gast")

    from review.accounts.tasks import check_directory_users

    counts = check_directory_users.delay().get()
    assert counts == {"checked": 2, "kept": 0, "deactivated": 2}
    assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == {
        "anna.schmidt",
        "bernd.yilmaz",
    }
    local.refresh_from_db()
    external.refresh_from_db()
    assert local.is_active and external.is_active
    assert AuditEvent.objects.filter(verb="account.directory_deactivated").count() == 2
    # Her open session ends, and she cannot sign in again.
    assert signed_in.get(reverse("home")).status_code == 302
    assert _log_in("anna.schmidt", "anna-kennwort")[1] == 200


def test_check_command_keeps_active_people_and_reports_counts(directory, capsys) -> None:
    _log_in("anna.schmidt", "anna-kennwort")
    call_command("check_directory_users")
    assert "1 Konten geprüft, 1 aktiv, 0 deaktiviert." in capsys.readouterr().out
    assert User.objects.get(username="anna.schmidt").is_active


def test_unreachable_directory_deactivates_nobody(directory, settings) -> None:
    _log_in("anna.schmidt", "anna-kennwort")
    settings.LDAP_SERVER_URI = "ldap://127.0.0.1:1"
    settings.LDAP_TIMEOUT_SECONDS = 2
    with pytest.raises(Exception, match="Verzeichnisdienst nicht erreichbar"):
        call_command("check_directory_users")
    assert User.objects.get(username="anna.schmidt").is_active
    # and sign-in fails quietly, so local (external) accounts still work
    assert _log_in("anna.schmidt", "anna-kennwort")[1] == 200


def test_active_directory_style_sign_in_by_sam_account_name(directory, settings) -> None:
    settings.LDAP_USERNAME_ATTRIBUTE = "sAMAccountName"
    settings.LDAP_USER_FILTER = (
        "(&(objectClass=inetOrgPerson)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
    )
    assert _log_in("fkoch", "frieda-kennwort")[1] == 302
    frieda = User.objects.get(username="fkoch")
    assert frieda.last_name == "Koch" and frieda.roles == {Role.OFFICER.value}
    # userAccountControl 514: the account is disabled in AD.
    assert _log_in("glang", "gerd-kennwort")[1] == 200


def test_local_staff_login_can_be_switched_off(directory, settings) -> None:
    settings.LOCAL_STAFF_LOGIN = False
    officer, member = f.officer(), f.beirat_member()
    assert _log_in(officer.username, f.PASSWORD)[1] == 200
    assert _log_in(member.username, f.PASSWORD)[1] == 302  # external: local password stays
    assert _log_in("anna.schmidt", "anna-kennwort")[1] == 302  # directory sign-in works


def test_role_mapping_rejects_unknown_roles_and_pairs_without_group() -> None:
    assert parse_role_groups("officer=a; Beauftragte=b;officer=b", setting="X") == {
        "a": {Role.OFFICER},
        "b": {Role.HEAD, Role.OFFICER},
    }
    with pytest.raises(DirectoryError, match="Unknown role 'Chef'"):
        parse_role_groups("Chef=cn=x", setting="LDAP_ROLE_GROUPS")
    with pytest.raises(DirectoryError, match="expected"):
        parse_role_groups("Sachbearbeitung", setting="LDAP_ROLE_GROUPS")


def test_without_configuration_the_backend_does_nothing(settings) -> None:
    settings.LDAP_SERVER_URI = ""
    assert ldap.LDAPBackend().authenticate(None, username="x", password="y") is None


def test_a_user_name_found_twice_in_the_directory_signs_nobody_in(directory) -> None:
    _admin(directory).add(
        f"uid=anna.schmidt,ou=verwaltung,{SUFFIX}",
        ["inetOrgPerson"],
        {"cn": "Anna Schmidt", "sn": "Schmidt", "userPassword": "anderes-kennwort"},
    )
    assert _log_in("anna.schmidt", "anna-kennwort")[1] == 200
    assert _log_in("anna.schmidt", "anderes-kennwort")[1] == 200
    assert not User.objects.filter(username="anna.schmidt").exists()
