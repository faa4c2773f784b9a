"""Headless Chromium (Debian's build) with Playwright, and axe-core for accessibility checks."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP: Any = {"width": 1280, "height": 900}
PHONE: Any = {"width": 390, "height": 844}

requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"
)


@pytest.fixture
def browser_context() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # bypass_csp only lets the test inject axe-core; the CSP itself is asserted in
        # tests/review/test_shell.py (no inline scripts or styles, strict header).
        context = browser.new_context(viewport=DESKTOP, locale="de-DE", bypass_csp=True)
        try:
            yield context
        finally:
            context.close()
            browser.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page against WCAG 2.1 A and AA; the violations it finds."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def sign_in(page: Any, base: str, username: str, password: str | None = None) -> None:
    """Sign in on the login page as a person does (signed out first); `password` defaults to
    the factories' one."""
    from django.urls import reverse

    from tests import factories as f

    page.context.clear_cookies()
    page.goto(f"{base}{reverse('login')}")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password or f.PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(tmp_path: Path, settings: Any) -> None:
    """`make run`'s data: Musterstadt over OParl, the demo people, the workflows and the history."""
    from django.core.management import call_command

    from review.demo.setup import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(directory=tmp_path / "oparl")
    call_command("demo_workflows", stdout=io.StringIO())
