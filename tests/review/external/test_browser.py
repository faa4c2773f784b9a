"""In Chromium on a phone-sized screen: a Beirat member logs in with TOTP and records the vote;
a clerk confirms receipt."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from review.models import BeiratVote, Review
from tests import factories as f

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_WIDTH, PHONE_HEIGHT = 390, 844

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"),
]


@pytest.fixture
def page() -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT}, is_mobile=True, locale="de-DE"
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def _groups() -> None:
    # Transactional tests flush the tables, groups included; the roles migration made them.
    # The flush also recreates content types under new ids: forget the cached ones and make
    # sure the permissions exist before the groups get them.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    create_permissions(apps.get_app_config("review"), verbosity=0)

    for name, perms in {
        "Beiratsmitglied": ["view_shared_review", "record_beirat_vote"],
        "Sachbearbeitung": ["view_review"],
        "Gremienbetreuung": ["view_released_statement"],
        "Beauftragte": ["view_review", "manage_external_accounts"],
    }.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(codename__in=perms))


def test_a_beirat_member_logs_in_on_a_phone_and_records_the_vote(live_server, page) -> None:
    _groups()
    member = f.beirat_member()
    device = TOTPDevice.objects.create(user=member, name="App", confirmed=True)
    review = f.make_review(
        f.make_paper("Sprachkurse für Geflüchtete", reference="V100/26"),
        shared_with_beirat=True,
        status=Review.Status.PARTICIPATION,
        summary="Die Stadt will die Sprachkurse ausweiten.",
    )

    page.goto(f"{live_server.url}/beirat/")
    page.get_by_label("Benutzername").fill(member.username)
    page.get_by_label("Passwort").fill(f.PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Anmelden").click()

    page.get_by_role("link", name="V100/26 – Sprachkurse für Geflüchtete").click()
    assert "Die Stadt will die Sprachkurse ausweiten." in page.content()
    page.get_by_label("Zustimmung mit Änderungen").check()
    page.get_by_label("Text des Votums").fill("Mehr Kurse am Abend.")
    page.get_by_role("button", name="Votum erfassen").click()

    assert "Das Votum des Beirats ist erfasst" in page.content()
    vote = BeiratVote.objects.get(review=review)
    assert vote.vote == "approve_with_changes"
    assert vote.text == "Mehr Kurse am Abend."
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    # The vote arrives in the officer's review, in another browser.
    officer = f.officer()
    desk_context = page.context.browser.new_context(locale="de-DE")
    try:
        desk = desk_context.new_page()
        desk.goto(f"{live_server.url}/vorgaenge/{review.pk}/")
        desk.get_by_label("Benutzername").fill(officer.username)
        desk.get_by_label("Passwort").fill(f.PASSWORD)
        desk.get_by_role("button", name="Anmelden").click()
        desk.wait_for_url(f"**/vorgaenge/{review.pk}/")
        office_view = desk.content()
        assert "Zustimmung mit Änderungen" in office_view
        assert "Mehr Kurse am Abend." in office_view
    finally:
        desk_context.close()


def test_an_invited_member_sets_a_password_enrols_totp_and_logs_in_again(live_server, page) -> None:
    import base64

    from django.urls import reverse

    from review.accounts import services
    from review.accounts.tokens import invitation_token
    from review.models import Role

    _groups()
    invitation = services.invite_external(
        email="neu@example.org",
        first_name="Neu",
        last_name="Mitglied",
        role=Role.BEIRAT,
        organizations=[],
        by=f.head(),
    )
    page.goto(
        live_server.url + reverse("accounts:accept_invitation", args=[invitation_token(invitation)])
    )
    page.get_by_label("Neues Passwort", exact=True).fill(f.PASSWORD)
    page.get_by_label("Neues Passwort bestätigen").fill(f.PASSWORD)
    page.get_by_role("button", name="Passwort festlegen").click()

    assert page.get_by_role("img", name="QR-Code für die Authenticator-App").is_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    code = f"{totp(base64.b32decode(secret)):06d}"
    page.get_by_label("Sechsstelliger Code aus der App").fill(code)
    page.get_by_role("button", name="Bestätigen").click()

    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Ich habe die Codes gesichert").click()

    page.goto(f"{live_server.url}/beirat/")
    assert "Vorgänge für den Beirat" in page.content()
    page.context.clear_cookies()

    # A second login, this time with a recovery code instead of the phone.
    page.goto(f"{live_server.url}/beirat/")
    page.get_by_label("Benutzername").fill(invitation.user.username)
    page.get_by_label("Passwort").fill(f.PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Anmelden").click()
    assert "Vorgänge für den Beirat" in page.content()


def test_a_clerk_downloads_the_statement_and_confirms_receipt(
    live_server, page, settings, tmp_path
) -> None:
    from django.utils import timezone

    from review.models import AuditEvent, Dispatch

    settings.MEDIA_ROOT = tmp_path
    _groups()
    committee = f.make_organization("Ausschuss für Soziales")
    clerk = f.clerk()
    clerk.organizations.add(committee)
    review = f.make_released_review(
        f.make_paper("Sprachförderung in Kitas", reference="V2345/24"), committee=committee
    )
    dispatch = f.make_dispatch(review, clerk)

    page.goto(f"{live_server.url}/gremien/")
    page.get_by_label("Benutzername").fill(clerk.username)
    page.get_by_label("Passwort").fill(f.PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    card = page.get_by_test_id("clerk-statement")
    assert "V2345/24 – Sprachförderung in Kitas" in card.inner_text()
    with page.expect_download() as download:
        card.get_by_role("link", name="PDF zu V2345/24").click()
    assert download.value.suggested_filename == "V2345-24_Stellungnahme_committee.pdf"

    card.get_by_role("button", name="Eingang bestätigen").click()
    confirmed = page.get_by_test_id("receipt-confirmed")
    confirmed.wait_for()
    dispatch.refresh_from_db()
    assert dispatch.confirmed_by == clerk
    local = timezone.localtime(dispatch.confirmed_at)
    assert f"Eingang bestätigt am {local:%d.%m.%Y, %H:%M} Uhr" in confirmed.inner_text()
    assert AuditEvent.objects.filter(verb="receipt.confirmed", review=review).count() == 1
    assert Dispatch.objects.get().confirmed_at is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
