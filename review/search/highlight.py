"""Highlighted titles and snippets: the words that matched, marked, in the text as written."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .analysis import parts, stem

SNIPPET_WORDS = 32
WORD = re.compile(r"[^\W_]+", re.UNICODE)
PUNCTUATION = ".,;:()„“\"'"


@lru_cache(maxsize=200_000)
def _forms(word: str) -> frozenset[str]:
    """The terms a lower-case word is indexed by: its stem and the stems of its parts."""
    return frozenset((stem(word), *parts(word)))


def _matches(word: str, terms: set[str], prefixes: tuple[str, ...]) -> bool:
    forms = _forms(word.lower())
    if not forms.isdisjoint(terms):
        return True
    return bool(prefixes) and any(f.startswith(prefixes) for f in forms)


def _mark(text: str, terms: set[str], prefixes: tuple[str, ...]) -> str:
    # The text between marked words is escaped in one piece: per word, escaping cost more than
    # the matching (docs/search.md).
    out = []
    last = 0
    for word in WORD.finditer(text):
        token = word.group()
        if token[0].isalnum() and _matches(token, terms, prefixes):
            start, end = word.span()
            out.append(escape(text[last:start]))
            out.append(f"<mark>{escape(token)}</mark>")
            last = end
    out.append(escape(text[last:]))
    return "".join(out)


def mark(text: str, terms: set[str], prefixes: set[str]) -> SafeString:
    return mark_safe(_mark(text, terms, tuple(prefixes)))


def snippet(text: str, terms: set[str], prefixes: set[str]) -> SafeString:
    """The stretch of `text` with the most matching words, marked; its start if none match."""
    starts = tuple(prefixes)
    words = text.split()
    if len(words) <= SNIPPET_WORDS:
        return mark_safe(_mark(text, terms, starts))
    hits = [i for i, w in enumerate(words) if _word_matches(w.strip(PUNCTUATION), terms, starts)]
    best = 0
    if hits:
        best = max(hits, key=lambda i: sum(1 for h in hits if i <= h < i + SNIPPET_WORDS))
        best = max(0, best - 4)
    chunk = " ".join(words[best : best + SNIPPET_WORDS])
    lead = "… " if best else ""
    tail = " …" if best + SNIPPET_WORDS < len(words) else ""
    return mark_safe(escape(lead) + _mark(chunk, terms, starts) + escape(tail))


def _word_matches(word: str, terms: set[str], prefixes: tuple[str, ...]) -> bool:
    # A whitespace-separated word as the snippet window counts it ("Kita-Ausbau" is one).
    return bool(word) and _matches(word, terms, prefixes)
