"""`make prod-check`'s own parts: signing in like a browser, and no process left behind."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from review.models import Role
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("prod_check", ROOT / "scripts" / "prod_check.py")
assert _spec is not None and _spec.loader is not None
prod_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(prod_check)


@pytest.fixture
def behind_tls_proxy(settings: Any) -> None:
    """Production's cookies (Secure) and proxy header, as prod-check meets them in gunicorn."""
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _beirat_role() -> None:
    """The Beirat group as the roles migration makes it: an earlier transactional test's flush
    may have removed it (and recreated the content types under new ids)."""
    ContentType.objects.clear_cache()
    create_permissions(apps.get_app_config("review"), verbosity=0)
    group, created = Group.objects.get_or_create(name=Role.BEIRAT.value)
    if created:
        codenames = ["view_shared_review", "record_beirat_vote"]
        group.permissions.set(Permission.objects.filter(codename__in=codenames))


@pytest.mark.django_db(transaction=True)
def test_an_external_person_gets_past_the_second_factor(
    live_server: Any, behind_tls_proxy: None
) -> None:
    # The login answers with the start page; only that page's request is sent on to the
    # second factor. prod-check looked for the second factor in the login's own answer,
    # never entered the code and stayed on "Anmeldung bestätigen" (issue #19).
    _beirat_role()
    member = f.beirat_member()
    member.set_password(prod_check.PASSWORD)
    member.save()
    device = TOTPDevice.objects.create(user=member, name="App", confirmed=True)
    codes: list[str] = []

    def code() -> str:
        codes.append(f"{totp(device.bin_key):06d}")
        return codes[-1]

    browser = prod_check.sign_in(live_server.url, member.username, code)
    page = browser.follow("/")

    assert len(codes) == 1
    assert page.status_code == 200
    assert page.url.path == "/beirat/"
    assert "Vorgänge für den Beirat" in page.text


def test_a_process_still_running_with_the_checks_directory_is_found(tmp_path: Path) -> None:
    env = {**os.environ, "STELLWERK_VAR_DIR": str(tmp_path)}
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], env=env)
    try:
        [found] = prod_check.leftovers(tmp_path)
        assert found.startswith(f"{sleeper.pid} ")
        assert "time.sleep(60)" in found
    finally:
        sleeper.kill()
        sleeper.wait()
    assert prod_check.leftovers(tmp_path) == []
