"""Every report URL × role: the page (200), refused (403), to the login (302)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from review.models import ReportDocument
from tests import factories as f

pytestmark = pytest.mark.django_db

URLS = {
    "report": "/bericht/",
    "cases": "/bericht/vorgaenge/?kennzahl=all",
    "documents": "/bericht/dokumente/",
    "missing_download": "/bericht/dokumente/999999/docx/",
    "progress": "/bericht/dokumente/{version}/stand/",
    "template": "/bericht/vorlage/",
    "beirat": "/bericht/beirat/",
    "beirat_cases": "/bericht/beirat/vorgaenge/?kennzahl=all",
}
NOT_OFFICE = {"clerk": 403, "outsider": 403, "anonymous": 302}
EXPECTED = {
    "report": {"officer": 200, "head": 200, "beirat": 403, **NOT_OFFICE},
    "cases": {"officer": 200, "head": 200, "beirat": 403, **NOT_OFFICE},
    "documents": {"officer": 200, "head": 200, "beirat": 403, **NOT_OFFICE},
    "missing_download": {"officer": 404, "head": 404, "beirat": 403, **NOT_OFFICE},
    "progress": {"officer": 200, "head": 200, "beirat": 403, **NOT_OFFICE},
    # Templates are the administration's (as the statements' templates).
    "template": {"officer": 403, "head": 403, "beirat": 403, **NOT_OFFICE},
    "beirat": {"officer": 200, "head": 200, "beirat": 200, **NOT_OFFICE},
    "beirat_cases": {"officer": 200, "head": 200, "beirat": 200, **NOT_OFFICE},
}


def test_every_report_url_answers_each_role_as_expected():
    version = ReportDocument.objects.create(
        number=1,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        created_by=f.officer(username="creator"),
    )
    clients = {
        "officer": f.logged_in_client(f.officer()),
        "head": f.logged_in_client(f.head()),
        "clerk": f.logged_in_client(f.clerk()),
        "beirat": f.logged_in_client(f.beirat_member()),
        "outsider": f.logged_in_client(f.outsider()),
        "anonymous": Client(),
    }
    actual = {
        name: {
            role: client.get(url.format(version=version.pk)).status_code
            for role, client in clients.items()
        }
        for name, url in URLS.items()
    }
    assert actual == EXPECTED


def test_only_the_office_may_request_a_report_document():
    for user, expected in [(f.beirat_member(), 403), (f.clerk(), 403), (f.outsider(), 403)]:
        assert f.logged_in_client(user).post("/bericht/dokument/", {}).status_code == expected
    assert Client().post("/bericht/dokument/", {}).status_code == 302
