"""Keyword matching for relevance: German compounds, inflection, negative contexts, places.

A form is looked for as a plain (case-insensitive) string and then widened to the word it
stands in, so "Flüchtling" finds "Flüchtlingsunterkunft" and "Geflüchtete" finds
"Geflüchteten"; a form written with a leading "=" must be the whole word ("=Roma", not
"Romantik"). Searching for the string first keeps long attachment texts cheap: a regular
expression that matched whole words around the form would backtrack at every word start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from review.models import KeywordTerm

from . import reasons

# A negative context cancels a match when it stands this many characters before or after it.
WINDOW = 60


def _word_chars(char: str) -> bool:
    return char.isalnum() or char == "_"


def _alternation(forms: Iterable[str]) -> str:
    parts = []
    for form in forms:
        whole = form.startswith("=")
        stem = form.lstrip("=").rstrip("*").strip()
        if not stem:
            continue
        escaped = re.escape(stem).replace(r"\ ", r"\s+")
        parts.append(rf"(?<!\w){escaped}(?!\w)" if whole else escaped)
    return "|".join(parts)


@dataclass(frozen=True)
class Found:
    word: str
    start: int


@dataclass(frozen=True)
class Term:
    name: str
    weight: int
    weak: bool
    topic_id: int | None
    pattern: re.Pattern[str]
    # Negatives inside the matched word ("Datenmigration") and at word starts nearby.
    inner_negatives: tuple[str, ...]
    near: re.Pattern[str] | None

    @classmethod
    def of(cls, keyword: KeywordTerm) -> Term | None:
        alternation = _alternation(keyword.forms())
        if not alternation:
            return None
        negatives = keyword.negatives()
        near = "|".join(
            rf"(?<!\w){re.escape(n[1:])}(?!\w)" if n.startswith("=") else rf"(?<!\w){re.escape(n)}"
            for n in negatives
            if n.lstrip("=")
        )
        return cls(
            name=keyword.term,
            weight=keyword.weight,
            weak=keyword.is_weak,
            topic_id=keyword.topic_id,
            pattern=re.compile(alternation, re.IGNORECASE),
            inner_negatives=tuple(n.lower() for n in negatives if not n.startswith("=")),
            near=re.compile(near, re.IGNORECASE) if near else None,
        )

    def find_all(self, text: str) -> list[Found]:
        """Every word of `text` the term matches and no negative context cancels."""
        found = []
        for match in self.pattern.finditer(text):
            start, end = match.span()
            while start > 0 and _word_chars(text[start - 1]):
                start -= 1
            while end < len(text) and _word_chars(text[end]):
                end += 1
            word = text[start:end]
            if not self._cancelled(text, word, start, end, match.span()):
                found.append(Found(word, start))
        return found

    def find(self, text: str) -> Found | None:
        hits = self.find_all(text) if text else []
        return hits[0] if hits else None

    def _cancelled(self, text: str, word: str, start: int, end: int, span: tuple[int, int]) -> bool:
        rest = (text[start : span[0]] + " " + text[span[1] : end]).lower()
        if any(negative in rest for negative in self.inner_negatives):
            return True
        if self.near is None:
            return False
        return self.near.search(text, max(0, start - WINDOW), end + WINDOW) is not None


class Terms(list[Term]):
    """The active terms, with one pattern of all their forms: most titles and attachment names
    match none, and one search instead of one per term keeps scoring 14,000 papers fast. The
    forms are merged into a prefix tree, so the pattern branches on each character instead of
    trying two hundred alternatives at every position of the text."""

    def __init__(self, terms: Iterable[Term], forms: Iterable[str] = ()) -> None:
        super().__init__(terms)
        parts = [form for form in forms if form.lstrip("=").rstrip("*").strip()]
        plain = [f.rstrip("*").strip().lower() for f in parts if not f.startswith("=")]
        whole = _alternation(f for f in parts if f.startswith("="))
        joined = "|".join(p for p in (_tree(plain), whole) if p)
        self.screen = re.compile(joined, re.IGNORECASE) if joined else None

    def in_text(self, text: str) -> bool:
        return bool(text) and self.screen is not None and self.screen.search(text) is not None


def _tree(words: list[str]) -> str:
    """One regular expression for many literal words, as a prefix tree ("" marks an end)."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in " ".join(word.split()):
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [
            (r"\s+" if char == " " else re.escape(char)) + build(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        if "" in node:  # a shorter word ends here: the longer ones are optional
            return "(?:" + "|".join(branches) + ")?"
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return build(root)


def load_terms() -> Terms:
    keywords = list(KeywordTerm.objects.filter(is_active=True))
    terms = (Term.of(keyword) for keyword in keywords)
    return Terms(
        (term for term in terms if term is not None),
        (form for keyword in keywords for form in keyword.forms()),
    )


# How much of a term's weight a match earns, by where it stands: the title speaks for the
# paper; an attachment's name almost as much; its text less, and a single mention in a long
# text least (a budget plan that names refugees once is not about them).
TITLE, NAME, TEXT, TEXT_ONCE = 1.0, 0.8, 0.5, 0.3
# Each further strong term adds a little; weak terms count only next to a strong one.
EXTRA_STRONG = 10
EXTRA_WEAK = 5


@dataclass(frozen=True)
class Attachment:
    name: str
    text: str = ""


@dataclass
class KeywordResult:
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    topic_ids: set[int] = field(default_factory=set)


def _best(term: Term, title: str, attachments: list[Attachment]) -> tuple[float, str] | None:
    """The best place a term matches at, as (factor, German reason)."""
    found = term.find(title)
    if found:
        return TITLE, reasons.IN_TITLE(term=term.name, word=found.word)
    for attachment in attachments:
        found = term.find(attachment.name)
        if found:
            return NAME, reasons.IN_ATTACHMENT_NAME(term=term.name, word=found.word)
    best: tuple[float, str] | None = None
    for attachment in attachments:
        hits = term.find_all(attachment.text) if attachment.text else []
        if not hits:
            continue
        factor = TEXT if len(hits) > 1 else TEXT_ONCE
        if best is None or factor > best[0]:
            page = attachment.text.count("\f", 0, hits[0].start) + 1
            label = attachment.name or reasons.UNNAMED
            best = (
                factor,
                reasons.IN_ATTACHMENT(term=term.name, label=label, page=page, word=hits[0].word),
            )
    return best


def score_keywords(
    terms: Terms, title: str, attachments: list[Attachment] | None = None
) -> KeywordResult:
    attachments = [a for a in attachments or [] if terms.in_text(a.name) or terms.in_text(a.text)]
    if not attachments and not terms.in_text(title):
        return KeywordResult()
    strong: list[tuple[int, str, Term]] = []
    weak: list[tuple[int, str, Term]] = []
    for term in terms:
        best = _best(term, title, attachments)
        if best is None:
            continue
        points = round(term.weight * best[0])
        (weak if term.weak else strong).append((points, best[1], term))
    result = KeywordResult()
    if not strong:
        return result
    strong.sort(key=lambda hit: -hit[0])
    result.score = strong[0][0] + sum(min(EXTRA_STRONG, p) for p, _r, _t in strong[1:])
    result.score += sum(min(EXTRA_WEAK, p) for p, _r, _t in weak)
    for _points, reason, term in [*strong, *weak]:
        result.reasons.append(reason)
        if term.topic_id:
            result.topic_ids.add(term.topic_id)
    return result
