"""What a Beirat member needs on a phone: vote requests first with their deadline, the draft the
office put to the Beirat before the vote form, the number pad for codes, and words for
volunteers instead of "Interne Anwendung der Stadtverwaltung"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from review.models import Review
from review.statements import services as statements
from tests import factories as f

from .test_beirat import _verified_client

pytestmark = pytest.mark.django_db

INTERNAL = "Interne Anwendung der Stadtverwaltung"


def _put_to_the_beirat(review: Review, text: str) -> None:
    """As the officer does it: a draft, then "consultation" with the Beirat."""
    officer = f.officer(username=f"officer-{review.pk}")
    f.make_statement_version(review, officer, assessment=text)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DRAFTING)
    review.refresh_from_db()
    statements.start_participation(
        review=review,
        by=officer,
        share_with_beirat=True,
        contributors=[],
        due_date=timezone.localdate() + timedelta(days=5),
    )


@pytest.fixture
def shared():
    today = timezone.localdate()
    decided = f.make_review(
        f.make_paper("Radwege", reference="V1/26"),
        shared_with_beirat=True,
        status=Review.Status.PARTICIPATION,
        beirat_deadline=today + timedelta(days=1),
    )
    f.make_beirat_vote(decided, f.officer(username="recorder"))
    later = f.make_review(
        f.make_paper("Kitaplätze", reference="V2/26"),
        shared_with_beirat=True,
        status=Review.Status.PARTICIPATION,
        beirat_deadline=today + timedelta(days=9),
    )
    sooner = f.make_review(
        f.make_paper("Sprachkurse", reference="V3/26"),
        shared_with_beirat=True,
        status=Review.Status.DRAFTING,
    )
    _put_to_the_beirat(sooner, "Der Entwurf begrüßt die Kurse.")
    released = f.make_released_review(
        f.make_paper("Parkgebühren", reference="V4/26"), shared_with_beirat=True
    )
    return {"decided": decided, "later": later, "sooner": sooner, "released": released}


def test_open_vote_requests_come_first_nearest_deadline_first(shared) -> None:
    page = _verified_client(f.beirat_member()).get(reverse("external:beirat")).content.decode()
    order = re.findall(r"(V\d/26) – ", page)
    assert order[:2] == ["V3/26", "V2/26"], order
    assert set(order[2:]) == {"V1/26", "V4/26"}
    assert "Das Integrationsbüro bittet um Ihr Votum zu 2 Vorgängen." in page
    first_card = page.split('data-testid="beirat-case"', 2)[1]
    deadline = (timezone.localdate() + timedelta(days=5)).strftime("%d.%m.%Y")
    assert f"bis {deadline}" in first_card
    assert page.index("Ihr Votum ist gefragt") < page.index("Weitere mit dem Beirat geteilte")


def test_the_draft_put_to_the_beirat_is_shown_before_the_vote_form(shared) -> None:
    client = _verified_client(f.beirat_member())
    html = client.get(reverse("external:beirat_review", args=[shared["sooner"].pk])).content
    page = html.decode()
    assert "Der Entwurf begrüßt die Kurse." in page
    assert page.index('data-testid="beirat-draft"') < page.index('id="votum"')
    assert "dem Beirat zum Votum vorgelegt" in page


def test_a_later_working_draft_stays_in_the_office(shared) -> None:
    review = shared["sooner"]
    f.make_statement_version(review, f.officer(username="later"), assessment="Noch geheim.")
    page = (
        _verified_client(f.beirat_member())
        .get(reverse("external:beirat_review", args=[review.pk]))
        .content.decode()
    )
    assert "Der Entwurf begrüßt die Kurse." in page
    assert "Noch geheim." not in page


def test_a_non_public_paper_shows_the_summary_but_not_the_draft(shared) -> None:
    review = shared["sooner"]
    review.paper.is_public = False
    review.paper.save()
    Review.objects.filter(pk=review.pk).update(summary="Kurz gesagt: mehr Kurse.")
    page = (
        _verified_client(f.beirat_member())
        .get(reverse("external:beirat_review", args=[review.pk]))
        .content.decode()
    )
    assert "Kurz gesagt: mehr Kurse." in page
    assert "Der Entwurf begrüßt die Kurse." not in page
    assert "nicht öffentlich: Das Büro teilt seine Kurzfassung" in page


def _token_field(page: str) -> str:
    found = re.search(r'<input[^>]*name="token"[^>]*>', page)
    assert found is not None, page
    return found.group(0)


def test_the_code_field_opens_the_number_pad_and_the_recovery_code_the_keyboard() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    member = f.beirat_member()
    TOTPDevice.objects.create(user=member, name="App", confirmed=True)
    client = Client()
    client.force_login(member)
    page = client.get(reverse("accounts:verify")).content.decode()
    field = _token_field(page)
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field
    assert "Wiederherstellungscode verwenden" in page
    page = client.get(reverse("accounts:verify") + "?wiederherstellung=1").content.decode()
    field = _token_field(page)
    assert 'inputmode="text"' in field


def test_the_setup_code_field_opens_the_number_pad_too() -> None:
    member = f.beirat_member()
    client = Client()
    client.force_login(member)
    page = client.get(reverse("accounts:setup")).content.decode()
    field = _token_field(page)
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field


def test_volunteers_and_clerks_are_told_whose_service_this_is(shared) -> None:
    member_page = _verified_client(f.beirat_member()).get(reverse("external:beirat"))
    html = member_page.content.decode()
    assert INTERNAL not in html
    assert "Büro für Integration der Stadt Musterstadt – für den Integrationsbeirat" in html
    assert "Fragen? Schreiben Sie dem Büro für Integration" in html
    clerk_page = _verified_client(f.clerk()).get(reverse("external:clerk")).content.decode()
    assert INTERNAL not in clerk_page
    assert "Büro für Integration der Stadt Musterstadt – für die Gremienbetreuung" in clerk_page
    login = Client().get(reverse("login")).content.decode()
    assert INTERNAL not in login
    assert "Mitglieder des Integrationsbeirats geben hier ihr Votum" in login
    # The office's own staff still read that this is the administration's internal tool.
    office = f.logged_in_client(f.officer(username="staff")).get(reverse("home"))
    assert INTERNAL in office.content.decode()


def test_the_shared_draft_is_a_field_filled_once_from_the_trail_for_earlier_cases():
    """The version put to the Beirat is stored on the case; migration 0032 reads it from the
    audit trail once for cases shared before the field existed."""
    from importlib import import_module

    from django.apps import apps as django_apps

    review = f.make_review(f.make_paper("Sprachcafé", reference="V9/26"))
    _put_to_the_beirat(review, "Die geteilte Fassung.")
    review.refresh_from_db()
    shared = review.beirat_draft
    assert shared is not None and shared.assessment == "Die geteilte Fassung."

    Review.objects.filter(pk=review.pk).update(beirat_draft=None)
    migration = import_module("review.migrations.0032_review_beirat_draft")
    migration.fill_from_the_trail(django_apps, None)

    review.refresh_from_db()
    assert review.beirat_draft == shared
