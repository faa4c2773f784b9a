"""Split long template lines where whitespace never renders (a one-off helper for #20).

Cuts go between block-level elements (`</li><li>`, `</td><td>`, `<div><p>`), after
`{% csrf_token %}`, around control tags that sit between such cuts, and, when a piece is still
too long, just inside a block element's own opening and closing tag. Inline content, attribute
values, `{% blocktranslate %}` and `{% verbatim %}` are never cut, so no msgid and no visible
space changes. Run `make format` afterwards for the indentation.

    .venv/bin/python scripts/split_template_lines.py templates/a.html templates/b.html
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

LIMIT = 200
BLOCK = (
    r"(?:div|p|ul|ol|li|table|thead|tbody|tfoot|tr|th|td|caption|section|article|aside|header"
    r"|footer|nav|main|h[1-6]|form|fieldset|legend|dl|dt|dd|details|summary|figure|figcaption"
    r"|hr|colgroup|col)"
)
CONTROL = r"(?:for|endfor|empty|if|elif|else|endif|with|endwith|block|endblock|partialdef"
CONTROL += r"|endpartialdef|extends|load)"
# Lines with whitespace-sensitive content are left alone.
SKIP = re.compile(r"<(pre|textarea|script|style|title)\b", re.I)
TOKEN = re.compile(
    r"\{%\s*blocktranslate\b.*?\{%\s*endblocktranslate\s*%\}"
    r"|\{%\s*verbatim\s*%\}.*?\{%\s*endverbatim\s*%\}"
    r"|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}"
    # A tag, with template code and quoted attribute values (which may hold "<" or ">") inside.
    r"""|<[a-zA-Z/!](?:\{\{.*?\}\}|\{%.*?%\}|"[^"]*"|'[^']*'|\{(?![{%])|[^<>"'{])*>""",
    re.S,
)

Token = tuple[int, int, str]


def _tokens(line: str) -> list[Token]:
    return [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(line)]


def _opens_block(tag: str) -> bool:
    return re.match(rf"<{BLOCK}\b", tag, re.I) is not None


def _closes_block(tag: str) -> bool:
    return re.match(rf"</{BLOCK}\s*>", tag, re.I) is not None


def _is_control(tag: str) -> bool:
    return re.match(rf"\{{%-?\s*{CONTROL}\b", tag) is not None


def _between_cuts(line: str) -> set[int]:
    toks = _tokens(line)
    cuts: set[int] = set()
    for i, (start, end, tag) in enumerate(toks):
        if _opens_block(tag):
            cuts.add(start)
        if _closes_block(tag):
            cuts.add(end)
        followed = i + 1 < len(toks) and toks[i + 1][0] == end
        if re.match(r"\{%\s*csrf_token\s*%\}", tag) and followed:
            cuts.add(end)
    for i, (start, end, tag) in enumerate(toks):
        if not _is_control(tag):
            continue
        before = (
            i > 0 and toks[i - 1][1] == start and (start in cuts or _is_control(toks[i - 1][2]))
        )
        after = (
            i + 1 < len(toks)
            and toks[i + 1][0] == end
            and (end in cuts or _is_control(toks[i + 1][2]))
        )
        if before and after:
            cuts.update((start, end))
    return cuts


def _inside_cuts(piece: str) -> set[int]:
    """`<x …>content</x>` alone on a line: cut after the opening and before the closing tag."""
    toks = _tokens(piece)
    if len(toks) < 2:
        return set()
    first, last = toks[0], toks[-1]
    if first[0] != len(piece) - len(piece.lstrip()) or last[1] != len(piece.rstrip()):
        return set()
    closing = re.match(r"</(\w+)", last[2])
    if not (_opens_block(first[2]) and closing):
        return set()
    name, depth = closing.group(1).lower(), 0
    if not first[2][1:].lower().startswith(name):
        return set()
    for _start, _end, tag in toks[:-1]:
        depth += bool(re.match(rf"<{name}\b", tag, re.I)) - bool(
            re.match(rf"</{name}\s*>", tag, re.I)
        )
        if depth == 0:
            return set()  # the first element closes before the end of the line
    return {first[1], last[0]}


def _pieces(line: str, cuts: set[int]) -> list[str]:
    out: list[str] = []
    last = 0
    for cut in [*sorted(c for c in cuts if 0 < c < len(line)), len(line)]:
        piece = line[last:cut]
        if piece.strip():
            out.append(piece.strip() if out else piece.rstrip())
        last = cut
    return out


def split_line(line: str, limit: int = LIMIT) -> list[str]:
    if len(line) <= limit or SKIP.search(line):
        return [line]
    out: list[str] = []
    for piece in _pieces(line, _between_cuts(line)):
        out.extend(_pieces(piece, _inside_cuts(piece)) if len(piece) > limit else [piece])
    return out or [line]


def split_file(path: Path, limit: int = LIMIT) -> bool:
    source = path.read_text(encoding="utf-8")
    lines = [part for line in source.split("\n") for part in split_line(line, limit)]
    result = "\n".join(lines)
    # Only whitespace at the cuts may differ.
    assert re.sub(r"\s", "", result) == re.sub(r"\s", "", source), path
    if result == source:
        return False
    path.write_text(result, encoding="utf-8")
    return True


if __name__ == "__main__":
    changed = [name for name in sys.argv[1:] if split_file(Path(name))]
    print(f"{len(changed)} templates split")
