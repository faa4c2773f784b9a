"""Every URL of the external users' area, for every persona, in one matrix."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404

# url name → status for (officer, head, clerk, beirat member, administrator, outsider)
MATRIX = {
    "notifications:list": (OK, OK, OK, OK, OK, OK),
    "notifications:preferences": (OK, OK, OK, OK, OK, OK),
    "feeds_settings": (OK, OK, OK, OK, OK, OK),
    "accounts:security": (OK, OK, OK, OK, OK, OK),
    "accounts:external_accounts": (FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "external:beirat": (OK, OK, NOT_FOUND, OK, OK, NOT_FOUND),
    "external:clerk": (OK, OK, OK, NOT_FOUND, OK, NOT_FOUND),
}
PERSONAS = [f.officer, f.head, f.clerk, f.beirat_member, f.administrator, f.outsider]


def _client_for(user) -> Client:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.is_external:
        device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.mark.parametrize("url_name", list(MATRIX))
def test_permission_matrix(url_name: str) -> None:
    url = reverse(url_name)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    for persona, expected in zip(PERSONAS, MATRIX[url_name], strict=True):
        response = _client_for(persona()).get(url)
        assert response.status_code == expected, (url_name, persona.__name__)


def test_external_people_are_stopped_on_every_page_until_the_second_factor() -> None:
    member = f.beirat_member()
    client = Client()
    client.force_login(member)
    for url_name in MATRIX:
        response = client.get(reverse(url_name))
        assert response.status_code == 302, url_name
        assert response["Location"].startswith(reverse("accounts:setup")), url_name


# Released statements' files and the receipt action, per persona:
# (officer, head, clerk of the committee, clerk of another committee, beirat member,
#  administrator, outsider)
OBJECT_MATRIX = {
    "clerk_file": (OK, OK, OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND),
    "beirat_file_shared": (OK, OK, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND),
    "beirat_file_not_public": (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND),
    "beirat_file_unshared": (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND),
    "confirm_receipt": (NOT_FOUND, NOT_FOUND, 302, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "resend": (302, 302, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "meeting_package_pdf": (OK, OK, OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND),
    "meeting_package_zip": (OK, OK, OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND),
}


@pytest.fixture
def released(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    committee = f.make_organization("Ausschuss für Soziales")
    clerk = f.clerk(username="committee-clerk")
    clerk.organizations.add(committee)
    cases = {}
    for name, fields in {
        "shared": {"shared_with_beirat": True},
        "not_public": {"shared_with_beirat": True},
        "unshared": {},
    }.items():
        paper = f.make_paper(is_public=name != "not_public")
        review = f.make_released_review(paper, committee=committee, **fields)
        cases[name] = f.make_dispatch(review, clerk)
    other = f.clerk(username="other-clerk")
    other.organizations.add(f.make_organization("Bauausschuss"))
    meeting = f.make_meeting(committee)
    for dispatch in cases.values():
        dispatch.review.paper.consultations.update(meeting=meeting)
    return {"cases": cases, "clerk": clerk, "other": other, "meeting": meeting}


def _object_url(key: str, released: dict) -> tuple[str, str]:
    cases = released["cases"]
    if key.startswith("meeting_package_"):
        fmt = key.removeprefix("meeting_package_")
        return "get", reverse("dispatch:meeting_package", args=[released["meeting"].pk, fmt])
    if key == "clerk_file":
        return "get", reverse("dispatch:clerk_file", args=[cases["shared"].review_id, "pdf"])
    if key in ("confirm_receipt", "resend"):
        return "post", reverse(f"dispatch:{key}", args=[cases["shared"].pk])
    case = cases[key.removeprefix("beirat_file_")]
    return "get", reverse("dispatch:beirat_file", args=[case.review_id, "pdf"])


@pytest.mark.parametrize("key", list(OBJECT_MATRIX))
def test_permission_matrix_for_statement_files_and_receipts(released, key: str) -> None:
    method, url = _object_url(key, released)
    anonymous = getattr(Client(), method)(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    personas = [
        f.officer(),
        f.head(),
        released["clerk"],
        released["other"],
        f.beirat_member(),
        f.administrator(),
        f.outsider(),
    ]
    for persona, expected in zip(personas, OBJECT_MATRIX[key], strict=True):
        response = getattr(_client_for(persona), method)(url)
        assert response.status_code == expected, (key, persona.username)


def test_guessed_ids_of_statements_answer_404_for_outsiders_of_the_case(released) -> None:
    member = _client_for(f.beirat_member())
    clerk = _client_for(released["other"])
    highest = max(d.review_id for d in released["cases"].values())
    for pk in range(1, highest + 3):
        for fmt in ("pdf", "docx"):
            assert clerk.get(reverse("dispatch:clerk_file", args=[pk, fmt])).status_code == 404
            shared = released["cases"]["shared"].review_id
            expected = 200 if pk == shared else 404
            url = reverse("dispatch:beirat_file", args=[pk, fmt])
            assert member.get(url).status_code == expected, (pk, fmt)


def test_the_beirat_page_offers_the_statement_of_shared_public_cases_only(released) -> None:
    member = _client_for(f.beirat_member())
    shared = released["cases"]["shared"].review
    secret = released["cases"]["not_public"].review
    page = member.get(reverse("external:beirat_review", args=[shared.pk])).content.decode()
    assert reverse("dispatch:beirat_file", args=[shared.pk, "pdf"]) in page
    page = member.get(reverse("external:beirat_review", args=[secret.pk])).content.decode()
    assert "stellungnahme.pdf" not in page
