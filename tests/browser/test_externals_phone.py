"""The externals on a phone (390×844) in Chromium: the Beirat member logs in with the number pad,
finds the vote request first and reads the office's draft before voting; the clerk finds which
committee and meeting each statement is for and the package of the meeting. Screenshots in
test-artifacts/screenshots/, axe-core on each page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from review.models import Review
from review.statements import services as statements
from tests import factories as f

from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, axe_violations, requires_chromium, screenshot

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def phone() -> Any:
    import os

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale="de-DE", bypass_csp=True
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def _shared_cases() -> Review:
    today = timezone.localdate()
    # Shared earlier and without a vote request: it used to come first by its id and deadline.
    for n in range(3):
        f.make_released_review(
            f.make_paper(f"Früherer Vorgang {n}", reference=f"V9{n}/26"),
            shared_with_beirat=True,
            beirat_deadline=today - timedelta(days=3),
            deadline=today - timedelta(days=1),
        )
    officer = f.officer()
    review = f.make_review(
        f.make_paper("Sprachkurse für Geflüchtete", reference="V100/26"),
        status=Review.Status.DRAFTING,
        assignee=officer,
        summary="Die Stadt will die Sprachkurse ausweiten.",
        deadline=today + timedelta(days=20),
    )
    f.make_statement_version(review, officer, assessment="Der Entwurf begrüßt die Abendkurse.")
    statements.start_participation(
        review=review,
        by=officer,
        share_with_beirat=True,
        contributors=[],
        due_date=today + timedelta(days=6),
    )
    return review


def test_the_beirat_member_on_a_phone_sees_the_request_first_and_the_draft(
    live_server, phone
) -> None:
    review = _shared_cases()
    member = f.beirat_member()
    device = TOTPDevice.objects.create(user=member, name="App", confirmed=True)

    phone.goto(f"{live_server.url}{reverse('external:beirat')}")
    assert "Interne Anwendung" not in phone.content()
    phone.get_by_label("Benutzername").fill(member.username)
    phone.get_by_label("Passwort").fill(f.PASSWORD)
    phone.get_by_role("button", name="Anmelden").click()
    code = phone.get_by_label("Code")
    assert code.get_attribute("inputmode") == "numeric"
    assert code.get_attribute("autocomplete") == "one-time-code"
    screenshot(phone, "beirat-phone-code")
    code.fill(f"{totp(device.bin_key):06d}")
    phone.get_by_role("button", name="Anmelden").click()
    phone.wait_for_url("**/beirat/")

    cards = phone.get_by_test_id("beirat-case")
    first = cards.first
    assert "V100/26" in first.inner_text()
    deadline = (timezone.localdate() + timedelta(days=6)).strftime("%d.%m.%Y")
    assert f"bis {deadline}" in first.inner_text()
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    assert "für den Integrationsbeirat" in phone.get_by_test_id("audience-label").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "beirat-phone-list")
    assert axe_violations(phone) == []

    first.get_by_role("link").click()
    phone.wait_for_url(f"**/beirat/vorgang/{review.pk}/")
    draft = phone.get_by_test_id("beirat-draft")
    assert "Der Entwurf begrüßt die Abendkurse." in draft.inner_text()
    form_top = phone.get_by_role("button", name="Votum erfassen").bounding_box()
    draft_box = draft.bounding_box()
    assert draft_box is not None and form_top is not None
    assert draft_box["y"] < form_top["y"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "beirat-phone-vote")
    assert axe_violations(phone) == []


def test_the_clerk_on_a_phone_sees_committee_meeting_status_and_the_package(
    live_server, phone, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    committee = f.make_organization("Integrationsausschuss", short_name="IA")
    clerk = f.clerk()
    clerk.organizations.add(committee)
    meeting = f.make_meeting(committee, name="Sitzung des Integrationsausschusses")
    for n in range(2):
        review = f.make_released_review(
            f.make_paper(f"Vorlage {n}", reference=f"V5{n}/26"), status=Review.Status.DISPATCHED
        )
        f.make_consultation(review.paper, meeting, organization=committee)
        f.make_dispatch(review, clerk)

    phone.goto(f"{live_server.url}{reverse('login')}")
    phone.get_by_label("Benutzername").fill(clerk.username)
    phone.get_by_label("Passwort").fill(f.PASSWORD)
    phone.get_by_role("button", name="Anmelden").click()
    phone.goto(f"{live_server.url}{reverse('external:clerk')}")

    card = phone.get_by_test_id("clerk-statement").first
    text = card.inner_text()
    assert "Für: Integrationsausschuss (IA)" in text
    assert "Neu für Sie" in text
    package = phone.get_by_test_id("meeting-package")
    assert "Alle 2 Stellungnahmen für diese Sitzung" in package.inner_text()
    with phone.expect_download() as download:
        package.get_by_role("link", name="Originale als ZIP (PDF und Word)").click()
    assert download.value.suggested_filename.endswith(".zip")
    phone.reload()
    assert "Heruntergeladen" in phone.get_by_test_id("clerk-statement").first.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "clerk-phone")
    assert axe_violations(phone) == []
