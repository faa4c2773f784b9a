"""The template context: what officers may write into a Word template, built from our models.

Every variable is listed in CONTEXT_VARIABLES (shown on the upload page and in docs/documents.md);
the upload check rejects a template that uses any other top-level name. Values are plain strings,
dates, lists and dicts so the sandboxed templates never touch a model instance.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from review.models import DocumentKind, Review, StatementVersion, User

Context = dict[str, Any]

# Top-level name → (attribute, meaning). The attribute list is documentation; the dry render with
# SAMPLE_CONTEXT catches misspelt attributes because StrictUndefined refuses them.
CONTEXT_VARIABLES: dict[str, dict[str, str]] = {
    "office": {
        "city": "Name der Stadt, z. B. „Musterstadt“",
        "name": "Name des Büros, z. B. „Büro für Integration“",
        "department": "Dezernat oder Amt, zu dem das Büro gehört",
        "street": "Straße und Hausnummer des Büros",
        "postcode_city": "Postleitzahl und Ort",
        "phone": "zentrale Telefonnummer",
        "email": "zentrale E-Mail-Adresse",
        "website": "Internetadresse",
    },
    "document": {
        "title": "Titel des Dokuments (auch in den Dokumenteigenschaften)",
        "kind": "Dokumentart als Text, z. B. „Stellungnahme an den Ausschuss“",
        "number": "laufende Nummer dieses Dokuments im Vorgang (1, 2, …)",
        "date": "Datum des Dokuments (Datum, mit |datum oder |datum_lang formatieren)",
        "file_reference": "unser Zeichen (Aktenzeichen), z. B. „Integration V2345-24“",
        "file_name": "Dateiname ohne Endung",
    },
    "paper": {
        "reference": "Vorlagen-Nummer, z. B. „V2345/24“",
        "name": "Titel der Vorlage",
        "paper_type": "Vorlagenart, z. B. „Beschlussvorlage“",
        "date": "Datum der Vorlage (Datum)",
        "lead_office": "federführende Stelle (leer, wenn unbekannt)",
        "originator": "Einreicher (leer, wenn unbekannt)",
        "web": "Adresse der Vorlage im Ratsinformationssystem (leer, wenn unbekannt)",
    },
    "consultations": {
        "(Liste)": "Beratungsfolge; je Eintrag: organization (Gremium), role (z. B. "
        "„Vorberatung“), meeting_date (Datum der Sitzung oder leer), meeting_name",
    },
    "addressee": {
        "name": "Empfänger: das erste beratende Gremium, z. B. „Ausschuss für Soziales“",
        "via": "Dienstweg, z. B. „über Dezernat III“ (kann leer sein)",
    },
    "review": {
        "deadline": "Frist für die Stellungnahme (Datum oder leer)",
        "topics": "Handlungsfelder (Liste von Texten)",
        "summary": "Kurzfassung (Liste von Absätzen)",
    },
    "statement": {
        "version": "Nummer der Fassung der Stellungnahme",
        "facts": "Sachverhalt (Liste von Absätzen: {%p for absatz in statement.facts %})",
        "assessment": "Bewertung (Liste von Absätzen)",
        "recommendation": "Empfehlung/Votum als Text, z. B. „Zustimmung mit Änderungen“",
        "recommendation_text": "Begründung der Empfehlung (Liste von Absätzen)",
        "changes": "Änderungsvorschläge (Liste; je Zeile: position, location, proposal, "
        "reason) – in der Tabelle mit {%tr for change in statement.changes %}",
    },
    "beirat_vote": {
        "(leer möglich)": "Votum des Ausländerbeirats oder leer, wenn keins vorliegt: "
        "{%p if beirat_vote %}",
        "vote": "Votum als Text, z. B. „Zustimmung“",
        "text": "Begründung des Beirats (Liste von Absätzen)",
        "meeting_date": "Sitzung des Beirats (Datum oder leer)",
    },
    "officer": {
        "name": "Bearbeitung: Vor- und Nachname",
        "phone": "Telefon der Bearbeitung (sonst die zentrale Nummer)",
        "email": "E-Mail der Bearbeitung (sonst die zentrale Adresse)",
        "unit": "Organisationseinheit der Bearbeitung",
    },
    "signatory": {
        "name": "wer schlussgezeichnet hat (für „gez.“)",
        "job_title": "Funktion unter der Unterschrift, z. B. „Integrationsbeauftragte“",
    },
    "attachments": {"(Liste)": "Anlagen (Liste von Texten)"},
    "distribution": {"(Liste)": "Verteiler (Liste von Texten)"},
    "not_affected": {"reason": "Begründung, warum die Integration nicht betroffen ist"},
}

FILTERS_HELP = {
    "datum": "Datum als 01.03.2026",
    "datum_lang": "Datum als 1. März 2026",
    "name": "Person als „Vorname Nachname“",
}


def paragraphs(text: str) -> list[str]:
    """Splits user text at blank lines or line breaks into Word paragraphs."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def person(user: User | None) -> dict[str, str]:
    office = settings.DOCUMENT_OFFICE
    if user is None:
        return {"name": "", "phone": office["phone"], "email": office["email"], "unit": ""}
    return {
        "name": user.get_full_name() or user.username,
        "phone": user.phone or office["phone"],
        "email": user.email or office["email"],
        "unit": user.unit,
    }


def file_stem(review: Review, kind: str, on: date) -> str:
    """`V2345-24_Stellungnahme_Integration_2026-03-01` – readable and safe on every system."""
    reference = (review.paper.reference or f"Vorgang{review.pk}").replace("/", "-")
    reference = "".join(ch for ch in reference if ch.isalnum() or ch in "-_.")
    label = {
        DocumentKind.COMMITTEE: "Stellungnahme",
        DocumentKind.BEIRAT: "Information-Beirat",
        DocumentKind.NOT_AFFECTED: "Vermerk-keine-Betroffenheit",
    }[DocumentKind(kind)]
    return f"{reference}_{label}_{settings.DOCUMENT_OFFICE['file_label']}_{on.isoformat()}"


def build_context(
    *,
    review: Review,
    kind: str,
    version: StatementVersion | None,
    number: int,
    on: date | None = None,
    signatory: User | None = None,
) -> Context:
    on = on or timezone.localdate()
    paper = review.paper
    office = settings.DOCUMENT_OFFICE
    paper_consultations = list(
        paper.consultations.select_related("meeting").prefetch_related("organizations")
    )
    beirat_consulted = any(
        o.is_advisory_council for c in paper_consultations for o in c.organizations.all()
    )
    consultations = [
        {
            "organization": ", ".join(o.name for o in c.organizations.all()) or "Gremium",
            "role": c.role,
            "meeting_date": timezone.localtime(c.meeting.start).date()
            if c.meeting is not None and c.meeting.start is not None
            else None,
            "meeting_name": c.meeting.name if c.meeting is not None else "",
        }
        for c in paper_consultations
    ]
    consultations.sort(key=lambda c: (c["meeting_date"] is None, c["meeting_date"] or date.min))
    committees = [c["organization"] for c in consultations]
    vote = getattr(review, "beirat_vote", None)
    statement_ctx: dict[str, Any] = {
        "version": 0,
        "facts": [],
        "assessment": [],
        "recommendation": "",
        "recommendation_text": [],
        "changes": [],
    }
    if version is not None:
        statement_ctx = {
            "version": version.number,
            "facts": paragraphs(version.facts),
            "assessment": paragraphs(version.assessment),
            "recommendation": version.get_recommendation_display(),
            "recommendation_text": paragraphs(version.recommendation_text),
            "changes": [
                {
                    "position": c.position,
                    "location": c.location,
                    "proposal": c.proposal,
                    "reason": c.reason,
                }
                for c in version.change_proposals.order_by("position")
            ],
        }
    stem = file_stem(review, kind, on)
    distribution = [*dict.fromkeys(committees)]
    # A consulted Beirat is already on the list under its own name.
    if (review.shared_with_beirat or kind == DocumentKind.BEIRAT) and not (
        beirat_consulted or "Ausländerbeirat" in distribution
    ):
        distribution.append("Ausländerbeirat")
    distribution.append(f"{office['name']} (Akte)")
    title = {
        DocumentKind.COMMITTEE: f"Stellungnahme zur Vorlage {paper.reference}",
        DocumentKind.BEIRAT: f"Information an den Ausländerbeirat zur Vorlage {paper.reference}",
        DocumentKind.NOT_AFFECTED: f"Vermerk keine Betroffenheit – Vorlage {paper.reference}",
    }[DocumentKind(kind)]
    return {
        "office": {k: office[k] for k in CONTEXT_VARIABLES["office"]},
        "document": {
            "title": title,
            "kind": DocumentKind(kind).label,
            "number": number,
            "date": on,
            "file_reference": f"{office['file_label']} {paper.reference}".strip(),
            "file_name": stem,
        },
        "paper": {
            "reference": paper.reference,
            "name": paper.name,
            "paper_type": paper.paper_type or "Vorlage",
            "date": paper.date,
            "lead_office": ", ".join(o.name for o in paper.under_direction_of.all()),
            "originator": paper.originator,
            "web": paper.web,
        },
        "consultations": consultations,
        "addressee": {"name": committees[0] if committees else "Gremium", "via": ""},
        "review": {
            "deadline": review.deadline,
            "topics": [t.name for t in review.topics.all()],
            "summary": paragraphs(review.summary),
        },
        "statement": statement_ctx,
        "beirat_vote": {
            "vote": vote.get_vote_display(),
            "text": paragraphs(vote.text),
            "meeting_date": vote.meeting_date,
        }
        if vote is not None
        else None,
        # A case closed as "not affected" has no assignee or statement: whoever signs the note
        # handled it, so the "Bearbeitung:" line is never empty under a signature.
        "officer": person(review.assignee or (version.author if version else None) or signatory),
        "signatory": {
            "name": (signatory.get_full_name() or signatory.username) if signatory else "",
            "job_title": signatory.job_title if signatory else "",
        },
        "attachments": [f"Vorlage {paper.reference}"] if paper.reference else [],
        "distribution": distribution,
        "not_affected": {"reason": review.close_reason},
    }


def sample_context() -> Context:
    """Realistic data with what breaks careless templates: umlauts, „quotes“, & < >."""
    office = settings.DOCUMENT_OFFICE
    return {
        "office": {k: office[k] for k in CONTEXT_VARIABLES["office"]},
        "document": {
            "title": "Stellungnahme zur Vorlage V2345/24",
            "kind": DocumentKind.COMMITTEE.label,
            "number": 1,
            "date": date(2026, 3, 1),
            "file_reference": "Integration V2345/24",
            "file_name": "V2345-24_Stellungnahme_Integration_2026-03-01",
        },
        "paper": {
            "reference": "V2345/24",
            "name": "Sprachförderung in Kitas & Grundschulen <Pilotphase>",
            "paper_type": "Beschlussvorlage",
            "date": date(2026, 2, 10),
            "lead_office": "Amt für Bildung",
            "originator": "Oberbürgermeisterin",
            "web": "https://ris.musterstadt.example/vorlage/2345",
        },
        "consultations": [
            {
                "organization": "Ausschuss für Soziales und Integration",
                "role": "Vorberatung",
                "meeting_date": date(2026, 3, 12),
                "meeting_name": "12. Sitzung",
            },
            {
                "organization": "Gemeinderat",
                "role": "Entscheidung",
                "meeting_date": date(2026, 3, 26),
                "meeting_name": "8. Sitzung",
            },
        ],
        "addressee": {"name": "Ausschuss für Soziales und Integration", "via": "über Dezernat III"},
        "review": {
            "deadline": date(2026, 3, 5),
            "topics": ["Bildung", "Sprache"],
            "summary": ["Die Stadt will die Sprachförderung ausweiten."],
        },
        "statement": {
            "version": 3,
            "facts": [
                "Die Verwaltung schlägt vor, die „Sprach-Kitas“ in 14 Einrichtungen fortzuführen.",
                "Die Kosten von 1,2 Mio. € trägt der Haushalt 2026 & 2027 (Ansatz < 2 Mio. €).",
            ],
            "assessment": [
                "Aus Sicht der Integration ist die Fortführung dringend geboten.",
                "Familien mit Zuwanderungsgeschichte profitieren überdurchschnittlich.",
            ],
            "recommendation": "Zustimmung mit Änderungen",
            "recommendation_text": ["Wir empfehlen Zustimmung mit den genannten Änderungen."],
            "changes": [
                {
                    "position": 1,
                    "location": "Beschlussvorschlag, Nr. 2",
                    "proposal": "Elternbriefe auch in Leichter Sprache und in Arabisch, "
                    "Türkisch und Ukrainisch.",
                    "reason": "Erreicht Eltern mit geringen Deutschkenntnissen.",
                },
                {
                    "position": 2,
                    "location": "Begründung, Abschnitt „Evaluation“",
                    "proposal": "Der Ausländerbeirat wird vor der Evaluation > angehört.",
                    "reason": "Beteiligung nach § 5 der Satzung.",
                },
            ],
        },
        "beirat_vote": {
            "vote": "Zustimmung",
            "text": ["Der Beirat begrüßt die Vorlage einstimmig."],
            "meeting_date": date(2026, 2, 24),
        },
        "officer": {
            "name": "Aylin Öztürk",
            "phone": "0123 456-789",
            "email": "a.oeztuerk@musterstadt.example",
            "unit": "Büro für Integration",
        },
        "signatory": {"name": "Dr. Jörg Weiß", "job_title": "Integrationsbeauftragter"},
        "attachments": ["Vorlage V2345/24", "Übersicht der Standorte"],
        "distribution": ["Ausschuss für Soziales und Integration", "Ausländerbeirat"],
        "not_affected": {"reason": "Die Vorlage betrifft nur die Straßenbeleuchtung."},
    }
