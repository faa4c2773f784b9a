"""The case timeline for the office: every AuditEvent of a review as a sentence (English message
ids, German in the catalogue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from review.models import (
    AuditEvent,
    AuditVerb,
    Contribution,
    Dispatch,
    DocumentKind,
    Recommendation,
    Review,
)
from review.models.expressions import CompiledQuery
from review.models.people import person_name

# The sentence of every verb is its label (review.models.AuditVerb). Verbs of older rows that
# no code writes any more are still shown, made readable from their parts.
VERB_SENTENCES: dict[str, Any] = {verb.value: verb.label for verb in AuditVerb}
# "review.triaged" with relevant=False reads differently.
NOT_AFFECTED_SENTENCE = gettext_lazy("Paper triaged: not affected")
# Details worth a line under the sentence, in this order.
DETAIL_LABELS = {
    "reason": gettext_lazy("Reason"),
    "note": gettext_lazy("Note"),
    "assignee": gettext_lazy("to"),
    "previous": gettext_lazy("before"),
    "vote": gettext_lazy("Vote"),
    "version": gettext_lazy("Statement version"),
    "recipient": gettext_lazy("to"),
    "contributors": gettext_lazy("Participants"),
    "due": gettext_lazy("due on"),
    "task": gettext_lazy("Task"),
    "owner": gettext_lazy("with"),
    "kind": gettext_lazy("Kind"),
    "document": gettext_lazy("Document"),
    "recipients": gettext_lazy("Recipients"),
    "audience": gettext_lazy("to"),
    "decision": gettext_lazy("Decision"),
    "result": gettext_lazy("Decision"),
    "outcome": gettext_lazy("Outcome"),
    "error": gettext_lazy("Error"),
    "old_id": gettext_lazy("Previous id"),
    "new_id": gettext_lazy("New id"),
}


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    sentence: str
    actor: str
    details: list[tuple[str, str]]


def sentence_for(verb: str, details: dict[str, Any] | None = None) -> str:
    if verb == AuditVerb.REVIEW_TRIAGED and (details or {}).get("relevant") is False:
        return str(NOT_AFFECTED_SENTENCE)
    known = VERB_SENTENCES.get(verb)
    if known is not None:
        return str(known)
    # "statement.co_signed" → "Statement: co signed"
    subject, _dot, action = verb.partition(".")
    readable = f"{subject.replace('_', ' ').capitalize()}: {action.replace('_', ' ')}"
    return readable.rstrip(": ")


# Details that store a person (username or id): shown with the person's full name.
PERSON_KEYS = ("assignee", "previous", "owner", "contributors")
# Details that store a choice value: shown with the German label of the choice.
CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "vote": dict(Recommendation.choices),
    "kind": {**dict(DocumentKind.choices), **dict(Contribution.Kind.choices)},
    "document": dict(DocumentKind.choices),
    "outcome": {k: v for k, v in Review.Outcome.choices if k},
    "audience": dict(Dispatch.Audience.choices),
}


def _person_names(events: list[dict[str, Any]]) -> dict[str, str]:
    """Full names for the usernames/ids named in the details, in one query."""
    wanted: set[str] = set()
    for details in events:
        for key in PERSON_KEYS:
            value = details.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, (str, int)) and not isinstance(item, bool) and item != "":
                    wanted.add(str(item))
    if not wanted:
        return {}
    ids = [int(w) for w in wanted if w.isdigit()]
    names: dict[str, str] = {}
    for user in get_user_model().objects.filter(Q(username__in=wanted) | Q(pk__in=ids)):
        full = user.get_full_name() or user.get_username()
        names[user.get_username()] = full
        names[str(user.pk)] = full
    return names


def _choice(key: str, value: str) -> str:
    labels = CHOICE_LABELS[key]
    # Dispatch keys read "committee:1"; some kinds are joined with "/".
    parts = []
    for part in value.split("/"):
        kind, colon, number = part.partition(":")
        label = str(labels.get(kind, kind))
        parts.append(
            _("%(label)s (No. %(number)s)") % {"label": label, "number": number}
            if colon and number
            else label
        )
    return ", ".join(parts)


def _german_date(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).strftime("%d.%m.%Y")
        except ValueError:
            return value
    return value


def _details(details: dict[str, Any], names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    names = names or {}
    lines = []
    for key, label in DETAIL_LABELS.items():
        value = details.get(key)
        if value in (None, "", [], {}):
            continue
        items = value if isinstance(value, list) else [value]
        if key in PERSON_KEYS:
            items = [names.get(str(item), item) for item in items]
        elif key in CHOICE_LABELS:
            items = [_choice(key, str(item)) for item in items]
        elif key == "due":
            items = [_german_date(item) for item in items]
        lines.append((str(label), ", ".join(str(item) for item in items)))
    return lines


# A case's events as the case page shows them, compiled once per process (the page is opened
# all day; building the query cost more than running it). Not the hash chain nor the object's
# reference: a sentence needs none of them.
_EVENTS: CompiledQuery[AuditEvent] = CompiledQuery(
    lambda review: (
        AuditEvent.objects.filter(review=review)
        .only("verb", "details", "created_at", "actor_label")
        .annotate(actor_name=person_name(AuditEvent.actor))
        .order_by("created_at", "id")
    )
)


def review_timeline(review: Review) -> list[TimelineEntry]:
    events = _EVENTS.all(review.pk)
    names = _person_names([e.details for e in events if isinstance(e.details, dict)])
    entries = []
    for event in events:
        details = event.details if isinstance(event.details, dict) else {}
        entries.append(
            TimelineEntry(
                when=event.created_at,
                sentence=sentence_for(event.verb, details),
                actor=event.actor_name or event.actor_label or _("System"),  # type: ignore[attr-defined]
                details=_details(details, names),
            )
        )
    return entries
