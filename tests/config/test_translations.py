"""The German catalogue compiles: no message is defined twice (msgfmt refuses that)."""

from __future__ import annotations

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_no_message_is_defined_twice() -> None:
    polib.pofile(str(CATALOGUE), check_for_duplicates=True)
