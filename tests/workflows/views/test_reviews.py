"""All cases for the office: filters, sorting, marks, the case page and who may see it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator

from review.models import BeiratVote, ChangeProposal, Contribution, Review, User
from tests import factories as f

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    return re.findall(r'href="/vorgaenge/\d+/">([^<]+)</a>', html)


@pytest.fixture
def cases():
    today = timezone.localdate()
    drafter = f.officer()
    colleague = f.officer(username="colleague")
    social = f.make_organization("Ausschuss für Soziales")
    education = f.make_topic("Bildung")
    overdue = f.make_review(
        f.make_paper("Sprachkurse", reference="V1/26"),
        status=Review.Status.DRAFTING,
        assignee=drafter,
        deadline=today - timedelta(days=2),
        relevance_score=90,
    )
    overdue.topics.add(education)
    soon = f.make_review(
        f.make_paper("Kitaplätze", reference="V2/26"),
        status=Review.Status.APPROVAL,
        assignee=colleague,
        deadline=today + timedelta(days=3),  # "bald fällig": within NOTIFY_DUE_SOON_DAYS
        relevance_score=50,
    )
    f.make_consultation(soon.paper, f.make_meeting(social), organization=social)
    later = f.make_review(
        f.make_paper("Radwege", reference="V3/26"),
        deadline=today + timedelta(days=25),
        relevance_score=10,
    )
    closed = f.make_review(
        f.make_paper("Parkgebühren", reference="V4/26"),
        status=Review.Status.NOT_AFFECTED,
        close_reason="Betrifft die Integration nicht.",
        closed_at=timezone.now(),
    )
    return {
        "overdue": overdue,
        "soon": soon,
        "later": later,
        "closed": closed,
        "drafter": drafter,
        "social": social,
    }


def _list(params: dict | None = None) -> str:
    head = User.objects.filter(username="head").first() or f.head()
    client = f.logged_in_client(head)
    response = client.get(reverse("workflows:review_list"), params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_open_cases_by_deadline_with_overdue_and_due_soon_marks(cases) -> None:
    html = _list()
    assert _rows(html) == ["V1/26", "V2/26", "V3/26"]
    assert html.count('data-testid="overdue"') == 1
    assert html.count('data-testid="due-soon"') == 1
    assert "Bildung" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "approval"}, ["V2/26"]),
        ({"status": "not_affected"}, ["V4/26"]),
        ({"frist": "ueberfaellig"}, ["V1/26"]),
        ({"frist": "7"}, ["V2/26"]),
        ({"frist": "30"}, ["V2/26", "V3/26"]),
        ({"bearbeitung": "keine"}, ["V3/26"]),
        ({"relevanz": "hoch"}, ["V1/26"]),
        ({"relevanz": "mittel"}, ["V2/26"]),
        ({"thema": "bildung"}, ["V1/26"]),
    ],
)
def test_filters(cases, params, expected) -> None:
    assert _rows(_list(params)) == expected


def test_filter_by_gremium_and_assignee(cases) -> None:
    assert _rows(_list({"gremium": cases["social"].pk})) == ["V2/26"]
    assert _rows(_list({"bearbeitung": cases["drafter"].pk})) == ["V1/26"]


def test_sorting_by_relevance_and_reference_both_ways(cases) -> None:
    assert _rows(_list({"sort": "-relevance"})) == ["V1/26", "V2/26", "V3/26"]
    assert _rows(_list({"sort": "relevance"})) == ["V3/26", "V2/26", "V1/26"]
    assert _rows(_list({"sort": "-reference"})) == ["V3/26", "V2/26", "V1/26"]
    assert _rows(_list({"sort": "-deadline"})) == ["V3/26", "V2/26", "V1/26"]


def test_an_invalid_filter_value_falls_back_to_all_open_cases(cases) -> None:
    assert _rows(_list({"frist": "gestern"})) == ["V1/26", "V2/26", "V3/26"]


def test_no_match_says_what_to_do(cases) -> None:
    assert "Kein Vorgang passt zu diesen Filtern" in _list({"status": "dispatched"})


def test_the_list_query_count_does_not_grow_with_the_cases(
    cases, django_assert_max_num_queries
) -> None:
    client = f.logged_in_client(f.head())
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workflows:review_list"))
    topic = f.make_topic("Wohnen")
    for n in range(30):
        review = f.make_review(
            f.make_paper(f"Vorlage {n}"), assignee=cases["drafter"], status="drafting"
        )
        review.topics.add(topic)
    with django_assert_max_num_queries(len(few)):
        assert len(_rows(client.get(reverse("workflows:review_list")).content.decode())) == 25


def test_the_gremium_and_topic_filters_query_their_options_without_counting_them_first(
    cases,
) -> None:
    client = f.logged_in_client(f.head())
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("workflows:review_list")).content.decode()
    assert f'<option value="{cases["social"].pk}">Ausschuss für Soziales</option>' in html
    assert '<option value="bildung">Bildung</option>' in html
    # Not a COUNT before each list of options (the {% for %} takes its length first).
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert not [sql for sql in counts if "review_organization" in sql or "review_topic" in sql]


def _full_case(cases) -> Review:
    review = cases["soon"]
    paper = review.paper
    paper.under_direction_of.add(f.make_organization("Amt für Integration"))
    f.make_file(paper, "Beschlussvorlage.pdf", is_main_file=True)
    review.relevance_reasons = ["Beratung im Ausländerbeirat", {"text": "Stichwort: Geflüchtete"}]
    review.shared_with_beirat = True
    review.save()
    f.make_statement_version(review, cases["drafter"], facts="Erste Fassung.")
    version = f.make_statement_version(
        review, cases["drafter"], facts="Die Stadt plant neue Kitaplätze."
    )
    ChangeProposal.objects.create(
        version=version, position=1, location="Seite 2", proposal="Mehrsprachige Infos"
    )
    BeiratVote.objects.create(
        review=review,
        vote="approve_with_changes",
        text="Mehr Plätze.",
        recorded_by=cases["drafter"],
    )
    Contribution.objects.create(
        review=review, contributor=f.officer(username="jugendamt"), kind="co_signature"
    )
    f.record_event("review.triaged", review, cases["drafter"])
    f.record_event("statement.sent_back", review, f.head(username="chefin"), reason="Zu lang.")
    f.record_event("review.mystery_step", review)
    return review


def test_the_case_page_shows_everything_about_the_case(cases) -> None:
    review = _full_case(cases)
    client = f.logged_in_client(f.officer(username="reader"))
    html = client.get(reverse("workflows:review_detail", args=[review.pk])).content.decode()
    for text in [
        "V2/26",
        "Kitaplätze",
        "Zur Schlusszeichnung",
        "Amt für Integration",
        "Beschlussvorlage.pdf",
        "Ausschuss für Soziales",
        "Vorberatung",
        "Beratung im Ausländerbeirat",
        "Stichwort: Geflüchtete",
        "Fassung 2 von",
        "Die Stadt plant neue Kitaplätze.",
        "Mehrsprachige Infos",
        "Alle 2 Fassungen",
        "Zustimmung mit Änderungen",
        "Mehr Plätze.",
        "Mitzeichnung",
        "bald fällig",
    ]:
        assert text in html, text
    assert reverse("workflows:version_diff", args=[review.pk]) in html
    timeline = html.split('data-testid="timeline"', 1)[1]
    assert timeline.index("Vorlage gesichtet: relevant") < timeline.index(
        "Stellungnahme zur Überarbeitung zurückgegeben"
    )
    assert "Begründung: Zu lang." in timeline
    assert "Review: mystery step" in timeline


def test_the_case_page_query_count_does_not_grow_with_its_contents(
    cases, django_assert_max_num_queries
) -> None:
    review = _full_case(cases)
    client = f.logged_in_client(f.head(username="reader"))
    url = reverse("workflows:review_detail", args=[review.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        f.make_file(review.paper, f"Anlage {n}.pdf")
        f.make_consultation(review.paper, f.make_meeting(f.make_organization(f"Gremium {n}")))
        f.make_statement_version(review, cases["drafter"])
        f.record_event("statement.saved", review, cases["drafter"], version=n)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_an_empty_case_page_says_what_comes_next(cases) -> None:
    client = f.logged_in_client(f.officer(username="reader"))
    html = client.get(reverse("workflows:review_detail", args=[cases["later"].pk])).content.decode()
    assert "Noch keine Stellungnahme" in html
    assert "Noch keine Ereignisse" in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (f.officer, 200),
        (f.head, 200),
        (lambda **kw: f.administrator(is_staff=True, **kw), 200),
        (f.clerk, 403),
        (f.beirat_member, 403),
        (f.outsider, 403),
    ],
)
def test_permission_matrix_for_the_case_pages(cases, persona, status) -> None:
    client = f.logged_in_client(persona(username="visitor"))
    assert client.get(reverse("workflows:review_list")).status_code == status
    detail = reverse("workflows:review_detail", args=[cases["overdue"].pk])
    assert client.get(detail).status_code == status


def test_a_missing_case_is_404_for_the_office(cases) -> None:
    client = f.logged_in_client(f.head())
    assert client.get(reverse("workflows:review_detail", args=[99999])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, cases) -> None:
    response = client.get(reverse("workflows:review_list"))
    assert response["Location"].startswith(reverse("login"))


def test_the_chosen_filters_stay_selected(cases) -> None:
    html = _list({"status": "approval", "thema": "bildung", "gremium": cases["social"].pk})
    assert '<option value="approval" selected>' in html
    assert '<option value="bildung" selected>' in html
    assert f'<option value="{cases["social"].pk}" selected>' in html


def test_htmx_gets_only_the_results_when_a_filter_changes(cases) -> None:
    client = f.logged_in_client(f.head())
    response = client.get(
        reverse("workflows:review_list"), {"frist": "ueberfaellig"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.startswith('<div id="review-results">')
    assert _rows(html) == ["V1/26"]
    assert "<form" not in html and "<html" not in html


def test_the_list_escapes_what_it_shows_and_shortens_long_titles(cases) -> None:
    title = "Ausschuss <b>& Rat</b> " + "ä" * 120
    review = f.make_review(
        f.make_paper(title, reference='V"9/26'),
        assignee=f.officer(username="o&k", first_name="", last_name=""),
    )
    review.topics.add(f.make_topic("Arbeit & <Soziales>", slug="arbeit-soziales"))
    html = _list({"sort": "-reference"})
    assert "V&quot;9/26</a>" in html
    assert f"{escape(Truncator(title).chars(110))}</span>" in html
    assert '<td class="kern-table__cell">o&amp;k</td>' in html
    assert "Arbeit &amp; &lt;Soziales&gt;" in html
    assert "<b>" not in html
    assert '<option value="arbeit-soziales">Arbeit &amp; &lt;Soziales&gt;</option>' in html
