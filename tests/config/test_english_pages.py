"""Each demo persona, in English, on every page it reaches: no German UI word left (#15).

The demo municipality is loaded as `make run` loads it (OParl import, demo workflows, a year of
history), once for the module. For each persona the crawler starts at the start page and a list
of pages in several states, follows every link and htmx GET on the site (at most a few pages per
view) and reads the visible text. German data (titles, names, texts typed by people, matched
words) is cut out; what is left may contain no word of the German vocabulary taken from the
catalogues (tests/config/english_scan.py). A failure names the persona, the page, the word and
the line it stands in.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from review.demo.setup import load_demo
from review.demo.users import DEMO_PEOPLE
from review.models import Paper, Review, User

from .english_scan import Crawl, Data, german_vocabulary, german_words, visible_texts

PERSONAS = ["sachbearbeitung", "beauftragte", "admin", "beirat", "gremienbetreuung"]
# Before signing in: the sign-in and password pages; an external person before the second factor.
VISITORS = ["anonymous", "beirat-unverified"]
# Sign-out, the language switch and the calendar feeds (not HTML) are not pages to read.
SKIP = ("/konto/abmelden", "/i18n/", "/feeds/", "/admin/logout", "/admin/jsi18n")
HINT = (
    "German UI text on an English page. Fix: wrap it as an English msgid ({% translate %}, "
    '_("…")) and append the German msgstr at the end of locale/de/LC_MESSAGES/django.po; a '
    "German msgid (older model fields, choices) gets its English msgstr in "
    "locale/en/LC_MESSAGES/django.po. German data that is not in the database (so not cut "
    'out) is marked lang="de" in the template. Then `make messages`.'
)


@pytest.fixture(scope="module")
def musterstadt(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Data]:
    """The demo of `make run`, rolled back after the module."""
    media = tmp_path_factory.mktemp("media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        load_demo(directory=Path(media) / "oparl")
        call_command("demo_workflows", stdout=io.StringIO())
        yield Data.from_database()
        transaction.set_rollback(True)


def _client(user: User | None, *, verified: bool = True) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is None:
        return client
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and verified:  # the external people sign in with a second factor
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def _start_pages() -> list[str]:
    """Pages in several states that links alone might not reach within the per-view limit."""
    pages = ["/"]
    for status in Review.Status:
        review = Review.objects.filter(status=status).order_by("pk").first()
        if review is not None:
            pages.append(reverse("workflows:review_detail", args=[review.pk]))
            pages.append(reverse("papers:detail", args=[review.paper_id]))
    open_tasks = Task.objects.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).order_by("pk")
    seen_nodes: set[str] = set()
    for task in open_tasks:
        if task.flow_task_type in ("HUMAN", "VIEW") and task.flow_task.name not in seen_nodes:
            seen_nodes.add(task.flow_task.name)
            pages.append(f"/aufgaben/{task.pk}/")
    paper = Paper.objects.filter(review__isnull=True).order_by("pk").first()
    if paper is not None:
        pages.append(reverse("papers:detail", args=[paper.pk]))
    pages += ["/suche/?q=Sprachf%C3%B6rderung", "/vorlagen/?q=Kita", "/admin/"]
    return pages


def _findings(pages: dict[str, str], data: Data) -> dict[str, list[tuple[str, str]]]:
    vocabulary = german_vocabulary()
    found = {}
    for url, page in pages.items():
        words = german_words(visible_texts(page), vocabulary, data)
        if words:
            found[url] = words
    return found


def _report(username: str, found: dict[str, list[tuple[str, str]]]) -> str:
    lines = [f"{username}: German UI words on {len(found)} English page(s). {HINT}"]
    for url, words in found.items():
        lines.append(f"  {url}")
        for text in dict.fromkeys(text for _word, text in words):
            shown = sorted({w for w, t in words if t == text})
            lines.append(f"    {', '.join(shown)}  ←  {text[:160]!r}")
    return "\n".join(lines)


@pytest.mark.django_db
@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_of_the_persona_is_english(musterstadt: Data, username: str) -> None:
    crawl = Crawl(_client(User.objects.get(username=username)), skip=SKIP)
    pages = crawl.run(_start_pages())

    print(f"{username}: {len(pages)} English pages read")  # shown with -s
    assert "/" in crawl.statuses and len(pages) >= 8, (username, crawl.statuses)
    assert all('<html lang="en' in page for page in pages.values() if "<html" in page)
    found = _findings(pages, musterstadt)
    assert not found, _report(username, found)


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
def test_the_pages_before_signing_in_are_english(musterstadt: Data, visitor: str) -> None:
    user = None if visitor == "anonymous" else User.objects.get(username="beirat")
    crawl = Crawl(_client(user, verified=False), skip=SKIP)
    pages = crawl.run(["/", "/konto/anmelden/", "/konto/passwort-vergessen/", "/aufgaben/"])
    print(f"{visitor}: {len(pages)} English pages read")

    assert len(pages) >= 3, (visitor, crawl.statuses)
    assert all('<html lang="en' in page for page in pages.values() if "<html" in page)
    found = _findings(pages, musterstadt)
    assert not found, _report(visitor, found)


def test_every_persona_of_the_demo_is_scanned() -> None:
    assert {person.username for person in DEMO_PEOPLE} - set(PERSONAS) == {"sachbearbeitung2"}
