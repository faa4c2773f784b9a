"""Pages are rendered for each request: every viewer gets their own CSRF token, imported text is
shown as it came, and a write shows on the next page (no page parts kept in a cache)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import (  # type: ignore[attr-defined]  # not in django-stubs
    _unmask_cipher_token,
)
from django.urls import reverse

from review.models import Review
from tests import factories as f
from tests.workflows.conftest import open_task
from workflows.flows import ReviewFlow, start_for_review

pytestmark = pytest.mark.django_db

# The string the removed page-part cache put in place of the CSRF token (issue #16.13).
OLD_PLACEHOLDER = "csrf-token-of-this-page"


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_every_form_on_the_case_page_carries_the_viewers_own_csrf_token() -> None:
    review = f.make_review(deadline=f.in_days(10))
    start_for_review(review)
    url = reverse("workflows:review_detail", args=[review.pk])
    secrets = []
    for person in (f.head(username="anna"), f.head(username="bert")):
        client = f.logged_in_client(person)
        tokens = _tokens(client.get(url).content.decode())
        assert tokens
        secret = client.cookies[settings.CSRF_COOKIE_NAME].value
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
        secrets.append(secret)
    assert secrets[0] != secrets[1]


def test_imported_text_that_looks_like_a_placeholder_is_shown_as_it_came() -> None:
    paper = f.make_paper(f"Vorlage zu {OLD_PLACEHOLDER} und mehr")
    review = f.make_review(paper, deadline=f.in_days(10))
    client = f.logged_in_client(f.head())
    for url in (
        reverse("workflows:review_detail", args=[review.pk]),
        reverse("workflows:review_list"),
    ):
        html = client.get(url).content.decode()
        assert f"Vorlage zu {OLD_PLACEHOLDER} und mehr" in html
        assert OLD_PLACEHOLDER not in "".join(_tokens(html))


def test_the_inbox_shows_a_task_taken_after_it_was_first_shown() -> None:
    officer = f.officer()
    client = f.logged_in_client(officer)
    inbox = reverse("workflows:inbox")
    assert "Sie haben keine offenen Aufgaben" in client.get(inbox).content.decode()
    review = f.make_review(deadline=f.in_days(10))
    start_for_review(review)
    client.post(reverse("workflows:claim", args=[open_task(review, ReviewFlow.triage).pk]))
    assert review.paper.reference in client.get(inbox).content.decode()


def test_the_case_page_shows_a_change_made_since_it_was_last_opened() -> None:
    review = f.make_review(deadline=f.in_days(10))
    client = f.logged_in_client(f.head())
    url = reverse("workflows:review_detail", args=[review.pk])
    assert "Neuer Titel der Vorlage" not in client.get(url).content.decode()
    review.paper.name = "Neuer Titel der Vorlage"
    review.paper.save(update_fields=["name"])
    Review.objects.filter(pk=review.pk).update(relevance_score=77)
    assert "Neuer Titel der Vorlage" in client.get(url).content.decode()


def test_the_cache_is_djangos_own_framework_on_django_redis_that_survives_an_outage() -> None:
    cache: dict[str, Any] = settings.CACHES["default"]
    if not settings.REDIS_URL:
        assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
        return
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
