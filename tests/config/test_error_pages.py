"""Refused and missing pages answer with the application's own error pages.

Without templates of its own, Django's handlers took viewflow's (its Material frontend, in
English), whose static files collectstatic leaves out (config/apps.py): in production every
404 and 403 then failed a second time, as a 500 without a page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template import Engine
from django.test import Client, RequestFactory, override_settings
from django.views.defaults import server_error

from tests import factories as f

pytestmark = pytest.mark.django_db

PROJECT_TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize("name", ["400.html", "403.html", "404.html", "500.html"])
def test_the_handlers_find_the_projects_own_templates(name):
    origin = Path(Engine.get_default().get_template(name).origin.name)
    assert origin == PROJECT_TEMPLATES / name


def _error_page(person: Any, path: str, status: int) -> str:
    """The page a signed-in person gets for `path`, as in production (DEBUG off)."""
    client = Client()
    client.force_login(person)
    with override_settings(DEBUG=False):
        response = client.get(path)
    assert response.status_code == status
    return response.content.decode()


def test_a_missing_case_answers_with_a_german_page_in_the_applications_look():
    page = _error_page(f.officer(), "/vorgaenge/999999/", 404)
    assert "<title>Seite nicht gefunden – Stellwerk</title>" in page
    assert "Diese Seite gibt es nicht (mehr)." in page
    assert 'href="/">Zurück zur Startseite</a>' in page
    assert "site-header" in page and "mdc-" not in page


def test_a_refused_page_says_so_and_where_to_ask():
    page = _error_page(f.clerk(), "/vorgaenge/", 403)
    assert '<h1 class="kern-heading-large" data-testid="error-heading">Kein Zugriff</h1>' in page
    assert "Ihre Rolle umfasst diese Seite nicht." in page


def test_the_server_error_page_stands_alone():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Fehler auf dem Server" in page and "Versuchen Sie es gleich noch einmal" in page
    assert "/static/" not in page  # nothing that could fail again
