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
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from review.models import DocumentKind, Review, StatementVersion, User

Context = dict[str, Any]

# Top-level name → (attribute, meaning). The attribute list is documentation; the dry render with
# SAMPLE_CONTEXT catches misspelt attributes because StrictUndefined refuses them.
# The keys in parentheses are not attributes but notes, so they are translated too.
CONTEXT_VARIABLES: dict[str, dict[Any, Promise]] = {
    "office": {
        "city": _("Name of the city, e.g. “Musterstadt”"),
        "name": _("Name of the office, e.g. “Büro für Integration”"),
        "department": _("Department or division the office belongs to"),
        "street": _("Street and house number of the office"),
        "postcode_city": _("Postcode and town"),
        "phone": _("central phone number"),
        "email": _("central e-mail address"),
        "website": _("web address"),
    },
    "document": {
        "title": _("Title of the document (also in the document properties)"),
        "kind": _("Document type as text, as the document names it"),
        "number": _("sequence number of this document in the case (1, 2, …)"),
        "date": _("Date of the document (date, format with |datum or |datum_lang)"),
        "file_reference": _("our reference (file number), e.g. “Integration V2345-24”"),
        "file_name": _("file name without extension"),
    },
    "paper": {
        "reference": _("Paper number, e.g. “V2345/24”"),
        "name": _("Title of the paper"),
        "paper_type": _("Paper type, e.g. “Beschlussvorlage”"),
        "date": _("Date of the paper (date)"),
        "lead_office": _("lead unit (empty if unknown)"),
        "originator": _("originator (empty if unknown)"),
        "web": _("Address of the paper in the council information system (empty if unknown)"),
    },
    "consultations": {
        _("(list)"): _(
            "Committee sequence; per entry: organization (committee), role (e.g. "
            "“Vorberatung”), meeting_date (date of the meeting or empty), meeting_name"
        ),
    },
    "addressee": {
        "name": _("Addressee: the first committee in the sequence, e.g. “Ausschuss für Soziales”"),
        "via": _("Official channel, e.g. “über Dezernat III” (may be empty)"),
    },
    "review": {
        "deadline": _("Deadline for the statement (date or empty)"),
        "topics": _("Topics (list of texts)"),
        "summary": _("Summary (list of paragraphs)"),
    },
    "statement": {
        "version": _("Number of the statement version"),
        "facts": _("Facts (list of paragraphs: {%p for absatz in statement.facts %})"),
        "assessment": _("Assessment (list of paragraphs)"),
        "recommendation": _("Recommendation/vote as text, e.g. “Zustimmung mit Änderungen”"),
        "recommendation_text": _("Reason for the recommendation (list of paragraphs)"),
        "changes": _(
            "Proposed changes (list; per row: position, location, proposal, reason) – in the "
            "table with {%tr for change in statement.changes %}"
        ),
    },
    "beirat_vote": {
        _("(may be empty)"): _(
            "Vote of the Ausländerbeirat, or empty if there is none: {%p if beirat_vote %}"
        ),
        "vote": _("Vote as text, e.g. “Zustimmung”"),
        "text": _("Reason given by the Beirat (list of paragraphs)"),
        "meeting_date": _("Meeting of the Beirat (date or empty)"),
    },
    "officer": {
        "name": _("Officer in charge: first and last name"),
        "phone": _("Phone of the officer in charge (else the central number)"),
        "email": _("E-mail of the officer in charge (else the central address)"),
        "unit": _("Organisational unit of the officer in charge"),
    },
    "signatory": {
        "name": _("who gave the final approval (for “gez.”)"),
        "job_title": _("Job title below the signature, e.g. “Integrationsbeauftragte”"),
    },
    "attachments": {
        _("(list)"): _("Attachments (list of texts)"),
    },
    "distribution": {
        _("(list)"): _("Distribution list (list of texts)"),
    },
    "not_affected": {
        "reason": _("Reason why integration is not affected"),
    },
}

FILTERS_HELP: dict[str, Promise] = {
    "datum": _("Date as 01.03.2026"),
    "datum_lang": _("Date as 1. März 2026"),
    "name": _("Person as “Vorname Nachname”"),
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
