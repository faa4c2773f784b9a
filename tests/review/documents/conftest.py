"""Fixtures of the document tests: private media folder, LibreOffice on a port of our own."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[3]
# Not 2003 (the default of `make run`), so a running dev server does not share our LibreOffice.
TEST_UNOSERVER_PORT = int(os.environ.get("TEST_UNOSERVER_PORT", "2063"))
START_SCRIPT = ROOT / "scripts" / "start_unoserver.sh"

requires_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or not Path("/usr/bin/python3").exists(),
    reason="needs LibreOffice (soffice) and python3-uno for PDF/A; CI installs them",
)
requires_poppler = pytest.mark.skipif(
    shutil.which("pdfinfo") is None, reason="needs poppler-utils (pdfinfo, pdftotext, pdffonts)"
)


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: object) -> Path:
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media  # type: ignore[attr-defined]
    return media


@pytest.fixture
def without_libreoffice(settings: object) -> None:
    """Nothing listens on the port and nothing may be started: the .docx-only path."""
    settings.UNOSERVER_PORT = 9  # type: ignore[attr-defined]
    settings.UNOSERVER_RESTART_COMMAND = ""  # type: ignore[attr-defined]


def _stop_unoserver(port: int) -> None:
    subprocess.run(
        [str(START_SCRIPT), "--stop"],
        env={**os.environ, "UNOSERVER_PORT": str(port)},
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="session")
def unoserver_port() -> Iterator[int]:
    """A unoserver for the whole test session on TEST_UNOSERVER_PORT, stopped at the end."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    env = {**os.environ, "UNOSERVER_PORT": str(TEST_UNOSERVER_PORT)}
    started = subprocess.run(
        [str(START_SCRIPT)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if started.returncode != 0:
        pytest.fail(f"unoserver did not start: {started.stdout}{started.stderr}")
    try:
        yield TEST_UNOSERVER_PORT
    finally:
        _stop_unoserver(TEST_UNOSERVER_PORT)


@pytest.fixture
def unoserver(unoserver_port: int) -> Iterator[int]:
    with override_settings(
        UNOSERVER_PORT=unoserver_port,
        UNOSERVER_RESTART_COMMAND=str(START_SCRIPT),
    ):
        yield unoserver_port
