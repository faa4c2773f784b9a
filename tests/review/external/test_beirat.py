"""The Beirat's view: only shared cases, only public papers' files, the vote."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from review.external import services
from review.models import AuditEvent, BeiratVote, File, Review
from tests import factories as f

pytestmark = pytest.mark.django_db


def _verified_client(user) -> Client:
    """Logged in with the second factor already verified (the login itself is tested apart)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.is_external:
        device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def cases():
    shared = f.make_review(
        f.make_paper("Sprachkurse für Geflüchtete", reference="V100/26"),
        shared_with_beirat=True,
        status=Review.Status.PARTICIPATION,
        summary="Die Stadt will die Sprachkurse ausweiten.",
    )
    File.objects.create(
        paper=shared.paper, name="Vorlage.pdf", download_url="http://x.example/v.pdf"
    )
    unshared = f.make_review(f.make_paper("Haushaltsplan", reference="V200/26"))
    hidden_file = File.objects.create(paper=unshared.paper, name="Haushalt.pdf")
    secret = f.make_review(
        f.make_paper("Personalangelegenheit", reference="V300/26", is_public=False),
        shared_with_beirat=True,
        status=Review.Status.PARTICIPATION,
    )
    secret_file = File.objects.create(paper=secret.paper, name="Intern.pdf")
    secret_file.content.save("intern.pdf", ContentFile(b"%PDF-1.4 intern"))
    return {
        "shared": shared,
        "unshared": unshared,
        "secret": secret,
        "hidden_file": hidden_file,
        "secret_file": secret_file,
    }


def test_a_member_sees_the_shared_cases_only(cases) -> None:
    client = _verified_client(f.beirat_member())
    page = client.get(reverse("external:beirat")).content.decode()
    assert "V100/26" in page and "V300/26" in page
    assert "V200/26" not in page


def test_the_case_page_shows_summary_timeline_and_files(cases) -> None:
    client = _verified_client(f.beirat_member())
    page = client.get(reverse("external:beirat_review", args=[cases["shared"].pk]))
    html = page.content.decode()
    assert "Die Stadt will die Sprachkurse ausweiten." in html
    assert "Eingegangen" in html and "Votum des Beirats erbeten" in html
    assert "Vorlage.pdf" in html


def test_a_non_public_paper_shows_metadata_but_no_files(cases) -> None:
    client = _verified_client(f.beirat_member())
    html = client.get(reverse("external:beirat_review", args=[cases["secret"].pk])).content.decode()
    assert "Personalangelegenheit" in html
    assert "Intern.pdf" not in html
    assert "nicht öffentlich" in html
    url = reverse("external:beirat_file", args=[cases["secret_file"].pk])
    assert client.get(url).status_code == 404


def test_guessing_urls_of_unshared_cases_and_their_files_gives_404(cases) -> None:
    client = _verified_client(f.beirat_member())
    unshared = cases["unshared"]
    assert client.get(reverse("external:beirat_review", args=[unshared.pk])).status_code == 404
    assert client.post(reverse("external:beirat_vote", args=[unshared.pk])).status_code == 404
    url = reverse("external:beirat_file", args=[cases["hidden_file"].pk])
    assert client.get(url).status_code == 404


def test_the_member_records_the_vote_and_the_office_sees_it(cases) -> None:
    member = f.beirat_member()
    client = _verified_client(member)
    review = cases["shared"]
    review.beirat_deadline = f.in_days(10)
    review.save()
    before = client.get(reverse("external:beirat_review", args=[review.pk])).content.decode()
    assert "Votum des Beirats fällig" in before
    response = client.post(
        reverse("external:beirat_vote", args=[review.pk]),
        {"vote": "approve_with_changes", "text": "Mehr Kurse am Abend.", "meeting_date": ""},
    )
    assert response.status_code == 302
    vote = BeiratVote.objects.get(review=review)
    assert vote.vote == "approve_with_changes" and vote.recorded_by == member
    assert AuditEvent.objects.filter(verb="beirat_vote.recorded", review=review).exists()
    page = client.get(reverse("external:beirat_review", args=[review.pk])).content.decode()
    assert "Zustimmung mit Änderungen" in page
    # The success message is shown once (by base.html), the vote no longer listed as due.
    assert page.count("Das Votum des Beirats ist erfasst.") == 1
    assert "Votum des Beirats fällig" not in page
    # A second vote is refused.
    with pytest.raises(services.VoteError, match=str(services.VOTE_NOT_AWAITED)):
        services.record_beirat_vote(
            review=review, vote="reject", text="", meeting_date=None, by=member
        )


@pytest.mark.parametrize(
    ("persona", "list_status", "case_status"),
    [
        (f.beirat_member, 200, 200),
        (f.officer, 200, 200),
        (f.head, 200, 200),
        (f.clerk, 404, 404),
        (f.outsider, 404, 404),
    ],
)
def test_permission_matrix_for_the_beirat_pages(cases, persona, list_status, case_status) -> None:
    client = _verified_client(persona())
    assert client.get(reverse("external:beirat")).status_code == list_status
    url = reverse("external:beirat_review", args=[cases["shared"].pk])
    assert client.get(url).status_code == case_status


def test_anonymous_visitors_are_sent_to_the_login(cases) -> None:
    response = Client().get(reverse("external:beirat_review", args=[cases["shared"].pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_external_member_without_verified_second_factor_is_stopped(cases) -> None:
    member = f.beirat_member()
    client = Client()
    client.force_login(member)
    response = client.get(reverse("external:beirat"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:setup"))


def test_a_released_statement_is_shown_to_the_beirat_but_a_draft_is_not(cases) -> None:
    review = cases["shared"]
    f.make_statement_version(review, f.officer(), assessment="Gut für die Teilhabe.")
    client = _verified_client(f.beirat_member())
    url = reverse("external:beirat_review", args=[review.pk])
    assert "Gut für die Teilhabe." not in client.get(url).content.decode()
    Review.objects.filter(pk=review.pk).update(status=Review.Status.DISPATCHED)
    html = client.get(url).content.decode()
    assert "Stellungnahme des Integrationsbüros" in html
    assert "Gut für die Teilhabe." in html


def test_the_timeline_shows_when_the_statement_was_sent(cases, settings, tmp_path) -> None:
    from datetime import datetime

    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path
    review = cases["shared"]
    f.make_statement_version(review, f.officer())
    review.status = Review.Status.DISPATCHED
    review.save()
    sent = timezone.make_aware(datetime(2026, 3, 2, 9, 30))
    clerk = f.clerk()
    f.make_dispatch(review, clerk, sent_at=sent)
    client = _verified_client(f.beirat_member())
    html = client.get(reverse("external:beirat_review", args=[review.pk])).content.decode()
    assert (
        '<strong>Stellungnahme versandt</strong> <span class="kern-body--small">(02.03.2026)'
        in " ".join(html.split())  # as it reads: the template wraps long lines
    )
    assert reverse("dispatch:beirat_file", args=[review.pk, "pdf"]) in html


def test_the_upcoming_dates_name_the_gremium_in_full(cases) -> None:
    review = cases["shared"]
    ia = f.make_organization("Integrationsausschuss", short_name="IA")
    f.make_consultation(review.paper, f.make_meeting(ia), organization=ia)
    page = _verified_client(f.beirat_member()).get(
        reverse("external:beirat_review", args=[review.pk])
    )
    assert "– Integrationsausschuss (" in " ".join(page.content.decode().split())
