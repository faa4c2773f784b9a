"""Highlighted titles and snippets: the words that matched, marked, in the text as written."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import parts, stem

SNIPPET_WORDS = 32
TOKEN = re.compile(r"[^\W_]+|[\W_]+", re.UNICODE)


def _matches(word: str, terms: set[str], prefixes: set[str]) -> bool:
    lowered = word.lower()
    found = {stem(lowered), *parts(lowered)}
    return bool(found & terms) or any(f.startswith(p) for f in found for p in prefixes)


def mark(text: str, terms: set[str], prefixes: set[str]) -> SafeString:
    out = []
    for token in TOKEN.findall(text):
        if token[0].isalnum() and _matches(token, terms, prefixes):
            out.append(f"<mark>{escape(token)}</mark>")
        else:
            out.append(escape(token))
    return mark_safe("".join(out))


def snippet(text: str, terms: set[str], prefixes: set[str]) -> SafeString:
    """The stretch of `text` with the most matching words, marked; its start if none match."""
    words = text.split()
    if len(words) <= SNIPPET_WORDS:
        return mark(text, terms, prefixes)
    hits = [i for i, w in enumerate(words) if _matches(w.strip(".,;:()„“\"'"), terms, prefixes)]
    best = 0
    if hits:
        best = max(hits, key=lambda i: sum(1 for h in hits if i <= h < i + SNIPPET_WORDS))
        best = max(0, best - 4)
    chunk = " ".join(words[best : best + SNIPPET_WORDS])
    lead = "… " if best else ""
    tail = " …" if best + SNIPPET_WORDS < len(words) else ""
    return mark_safe(escape(lead) + mark(chunk, terms, prefixes) + escape(tail))
