"""PDF/A-2b from .docx through a long-running unoserver (LibreOffice), with timeouts and restart.

One unoserver converts one document at a time; the "documents" Celery queue runs with
concurrency 1 per unoserver. unoserver itself runs with --conversion-timeout, so a hung
LibreOffice is terminated there; our socket timeout is the second line of defence.
"""

from __future__ import annotations

import http.client
import logging
import os
import shutil
import subprocess
import xmlrpc.client

from django.conf import settings
from django.utils.translation import gettext_noop

logger = logging.getLogger(__name__)

# LibreOffice 7.4 PDF export: PDF/A-2b, tagged, PDF/UA flag, fonts embedded (PDF/A demands it).
PDF_FILTER_OPTIONS = [
    "SelectPdfVersion=2",
    "UseTaggedPDF=true",
    "PDFUACompliance=true",
    "ExportBookmarks=true",
    "UseLosslessCompression=true",
]

# Stored on the document in German like other data; the page translates it when shown.
UNAVAILABLE = gettext_noop(
    "Kein PDF erstellt: LibreOffice (unoserver) ist nicht erreichbar. Die Word-Datei ist fertig; "
    "das PDF/A entsteht mit „Erneut versuchen“, sobald LibreOffice läuft."
)
FAILED = "Die Umwandlung in PDF/A ist fehlgeschlagen ({reason}). Bitte erneut versuchen."
NOT_A_PDF = "LibreOffice hat keine gültige PDF-Datei geliefert."


class ConverterUnavailable(Exception):
    """Nothing answers on the unoserver port (not installed, not started, or crashed)."""


class ConversionFailed(Exception):
    """LibreOffice answered but the conversion broke off (timeout, crash, bad output)."""


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: str | tuple[str, dict[str, str]]) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _proxy(timeout: float) -> xmlrpc.client.ServerProxy:
    url = f"http://{settings.UNOSERVER_HOST}:{settings.UNOSERVER_PORT}"
    return xmlrpc.client.ServerProxy(url, transport=_TimeoutTransport(timeout), allow_none=True)


def is_available(timeout: float = 3) -> bool:
    try:
        _proxy(timeout).info()
    except (OSError, xmlrpc.client.Error):
        return False
    return True


def libreoffice_installed() -> bool:
    return shutil.which("soffice") is not None


def convert_to_pdf(docx: bytes, *, timeout: float | None = None) -> bytes:
    """Returns the PDF/A-2b bytes; the caller stores them only when this returns."""
    timeout = timeout or settings.UNOSERVER_TIMEOUT
    try:
        result = _proxy(timeout).convert(
            None,
            xmlrpc.client.Binary(docx),
            None,
            "pdf",
            "writer_pdf_Export",
            PDF_FILTER_OPTIONS,
            False,
            None,
            None,
        )
    except ConnectionRefusedError as exc:
        raise ConverterUnavailable(str(exc)) from exc
    except TimeoutError as exc:
        raise ConversionFailed("Zeitüberschreitung") from exc
    except (OSError, http.client.HTTPException) as exc:
        # The connection broke off mid-conversion: LibreOffice or unoserver died.
        raise ConversionFailed("LibreOffice wurde beendet") from exc
    except xmlrpc.client.Fault as exc:
        raise ConversionFailed("Fehler in LibreOffice") from exc
    data = bytes(result.data) if isinstance(result, xmlrpc.client.Binary) else b""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise ConversionFailed(NOT_A_PDF)
    return data


def restart_converter(*, force: bool = False) -> bool:
    """Runs the configured start script, which replaces a dead or hung unoserver. True if it runs.

    `force` replaces a unoserver that still answers: after a broken-off conversion its
    LibreOffice may be dead behind a live XML-RPC front.
    """
    command = settings.UNOSERVER_RESTART_COMMAND
    if not command or not libreoffice_installed():
        return False
    env = {**os.environ, "UNOSERVER_PORT": str(settings.UNOSERVER_PORT)}
    try:
        completed = subprocess.run(
            [command, "--restart"] if force else [command],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        logger.exception("unoserver restart command failed")
        return False
    if completed.returncode != 0:
        logger.warning(
            "unoserver restart exited with %s: %s", completed.returncode, completed.stderr
        )
    return completed.returncode == 0 and is_available()
