"""Issue #14 as a new user tries it on `make run`'s demo: part of a word typed into the header's
search box lists the matching Vorlagen and Vorgänge while typing, best first, and a Vorlage
number typed in another usual form finds that paper first. Photographed and checked with
axe-core."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.urls import reverse

from review.demo.users import DEMO_PASSWORD
from review.models import Paper, Review
from review.search.analysis import reference_key

from .conftest import axe_violations, requires_chromium, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _rare_word_of_a_case() -> tuple[Review, str]:
    """A case and the rarest long word of its paper's title among all papers' titles."""
    words = Counter(
        w.lower() for name in Paper.objects.values_list("name", flat=True)
        for w in re.findall(r"\w{9,}", name)
    )  # fmt: skip
    cases = Review.objects.select_related("paper").exclude(paper__name="").order_by("pk")
    best = min(
        ((words[w.lower()], case.pk, case, w) for case in cases
         for w in re.findall(r"\w{9,}", case.paper.name)),
        key=lambda t: (t[0], t[1]),
    )  # fmt: skip
    return best[2], best[3]


def test_typing_part_of_a_word_and_a_number_in_another_form(
    demo: None, live_server: Any, browser_context: Any
) -> None:
    case, word = _rare_word_of_a_case()
    page = browser_context.new_page()
    sign_in(page, live_server.url, "sachbearbeitung", DEMO_PASSWORD)

    # Part of a word, as one types: the list appears under the box without pressing Enter.
    box = page.get_by_role("searchbox", name="Vorlagen, Vorgänge und Gremien durchsuchen")
    box.press_sequentially(word[:-3].lower(), delay=40)
    preview = page.locator("#site-search-preview")
    case_link = preview.locator(f"a[href='{reverse('workflows:review_detail', args=[case.pk])}']")
    case_link.wait_for(timeout=10_000)
    paper_link = preview.locator(f"a[href='{reverse('papers:detail', args=[case.paper.pk])}']")
    assert paper_link.count() == 1, preview.inner_text()
    hits = preview.locator("li a").all_inner_texts()
    assert any(hit.startswith("Vorgang") for hit in hits), hits
    assert any(hit.startswith("Vorlage") for hit in hits), hits
    assert axe_violations(page) == []
    screenshot(page, "search-demo-01-typing")

    # The paper's number the other way round, with the full year: that paper comes first.
    year, number = reference_key(case.paper.reference).split("/")  # "V712/25" → 2025, 712
    box.fill("")
    box.press_sequentially(f"{number}/{year}", delay=40)
    first = preview.locator("li a").first
    first.wait_for(timeout=10_000)
    page.wait_for_function(
        "ref => document.querySelector('#site-search-preview li a')?.innerText.includes(ref)",
        arg=case.paper.reference,
        timeout=10_000,
    )
    assert case.paper.reference in first.inner_text()
    screenshot(page, "search-demo-02-number")

    # Enter opens the full page with the facets, the same best hit first.
    box.press("Enter")
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}{reverse('search:results')}")
    results = page.get_by_role("main").inner_text()
    assert case.paper.reference in results
    assert axe_violations(page) == []
    screenshot(page, "search-demo-03-results")
