"""Every number on the report page links to exactly the cases (or follow-ups) it counts."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.test import Client

from review.models import FollowUp, Review
from tests import factories as f

from .conftest import NOW, Cases

pytestmark = pytest.mark.django_db
PERIOD = "von=2026-01-01&bis=2026-06-30"
# A linked number on the page: <a class="kern-link" href="…">7</a>
NUMBER_LINK = re.compile(r'<a class="kern-link" href="([^"]+)"[^>]*>(\d+)</a>')


def _listed(client: Client, url: str) -> list[str]:
    """The papers' names on every page of a list of cases."""
    response = client.get(html.unescape(url))
    assert response.status_code == 200, url
    page = response.content.decode()
    names = r'data-testid="report-case">.*?<span class="kern-body--small">([^<]+)<'
    return re.findall(names, page, re.S)


def _names(*reviews: Review) -> set[str]:
    return {review.paper.name for review in reviews}


def _page(client: Client, query: str = PERIOD) -> str:
    response = client.get(f"/bericht/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_every_linked_number_lists_as_many_cases_as_it_says(cases: Cases):
    client = f.logged_in_client(f.head())
    page = _page(client)
    links = [(url, int(n)) for url, n in NUMBER_LINK.findall(page) if "/bericht/vorgaenge/" in url]
    # The figures, the committees' outcomes, the step counts and the charts' data tables.
    assert len(links) >= 30
    for url, count in links:
        assert len(_listed(client, url)) == count, url


def test_the_figures_list_exactly_their_cases(cases: Cases):
    client = f.logged_in_client(f.head())
    page = _page(client)

    def figure(key: str) -> set[str]:
        match = re.search(rf'href="([^"]+)" data-figure="{key}"', page)
        assert match is not None, key
        return set(_listed(client, match.group(1)))

    assert figure("late") == _names(cases.late)
    assert figure("followed") == _names(cases.followed)
    assert figure("partly") == _names(cases.partly)
    assert figure("not_followed") == _names(cases.not_followed)
    assert figure("beirat_on_time") == _names(cases.beirat_in_time)
    assert figure("beirat_late") == _names(cases.beirat_late)
    assert figure("votes_in_time") == _names(cases.beirat_in_time)
    assert figure("votes_late") == _names(cases.beirat_late)
    assert figure("not_affected") == _names(cases.not_affected)
    assert figure("triage_open") == _names(cases.still_new)
    assert figure("age_week") == _names(cases.still_new)
    assert figure("screened") == figure("all") - _names(cases.still_new)


def test_each_committee_outcome_links_to_its_cases(cases: Cases):
    client = f.logged_in_client(f.head())
    table = _page(client).split('data-testid="follow-by-committee"')[1].split("</table>")[0]
    row = table.split("Ausschuss für Soziales")[1].split("</tr>")[0]
    followed, partly, not_followed = NUMBER_LINK.findall(row)[:3]
    assert set(_listed(client, followed[0])) == _names(cases.followed)
    assert set(_listed(client, partly[0])) == _names(cases.partly)
    assert set(_listed(client, not_followed[0])) == _names(cases.not_followed)
    assert f"gremium={cases.committee.pk}" in followed[0]


def test_each_segment_of_the_follow_chart_links_to_its_cases(cases: Cases):
    client = f.logged_in_client(f.head())
    chart = _page(client).split('data-testid="chart-follow"')[1].split("</section>")[0]
    housing = chart.split(">Wohnen</a>")[1].split("</tr>")[0]
    # Wohnen: followed 0 (no link), partly 1, not followed 1, total 2.
    # (Whitespace between the cells does not render.)
    assert re.search(
        r"<td[^>]*>0</td>\s*<td[^>]*><a[^>]*>1</a></td>\s*<td[^>]*><a[^>]*>1</a>", housing
    )
    partly, not_followed = (url for url, _n in NUMBER_LINK.findall(housing))
    assert set(_listed(client, partly)) == _names(cases.partly)
    assert set(_listed(client, not_followed)) == _names(cases.not_followed)


def test_the_follow_up_figures_list_the_follow_ups_of_the_periods_cases(cases: Cases):
    colleague = f.officer(username="kollegin")
    today = NOW.date()

    def follow_up(review: Review, due: date, status: str = FollowUp.Status.OPEN) -> FollowUp:
        return FollowUp.objects.create(
            review=review,
            task=f"Umsetzen: {review.paper.name}",
            due_date=due,
            assignee=colleague,
            created_by=cases.officer,
            status=status,
            closed_at=NOW if status == FollowUp.Status.DONE else None,
        )

    follow_up(cases.followed, today - timedelta(days=3))  # overdue
    follow_up(cases.partly, today + timedelta(days=30))  # open
    follow_up(cases.not_followed, today - timedelta(days=9), FollowUp.Status.DONE)
    # A decided case outside the period: never counted, never listed behind the figure.
    outside = f.make_review(f.make_paper("Vorjahresbeschluss"), outcome="followed")
    Review.objects.filter(pk=outside.pk).update(created_at=NOW.replace(year=2025))
    follow_up(outside, today - timedelta(days=1))

    client = f.logged_in_client(f.head())
    block = _page(client).split('data-testid="report-follow-ups"')[1].split("</dl>")[0]
    found = {
        key: (url, int(n))
        for url, key, n in re.findall(r'href="([^"]+)" data-follow-ups="(\w+)">(\d+)<', block)
    }
    assert {key: n for key, (_url, n) in found.items()} == {
        "ueberfaellig": 1,
        "open": 2,
        "done": 1,
    }
    for key, (url, count) in found.items():
        listed = client.get(html.unescape(url)).content.decode()
        assert listed.count('data-testid="follow-up"') == count, key
        assert "Vorjahresbeschluss" not in listed
        assert 'data-testid="follow-ups-period"' in listed
    overdue = client.get(html.unescape(found["ueberfaellig"][0])).content.decode()
    assert "Umsetzen: Kita-Ausbau" in overdue
    # Without the period the list shows every follow-up again.
    assert (
        client.get("/beschlusskontrolle/?status=ueberfaellig")
        .content.decode()
        .count('data-testid="follow-up"')
        == 2
    )


def test_the_beirat_figures_link_to_the_anonymised_list(cases: Cases):
    client = f.logged_in_client(f.beirat_member())
    page = client.get(f"/bericht/beirat/?{PERIOD}").content.decode()
    links = [(url, int(n)) for url, n in NUMBER_LINK.findall(page)]
    assert links and all("/bericht/beirat/vorgaenge/" in url for url, _n in links)
    for url, count in links[:8]:
        listed = client.get(html.unescape(url)).content.decode()
        assert listed.count('data-testid="report-case"') == count, url
        assert "Amtmann" not in listed
