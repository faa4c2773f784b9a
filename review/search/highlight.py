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


_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_SPELLED_UMLAUT = re.compile("([aou])e")


@lru_cache(maxsize=200_000)
def _forms(word: str) -> frozenset[str]:
    """The terms a lower-case word is indexed by: its stem and the stems of its parts."""
    return frozenset((stem(word), *parts(word)))


@lru_cache(maxsize=200_000)
def _spellings(word: str) -> tuple[str, str]:
    """A lower-case word with its umlauts folded, and with "ae"/"oe"/"ue" read as umlauts too.
    Every term the word is indexed by begins with three letters found in one of them (checked
    on all 21,360 words of the Karlsruhe archive)."""
    return word.translate(_FOLD), _SPELLED_UMLAUT.sub(r"\1", word).translate(_FOLD)


def _beginnings(terms: set[str], prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple({t[:3] for t in terms} | {p[:3] for p in prefixes})


def _matches(
    word: str, terms: set[str], prefixes: tuple[str, ...], beginnings: tuple[str, ...]
) -> bool:
    lowered = word.lower()
    # Most words of a text share no beginning with the query's terms and need no analysis:
    # stemming and splitting each new word was most of what a fresh worker spent on a hit.
    if not any(b in spelling for spelling in _spellings(lowered) for b in beginnings):
        return False
    forms = _forms(lowered)
    if not forms.isdisjoint(terms):
        return True
    return bool(prefixes) and any(f.startswith(prefixes) for f in forms)


def _mark(text: str, terms: set[str], prefixes: tuple[str, ...]) -> str:
    beginnings = _beginnings(terms, prefixes)
    # The text between marked words is escaped in one piece: per word, escaping cost more than
    # the matching (docs/search.md).
    out = []
    last = 0
    for word in WORD.finditer(text):
        token = word.group()
        if token[0].isalnum() and _matches(token, terms, prefixes, beginnings):
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
    beginnings = _beginnings(terms, starts)
    stripped = (w.strip(PUNCTUATION) for w in words)
    # A whitespace-separated word as the window counts it ("Kita-Ausbau" is one).
    hits = [i for i, w in enumerate(stripped) if w and _matches(w, terms, starts, beginnings)]
    best = 0
    if hits:
        best = max(hits, key=lambda i: sum(1 for h in hits if i <= h < i + SNIPPET_WORDS))
        best = max(0, best - 4)
    chunk = " ".join(words[best : best + SNIPPET_WORDS])
    lead = "… " if best else ""
    tail = " …" if best + SNIPPET_WORDS < len(words) else ""
    return mark_safe(escape(lead) + _mark(chunk, terms, starts) + escape(tail))
