"""HTTP side of the sync: retries, Content-Type checks, body sniffing, paging guards."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import httpx
from django.conf import settings

from review.models import Source

logger = logging.getLogger(__name__)

HTML_INSTEAD_OF_JSON = "Der Server lieferte eine HTML-Seite statt JSON (HTTP {status})."
INVALID_JSON = "Die Antwort ist kein gültiges JSON (abgeschnitten oder beschädigt): {error}"
HTTP_ERROR = "Der Server antwortete mit HTTP {status}."
UNREACHABLE = "Der Server ist nicht erreichbar: {error}"
PAGING_LOOP = "Endlosschleife beim Blättern erkannt: die Seite {url} brachte keine neuen Objekte."
PAGE_REVISITED = "Endlosschleife beim Blättern erkannt: die Seite {url} wurde schon abgerufen."
FOREIGN_HOST = "Die nächste Seite liegt auf einem fremden Server ({host}); das Blättern endet."
TOO_MANY_PAGES = "Mehr als {limit} Seiten in einer Liste; das Blättern endet."


class OParlError(Exception):
    def __init__(self, message: str, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.status = status


class NotFound(OParlError):
    pass


def format_since(moment: datetime, encoding: str) -> str:
    """modified_since without microseconds; "plain_utc" writes UTC with Z (no "+" to misread)."""
    moment = moment.replace(microsecond=0)
    if encoding == Source.QueryEncoding.PLAIN_UTC:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


def with_query(url: str, params: dict[str, str], encoding: str) -> str:
    """Merge filters into a URL that may already carry a query (`papers.asp?body=1`)."""
    if not params:
        return url
    parts = urlsplit(url)
    if encoding == Source.QueryEncoding.PLAIN_UTC:
        extra = "&".join(f"{key}={value}" for key, value in params.items())
    else:
        extra = urlencode(params, quote_via=quote)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class OParlClient:
    def __init__(self, *, on_request: Callable[[str], None] | None = None) -> None:
        self.retries = settings.OPARL_RETRIES
        self.backoff = settings.OPARL_BACKOFF_SECONDS
        self.max_pages = settings.OPARL_MAX_PAGES
        self.on_request = on_request
        self.http = httpx.Client(
            timeout=httpx.Timeout(settings.OPARL_TIMEOUT_SECONDS, connect=10),
            follow_redirects=True,
            headers={"Accept": "application/json", "User-Agent": "Stellwerk OParl-Sync"},
        )

    def close(self) -> None:
        self.http.close()

    def get(self, url: str) -> Any:
        """GET one JSON document, retrying 5xx, timeouts and HTML/garbled answers with backoff."""
        last: OParlError | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return self._get_once(url)
            except NotFound:
                raise
            except OParlError as error:
                last = error
                if error.status is not None and 400 <= error.status < 500:
                    raise
                logger.info("OParl retry %s for %s: %s", attempt + 1, url, error.message)
        assert last is not None
        raise last

    def _get_once(self, url: str) -> Any:
        if self.on_request:
            self.on_request(url)
        try:
            response = self.http.get(url)
        except httpx.HTTPError as error:
            raise OParlError(
                UNREACHABLE.format(error=error or type(error).__name__), url
            ) from error
        body = response.content
        head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        content_type = response.headers.get("content-type", "").lower()
        looks_html = head == b"<" or ("html" in content_type and head not in (b"{", b"["))
        if response.status_code == 404:
            raise NotFound(HTTP_ERROR.format(status=404), url, 404)
        if response.status_code >= 400:
            raise OParlError(
                HTTP_ERROR.format(status=response.status_code), url, response.status_code
            )
        if looks_html:
            raise OParlError(HTML_INSTEAD_OF_JSON.format(status=response.status_code), url)
        try:
            # strict=False accepts unescaped control characters inside strings (ALLRIS).
            return json.loads(body.decode("utf-8", errors="replace"), strict=False)
        except ValueError as error:
            raise OParlError(INVALID_JSON.format(error=error), url) from error

    def pages(self, url: str) -> Iterator[list[Any]]:
        """The pages of an external list, following only `links.next`, with loop guards."""
        host = urlsplit(url).netloc
        seen_urls: set[str] = set()
        seen_ids: set[str] = set()
        count = 0
        next_url: str | None = url
        while next_url:
            if next_url in seen_urls:
                raise OParlError(PAGE_REVISITED.format(url=next_url), next_url)
            if urlsplit(next_url).netloc != host:
                raise OParlError(FOREIGN_HOST.format(host=urlsplit(next_url).netloc), next_url)
            count += 1
            if count > self.max_pages:
                raise OParlError(TOO_MANY_PAGES.format(limit=self.max_pages), next_url)
            seen_urls.add(next_url)
            document = self.get(next_url)
            objects, next_link = unwrap_list(document)
            ids = {str(o.get("id")) for o in objects if isinstance(o, dict) and o.get("id")}
            if count > 1 and ids and ids <= seen_ids:
                raise OParlError(PAGING_LOOP.format(url=next_url), next_url)
            seen_ids |= ids
            yield objects
            next_url = next_link


def unwrap_list(document: Any) -> tuple[list[Any], str | None]:
    """(objects, next URL) from a list page, a bare array, or a lone object sent instead."""
    if isinstance(document, list):
        return document, None
    if not isinstance(document, dict):
        return [], None
    if "data" not in document:
        return ([document] if document.get("id") else []), None
    data = document.get("data")
    links = document.get("links")
    next_link = links.get("next") if isinstance(links, dict) else None
    next_link = next_link if isinstance(next_link, str) else None
    return (data if isinstance(data, list) else [data] if isinstance(data, dict) else []), (
        next_link or None
    )
