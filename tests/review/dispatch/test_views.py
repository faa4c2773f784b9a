"""The clerk's page: download the released statement and confirm its receipt; the office sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from review.dispatch.queries import dispatches_for_review
from review.models import AuditEvent, Dispatch
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    return f.make_organization("Ausschuss für Soziales")


@pytest.fixture
def clerk(committee):
    person = f.clerk()
    person.organizations.add(committee)
    return person


@pytest.fixture
def dispatch(committee, clerk):
    review = f.make_released_review(
        f.make_paper("Sprachförderung in Kitas", reference="V2345/24"), committee=committee
    )
    meeting = f.make_meeting(
        committee, name="Sozialausschuss", start=timezone.now() + timedelta(days=9)
    )
    review.paper.consultations.update(meeting=meeting)
    return f.make_dispatch(review, clerk)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_clerk_sees_the_statement_with_downloads_and_the_receipt_button(
    dispatch, clerk
) -> None:
    page = _client(clerk).get(reverse("external:clerk")).content.decode()
    assert "V2345/24 – Sprachförderung in Kitas" in page
    assert reverse("dispatch:clerk_file", args=[dispatch.review_id, "pdf"]) in page
    assert reverse("dispatch:clerk_file", args=[dispatch.review_id, "docx"]) in page
    assert reverse("dispatch:confirm_receipt", args=[dispatch.pk]) in page
    assert "Eingang bestätigen" in page


def test_the_clerk_downloads_the_pdf_and_the_docx(dispatch, clerk) -> None:
    client = _client(clerk)
    pdf = client.get(reverse("dispatch:clerk_file", args=[dispatch.review_id, "pdf"]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="V2345-24_Stellungnahme_committee.pdf"' in pdf["Content-Disposition"]
    assert pdf.getvalue().startswith(b"%PDF")
    docx = client.get(reverse("dispatch:clerk_file", args=[dispatch.review_id, "docx"]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    unknown = client.get(reverse("dispatch:clerk_file", args=[dispatch.review_id, "exe"]))
    assert unknown.status_code == 404


def test_confirming_with_htmx_returns_the_confirmation_time(dispatch, clerk) -> None:
    response = _client(clerk).post(
        reverse("dispatch:confirm_receipt", args=[dispatch.pk]), headers={"HX-Request": "true"}
    )
    dispatch.refresh_from_db()
    assert dispatch.confirmed_at is not None and dispatch.confirmed_by == clerk
    html = response.content.decode()
    local = timezone.localtime(dispatch.confirmed_at)
    assert f"Eingang bestätigt am {local:%d.%m.%Y, %H:%M} Uhr" in html
    assert "<form" not in html
    assert AuditEvent.objects.filter(verb="receipt.confirmed", review=dispatch.review).exists()


def test_confirming_without_javascript_goes_back_to_the_list(dispatch, clerk) -> None:
    client = _client(clerk)
    response = client.post(reverse("dispatch:confirm_receipt", args=[dispatch.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("external:clerk") + f"#vorgang-{dispatch.review_id}"
    assert "Eingang bestätigt am" in client.get(reverse("external:clerk")).content.decode()
    assert client.get(reverse("dispatch:confirm_receipt", args=[dispatch.pk])).status_code == 405


def test_another_committees_clerk_can_neither_confirm_nor_download(dispatch) -> None:
    stranger = f.clerk(username="bauclerk")
    stranger.organizations.add(f.make_organization("Bauausschuss"))
    client = _client(stranger)
    assert client.post(reverse("dispatch:confirm_receipt", args=[dispatch.pk])).status_code == 404
    url = reverse("dispatch:clerk_file", args=[dispatch.review_id, "pdf"])
    assert client.get(url).status_code == 404
    assert "V2345/24" not in client.get(reverse("external:clerk")).content.decode()
    dispatch.refresh_from_db()
    assert dispatch.confirmed_at is None


def test_the_office_sees_recipients_status_receipt_and_overdue_flag(dispatch, clerk) -> None:
    overdue_review = f.make_released_review(committee=clerk.organizations.first())
    f.make_dispatch(overdue_review, clerk, sent_at=timezone.now() - timedelta(days=8))
    Dispatch.objects.filter(pk=dispatch.pk).update(confirmed_at=timezone.now(), confirmed_by=clerk)

    confirmed = render_to_string(
        "dispatch/_review_dispatches.html",
        {"review": dispatch.review, "dispatches": dispatches_for_review(dispatch.review)},
    )
    assert clerk.email in confirmed and "versandt am" in confirmed
    assert "bestätigt am" in confirmed and str(clerk) in confirmed
    assert "Bestätigung überfällig" not in confirmed

    late = render_to_string(
        "dispatch/_review_dispatches.html",
        {"review": overdue_review, "dispatches": dispatches_for_review(overdue_review)},
    )
    assert "Bestätigung überfällig" in late

    empty = render_to_string(
        "dispatch/_review_dispatches.html",
        {"review": f.make_review(), "dispatches": Dispatch.objects.none()},
    )
    assert "Noch nicht versandt" in empty


def test_the_review_page_list_needs_a_constant_number_of_queries(
    dispatch, clerk, django_assert_max_num_queries
) -> None:
    for n in range(5):
        f.make_dispatch(dispatch.review, clerk, email=f"weitere{n}@stadt.example")
    with django_assert_max_num_queries(2):
        render_to_string(
            "dispatch/_review_dispatches.html",
            {"review": dispatch.review, "dispatches": dispatches_for_review(dispatch.review)},
        )


def test_the_office_review_page_shows_the_dispatches(dispatch, clerk) -> None:
    officer = f.officer()
    page = _client(officer).get(reverse("workflows:review_detail", args=[dispatch.review_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="review-dispatches"' in html
    assert clerk.email in html and "versandt am" in html


def test_the_office_resends_a_failed_mail_from_the_review_page(dispatch, clerk) -> None:
    Dispatch.objects.filter(pk=dispatch.pk).update(
        status=Dispatch.Status.FAILED, sent_at=None, error="550 Postfach voll"
    )
    officer = _client(f.officer())
    page = officer.get(reverse("workflows:review_detail", args=[dispatch.review_id]))
    html = page.content.decode()
    assert "550 Postfach voll" in html and "Erneut senden" in html
    assert _client(clerk).post(reverse("dispatch:resend", args=[dispatch.pk])).status_code == 403
    response = officer.post(reverse("dispatch:resend", args=[dispatch.pk]))
    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.status in (Dispatch.Status.PENDING, Dispatch.Status.SENT)


def test_a_case_read_with_its_dispatch_flag_is_not_asked_again(
    django_assert_num_queries,
) -> None:
    from review.models import Review
    from review.models.expressions import has_rows

    case = Review.objects.annotate(has_dispatches=has_rows(Dispatch, "review", Review)).get(
        pk=f.make_review().pk
    )
    with django_assert_num_queries(0):
        assert list(dispatches_for_review(case)) == []
