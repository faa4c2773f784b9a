from review.search.highlight import SNIPPET_WORDS, mark, snippet


def test_mark_marks_inflected_forms_compounds_and_prefixes_as_written():
    marked = mark("Neue Flüchtlingsunterkünfte & Integrationskurse", {"unterkunft"}, {"integrat"})
    assert marked == (
        "Neue <mark>Flüchtlingsunterkünfte</mark> &amp; <mark>Integrationskurse</mark>"
    )


def test_mark_escapes_the_text_between_the_marks():
    assert mark('<b>Kita</b> "Sonnenschein"', {"kita"}, set()) == (
        "&lt;b&gt;<mark>Kita</mark>&lt;/b&gt; &quot;Sonnenschein&quot;"
    )


def test_snippet_shows_the_stretch_with_the_most_matching_words():
    text = " ".join(["Haushalt"] * 50 + ["Kita", "und", "Kitas"] + ["Haushalt"] * 50)
    shown = snippet(text, {"kita"}, set())
    assert shown.startswith("… ") and shown.endswith(" …")
    assert shown.count("<mark>") == 2
    assert len(shown.replace("<mark>", "").replace("</mark>", "").split()) == SNIPPET_WORDS + 2


def test_snippet_of_a_text_without_a_match_is_its_start():
    text = " ".join(f"Wort{i}" for i in range(100))
    assert snippet(text, {"kita"}, set()).startswith("Wort0 Wort1")
