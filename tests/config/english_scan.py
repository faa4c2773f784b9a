"""Find German UI words on pages rendered in English: the vocabulary, the visible text, a crawler.

The vocabulary is taken from the catalogues, so a word added to the German catalogue tomorrow is
checked tomorrow: every word of a German msgstr (locale/de) or of a German msgid (those
translated in locale/en), minus every word that also occurs in English text (the English msgids
and the English msgstr), so "Beirat", "OParl", "PDF" or "Status" are not flagged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import polib
from django.test import Client
from lxml import html

ROOT = Path(__file__).resolve().parents[2]
GERMAN_PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
ENGLISH_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|<[^>]+>")
# Words of both languages that the catalogues cannot tell apart; names of things.
NOT_GERMAN = {"beirat", "oparl", "musterstadt", "kern", "htmx", "viewflow", "celery"}
# The office's words, German however an English msgid may quote them ("… (Beschlusskontrolle)").
ALWAYS_GERMAN = {
    "frist", "fristen", "vorgang", "vorgänge", "stellungnahme", "stellungnahmen", "sichtung",
    "gremium", "gremien", "vorlage", "vorlagen", "offen", "offene", "zurück", "speichern",
    "handlungsfeld", "handlungsfelder", "fassung", "votum", "beteiligung", "zuweisung",
    "schlusszeichnung", "eingang", "herunterladen", "bearbeitung", "beschluss", "sitzung",
    "aufgabe", "aufgaben", "abbrechen", "übernehmen", "freigeben", "versandt", "fällig",
    "überfällig", "anlage", "anlagen", "begründung", "empfehlung", "verlauf", "zurückgeben",
}  # fmt: skip
# Stored, but written by the code in German: shown translated, so not data.
WRITTEN_BY_CODE = {
    "review.Review.relevance_reasons",
    "review.Document.error",
    "review.Dispatch.error",
    "review.Notification.title",
}
# Keys of JSON details (audit, notifications) holding such German texts; the rest is data.
WRITTEN_BY_CODE_KEYS = {"reasons", "task"}
# Data from the council information system with a known vocabulary, translated when shown.
TRANSLATED_DATA = {"review.Consultation.role"}
# Copies of the other rows for searching (with the reasons in them).
DERIVED = {"review.SearchEntry", "review.SearchTerm", "review.SearchSynonym"}
SKIPPED_TAGS = {"script", "style", "template", "noscript", "svg"}
INLINE_TAGS = {
    "a", "abbr", "b", "bdi", "br", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
}  # fmt: skip
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", text)) if len(w) >= 3}


def _texts(entry: polib.POEntry, *, translated: bool) -> list[str]:
    if translated:
        return [entry.msgstr, *entry.msgstr_plural.values()]
    return [entry.msgid, entry.msgid_plural]


def german_vocabulary() -> set[str]:
    german_po, english_po = polib.pofile(str(GERMAN_PO)), polib.pofile(str(ENGLISH_PO))
    german: set[str] = set()
    english: set[str] = set()
    for entry in german_po:
        translation = [t for t in _texts(entry, translated=True) if t]
        if translation and translation[0] != entry.msgid:
            german.update(*map(_words, translation))
            english.update(*map(_words, _texts(entry, translated=False)))
    for entry in english_po:
        german.update(*map(_words, _texts(entry, translated=False)))
        english.update(*map(_words, _texts(entry, translated=True)))
    return (german - english - NOT_GERMAN) | ALWAYS_GERMAN


def visible_texts(page: str) -> list[str]:
    """The lines a person reads (text between block boundaries) and the attributes read aloud."""
    tree = html.fromstring(page)
    chunks: list[str] = []
    attributes: list[str] = []
    _walk(tree, chunks, attributes)
    lines = "".join(chunks).split("\n")
    return [" ".join(t.split()) for t in [*lines, *attributes] if t.strip()]


def _walk(element: html.HtmlElement, chunks: list[str], attributes: list[str]) -> None:
    # Marked as German on purpose (the language switch's "Deutsch"): skipped like scripts.
    if element.tag in SKIPPED_TAGS or element.get("lang", "").startswith("de"):
        return
    # Not language at all (the second factor's random key, where "WIR" once stood between
    # digits): marked for translation tools as not to be translated, and skipped here alike.
    if element.get("translate") == "no":
        return
    block = element.tag not in INLINE_TAGS or element.tag == "br"
    if block:
        chunks.append("\n")
    chunks.append(element.text or "")
    attributes.extend(element.get(name) for name in ATTRIBUTES if element.get(name))
    if element.tag == "input" and element.get("type") in ("submit", "button"):
        attributes.append(element.get("value") or "")
    for child in element:
        if isinstance(child.tag, str):
            _walk(child, chunks, attributes)
        chunks.append(child.tail or "")
    if block:
        chunks.append("\n")


@dataclass
class Finding:
    url: str
    word: str
    text: str


class Data:
    """The German data in the database (titles, names, reasons' matched words, texts): it may
    stay German on an English page, so it is cut out of a text before the words are checked."""

    def __init__(self, values: Iterable[str]) -> None:
        self.by_word: dict[str, list[str]] = defaultdict(list)
        unique = {" ".join(v.split()) for v in values if v.strip()}
        for value in sorted(unique, key=len, reverse=True):
            for word in _words(value):
                self.by_word[word].append(value)

    @classmethod
    def from_database(cls) -> Data:
        from django.apps import apps
        from django.db import models

        values: list[str] = []
        for model in apps.get_models():
            if model._meta.app_label not in ("review", "workflows", "auth", "viewflow"):
                continue
            if model._meta.label in DERIVED:
                continue
            names = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField, models.JSONField))
                and not f.choices
                and f"{model._meta.label}.{f.name}" not in WRITTEN_BY_CODE | TRANSLATED_DATA
            ]
            for row in model._default_manager.values_list(*names) if names else []:
                values.extend(_strings(row))
        return cls(values)

    def strip(self, text: str, word: str) -> str:
        """The text without the data values that contain the word."""
        for value in self.by_word.get(word.lower(), []):
            if value in text:
                text = text.replace(value, " ")
            elif text.endswith("…") and text.rstrip("… ") in value:
                # Shortened for the page (truncatechars): the whole text is data.
                return ""
        return text


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in WRITTEN_BY_CODE_KEYS:
                yield from _strings(item)


def german_words(texts: Iterable[str], vocabulary: set[str], data: Data) -> list[tuple[str, str]]:
    """(word, the text it stands in) for each German UI word left once the data is removed."""
    found = []
    for text in texts:
        for word in WORD.findall(text):
            if word.lower() not in vocabulary:
                continue
            if any(w == word for w in WORD.findall(data.strip(text, word))):
                found.append((word, text))
    return found


@dataclass
class Crawl:
    """Every page a client reaches by following links from its start page (GET only)."""

    client: Client
    skip: tuple[str, ...] = ()
    per_view: int = 3
    limit: int = 250
    seen: set[str] = field(default_factory=set)
    pages: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)

    def run(self, start: Iterable[str]) -> dict[str, str]:
        from django.urls import Resolver404, resolve

        queue = list(start)
        # The pages asked for are read whatever the limit; the links found count against it.
        asked = set(queue)
        per_view: dict[str, int] = defaultdict(int)
        while queue and len(self.pages) < self.limit:
            url = queue.pop(0)
            if url in self.seen:
                continue
            self.seen.add(url)
            path = urlsplit(url).path
            try:
                view = resolve(path)._func_path
            except Resolver404:
                continue
            if per_view[view] >= self.per_view and url not in asked:
                continue
            per_view[view] += 1
            response = self.client.get(url)
            self.statuses[url] = response.status_code
            if response.status_code in (301, 302) and response["Location"].startswith("/"):
                queue.insert(0, response["Location"])
            # Refusals and missing pages are read too: people see them.
            if response.status_code not in (200, 403, 404):
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            page = response.content.decode()
            if not page.strip():  # an htmx answer that removes a row
                continue
            self.pages[url] = page
            queue.extend(u for u in self.links(page) if u not in self.seen)
        return self.pages

    def links(self, page: str) -> list[str]:
        tree = html.fromstring(page)
        found = []
        for element in tree.iter():
            for name in ("href", "hx-get"):
                value = element.get(name)
                if not value:
                    continue
                url = urldefrag(value).url
                parts = urlsplit(url)
                if parts.scheme or parts.netloc or not url.startswith("/"):
                    continue
                if any(url.startswith(prefix) for prefix in self.skip):
                    continue
                found.append(url)
        return found
