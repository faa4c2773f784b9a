"""German text analysis for the search, the same on PostgreSQL and SQLite.

Index and query go through the same steps, so both sides agree without a database dictionary:

1. words: letters and digits, lower case;
2. folding and stemming: Snowball's German stemmer (the one PostgreSQL's "german" configuration
   uses) maps ä/ae → a, ö/oe → o, ü/ue → u and ß → ss and removes endings, so "Flüchtlinge",
   "Fluechtlinge" and "Flüchtling" all become "fluchtling";
3. compounds: CharSplit (compound-split) splits a long word into modifier and head by n-gram
   probabilities learnt from German text; the parts are indexed next to the whole word, so
   "Unterkunft" finds "Flüchtlingsunterkunft" and "Flüchtlingsunterkunft" finds "Unterkunft für
   Flüchtlinge". A query word must match the whole word or all of its parts.

Vorlage numbers are reduced to one key ("2025/576") whatever form they are written in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from .splitting import split_compound

WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Splits below this CharSplit score are mostly wrong ("Unter|kunft", "Gebüh|ren"); right ones of
# long words score higher ("Kinder|tagesstätte" -0.52, "Flüchtlings|unterkunft" 0.60).
SPLIT_SCORE = -0.6
# Shorter words are rarely compounds, and their "parts" would be noise.
SPLIT_MIN_LENGTH = 8
PART_MIN_LENGTH = 3
# Words too common to help a search; Snowball's own list would also drop "nicht" and "kein",
# which matter in a council text, so only articles, prepositions and conjunctions are here.
STOP_WORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "und",
        "oder",
        "für",
        "fuer",
        "von",
        "vom",
        "zu",
        "zum",
        "zur",
        "im",
        "in",
        "an",
        "am",
        "auf",
        "aus",
        "bei",
        "mit",
        "nach",
        "über",
        "ueber",
        "unter",
        "durch",
        "als",
        "auch",
        "wie",
        "ist",
        "sind",
        "wird",
        "werden",
        "the",
        "of",
        "and",
    ]
)

_stemmer = snowballstemmer.stemmer("german")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Stem of one lower-case word; a plural "-s" after a vowel ("Kitas", "Autos") goes too,
    which Snowball keeps."""
    if len(word) > 4 and word.endswith("s") and word[-2] in "aeiouy":
        word = word[:-1]
    return _stemmer.stemWord(word)


# "ue" written for "ü" (not in "Feuer", "Bauer", "Quelle"): the splitter learnt from text with
# umlauts and splits "Gebuehren" wrongly otherwise.
_SPELLED_UMLAUT = re.compile(r"(?<![aeiouq])([aou])e")
_UMLAUT = {"a": "ä", "o": "ö", "u": "ü"}


def _split(word: str) -> tuple[float, str, str]:
    spelled = _SPELLED_UMLAUT.sub(lambda m: _UMLAUT[m.group(1)], word)
    score, modifier, head = split_compound(spelled)[0]
    return score, modifier.lower(), head.lower()


@lru_cache(maxsize=200_000)
def parts(word: str) -> tuple[str, ...]:
    """Stems of the parts of a compound, recursively ("Kindertagesstättenplanung" → kind,
    tagesstatt, tag, statt, planung); empty for a word that is not one."""
    if len(word) < SPLIT_MIN_LENGTH or word.isdigit():
        return ()
    score, modifier, head = _split(word)
    if score < SPLIT_SCORE or len(modifier) < PART_MIN_LENGTH or len(head) < PART_MIN_LENGTH:
        return ()
    found: list[str] = []
    for part in (modifier, head):
        if part in STOP_WORDS:
            continue
        found.append(stem(part))
        found.extend(parts(part))
    return tuple(dict.fromkeys(found))


def index_terms(text: str) -> str:
    """The terms a text is found by, space separated: stems of its words and of their parts."""
    terms: list[str] = []
    for word in words(text):
        if word in STOP_WORDS:
            continue
        terms.append(stem(word))
        terms.extend(parts(word))
    return " ".join(terms)


@dataclass(frozen=True)
class QueryWord:
    """One word the user typed: found by its stem, or by all parts of a compound."""

    text: str
    stem: str
    parts: tuple[str, ...]
    prefix: bool  # the last word, perhaps still being typed


def query_words(text: str) -> list[QueryWord]:
    found = [w for w in words(text) if w not in STOP_WORDS]
    if not found:
        return []
    last_open = not text.endswith((" ", '"'))
    return [
        QueryWord(
            text=word,
            stem=stem(word),
            # Only the direct parts: the recursion's smaller pieces would match too widely.
            parts=_direct_parts(word),
            prefix=last_open and i == len(found) - 1,
        )
        for i, word in enumerate(found)
    ]


# Cached like stem() and parts(): every search analyses each phrase of the office's synonym list
# again, and splitting them cost ≈ 15 ms of CPU per query before (docs/performance.md).
@lru_cache(maxsize=200_000)
def _direct_parts(word: str) -> tuple[str, ...]:
    if len(word) < SPLIT_MIN_LENGTH or word.isdigit():
        return ()
    score, modifier, head = _split(word)
    if score < SPLIT_SCORE or min(len(modifier), len(head)) < PART_MIN_LENGTH:
        return ()
    return (stem(modifier), stem(head))


# --- Vorlage numbers --------------------------------------------------------------------------

NUMBER_GROUPS = re.compile(r"\d+")
# A query is a number if it is only digits, separators and an optional letter prefix ("V", "DHH").
NUMBER_QUERY = re.compile(r"^\s*[A-Za-zÄÖÜäöü]{0,5}[\s/.\-]*\d+(?:[\s/.\-]+\d+)*\s*$")


def _year(group: str) -> int | None:
    value = int(group)
    if len(group) == 4 and 1950 <= value <= 2099:
        return value
    if len(group) == 2:
        return 2000 + value
    return None


def reference_key(reference: str) -> str:
    """One key for every common way to write a Vorlage number: "2025/0576", "2025/576",
    "25/0576", "0576/2025", "2025 0576" and "DHH/2025/0576" all become "2025/576". A number
    without a year keeps only its number ("576"); text without digits gives ""."""
    groups = NUMBER_GROUPS.findall(reference or "")
    if not groups:
        return ""
    if len(groups) == 1:
        return str(int(groups[0]))
    first, last = groups[-2], groups[-1]
    # The year is the four-digit group; failing that, a two-digit one after the number
    # ("V2345/24") or before it ("25/0576").
    for year_group, number in ((first, last), (last, first)):
        if len(year_group) == 4 and _year(year_group):
            return f"{_year(year_group)}/{int(number)}"
    for year_group, number in ((last, first), (first, last)):
        if len(year_group) == 2 and len(number) > 2:
            return f"{_year(year_group)}/{int(number)}"
    return f"{int(first)}/{int(last)}"


def is_number_query(text: str) -> bool:
    return bool(NUMBER_QUERY.match(text))
