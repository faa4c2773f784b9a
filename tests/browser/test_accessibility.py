"""Every main page, as each kind of person sees it, passes axe-core's WCAG 2.1 A/AA rules and
fits a phone's screen. Screenshots land in test-artifacts/screenshots/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from review.models import BeiratVote, Review, User
from tests import factories as f

from .conftest import PHONE, axe_violations, requires_chromium, screenshot

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    # serialized_rollback restores the roles (groups) the migrations made after each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _demo_data() -> dict[str, Any]:
    today = timezone.localdate()
    drafter = f.officer()
    head = f.head()
    beirat = f.make_organization("Ausländerbeirat", is_advisory_council=True)
    social = f.make_organization("Ausschuss für Soziales")
    clerk = f.clerk()
    clerk.organizations.add(social)
    member = f.beirat_member()
    member.organizations.add(beirat)
    paper = f.make_paper("Sprachkurse für Geflüchtete", reference="V100/26")
    paper.under_direction_of.add(f.make_organization("Amt für Integration"))
    f.make_file(paper, "Beschlussvorlage.pdf", is_main_file=True)
    f.make_consultation(paper, f.make_meeting(beirat), organization=beirat, role="Anhörung")
    f.make_consultation(paper, f.make_meeting(social), organization=social, role="Vorberatung")
    review = f.make_review(
        paper,
        status=Review.Status.PARTICIPATION,
        assignee=drafter,
        deadline=today + timedelta(days=3),
        relevance_score=80,
        relevance_reasons=["Beratung im Ausländerbeirat"],
        shared_with_beirat=True,
        summary="Die Stadt will die Sprachkurse ausweiten.",
    )
    f.make_statement_version(review, drafter)
    f.record_event("review.triaged", review, drafter)
    released = f.make_review(
        f.make_paper("Kitaplätze", reference="V200/26"),
        status=Review.Status.APPROVED,
        deadline=today - timedelta(days=1),
    )
    f.make_consultation(released.paper, f.make_meeting(social), organization=social)
    f.make_statement_version(released, drafter)
    BeiratVote.objects.create(review=released, vote="approve", recorded_by=drafter)
    return {"review": review, "paper": paper, "member": member, "clerk": clerk, "head": head}


def _log_in(page: Any, base: str, user: User) -> None:
    page.goto(f"{base}{reverse('login')}")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(f.PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def _check_pages(page: Any, base: str, persona: str, urls: dict[str, str]) -> list[str]:
    problems = []
    for name, url in urls.items():
        response = page.goto(f"{base}{url}")
        assert response is not None and response.status == 200, f"{persona} {name}: {url}"
        assert page.locator("html").get_attribute("lang") == "de"
        violations = axe_violations(page)
        if violations:
            problems.append(f"{persona} {name} ({url}): {violations}")
        screenshot(page, f"{persona}-{name}")
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{persona} {name} ({url}): {width}px wide on a phone")
        screenshot(page, f"{persona}-{name}-phone")
        page.set_viewport_size({"width": 1280, "height": 900})
    return problems


def test_every_main_page_passes_axe_for_every_persona(live_server, browser_context) -> None:
    data = _demo_data()
    base = live_server.url
    review, paper = data["review"], data["paper"]
    TOTPDevice.objects.create(user=data["member"], name="App", confirmed=True)
    office_pages = {
        "start": reverse("home"),
        "aufgaben": reverse("workflows:inbox"),
        "team": reverse("workflows:team_queue"),
        "diagramm": reverse("workflows:chart"),
        "vorgaenge": reverse("workflows:review_list"),
        "vorgaenge-gefiltert": reverse("workflows:review_list") + "?frist=30&relevanz=hoch",
        "vorgang": reverse("workflows:review_detail", args=[review.pk]),
        "vorlagen": reverse("papers:list"),
        "vorlagen-suche": reverse("papers:list") + "?q=Sprachkurse",
        "vorlage": reverse("papers:detail", args=[paper.pk]),
        "benachrichtigungen": reverse("notifications:list"),
        "kalender": reverse("feeds_settings"),
        "sicherheit": reverse("accounts:security"),
        "passwort": reverse("password_change"),
    }
    personas: list[tuple[str, User, dict[str, str]]] = [
        ("sachbearbeitung", review.assignee, office_pages),
        (
            "beauftragte",
            data["head"],
            {
                "start": reverse("home"),
                "vorgang": reverse("workflows:review_detail", args=[review.pk]),
                "externe-zugaenge": reverse("accounts:external_accounts"),
                "vorgang-erfassen": reverse("workflows:open_review"),
            },
        ),
        (
            "gremienbetreuung",
            data["clerk"],
            {"gremien": reverse("external:clerk"), "vorlagen": reverse("papers:list")},
        ),
        (
            "beirat",
            data["member"],
            {
                "beirat": reverse("external:beirat"),
                "beirat-vorgang": reverse("external:beirat_review", args=[review.pk]),
            },
        ),
        ("verwaltung", f.administrator(is_staff=True), {"start": reverse("home")}),
    ]
    page = browser_context.new_page()
    problems = _check_pages(
        page,
        base,
        "anonym",
        {"anmelden": reverse("login"), "passwort-vergessen": reverse("password_reset")},
    )
    for persona, user, urls in personas:
        browser_context.clear_cookies()
        _log_in(page, base, user)
        problems += _check_pages(page, base, persona, urls)
    assert not problems, "\n".join(problems)


def test_the_shell_works_by_keyboard_skip_link_and_account_menu(live_server, browser_context):
    data = _demo_data()
    page = browser_context.new_page()
    _log_in(page, live_server.url, data["review"].assignee)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    page.get_by_text("Konto").click()
    page.get_by_role("button", name="Abmelden").click()
    assert page.get_by_role("heading", name="Bei Stellwerk anmelden").is_visible()


def test_english_is_selectable_in_the_header(live_server, browser_context) -> None:
    page = browser_context.new_page()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Log in to Stellwerk").is_visible()


def test_changing_a_filter_updates_the_case_list_in_place(live_server, browser_context) -> None:
    data = _demo_data()
    page = browser_context.new_page()
    _log_in(page, live_server.url, data["head"])
    page.goto(f"{live_server.url}{reverse('workflows:review_list')}")
    assert page.get_by_test_id("review-row").count() == 2
    page.get_by_label("Frist").select_option("ueberfaellig")
    page.wait_for_url("**frist=ueberfaellig**")
    page.wait_for_function("document.querySelectorAll('[data-testid=review-row]').length === 1")
    assert "V200/26" in page.get_by_test_id("review-table").inner_text()
    assert axe_violations(page) == []
