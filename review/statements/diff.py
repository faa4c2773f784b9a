"""A readable diff between two statement versions (HTML tables from difflib)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from review.models import StatementVersion


@dataclass
class PartDiff:
    label: str
    changed: bool
    html: SafeString


def _proposals(version: StatementVersion) -> str:
    return "\n".join(
        f"{p.position}. {p.location}: {p.proposal}" + (f" ({p.reason})" if p.reason else "")
        for p in version.change_proposals.all()
    )


# difflib's matching grows with (old words × new words), and much faster on repetitive text, so a
# very long statement could tie up a worker (docs/performance.md, "Figures behind the code").
# Beyond this many pairs of changed words (about 1,000 × 1,000) the page says so instead.
DIFF_MAX_PAIRS = 1_000_000


def _common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """Words equal at the start and at the end: an edit of a long text changes its middle."""
    limit = min(len(a), len(b))
    start = 0
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _inline(old: str, new: str) -> SafeString:
    """Word-level diff: removed words in <del>, added words in <ins>."""
    a, b = old.split(), new.split()
    start, end = _common_ends(a, b)
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    if len(middle_a) * len(middle_b) > DIFF_MAX_PAIRS:
        return format_html('<em data-testid="diff-too-large">{}</em>', _("Too large to compare."))
    out: list[str] = [escape(" ".join(a[:start]))] if start else []
    out += _changes(middle_a, middle_b)
    if end:
        out.append(escape(" ".join(a[len(a) - end :])))
    return mark_safe(" ".join(out))


def _changes(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return out


def diff_versions(old: StatementVersion, new: StatementVersion) -> list[PartDiff]:
    parts = [
        (_("Facts"), old.facts, new.facts),
        (_("Assessment"), old.assessment, new.assessment),
        (_("Proposed changes"), _proposals(old), _proposals(new)),
        (
            _("Recommendation/vote"),
            f"{old.get_recommendation_display()} {old.recommendation_text}",
            f"{new.get_recommendation_display()} {new.recommendation_text}",
        ),
    ]
    return [PartDiff(label, a != b, _inline(a, b)) for label, a, b in parts]
