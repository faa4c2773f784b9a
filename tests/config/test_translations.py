"""The catalogues compile: no message is defined twice (msgfmt refuses that), English complete."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.utils import translation

from .english_scan import ALWAYS_GERMAN, WORD

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUE = LOCALE / "de" / "LC_MESSAGES" / "django.po"
ENGLISH = LOCALE / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("path", [CATALOGUE, ENGLISH], ids=["de", "en"])
def test_no_message_is_defined_twice(path: Path) -> None:
    polib.pofile(str(path), check_for_duplicates=True)


def test_every_german_msgid_has_its_english_text() -> None:
    # locale/en holds only the German msgids (English msgids need no entry): each is translated,
    # none left fuzzy (gettext would ignore it) and none still German.
    entries = list(polib.pofile(str(ENGLISH)))
    untranslated = [e.msgid for e in entries if not e.translated()]
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    still_german = [
        e.msgstr for e in entries if {w.lower() for w in WORD.findall(e.msgstr)} & ALWAYS_GERMAN
    ]
    assert (untranslated, fuzzy, still_german) == ([], [], [])


def test_the_english_catalogue_is_compiled_and_used() -> None:
    # `make messages` (scripts/compile_messages.py) compiles every locale; `make install` runs it.
    assert (ENGLISH.parent / "django.mo").exists()
    with translation.override("en"):
        assert translation.gettext("Stellungnahme") == "Statement"
        assert translation.gettext("Vorlagen durchsuchen") == "Search papers"
    with translation.override("de"):
        assert translation.gettext("Stellungnahme") == "Stellungnahme"
