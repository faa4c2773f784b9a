"""The report page, the cases behind its figures and the Beirat's anonymised view."""

from __future__ import annotations

import re

import pytest

from tests import factories as f

from .conftest import Cases

pytestmark = pytest.mark.django_db
PERIOD = "von=2026-01-01&bis=2026-06-30"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_office_sees_every_figure_linked_to_its_cases(cases: Cases):
    client = f.logged_in_client(f.head())
    page = client.get(f"/bericht/?{PERIOD}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="on-time-rate">86 %<' in html
    assert 'data-testid="follow-rate">33 %<' in html
    link = re.search(r'href="([^"]+kennzahl=late)"', html)
    assert link is not None
    listed = client.get(link.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200
    rows = listed.content.decode().count('data-testid="report-case"')
    assert rows == 1
    assert cases.late.paper.name in _text(listed)
    assert "Amtmann" in _text(listed)


def test_the_charts_carry_title_description_and_a_data_table(cases: Cases):
    html = f.logged_in_client(f.officer(username="bea")).get(f"/bericht/?{PERIOD}").content.decode()
    for key in ["topics", "months", "follow"]:
        assert f'aria-labelledby="{key}-title {key}-desc"' in html
        assert f'<title id="{key}-title">' in html
        assert f'<desc id="{key}-desc">' in html
    assert 'style="' not in html  # the Content-Security-Policy forbids inline styles
    # Coordinates stay unlocalised on the German page ("200,0" is no SVG number).
    assert not re.search(r'(?:x|y|width|height)="\d+,\d', html)
    follow = html.split('data-testid="chart-follow"')[1].split("</section>")[0]
    # Wohnen: partly 1, not followed 1, total 2, each number linked to its cases (whitespace
    # between the cells does not render).
    assert re.search(
        r"Wohnen</a></th>\s*<td[^>]*>0</td>\s*<td[^>]*><a[^>]*>1</a></td>\s*"
        r"<td[^>]*><a[^>]*>1</a></td>\s*<td[^>]*>2",
        follow,
    )


def test_a_filter_by_topic_changes_the_figures(cases: Cases):
    client = f.logged_in_client(f.head())
    html = client.get(f"/bericht/?{PERIOD}&thema=wohnen").content.decode()
    assert 'data-figure="all">4<' in html


def test_a_reversed_period_is_refused_in_german(cases: Cases):
    client = f.logged_in_client(f.head())
    page = client.get("/bericht/?von=2026-06-30&bis=2026-01-01", HTTP_ACCEPT_LANGUAGE="de")
    assert "Das Ende des Zeitraums liegt vor seinem Beginn." in _text(page)


def test_the_beirat_sees_figures_without_names_or_non_public_titles(cases: Cases):
    member = f.beirat_member()
    client = f.logged_in_client(member)
    page = client.get(f"/bericht/beirat/?{PERIOD}")
    assert page.status_code == 200
    assert 'data-testid="follow-rate">33 %<' in page.content.decode()
    listed = client.get(f"/bericht/beirat/vorgaenge/?{PERIOD}&kennzahl=all")
    text = _text(listed)
    assert listed.content.decode().count('data-testid="report-case"') == 9
    assert "Kita-Ausbau" in text
    assert "Interner Personalplan" not in text
    assert cases.not_followed.paper.reference not in text
    assert "Amtmann" not in text and "Anna" not in text
    assert client.get(f"/bericht/?{PERIOD}").status_code == 403
    assert client.get(f"/bericht/vorgaenge/?{PERIOD}&kennzahl=all").status_code == 403


def test_an_unknown_figure_is_not_found(cases: Cases):
    client = f.logged_in_client(f.head())
    assert client.get("/bericht/vorgaenge/?kennzahl=nonsense").status_code == 404
