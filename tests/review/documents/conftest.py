"""Fixtures of the document tests: private media folder, LibreOffice on a port of our own."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[3]
# A free port per test session (or TEST_UNOSERVER_PORT): never 2003 of `make run`, and two
# checkouts running the suite at once do not share (and kill) each other's LibreOffice.
TEST_UNOSERVER_PORT = int(os.environ.get("TEST_UNOSERVER_PORT", "0"))
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop_unoserver(port: int) -> None:
    subprocess.run(
        [str(START_SCRIPT), "--stop"],
        env={**os.environ, "UNOSERVER_PORT": str(port)},
        capture_output=True,
        timeout=60,
        check=False,
    )
    if not TEST_UNOSERVER_PORT:  # a one-off port: its profile and log are of no further use
        shutil.rmtree(ROOT / "var" / f"unoserver-profile-{port}", ignore_errors=True)
        (ROOT / "var" / f"unoserver-{port}.log").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def unoserver_port() -> Iterator[int]:
    """A unoserver for the whole test session on TEST_UNOSERVER_PORT, stopped at the end."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    port = TEST_UNOSERVER_PORT or _free_port()
    # Restarts by the code under test (pdf.restart_converter) pass os.environ on to the script.
    os.environ["UNOSERVER_UNO_PORT"] = str(_free_port())
    env = {**os.environ, "UNOSERVER_PORT": str(port)}
    started = subprocess.run(
        [str(START_SCRIPT)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if started.returncode != 0:
        pytest.fail(f"unoserver did not start: {started.stdout}{started.stderr}")
    try:
        yield port
    finally:
        _stop_unoserver(port)
        os.environ.pop("UNOSERVER_UNO_PORT", None)


@pytest.fixture
def unoserver(unoserver_port: int) -> Iterator[int]:
    with override_settings(
        UNOSERVER_PORT=unoserver_port,
        UNOSERVER_RESTART_COMMAND=str(START_SCRIPT),
    ):
        yield unoserver_port
