"""Configuration fails safe: no DEBUG by omission, documented variables are read, one meaning of
"due soon", and nothing in a checkout collides with another checkout on the same machine."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import Review
from tests import factories as f
from workflows import deadlines

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "ALLOWED_HOSTS": "stellwerk.stadt.example",
    "DATABASE_URL": "postgres://stellwerk@db.stadt.example:5432/stellwerk",
    "REDIS_URL": "redis://redis.stadt.example:6379/0",
}


def _manage(
    *args: str, env: dict[str, str], drop: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process; no installation has it.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", *drop}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _setting(name: str, **env: str) -> str:
    result = _manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{name})", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after the shell's auto-import notice


def test_a_missing_secret_key_does_not_switch_debug_on_and_stops_the_checks() -> None:
    assert _setting("DEBUG", **PRODUCTION) == "False"
    result = _manage("check", env=PRODUCTION)
    assert result.returncode != 0
    assert "review.E001" in result.stderr and "SECRET_KEY ist nicht gesetzt." in result.stderr


def test_debug_comes_only_from_the_variable() -> None:
    assert _setting("DEBUG", DEBUG="true") == "True"
    assert _setting("DEBUG", SECRET_KEY=secrets.token_urlsafe(50)) == "False"


def test_check_deploy_needs_the_mail_server_the_readme_asks_for() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "EMAIL_HOST=smtp.stadt.example" in readme
    key = secrets.token_urlsafe(50)
    with_mail = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env={"SECRET_KEY": key, "EMAIL_HOST": "smtp.stadt.example", **PRODUCTION},
    )  # fmt: skip
    assert with_mail.returncode == 0, with_mail.stdout + with_mail.stderr
    without = _manage(
        "check", "--deploy", "--fail-level", "WARNING", drop=("EMAIL_HOST",),
        env={"SECRET_KEY": key, **PRODUCTION},
    )  # fmt: skip
    assert without.returncode != 0 and "mail.E001" in without.stderr


def test_the_documented_escalation_grace_is_read(settings: object) -> None:
    assert _setting("WORKFLOW_ESCALATION_GRACE_DAYS", DEBUG="true") == "2"
    assert (
        _setting("WORKFLOW_ESCALATION_GRACE_DAYS", DEBUG="true", WORKFLOW_ESCALATION_GRACE_DAYS="5")
        == "5"
    )
    settings.WORKFLOW_ESCALATION_GRACE_DAYS = 4  # type: ignore[attr-defined]
    assert deadlines.escalation_grace_days() == 4


def test_the_libreoffice_port_is_the_checkouts_own_and_the_start_script_agrees() -> None:
    if "UNOSERVER_PORT" in os.environ:
        pytest.skip("UNOSERVER_PORT is set in the environment")
    port = int(_setting("UNOSERVER_PORT", DEBUG="true"))  # the suite itself uses a closed one
    assert port != 2003
    script = subprocess.run(
        [str(ROOT / "scripts" / "start_unoserver.sh"), "--port"],
        env={k: v for k, v in os.environ.items() if k != "UNOSERVER_PORT"},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert int(script.stdout) == port


def test_make_run_sets_debug_and_links_to_its_own_port() -> None:
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"DEBUG", "SITE_URL"}},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8123}" in dry.stdout
    makefile = (ROOT / "Makefile").read_text()
    assert "export DEBUG ?= true" in makefile


@pytest.mark.django_db
def test_due_soon_is_the_persons_notice_days_else_the_installation_default(
    settings: object,
) -> None:
    settings.NOTIFY_DUE_SOON_DAYS = 3  # type: ignore[attr-defined]
    today = timezone.localdate()
    review = f.make_review(status=Review.Status.DRAFTING, deadline=today + timedelta(days=5))
    default_officer = f.officer(username="standard")
    careful_officer = f.officer(username="vorsichtig", due_soon_days=7)
    assert not review.is_due_soon()
    assert review.is_due_soon(careful_officer.notice_days)
    assert deadlines.urgency(review.deadline) == ""
    assert deadlines.urgency(review.deadline, days=careful_officer.notice_days) == "due_soon"
    assert list(Review.objects.due_soon()) == []
    assert list(Review.objects.due_soon(careful_officer.notice_days)) == [review]

    url = reverse("workflows:review_detail", args=[review.pk])
    default_page = f.logged_in_client(default_officer).get(url).content.decode()
    careful_page = f.logged_in_client(careful_officer).get(url).content.decode()
    assert 'data-testid="due-soon"' not in default_page
    assert 'data-testid="due-soon"' in careful_page
