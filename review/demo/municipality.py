"""The synthetic demo municipality "Musterstadt" as an OParl directory (one file per object).

Deterministic: the same seed and the same week give byte-identical files, and ids never depend
on dates, so importing it again changes nothing. Meeting dates are laid out around the Monday
of the current week (past meetings with results, the next eight weeks without).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BASE = "https://ris.musterstadt.example/oparl"
BODY_ID = f"{BASE}/bodies/1"
SCHEMA = "https://schema.oparl.org/1.1/"
TZ = ZoneInfo("Europe/Berlin")
SEED = 2026

# (key, name, short name, classification, weekday, weeks between meetings)
ORGANIZATIONS = [
    ("rat", "Stadtrat", "Rat", "Rat", 3, 4),
    ("hfa", "Haupt- und Finanzausschuss", "HFA", "Ausschuss", 1, 4),
    ("ab", "Ausländerbeirat", "AB", "Beirat", 0, 4),
    ("ia", "Integrationsausschuss", "IA", "Ausschuss", 2, 4),
    ("jha", "Jugendhilfeausschuss", "JHA", "Ausschuss", 1, 4),
    ("sa", "Schulausschuss", "SchA", "Ausschuss", 2, 4),
    ("soz", "Sozialausschuss", "SozA", "Ausschuss", 0, 4),
    ("bau", "Bau- und Planungsausschuss", "BPA", "Ausschuss", 3, 4),
    ("umw", "Umwelt- und Klimaausschuss", "UKA", "Ausschuss", 2, 6),
    ("kult", "Kultur- und Sportausschuss", "KSA", "Ausschuss", 1, 6),
    ("sen", "Seniorenbeirat", "SB", "Beirat", 0, 6),
    ("bv", "Bezirksvertretung Nord", "BV Nord", "Bezirksvertretung", 1, 6),
]
ORG_NAMES = {key: name for key, name, *_rest in ORGANIZATIONS}
WATCHED = ("ab", "ia")
ADVISORY = "ab"

# (title pattern, committees that consult it, integration-relevant)
TOPICS: list[tuple[str, tuple[str, ...], bool]] = [
    ("Sprachförderung in Kindertagesstätten {place}", ("jha", "ia", "ab"), True),
    ("Unterbringung von Geflüchteten: {place}", ("soz", "ia", "ab", "hfa"), True),
    ("Fortschreibung des Integrationskonzepts {year}", ("ia", "ab", "hfa"), True),
    ("Interkulturelle Öffnung der Stadtverwaltung", ("hfa", "ia", "ab"), True),
    ("Förderrichtlinie Migrantenorganisationen {year}", ("ia", "ab", "hfa"), True),
    ("Deutschkurse für Zugewanderte an der Volkshochschule", ("kult", "ia", "ab"), True),
    ("Antidiskriminierungsstelle: Jahresbericht {year}", ("ia", "ab"), True),
    ("Schulsozialarbeit an der Grundschule {place}", ("sa", "jha"), False),
    ("Sanierung der Sporthalle {place}", ("kult", "bau", "hfa"), False),
    ("Bebauungsplan Nr. {number} „{place}“", ("bv", "bau"), False),
    ("Neubau einer Kita in {place}", ("jha", "bau", "hfa"), False),
    ("Radverkehrskonzept {place}", ("umw", "bau"), False),
    ("Haushaltssatzung {year}: Änderungsliste", ("hfa",), False),
    ("Sozialer Wohnungsbau in {place}", ("soz", "bau", "hfa"), False),
    ("Offene Ganztagsschule: Platzbedarf {year}", ("sa", "jha"), False),
    ("Seniorenbegegnungsstätte {place}", ("sen", "soz"), False),
    ("Straßenbeleuchtung auf LED umstellen", ("umw", "bau"), False),
    ("Bericht der Gleichstellungsbeauftragten {year}", ("hfa",), False),
    ("Jugendzentrum {place}: Trägerschaft", ("jha", "hfa"), False),
    ("Gebührensatzung Abfallentsorgung {year}", ("umw", "hfa"), False),
]
PLACES = [
    "Nordstadt", "Am Mühlbach", "Lindenhof", "Oststadt", "Kirchfeld", "Westend",
    "Auf der Heide", "Rosenviertel", "Bahnhofsquartier", "Alter Markt",
]  # fmt: skip
PAPER_TYPES = [
    ("Beschlussvorlage", "BV", 6),
    ("Informationsvorlage", "IV", 2),
    ("Antrag", "A", 2),
    ("Anfrage", "AF", 1),
    ("Mitteilungsvorlage", "MV", 1),
]
RESULTS = [
    "ungeändert beschlossen",
    "mit Änderungen beschlossen",
    "zur Kenntnis genommen",
    "vertagt",
    "mit Stellungnahme einverstanden",
]
PAPER_COUNT = 200
# Papers whose relevance shows only in the attachment (sent as OParl File.text, pages split by
# form feeds): the title says nothing, the main file's second page does.
ATTACHMENT_TEXTS = {
    "Sanierung der Sporthalle {place}": (
        "Begründung\nDie Sporthalle {place} wurde 1978 errichtet. Dach, Lüftung und "
        "Sanitärbereiche sind sanierungsbedürftig.\f"
        "Nutzung während der Bauzeit\nDie Halle diente zuletzt als Notunterkunft für "
        "Geflüchtete. Für die dort untergebrachten Flüchtlinge wird vor Baubeginn eine "
        "Ersatzunterkunft bereitgestellt; die Beratung vor Ort wird fortgeführt."
    ),
    "Offene Ganztagsschule: Platzbedarf {year}": (
        "Begründung\nDer Platzbedarf im Ganztag steigt um rund 120 Plätze.\f"
        "Räume\nZusätzlich werden zwei Vorbereitungsklassen für neu zugewanderte Kinder "
        "eingerichtet; sie brauchen eigene Räume am Vormittag."
    ),
}
# Lead days (RELEVANCE_LEAD_DAYS, 7) plus the rest of the week the demo is generated in.
UPCOMING_GAP_DAYS = 14


@dataclass
class Meeting:
    key: str
    org: str
    start: datetime
    number: int
    items: list[dict[str, Any]]


def _iso(moment: datetime) -> str:
    return moment.astimezone(TZ).replace(microsecond=0).isoformat()


def _week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _too_soon(meeting: Meeting, monday: date) -> bool:
    """Upcoming meetings in the next two weeks get no new papers: a case's deadline is its
    next meeting minus the lead days, so such a case would be overdue on the demo's first day
    (whatever weekday the demo is made on)."""
    start = meeting.start.date()
    return monday <= start < monday + timedelta(days=UPCOMING_GAP_DAYS)


def build(today: date) -> dict[str, list[dict[str, Any]]]:
    """All objects of the demo municipality, as of the week of `today`."""
    rng = random.Random(SEED)
    monday = _week_start(today)
    stamp = _iso(datetime.combine(monday - timedelta(days=3), time(8), TZ))
    meetings: dict[str, list[Meeting]] = {}
    all_meetings: list[Meeting] = []
    for index, (key, _name, _short, _cls, weekday, every) in enumerate(ORGANIZATIONS):
        meetings[key] = []
        # From about 12 weeks back to 8 weeks ahead, staggered per Gremium.
        for n, week in enumerate(range(-12 + index % every, 9, every)):
            day = monday + timedelta(weeks=week, days=weekday)
            start = datetime.combine(day, time(17 if key != "rat" else 16), TZ)
            meeting = Meeting(f"{key}-{n + 1}", key, start, n + 1, [])
            meetings[key].append(meeting)
            all_meetings.append(meeting)
    papers = []
    for number in range(1, PAPER_COUNT + 1):
        pattern, committees, relevant = TOPICS[(number * 7) % len(TOPICS)]
        kinds = [k for k in PAPER_TYPES for _ in range(k[2])]
        paper_type, prefix, _weight = rng.choice(kinds)
        place, year = rng.choice(PLACES), 2026 + rng.randint(0, 1)
        title = pattern.format(place=place, year=year, number=100 + number)
        # Papers are dated in the weeks before this one: never after the day of the demo.
        offset_weeks = rng.randint(-10, -1)
        paper_day = monday + timedelta(weeks=offset_weeks, days=rng.randint(0, 4))
        pid = f"{BASE}/papers/{number}"
        consultations = []
        chain = [*committees, "rat"] if paper_type == "Beschlussvorlage" else list(committees)
        not_before = datetime.combine(paper_day, time(0), TZ) + timedelta(days=7)
        for order, org in enumerate(chain):
            found = next(
                (m for m in meetings[org] if m.start >= not_before and not _too_soon(m, monday)),
                None,
            )
            if found is None:
                break
            meeting = found
            not_before = meeting.start + timedelta(days=1)
            cid = f"{BASE}/consultations/{number}-{order + 1}"
            aid = f"{BASE}/agendaitems/{meeting.key}-{len(meeting.items) + 1}"
            decided = meeting.start < datetime.combine(monday, time(0), TZ)
            meeting.items.append(
                {
                    "id": aid,
                    "type": SCHEMA + "AgendaItem",
                    "meeting": f"{BASE}/meetings/{meeting.key}",
                    "number": str(len(meeting.items) + 1),
                    "order": len(meeting.items) + 1,
                    "name": title,
                    "public": True,
                    "consultation": cid,
                    **({"result": rng.choice(RESULTS)} if decided else {}),
                    **(
                        {"resolutionText": f"Der {ORG_NAMES[org]} "
                         f"beschließt die Vorlage {prefix}/{number:04d}/26."}
                        if decided else {}
                    ),
                    "created": stamp,
                    "modified": stamp,
                }
            )  # fmt: skip
            consultations.append(
                {
                    "id": cid,
                    "type": SCHEMA + "Consultation",
                    "paper": pid,
                    "meeting": f"{BASE}/meetings/{meeting.key}",
                    "agendaItem": aid,
                    "organization": [f"{BASE}/organizations/{org}"],
                    "authoritative": org == chain[-1],
                    "role": "Entscheidung" if org == chain[-1] else "Vorberatung",
                    "created": stamp,
                    "modified": stamp,
                }
            )
        papers.append(
            {
                "id": pid,
                "type": SCHEMA + "Paper",
                "body": BODY_ID,
                "name": title,
                "reference": f"{prefix}/{number:04d}/26",
                "date": paper_day.isoformat(),
                "paperType": paper_type,
                "underDirectionOf": [f"{BASE}/organizations/{committees[0]}"],
                "consultation": consultations,
                "mainFile": {
                    "id": f"{BASE}/files/{number}",
                    "type": SCHEMA + "File",
                    "name": f"Vorlage {prefix}/{number:04d}/26",
                    "fileName": f"{prefix}-{number:04d}-26.pdf",
                    "mimeType": "application/pdf",
                    "size": 20_000 + rng.randint(0, 400_000),
                    "accessUrl": f"https://ris.musterstadt.example/dokumente/{number}.pdf",
                    **(
                        {"text": ATTACHMENT_TEXTS[pattern].format(place=place, year=year)}
                        if pattern in ATTACHMENT_TEXTS
                        else {}
                    ),
                    "created": stamp,
                    "modified": stamp,
                },
                "keyword": ["Integration"] if relevant else [],
                "created": stamp,
                "modified": stamp,
            }
        )
    organizations = [
        {
            "id": f"{BASE}/organizations/{key}",
            "type": SCHEMA + "Organization",
            "body": BODY_ID,
            "name": name,
            "shortName": short,
            "organizationType": "Gremium",
            "classification": cls,
            "startDate": "2024-11-01",
            "created": stamp,
            "modified": stamp,
        }
        for key, name, short, cls, _weekday, _every in ORGANIZATIONS
    ]
    names = {key: name for key, name, *_rest in ORGANIZATIONS}
    meeting_objects = [
        {
            "id": f"{BASE}/meetings/{m.key}",
            "type": SCHEMA + "Meeting",
            "name": f"{names[m.org]}, {m.number}. Sitzung",
            "meetingState": "durchgeführt" if m.start.date() < monday else "eingeladen",
            "start": _iso(m.start),
            "end": _iso(m.start + timedelta(hours=3)),
            "location": {"description": "Rathaus Musterstadt, Ratssaal"},
            "organization": [f"{BASE}/organizations/{m.org}"],
            "agendaItem": m.items,
            "created": stamp,
            "modified": stamp,
        }
        for m in all_meetings
    ]
    return {"organizations": organizations, "meetings": meeting_objects, "papers": papers}


def write_directory(target: Path, today: date) -> dict[str, int]:
    """Write the OParl directory; files whose content is unchanged are left alone."""
    objects = build(today)
    target.mkdir(parents=True, exist_ok=True)
    _write(target / "system.json", {"name": "Ratsinformationssystem Musterstadt (Demo)",
                                     "vendor": "Stellwerk", "product": "Demo"})  # fmt: skip
    _write(
        target / "body.json",
        {"id": BODY_ID, "name": "Stadt Musterstadt", "shortName": "Musterstadt", "ags": "9999999"},
    )
    for kind, items in objects.items():
        folder = target / kind
        folder.mkdir(exist_ok=True)
        wanted = set()
        for obj in items:
            name = obj["id"].rsplit("/", 1)[-1] + ".json"
            wanted.add(name)
            _write(folder / name, obj)
        for stale in folder.glob("*.json"):
            if stale.name not in wanted:
                stale.unlink()
    return {kind: len(items) for kind, items in objects.items()}


def _write(path: Path, obj: dict[str, Any]) -> None:
    content = json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)
    if not path.exists() or path.read_text() != content:
        path.write_text(content)
