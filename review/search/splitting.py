"""CharSplit (the `compound-split` package), loaded lazily and cheaply.

The package ships its German n-gram tables as a large Python module (and the Dutch ones, which
`char_split` imports as well). Importing them takes long and much memory (docs/performance.md,
"Figures behind the code") — in every process that imports the search: web workers, Celery
workers, commands.
Instead, the German tables are read from that module's text (three dict literals of word
pieces and probabilities) with a regular expression the first time a word is split, kept with
`marshal` (plain data, loads in a fraction of a second) in the var folder for later processes,
and handed to `char_split` as the modules it imports, so its algorithm runs unchanged.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
import types
from functools import cache
from importlib import metadata, util
from pathlib import Path
from typing import Any

from django.conf import settings

# One entry of a table: 'piece': probability (the pieces are lower-case words, quoted either way).
_ENTRY = re.compile(r"""(['"])((?:(?!\1).)*)\1: ([-+0-9.e]+)""")
_TABLES = ("prefix", "infix", "suffix")


def _cache_file() -> Path:
    var = Path(os.environ.get("STELLWERK_VAR_DIR", settings.BASE_DIR / "var"))
    return var / "cache" / f"charsplit-de-{metadata.version('compound-split')}.marshal"


def _read_tables() -> dict[str, dict[str, float]]:
    spec = util.find_spec("compound_split")
    if spec is None or spec.origin is None:
        raise ImportError("compound-split is not installed")
    source = Path(spec.origin).with_name("de_ngram_probs.py")
    tables: dict[str, dict[str, float]] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        name, _, literal = line.partition("=")
        if name.strip() in _TABLES:
            tables[name.strip()] = {m.group(2): float(m.group(3)) for m in _ENTRY.finditer(literal)}
    return tables


def _tables() -> dict[str, dict[str, float]]:
    path = _cache_file()
    try:
        loaded = marshal.loads(path.read_bytes())
        if isinstance(loaded, dict) and set(loaded) == set(_TABLES):
            return loaded
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tables = _read_tables()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(tables))
        partial.replace(path)
    except OSError:
        pass  # a read-only installation reads the tables again next time
    return tables


@cache
def _char_split() -> Any:
    german = types.ModuleType("compound_split.de_ngram_probs")
    for name, table in _tables().items():
        setattr(german, name, table)
    # The Dutch tables are never used here; an empty stand-in saves their import.
    dutch = types.ModuleType("compound_split.nl_ngram_probs")
    for name in _TABLES:
        setattr(dutch, name, {})
    sys.modules.setdefault("compound_split.de_ngram_probs", german)
    sys.modules.setdefault("compound_split.nl_ngram_probs", dutch)
    from compound_split import char_split

    return char_split


def split_compound(word: str) -> list[Any]:
    """`char_split.split_compound(word)`: the possible splits of a German word, best first."""
    return list(_char_split().split_compound(word))


def load() -> None:
    """Read the tables now rather than at the first search: the web server does it before it
    freezes the loaded objects out of the garbage collector's reach (config/wsgi.py)."""
    _char_split()
