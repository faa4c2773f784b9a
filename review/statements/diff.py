"""A readable diff between two statement versions (HTML tables from difflib)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.html import escape
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


def _inline(old: str, new: str) -> SafeString:
    """Word-level diff: removed words in <del>, added words in <ins>."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))


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
