"""Attachment text: downloaded and read once, then used by relevance and by search.

The text comes from OParl's File.text when the source sends it (review/oparl/objects.py);
otherwise a Celery task downloads the paper's main file and, within a limit, its other files and
reads them with poppler's `pdftotext`. poppler-utils is installed for the document checks
already, it is fast, keeps pages apart (form feeds, so a reason can name the page), and runs in
a subprocess with a time limit: a broken or hostile PDF cannot hang or crash the worker.
Every outcome is recorded on the File (`text_status`, `text_error`), so an unreadable file is
visible instead of silently missing.
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from review.models import File
from review.search.indexing import index_papers

from .relevance import reassess

TOO_LARGE = "Die Datei ist größer als {limit} MB und wurde nicht gelesen."
FOREIGN_HOST = "Die Datei liegt auf einem fremden Server ({host}) und wurde nicht geladen."
NO_URL = "Die Quelle nennt keine Adresse für die Datei."
NOT_PDF = "Die Datei ist keine PDF-Datei ({kind}); ihr Text wird nicht gelesen."
SCANNED = "Die PDF-Datei enthält keine Textebene (gescannt); ihr Text ist nicht lesbar."
BROKEN = "Die PDF-Datei ist beschädigt: {error}"
TIMEOUT = "Das Auslesen dauerte länger als {seconds} Sekunden."
DOWNLOAD_FAILED = "Die Datei konnte nicht geladen werden: {error}"
# Fewer letters than this per page on average: the pages are images with at most a stamp.
SCANNED_LETTERS_PER_PAGE = 20
MAX_REDIRECTS = 3


class Unreadable(Exception):
    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def files_to_read(paper_ids: list[int]) -> list[int]:
    """Pending files of these papers: the main file first, then others up to the limit.

    Files on a foreign server are marked as such right here, in one UPDATE, instead of one
    task each: an archive of thousands of papers would otherwise queue thousands of no-ops."""
    per_paper: dict[int, list[int]] = {}
    foreign: dict[str, list[int]] = {}
    rows = (
        File.objects.text_pending()
        .filter(paper_id__in=paper_ids)
        .order_by("paper_id", "-is_main_file", "id")
        .values_list("paper_id", "pk", "download_url", "access_url", "source__system_url")
    )
    for paper_id, pk, download_url, access_url, system_url in rows:
        chosen = per_paper.setdefault(paper_id, [])
        if len(chosen) >= settings.ATTACHMENT_FILES_PER_PAPER:
            continue
        host = urlsplit(download_url or access_url).netloc.lower()
        if host and host not in _allowed_hosts(system_url):
            foreign.setdefault(host, []).append(pk)
        else:
            chosen.append(pk)
    for host, pks in foreign.items():
        File.objects.filter(pk__in=pks).update(
            text_status=File.TextStatus.FOREIGN_HOST,
            text_error=FOREIGN_HOST.format(host=host)[:500],
            text_extracted_at=timezone.now(),
        )
    return [pk for pks in per_paper.values() for pk in pks]


def queue_reading(paper_ids: list[int]) -> int:
    """Queue the text extraction of these papers' unread files once the transaction commits."""
    if not settings.ATTACHMENT_TEXT_ENABLED:
        return 0
    from .tasks import read_attachment_text  # the tasks module imports the sync, which imports us

    file_ids = files_to_read(paper_ids)
    for file_id in file_ids:
        transaction.on_commit(partial(read_attachment_text.delay, file_id))
    return len(file_ids)


def read_text(*, file_id: int, now: datetime | None = None) -> str:
    """Read one file's text and re-assess its paper; returns the new text status."""
    file = File.objects.select_related("source").filter(pk=file_id).first()
    if file is None or file.text_status != File.TextStatus.PENDING:
        return file.text_status if file else "missing"
    try:
        text = _extract(_download(file))
        status, error = str(File.TextStatus.EXTRACTED), ""
    except Unreadable as problem:
        text, status, error = "", problem.status, problem.message[:500]
    with transaction.atomic():
        updated = File.objects.filter(pk=file.pk, text_status=File.TextStatus.PENDING).update(
            text=text,
            text_status=status,
            text_error=error,
            text_extracted_at=now or timezone.now(),
        )
        if updated and text and file.paper_id:
            reassess([file.paper_id], now=now or timezone.now())
            # The text is found by the search too (review/search/indexing.py).
            index_papers([file.paper_id])
    return str(status)


def _allowed_hosts(system_url: str | None) -> set[str]:
    hosts = {urlsplit(system_url).netloc.lower()} if system_url else set()
    hosts.update(h.lower() for h in settings.ATTACHMENT_ALLOWED_HOSTS)
    return hosts


def _download(file: File) -> bytes:
    url = file.download_url or file.access_url
    if not url:
        raise Unreadable(File.TextStatus.FAILED, NO_URL)
    limit = settings.ATTACHMENT_MAX_BYTES
    too_large = Unreadable(File.TextStatus.TOO_LARGE, TOO_LARGE.format(limit=limit // 2**20))
    if file.size and file.size > limit:
        raise too_large
    allowed = _allowed_hosts(file.source.system_url if file.source else None)
    timeout = httpx.Timeout(settings.ATTACHMENT_TIMEOUT_SECONDS, connect=10)
    with httpx.Client(timeout=timeout, headers={"User-Agent": "Stellwerk OParl-Sync"}) as http:
        # Redirects are followed by hand: each hop must stay on the source's own server.
        for _hop in range(MAX_REDIRECTS + 1):
            host = urlsplit(url).netloc.lower()
            if host not in allowed:
                raise Unreadable(File.TextStatus.FOREIGN_HOST, FOREIGN_HOST.format(host=host))
            try:
                with http.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    response.raise_for_status()
                    if int(response.headers.get("content-length") or 0) > limit:
                        raise too_large
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > limit:
                            raise too_large
                    return bytes(body)
            except httpx.HTTPError as error:
                raise Unreadable(
                    File.TextStatus.FAILED, DOWNLOAD_FAILED.format(error=error)
                ) from error
    raise Unreadable(File.TextStatus.FAILED, DOWNLOAD_FAILED.format(error="zu viele Umleitungen"))


def _extract(content: bytes) -> str:
    if content.lstrip()[:5] != b"%PDF-":
        kind = "leer" if not content else "kein PDF-Kopf"
        raise Unreadable(File.TextStatus.UNSUPPORTED, NOT_PDF.format(kind=kind))
    seconds = settings.ATTACHMENT_TIMEOUT_SECONDS
    with tempfile.TemporaryDirectory(prefix="stellwerk-text-") as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(content)
        try:
            done = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(path), "-"],
                capture_output=True,
                timeout=seconds,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise Unreadable(File.TextStatus.FAILED, TIMEOUT.format(seconds=seconds)) from error
    text = done.stdout.decode("utf-8", errors="replace").replace("\x00", "")
    if done.returncode != 0 or not text:
        detail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = detail[-1] if detail else f"pdftotext endete mit {done.returncode}"
        raise Unreadable(File.TextStatus.FAILED, BROKEN.format(error=reason[:300]))
    pages = text.count("\f") or 1
    letters = sum(char.isalpha() for char in text)
    if letters < SCANNED_LETTERS_PER_PAGE * pages:
        raise Unreadable(File.TextStatus.SCANNED, SCANNED)
    return text.rstrip("\f")[: settings.ATTACHMENT_MAX_TEXT_CHARS]
