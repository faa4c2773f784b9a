"""The relevance reasons: written once in German at import, shown in the reader's language.

`Review.relevance_reasons` keeps German sentences (the search index, the reports and the audit
read them as they are). Their fixed parts come from the formats below, so a stored reason can be
read back into its pieces and shown with the English sentence on an English page; the pieces
(Gremium, matched word, attachment name) are data and stay as they are. A reason that matches no
format (written by an older version) is shown unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

# What the pieces may look like; every other piece is any text.
PIECES = {"date": r"\d{2}\.\d{2}\.\d{4}", "page": r"\d+", "probability": r"\d+\s?%"}


@dataclass(frozen=True)
class ReasonFormat:
    german: str  # str.format pattern, as stored
    text: str  # the English msgid with %(name)s pieces, translated when shown
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = re.split(r"\{(\w+)\}", self.german)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>{PIECES.get(part, '.+?')})"
            for i, part in enumerate(parts)
        )
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$", re.DOTALL))

    def __call__(self, **pieces: object) -> str:
        """The German reason to store."""
        return self.german.format(**pieces)


IN_TITLE = ReasonFormat(
    "{term} — im Titel: … {word} …", gettext_noop("%(term)s — in the title: … %(word)s …")
)
IN_ATTACHMENT_NAME = ReasonFormat(
    "{term} — im Namen der Anlage: … {word} …",
    gettext_noop("%(term)s — in the name of an attachment: … %(word)s …"),
)
IN_ATTACHMENT = ReasonFormat(
    "{term} — im Anhang „{label}“, Seite {page}: … {word} …",
    gettext_noop("%(term)s — in the attachment “%(label)s”, page %(page)s: … %(word)s …"),
)
CONSULTED_ON = ReasonFormat(
    "Beratung im {committee} am {date}", gettext_noop("Discussed in %(committee)s on %(date)s")
)
CONSULTED = ReasonFormat("Beratung im {committee}", gettext_noop("Discussed in %(committee)s"))
LEAD = ReasonFormat("federführend: {office}", gettext_noop("Lead unit: %(office)s"))
SIMILAR = ReasonFormat(
    "ähnlich wie frühere Vorgänge {references} (Modell: {probability})",
    gettext_noop("similar to earlier cases %(references)s (model: %(probability)s)"),
)
PULLED_IN = ReasonFormat(
    "von Hand aufgenommen (knapp unter der Schwelle)",
    gettext_noop("taken up by hand (just below the threshold)"),
)
# An attachment without a name, inside IN_ATTACHMENT.
UNNAMED = "ohne Namen"
UNNAMED_TEXT = gettext_noop("without a name")

# The longer of two formats with the same start first ("… am {date}" before the bare one).
FORMATS = [
    IN_TITLE,
    IN_ATTACHMENT_NAME,
    IN_ATTACHMENT,
    CONSULTED_ON,
    CONSULTED,
    LEAD,
    SIMILAR,
    PULLED_IN,
]


def describe(reason: object) -> str:
    """A stored reason in the active language."""
    text = str(reason)
    for reason_format in FORMATS:
        match = reason_format.pattern.match(text)
        if match is None:
            continue
        pieces = match.groupdict()
        if pieces.get("label") == UNNAMED:
            pieces["label"] = gettext(UNNAMED_TEXT)
        return gettext(reason_format.text) % pieces
    return text
