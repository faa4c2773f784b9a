"""Writes docx_templates/reports/situation_report.docx, the situation report's bundled template.

The office edits the result in Word (letterhead, fonts, wording around the placeholders); run
this only to start over from the plain version.
"""

from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

TARGET = (
    Path(__file__).resolve().parent.parent / "docx_templates" / "reports" / "situation_report.docx"
)


def main() -> None:
    document = Document()
    document.core_properties.title = "{{ document.title }}"
    document.core_properties.language = "de-DE"
    # Document language de-DE in the default run properties (screen readers, hyphenation).
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "de-DE")
    rpr.append(lang)
    document.add_paragraph("Stadt {{ office.city }} – {{ office.name }}")
    document.add_heading("{{ document.title }}", level=0)
    document.add_paragraph("Berichtszeitraum: {{ period.start|datum }} bis {{ period.end|datum }}")
    document.add_paragraph("{% if filters %}Eingrenzung: {{ filters }}{% endif %}")
    document.add_paragraph("{%p for section in sections %}")
    document.add_heading("{{ section.heading }}", level=1)
    document.add_paragraph("{{ section.text }}")
    document.add_paragraph("{%p if section.chart %}")
    document.add_paragraph("{{ section.chart }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{{p section.table }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("Erstellt am {{ document.date|datum }} mit Stellwerk.")
    document.save(str(TARGET))


if __name__ == "__main__":
    main()
