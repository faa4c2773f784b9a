"""The scanner of English pages finds German UI words and leaves German data alone."""

from __future__ import annotations

from .english_scan import Data, german_vocabulary, german_words, visible_texts

PAGE = """<!doctype html><html lang="en"><head><title>Cases – Stellwerk</title>
<script>const label = "Frist";</script><style>.x::after { content: "Vorgang"; }</style></head>
<body><h1>Case V0123/26</h1>
<p>Deadline <time>05.12.2026</time></p>
<p>Paper: <a href="/vorlagen/1/">Sprachförderung in Kitas – Vorlage der Verwaltung</a></p>
<p><span>Frist</span> in three days</p>
<button title="Stellungnahme herunterladen">Download</button>
<p lang="de">… im Titel: Zugewanderte …</p>
<form method="post" action="/i18n/setlang/"><button lang="de">Deutsch</button></form>
<ul><li>Zurück</li><li>Back<br>Vorgänge</li></ul>
</body></html>"""


def test_the_vocabulary_holds_the_offices_words_and_no_english_ones() -> None:
    vocabulary = german_vocabulary()
    assert {"frist", "vorgang", "stellungnahme", "sichtung", "gremium", "zurück"} <= vocabulary
    assert not {"deadline", "case", "statement", "status", "beirat", "pdf", "oparl"} & vocabulary


def test_the_visible_text_has_lines_and_attributes_but_no_scripts_or_german_marked_text() -> None:
    texts = visible_texts(PAGE)
    assert "Frist in three days" in texts
    assert "Stellungnahme herunterladen" in texts
    assert "Back" in texts and "Vorgänge" in texts  # a <br> ends a line
    assert not [t for t in texts if "im Titel" in t or "Deutsch" in t or "const" in t]


def test_german_ui_words_are_found_with_their_line_and_data_is_cut_out() -> None:
    data = Data(["Sprachförderung in Kitas – Vorlage der Verwaltung", "V0123/26"])
    found = german_words(visible_texts(PAGE), german_vocabulary(), data)
    assert found == [
        ("Frist", "Frist in three days"),
        ("Zurück", "Zurück"),
        ("Vorgänge", "Vorgänge"),
        ("Stellungnahme", "Stellungnahme herunterladen"),
        ("herunterladen", "Stellungnahme herunterladen"),
    ]


def test_a_shortened_data_value_is_data_too() -> None:
    data = Data(["Stellungnahme des Beirats zur Vorlage über Sprachkurse für Geflüchtete"])
    texts = ["Stellungnahme des Beirats zur Vorlage über…", "Stellungnahme"]
    assert german_words(texts, {"stellungnahme"}, data) == [("Stellungnahme", "Stellungnahme")]
