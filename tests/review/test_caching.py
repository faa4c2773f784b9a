"""Page parts are served from the cache until the next database write, per viewer's rights."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import connection, transaction
from django.middleware.csrf import (  # type: ignore[attr-defined]  # not in django-stubs
    _unmask_cipher_token,
    get_token,
)
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review import caching
from review.models import Review
from tests import factories as f
from tests.conftest import requires_postgres
from tests.workflows.conftest import open_task
from workflows.flows import ReviewFlow, start_for_review

pytestmark = pytest.mark.django_db

PART = Template(
    "{% load page_cache %}{% cached_part 'probe' %}"
    "{{ probe }} {% if perms.review.approve_statement %}approves{% endif %}"
    "<form method='post'>{% csrf_token %}</form>{% end_cached_part %}"
)
OWN_PART = Template(
    "{% load page_cache %}{% cached_part 'own' per_person %}{{ request.user.username }}"
    "{% end_cached_part %}"
)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    return request


def _render(template: Template, user, **context) -> tuple[str, object]:
    request = _request(user)
    return template.render(RequestContext(request, context)), request


def test_a_part_is_rendered_once_and_served_until_something_is_written() -> None:
    officer = f.officer()
    first, _r = _render(PART, officer, probe="eins")
    again, _r = _render(PART, officer, probe="zwei")
    assert "eins" in first and "eins" in again
    f.make_review()
    assert "zwei" in _render(PART, officer, probe="zwei")[0]


def test_forms_in_a_shared_part_carry_each_viewers_own_csrf_token() -> None:
    officer, colleague = f.officer(username="anna"), f.officer(username="bert")
    mine, my_request = _render(PART, officer, probe="x")
    theirs, their_request = _render(PART, colleague, probe="y")
    assert "x" in theirs  # one part for both: same rights
    assert _token_secret(mine) == _secret(my_request)
    assert _token_secret(theirs) == _secret(their_request) != _secret(my_request)
    assert caching.CSRF_PLACEHOLDER not in mine + theirs


def _token_secret(html: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token
    return _unmask_cipher_token(token.group(1))


def _secret(request) -> str:
    get_token(request)
    return request.META["CSRF_COOKIE"]


def test_people_with_other_rights_get_parts_of_their_own() -> None:
    officer, head = f.officer(), f.head()
    assert "approves" not in _render(PART, officer, probe="x")[0]
    assert "approves" in _render(PART, head, probe="x")[0]


def test_a_personal_part_is_never_shown_to_a_colleague() -> None:
    anna, bert = f.officer(username="anna"), f.officer(username="bert")
    assert _render(OWN_PART, anna)[0] == "anna"
    assert _render(OWN_PART, bert)[0] == "bert"


def test_without_the_page_cache_every_part_is_rendered(settings) -> None:
    settings.PAGE_CACHE = False
    officer = f.officer()
    _render(PART, officer, probe="eins")
    assert "zwei" in _render(PART, officer, probe="zwei")[0]


def test_session_writes_leave_the_parts_alone_and_data_writes_do_not() -> None:
    before = caching.generation()
    session = SessionStore()
    session["seen"] = True
    session.save()
    assert caching.generation() == before
    f.make_review()
    assert caching.generation() > before


def test_a_write_in_a_transaction_moves_the_generation_again_at_the_commit(
    django_capture_on_commit_callbacks,
) -> None:
    before = caching.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        f.make_review()
        during = caching.generation()
        f.make_review()
    assert during > before
    assert caching.generation() > during
    assert callbacks.count(caching.bump) == 1


@requires_postgres
def test_rows_copied_past_djangos_cursor_move_the_generation_too() -> None:
    from review.models import Paper
    from review.oparl.bulk import insert_pairs

    paper, organization = f.make_paper(), f.make_organization()
    before = caching.generation()
    through = Paper.under_direction_of.through
    insert_pairs(through, "paper", "organization", [(paper.pk, organization.pk)])
    assert caching.generation() > before
    assert list(paper.under_direction_of.all()) == [organization]


def test_the_inbox_shows_a_task_taken_after_it_was_first_cached() -> None:
    officer = f.officer()
    client = f.logged_in_client(officer)
    assert (
        "Sie haben keine offenen Aufgaben"
        in client.get(reverse("workflows:inbox")).content.decode()
    )
    review = f.make_review(deadline=f.in_days(10))
    start_for_review(review)
    client.post(reverse("workflows:claim", args=[open_task(review, ReviewFlow.triage).pk]))
    html = client.get(reverse("workflows:inbox")).content.decode()
    assert review.paper.reference in html


def test_the_case_page_is_served_from_the_cache_with_fewer_queries() -> None:
    head = f.head()
    review: Review = f.make_review(deadline=f.in_days(10))
    start_for_review(review)
    client = f.logged_in_client(head)
    url = reverse("workflows:review_detail", args=[review.pk])
    with CaptureQueriesContext(connection) as rendered:
        first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as cached:
        second = client.get(url).content.decode()
    assert review.paper.name in first and review.paper.name in second
    assert len(cached) < len(rendered) - 5


def test_a_write_succeeds_when_the_cache_cannot_be_reached(monkeypatch, caplog) -> None:
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(caches["default"], "incr", unreachable)
    review = f.make_review()
    assert Review.objects.filter(pk=review.pk).exists()
    assert "could not mark the cached page parts out of date" in caplog.text


def test_a_request_reads_the_generation_anew_after_its_own_write() -> None:
    request = _request(f.officer())
    before = caching.generation(request)
    assert caching.generation(request) == before  # read once …
    f.make_review()
    assert caching.generation(request) > before  # … until the request itself writes
