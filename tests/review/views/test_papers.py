"""Vorlagen: search, facets, sorting, paging and the detail page with its Beratungsfolge."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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


def test_a_clerk_sees_papers_of_the_committee_but_no_review_link(papers) -> None:
    clerk = f.clerk()
    clerk.organizations.add(papers["social"])
    client = f.logged_in_client(clerk)
    html = client.get(reverse("papers:detail", args=[papers["first"].pk])).content.decode()
    assert "V100/26" in html
    assert 'data-testid="review-link"' not in html


@pytest.mark.parametrize(
    ("persona", "status", "detail_status"),
    [
        (f.officer, 200, 200),
        (f.head, 200, 200),
        # A clerk of no committee has the list (empty) but no paper of other committees.
        (f.clerk, 200, 404),
        (f.administrator, 200, 200),
        (f.beirat_member, 403, 403),
        (f.outsider, 403, 403),
    ],
)
def test_permission_matrix_for_the_paper_pages(papers, persona, status, detail_status) -> None:
    client = f.logged_in_client(persona())
    assert client.get(reverse("papers:list")).status_code == status
    detail = client.get(reverse("papers:detail", args=[papers["first"].pk]))
    assert detail.status_code == detail_status


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


def test_the_beratungsfolge_cell_has_no_space_before_a_semicolon() -> None:
    # A consultation without a meeting (no date) is followed directly by "; ".
    youth, council = f.make_organization("Jugendhilfeausschuss"), f.make_organization("Rat")
    paper = f.make_paper("Schulsozialarbeit", reference="V500/26")
    f.make_consultation(paper, None, organization=youth)
    meeting = f.make_meeting(council)
    f.make_consultation(paper, meeting, organization=council)
    html = f.logged_in_client(f.officer()).get(reverse("papers:list")).content.decode()
    day = timezone.localtime(meeting.start).strftime("%d.%m.%Y")
    assert f"Jugendhilfeausschuss; Rat ({day})" in " ".join(html.split())


# Paper list and detail per persona: (officer, head, clerk of the committee, clerk of another
# committee, beirat member, administrator, outsider). The Beirat has no paper pages at all.
PAPER_MATRIX = {
    "public_own": (200, 200, 200, 404, 403, 200, 403),
    "not_public_own": (200, 200, 404, 404, 403, 200, 403),
    "public_elsewhere": (200, 200, 404, 404, 403, 200, 403),
}


@pytest.fixture
def committee_papers():
    social, building = f.make_organization("Ausschuss für Soziales"), f.make_organization("Bau")
    clerk = f.clerk(username="social-clerk")
    clerk.organizations.add(social)
    other = f.clerk(username="building-clerk")
    other.organizations.add(building)
    papers = {
        "public_own": f.make_paper("Öffentlich im Sozialausschuss", reference="V1/26"),
        "not_public_own": f.make_paper("Nichtöffentlich", reference="V2/26", is_public=False),
        "public_elsewhere": f.make_paper("Ohne Beratung im Ausschuss", reference="V3/26"),
    }
    f.make_consultation(papers["public_own"], organization=social)
    f.make_consultation(papers["not_public_own"], organization=social)
    personas = [
        f.officer(),
        f.head(),
        clerk,
        other,
        f.beirat_member(),
        f.administrator(),
        f.outsider(),
    ]
    return papers, personas


@pytest.mark.parametrize("key", list(PAPER_MATRIX))
def test_paper_details_answer_each_persona_as_expected(committee_papers, key: str) -> None:
    papers, personas = committee_papers
    url = reverse("papers:detail", args=[papers[key].pk])
    for persona, expected in zip(personas, PAPER_MATRIX[key], strict=True):
        response = f.logged_in_client(persona).get(url)
        assert response.status_code == expected, (key, persona.username)


def test_clerks_list_only_the_public_papers_of_their_own_committees(committee_papers) -> None:
    _, personas = committee_papers
    clerk, other = personas[2], personas[3]
    html = f.logged_in_client(clerk).get(reverse("papers:list")).content.decode()
    assert _references(html) == ["V1/26"]
    assert "Nichtöffentlich" not in html and "Ohne Beratung" not in html
    html = f.logged_in_client(other).get(reverse("papers:list")).content.decode()
    assert "V1/26" not in html and "0 Vorlagen" in html
    officer = f.logged_in_client(personas[0]).get(reverse("papers:list")).content.decode()
    assert sorted(_references(officer)) == ["V1/26", "V2/26", "V3/26"]
