"""Vorlagen: search, facets, sorting, paging and the detail page with its Beratungsfolge."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review.models import Paper, Review
from tests import factories as f
from tests.conftest import requires_postgres

pytestmark = pytest.mark.django_db


def _references(html: str) -> list[str]:
    table = html.split('data-testid="paper-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="kern-table__cell">(V[^<]+)</td>', table)


@pytest.fixture
def papers():
    social = f.make_organization("Ausschuss für Soziales")
    beirat = f.make_organization("Ausländerbeirat", is_advisory_council=True)
    first = f.make_paper("Sprachkurse für Geflüchtete", reference="V100/26", date=date(2026, 3, 1))
    second = f.make_paper(
        "Neubau einer Grundschule",
        reference="V200/26",
        date=date(2026, 2, 1),
        paper_type="Informationsvorlage",
    )
    third = f.make_paper("Anfrage zu Kitaplätzen", reference="A300/26", paper_type="Anfrage")
    meeting = f.make_meeting(social, name="Sitzung Soziales")
    f.make_consultation(first, meeting, organization=social, role="Vorberatung")
    f.make_consultation(first, f.make_meeting(beirat), organization=beirat, role="Anhörung")
    f.make_consultation(second, meeting, organization=social)
    f.make_review(first)
    return {"first": first, "second": second, "third": third, "social": social}


def test_the_list_shows_papers_newest_first_with_their_beratungsfolge(papers) -> None:
    client = f.logged_in_client(f.officer())
    html = client.get(reverse("papers:list")).content.decode()
    assert _references(html)[:2] == ["V100/26", "V200/26"]
    assert "Ausschuss für Soziales" in html and "Ausländerbeirat" in html
    assert "3 Vorlagen" in html


def test_the_list_sorts_by_reference_title_and_type_both_ways(papers) -> None:
    client = f.logged_in_client(f.officer())
    by_reference = client.get(reverse("papers:list"), {"sort": "reference"}).content.decode()
    assert _references(by_reference) == ["V100/26", "V200/26"]
    reversed_ = client.get(reverse("papers:list"), {"sort": "-reference"}).content.decode()
    assert _references(reversed_) == ["V200/26", "V100/26"]
    assert 'aria-sort="descending"' in reversed_
    by_type = client.get(reverse("papers:list"), {"sort": "type"}).content.decode()
    assert by_type.index("A300/26") < by_type.index("V100/26") < by_type.index("V200/26")


def test_search_finds_by_title_and_by_reference(papers) -> None:
    client = f.logged_in_client(f.officer())
    html = client.get(reverse("papers:list"), {"q": "Grundschule"}).content.decode()
    assert _references(html) == ["V200/26"]
    html = client.get(reverse("papers:list"), {"q": "V100"}).content.decode()
    assert _references(html) == ["V100/26"]


@requires_postgres
def test_german_full_text_search_finds_inflected_words(papers) -> None:
    client = f.logged_in_client(f.officer())
    html = client.get(reverse("papers:list"), {"q": "Geflüchteten"}).content.decode()
    assert _references(html) == ["V100/26"]


def test_facets_count_and_filter_by_type_and_gremium(papers) -> None:
    client = f.logged_in_client(f.officer())
    html = client.get(reverse("papers:list")).content.decode()
    assert "Informationsvorlage</a> (1)" in html
    assert "Ausschuss für Soziales</a> (2)" in html
    by_type = client.get(reverse("papers:list"), {"art": "Anfrage"}).content.decode()
    assert "A300/26" in by_type and "V100/26" not in by_type
    social = papers["social"].pk
    by_org = client.get(reverse("papers:list"), {"gremium": social}).content.decode()
    assert sorted(_references(by_org)) == ["V100/26", "V200/26"]


def test_an_empty_search_says_what_to_do(papers) -> None:
    client = f.logged_in_client(f.officer())
    html = client.get(reverse("papers:list"), {"q": "Raumfahrt"}).content.decode()
    assert "Keine Vorlage passt zu dieser Suche" in html


def test_the_list_pages_through_25_papers_at_a_time_keeping_the_filters() -> None:
    for n in range(30):
        f.make_paper(f"Vorlage {n}", reference=f"V{n:03d}/26")
    client = f.logged_in_client(f.officer())
    html = client.get(reverse("papers:list"), {"sort": "reference"}).content.decode()
    assert len(_references(html)) == 25
    assert "sort=reference&amp;seite=2" in html
    second = client.get(reverse("papers:list"), {"sort": "reference", "seite": 2}).content
    assert _references(second.decode()) == [f"V{n:03d}/26" for n in range(25, 30)]


def _add_papers(count: int) -> None:
    organization = f.make_organization()
    for n in range(count):
        paper = f.make_paper(f"Vorlage {n}")
        f.make_consultation(paper, f.make_meeting(organization), organization=organization)
        f.make_file(paper)
        f.make_review(paper)


def test_the_number_of_queries_does_not_grow_with_the_papers(django_assert_max_num_queries) -> None:
    client = f.logged_in_client(f.officer())
    _add_papers(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("papers:list")).status_code == 200
    _add_papers(23)
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse("papers:list")).status_code == 200
    paper = Paper.objects.first()
    assert paper is not None
    with CaptureQueriesContext(connection) as detail:
        client.get(reverse("papers:detail", args=[paper.pk]))
    for _n in range(5):
        f.make_consultation(paper, f.make_meeting(f.make_organization()))
        f.make_file(paper)
    with django_assert_max_num_queries(len(detail)):
        assert client.get(reverse("papers:detail", args=[paper.pk])).status_code == 200


def test_the_detail_page_shows_facts_files_beratungsfolge_and_the_review(papers) -> None:
    paper = papers["first"]
    paper.under_direction_of.add(f.make_organization("Amt für Integration"))
    f.make_file(paper, "Beschlussvorlage.pdf", is_main_file=True)
    client = f.logged_in_client(f.officer())
    html = client.get(reverse("papers:detail", args=[paper.pk])).content.decode()
    assert "V100/26" in html and "Beschlussvorlage" in html
    assert "Amt für Integration" in html
    assert "Beschlussvorlage.pdf" in html and "Hauptdokument" in html
    assert "Vorberatung" in html and "Anhörung" in html
    review = Review.objects.get(paper=paper)
    assert reverse("workflows:review_detail", args=[review.pk]) in html


def test_a_clerk_sees_papers_but_no_review_link(papers) -> None:
    client = f.logged_in_client(f.clerk())
    html = client.get(reverse("papers:detail", args=[papers["first"].pk])).content.decode()
    assert "V100/26" in html
    assert 'data-testid="review-link"' not in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (f.officer, 200),
        (f.head, 200),
        (f.clerk, 200),
        (f.administrator, 200),
        (f.beirat_member, 403),
        (f.outsider, 403),
    ],
)
def test_permission_matrix_for_the_paper_pages(papers, persona, status) -> None:
    client = f.logged_in_client(persona())
    assert client.get(reverse("papers:list")).status_code == status
    assert client.get(reverse("papers:detail", args=[papers["first"].pk])).status_code == status


def test_anonymous_visitors_are_sent_to_the_login(client, papers) -> None:
    response = client.get(reverse("papers:list"))
    assert response["Location"].startswith(reverse("login"))


def test_a_deleted_paper_is_gone(papers) -> None:
    papers["third"].soft_delete()
    client = f.logged_in_client(f.officer())
    assert client.get(reverse("papers:detail", args=[papers["third"].pk])).status_code == 404


def test_gremium_abbreviations_are_explained_in_the_list_and_the_facets() -> None:
    ia = f.make_organization("Integrationsausschuss", short_name="IA")
    paper = f.make_paper("Sprachcafé", reference="V400/26")
    f.make_consultation(paper, f.make_meeting(ia), organization=ia)
    html = f.logged_in_client(f.officer()).get(reverse("papers:list")).content.decode()
    assert '<abbr title="Integrationsausschuss">IA</abbr>' in html
    assert "Integrationsausschuss</a> (1)" in html
