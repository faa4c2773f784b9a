"""The page shell: login and logout, password change, idle sessions, language, navigation,
security defaults."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _login(client: Client, username: str, password: str = f.PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_login_page_is_german_by_default_with_landmarks_and_a_skip_link(client) -> None:
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Bei Stellwerk anmelden" in html
    assert 'href="#main"' in html and 'id="main"' in html
    for landmark in ("<header", "<main", "<footer"):
        assert landmark in html


def test_english_can_be_chosen_with_the_language_switch(client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in to Stellwerk" in html
    # …and back: the switch always offers the other language.
    assert 'value="de"' in html


def test_a_person_logs_in_lands_on_the_start_page_and_logs_out(client) -> None:
    f.officer()
    response = _login(client, "officer")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "Willkommen" in client.get(reverse("home")).content.decode()

    assert client.get(reverse("logout")).status_code == 405  # logging out needs a POST form
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_a_wrong_password_is_refused_in_german(client) -> None:
    f.officer()
    response = _login(client, "officer", "falsch-falsch")
    assert response.status_code == 200
    assert "Groß-/Kleinschreibung" in response.content.decode()


def test_a_person_changes_their_password(client) -> None:
    user = f.officer()
    client.force_login(user)
    new = "Neues-Passwort-2026!"
    response = client.post(
        reverse("password_change"),
        {"old_password": f.PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("password_change_done")
    assert "Passwort geändert" in client.get(reverse("password_change_done")).content.decode()
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_password_change_with_the_wrong_old_password_fails(client) -> None:
    user = f.officer()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nicht-richtig", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(f.PASSWORD)


def test_a_session_ends_after_30_idle_minutes_but_activity_keeps_it_alive(client) -> None:
    f.officer()
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _login(client, "officer")
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        # 29 more minutes: still alive, because the last request renewed the session.
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_login_locks_after_five_failed_attempts(client) -> None:
    f.officer()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "officer", "falsch-falsch").status_code == 200
    assert _login(client, "officer", "falsch-falsch").status_code == 429
    # Locked: even the right password does not get in now.
    locked = _login(client, "officer", f.PASSWORD)
    assert locked.status_code == 429
    assert "zu viele fehlgeschlagene Anmeldeversuche" in locked.content.decode()


def test_check_deploy_reports_no_warnings_with_production_settings() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="stellwerk.stadt.example",
        DATABASE_URL="postgres://stellwerk@db.stadt.example:5432/stellwerk",
        REDIS_URL="redis://redis.stadt.example:6379/0",
        EMAIL_HOST="smtp.stadt.example",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        (
            f.officer,
            ["Sichtung", "Meine Aufgaben", "Team", "Vorgänge", "Vorlagen"],
            ["Verwaltung", "Relevanz"],
        ),
        (f.head, ["Sichtung", "Meine Aufgaben", "Vorgänge", "Vorlagen"], ["Verwaltung"]),
        (
            f.clerk,
            ["Gremienbetreuung", "Vorlagen"],
            ["Sichtung", "Meine Aufgaben", "Vorgänge", "Verwaltung"],
        ),
        (f.beirat_member, ["Beirat"], ["Sichtung", "Meine Aufgaben", "Vorlagen", "Vorgänge"]),
        (
            lambda: f.administrator(is_staff=True),
            ["Verwaltung", "Vorlagen", "Vorgänge", "Relevanz"],
            ["Meine Aufgaben", "Team", "Gremienbetreuung"],
        ),
    ],
)
def test_the_main_navigation_shows_the_areas_of_each_role(persona, shown, hidden) -> None:
    client = f.logged_in_client(persona())
    response = client.get(reverse("home"), follow=True)
    nav = re.search(r'<nav class="site-nav".*?</nav>', response.content.decode(), re.S)
    assert nav is not None
    labels = re.findall(r'class="kern-link site-nav__link"[^>]*>([^<]+)<', nav.group(0))
    for label in shown:
        assert label in labels
    for label in hidden:
        assert label not in labels


def test_the_current_area_is_marked_in_the_navigation() -> None:
    client = f.logged_in_client(f.officer())
    html = client.get(reverse("papers:list")).content.decode()
    assert re.search(r'href="/vorlagen/" aria-current="page">Vorlagen<', html)


def test_messages_appear_as_kern_alerts() -> None:
    client = f.logged_in_client(f.officer())
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"}, follow=True)
    assert response.status_code == 200
    # Any page with a message: the notification "mark all read" adds one.
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    html = response.content.decode()
    assert 'class="kern-alert kern-alert--success"' in html


@pytest.mark.parametrize(
    "url_name", ["login", "home", "papers:list", "workflows:review_list", "password_change"]
)
def test_pages_have_no_inline_scripts_or_styles_and_send_a_strict_csp(url_name) -> None:
    client = f.logged_in_client(f.head())
    response = client.get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "<style" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_before_the_second_factor_the_header_shows_only_the_brand_and_logout() -> None:
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    member = f.beirat_member()
    TOTPDevice.objects.create(user=member, name="App", confirmed=True)
    client = Client()
    client.force_login(member)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:verify"))
    html = response.content.decode()
    assert 'class="site-nav"' not in html
    assert "account-menu" not in html
    assert 'data-testid="nav-notifications"' not in html
    assert f'action="{reverse("logout")}"' in html
    assert 'class="site-brand"' in html


def test_every_page_names_the_favicon_and_favicon_ico_leads_to_it(client) -> None:
    from django.contrib.staticfiles import finders

    html = client.get(reverse("login")).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*img/favicon\.svg"', html)
    assert finders.find("img/favicon.svg") is not None
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def _current_link(html: str) -> str:
    found = re.search(r'href="([^"]+)" aria-current="page"', html)
    return found.group(1) if found else ""


def test_the_header_marks_the_page_it_is_shown_on() -> None:
    client = f.logged_in_client(f.officer())
    inbox, cases = reverse("workflows:inbox"), reverse("workflows:review_list")
    assert _current_link(client.get(inbox).content.decode()) == inbox
    assert _current_link(client.get(cases).content.decode()) == cases
    assert _current_link(client.get(inbox).content.decode()) == inbox


def test_the_header_counts_a_notification_that_arrived_since() -> None:
    from review.models import Notification, NotificationKind

    officer = f.officer()
    client = f.logged_in_client(officer)
    assert "unread:" not in client.get(reverse("home")).content.decode()
    Notification.objects.create(
        kind=NotificationKind.OUTCOME_RECORDED, recipient=officer, dedupe_key="x", title="Neu"
    )
    html = client.get(reverse("home")).content.decode()
    assert re.search(r"ungelesen: </span>1<", html)


def test_the_language_switch_in_the_header_returns_to_the_current_page() -> None:
    client = f.logged_in_client(f.officer())
    client.get(reverse("workflows:inbox"))
    html = client.get(reverse("workflows:review_list") + "?status=new").content.decode()
    assert 'name="next" value="/vorgaenge/?status=new"' in html


def test_a_colleagues_header_is_never_shown() -> None:
    anna, bert = f.officer(username="anna"), f.officer(username="bert")
    f.logged_in_client(anna).get(reverse("home"))
    html = f.logged_in_client(bert).get(reverse("home")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert "Bert Muster" in header and "Anna" not in header
