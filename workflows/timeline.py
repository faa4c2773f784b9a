"""The case timeline for the office: every AuditEvent of a review as a German sentence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from review.models import AuditEvent, Contribution, Dispatch, DocumentKind, Recommendation, Review

# Verbs written by the services (dotted: subject.action). A verb missing here is still shown,
# made readable from its parts, so a new service never breaks the page.
VERB_SENTENCES = {
    "review.opened": gettext_lazy("Vorgang angelegt"),
    "review.created": gettext_lazy("Vorgang angelegt"),
    "review.imported": gettext_lazy("Vorlage aus dem Ratsinformationssystem übernommen"),
    "review.triaged": gettext_lazy("Vorlage gesichtet: relevant"),
    "review.not_affected": gettext_lazy("Vorlage gesichtet: keine Betroffenheit"),
    "review.assigned": gettext_lazy("Vorgang zugewiesen"),
    "review.reassigned": gettext_lazy("Vorgang neu zugewiesen"),
    "review.shared_with_beirat": gettext_lazy("Für den Beirat freigegeben"),
    "review.deadline_changed": gettext_lazy("Frist geändert"),
    "review.closed": gettext_lazy("Vorgang abgeschlossen"),
    "statement.saved": gettext_lazy("Stellungnahme gespeichert"),
    "statement.submitted": gettext_lazy("Stellungnahme zur Schlusszeichnung vorgelegt"),
    "statement.sent_back": gettext_lazy("Stellungnahme zur Überarbeitung zurückgegeben"),
    "statement.approved": gettext_lazy("Stellungnahme schlussgezeichnet"),
    "consultation.started": gettext_lazy("Beteiligung gestartet"),
    "consultation.closed": gettext_lazy("Beteiligung abgeschlossen"),
    "beirat_vote.requested": gettext_lazy("Votum des Beirats angefragt"),
    "beirat_vote.recorded": gettext_lazy("Votum des Beirats erfasst"),
    "contribution.requested": gettext_lazy("Beitrag oder Mitzeichnung angefragt"),
    "contribution.given": gettext_lazy("Beitrag oder Mitzeichnung abgegeben"),
    "contribution.declined": gettext_lazy("Beteiligung abgelehnt"),
    "contribution.expired": gettext_lazy("Frist der Beteiligung abgelaufen"),
    "documents.requested": gettext_lazy("Dokumente angefordert"),
    "documents.generated": gettext_lazy("Dokumente erzeugt"),
    "documents.failed": gettext_lazy("Erzeugung der Dokumente fehlgeschlagen"),
    "documents.retried": gettext_lazy("Erzeugung der Dokumente neu gestartet"),
    "document.generated": gettext_lazy("Dokument erzeugt"),
    "document.failed": gettext_lazy("Erzeugung eines Dokuments fehlgeschlagen"),
    "dispatch.sent": gettext_lazy("Stellungnahme versandt"),
    "dispatch.failed": gettext_lazy("Versand fehlgeschlagen"),
    "dispatch.resent": gettext_lazy("Versand erneut angestoßen"),
    "dispatch.no_recipients": gettext_lazy("Nicht versandt: keine Empfänger hinterlegt"),
    "receipt.confirmed": gettext_lazy("Empfang bestätigt"),
    "decision.imported": gettext_lazy("Beschluss aus dem Ratsinformationssystem übernommen"),
    "review.decision_imported": gettext_lazy("Beschluss aus dem Ratsinformationssystem übernommen"),
    "documents.request_failed": gettext_lazy("Dokumente konnten nicht angefordert werden"),
    "task.claimed": gettext_lazy("Aufgabe übernommen"),
    "template.uploaded": gettext_lazy("Word-Vorlage hochgeladen"),
    "template.activated": gettext_lazy("Word-Vorlage aktiviert"),
    "account.invited": gettext_lazy("Zugang eingeladen"),
    "account.invitation_resent": gettext_lazy("Einladung erneut verschickt"),
    "account.invitation_accepted": gettext_lazy("Einladung angenommen"),
    "account.deactivated": gettext_lazy("Zugang deaktiviert"),
    "account.reactivated": gettext_lazy("Zugang wieder aktiviert"),
    "account.second_factor_reset": gettext_lazy("Zweiter Faktor zurückgesetzt"),
    "outcome.recorded": gettext_lazy("Ergebnis der Beratung erfasst"),
    "review.outcome_recorded": gettext_lazy("Beschluss erfasst, Vorgang abgeschlossen"),
    "statement.dispatched": gettext_lazy("Versand der Stellungnahme gestartet"),
    "task.overdue": gettext_lazy("Aufgabe überfällig: Erinnerung verschickt"),
    "task.reminded": gettext_lazy("Erinnerung an eine fällige Aufgabe"),
    "task.escalated": gettext_lazy("Überfällige Aufgabe an die Vertretung eskaliert"),
}
# Details worth a line under the sentence, in this order.
DETAIL_LABELS = {
    "reason": gettext_lazy("Begründung"),
    "note": gettext_lazy("Notiz"),
    "assignee": gettext_lazy("an"),
    "previous": gettext_lazy("vorher"),
    "vote": gettext_lazy("Votum"),
    "version": gettext_lazy("Fassung"),
    "recipient": gettext_lazy("an"),
    "contributors": gettext_lazy("Beteiligte"),
    "due": gettext_lazy("fällig am"),
    "task": gettext_lazy("Aufgabe"),
    "owner": gettext_lazy("bei"),
    "kind": gettext_lazy("Art"),
    "document": gettext_lazy("Dokument"),
    "recipients": gettext_lazy("Empfänger"),
    "audience": gettext_lazy("an"),
    "decision": gettext_lazy("Beschluss"),
    "result": gettext_lazy("Beschluss"),
    "outcome": gettext_lazy("Ergebnis"),
    "error": gettext_lazy("Fehler"),
}


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    sentence: str
    actor: str
    details: list[tuple[str, str]]


def sentence_for(verb: str, details: dict[str, Any] | None = None) -> str:
    if verb == "review.triaged" and (details or {}).get("relevant") is False:
        verb = "review.not_affected"
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
        parts.append(f"{label} (Nr. {number})" if colon and number else label)
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


def review_timeline(review: Review) -> list[TimelineEntry]:
    events = list(
        AuditEvent.objects.filter(review=review)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    names = _person_names([e.details for e in events if isinstance(e.details, dict)])
    entries = []
    for event in events:
        details = event.details if isinstance(event.details, dict) else {}
        entries.append(
            TimelineEntry(
                when=event.created_at,
                sentence=sentence_for(event.verb, details),
                actor=str(event.actor) if event.actor else (event.actor_label or _("System")),
                details=_details(details, names),
            )
        )
    return entries
