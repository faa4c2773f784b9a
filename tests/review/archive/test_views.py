"""The administrator's hand-over pages: every URL × role, and the whole path clicked through."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from review.archive import services, xdomea
from review.models import DeletionRecord, Handover, Review
from tests import factories as f

from .conftest import closed_case, evaluation, receipt

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "head", "clerk", "beirat", "outsider", "anonymous"]


@pytest.fixture
def clients():
    return {
        "admin": f.logged_in_client(f.administrator()),
        "officer": f.logged_in_client(f.officer()),
        "head": f.logged_in_client(f.head()),
        "clerk": f.logged_in_client(f.clerk()),
        "beirat": f.logged_in_client(f.beirat_member()),
        "outsider": f.logged_in_client(f.outsider()),
        "anonymous": Client(),
    }


def test_every_archive_url_answers_each_role_as_expected(clients):
    closed_case()
    handover = services.offer_cases(by=f.make_user())
    base = f"/verwaltung/archiv/{handover.pk}/"
    urls = {
        "list": ("get", "/verwaltung/archiv/"),
        "detail": ("get", base),
        "offer_list": ("get", f"{base}datei/anbieteverzeichnis/"),
        "package": ("get", f"{base}datei/paket/"),  # not built yet
        "missing": ("get", "/verwaltung/archiv/999999/"),
        "offer": ("post", "/verwaltung/archiv/anbieten/"),
        "evaluation": ("post", f"{base}bewertung/"),
        "export": ("post", f"{base}paket/"),
        "receipt": ("post", f"{base}empfang/"),
        "close": ("post", f"{base}abschliessen/"),
        # The hand-over is open: the confirmation sends back with a message, deletion refuses.
        "delete_confirm": ("get", f"{base}loeschen/"),
        "delete": ("post", f"{base}loeschen/jetzt/"),
    }
    refused = dict.fromkeys(["officer", "head", "clerk", "beirat", "outsider"], 403)
    refused["anonymous"] = 302
    expected = {
        "list": {"admin": 200, **refused},
        "detail": {"admin": 200, **refused},
        "offer_list": {"admin": 200, **refused},
        "package": {"admin": 404, **refused},
        "missing": {"admin": 404, **refused},
        # Every action answers with a redirect back to the page and a message.
        **{name: {"admin": 302, **refused} for name in ["offer", "evaluation", "export"]},
        **{name: {"admin": 302, **refused} for name in ["receipt", "close"]},
        **{name: {"admin": 302, **refused} for name in ["delete_confirm", "delete"]},
    }
    actual = {
        name: {role: getattr(clients[role], method)(url).status_code for role in ROLES}
        for name, (method, url) in urls.items()
    }
    assert actual == expected
    assert Handover.objects.get().status == Handover.Status.OFFERED


def test_the_list_says_what_to_do_when_nothing_was_handed_over(clients):
    page = clients["admin"].get("/verwaltung/archiv/").content.decode()
    assert "No hand-over yet" in page or "Noch keine Aussonderung" in page


def test_the_administrator_hands_over_a_case_through_the_pages(clients, converter, xsd):
    case = closed_case("V0777/24")
    admin = clients["admin"]
    response = admin.post("/verwaltung/archiv/anbieten/", {"closed_before": "2099-01-01"})
    handover = Handover.objects.get()
    assert response["Location"] == f"/verwaltung/archiv/{handover.pk}/"
    page = admin.get(response["Location"]).content.decode()
    assert "V0777/24" in page and str(handover.process_id) in page

    offer = admin.get(f"/verwaltung/archiv/{handover.pk}/datei/anbieteverzeichnis/")
    offer_xml = b"".join(offer.streaming_content)
    assert xdomea.validation_errors(offer_xml, xsd) == []
    record_id = handover.items.get().record_id

    upload = SimpleUploadedFile(
        "bewertung.xml", evaluation(handover.process_id, {record_id: "A"}), "application/xml"
    )
    admin.post(f"/verwaltung/archiv/{handover.pk}/bewertung/", {"file": upload})
    admin.post(f"/verwaltung/archiv/{handover.pk}/paket/")
    handover.refresh_from_db()
    assert handover.status == Handover.Status.EXPORTED
    download = admin.get(f"/verwaltung/archiv/{handover.pk}/datei/paket/")
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as package:
        assert any("Stellungnahme" in name for name in package.namelist())

    upload = SimpleUploadedFile("empfang.xml", receipt(handover.process_id), "application/xml")
    response = admin.post(f"/verwaltung/archiv/{handover.pk}/empfang/", {"file": upload})
    page = admin.get(response["Location"]).content.decode()
    handover.refresh_from_db()
    assert handover.is_closed
    assert case.paper.reference in page
    assert "empfangsbestaetigung" in page


def test_a_wrong_file_is_refused_with_a_message(clients):
    closed_case()
    handover = services.offer_cases(by=f.make_user())
    upload = SimpleUploadedFile("bewertung.txt", b"hello", "text/plain")
    response = clients["admin"].post(
        f"/verwaltung/archiv/{handover.pk}/bewertung/", {"file": upload}, follow=True
    )
    assert ".xml" in response.content.decode()
    assert Handover.objects.get().status == Handover.Status.OFFERED


def test_the_administrator_deletes_the_cases_of_a_closed_hand_over(clients, converter):
    case = closed_case("V0778/24")
    admin_user = f.administrator(username="archivar")
    handover = services.offer_cases(by=admin_user)
    record_id = handover.items.get().record_id
    services.import_evaluation(
        handover=handover, data=evaluation(handover.process_id, {record_id: "V"}), by=admin_user
    )
    admin = clients["admin"]
    # Still open: no button, and the deletion is refused with the reason.
    page = admin.get(f"/verwaltung/archiv/{handover.pk}/").content.decode()
    assert "Übergebene Vorgänge löschen" not in page
    response = admin.post(f"/verwaltung/archiv/{handover.pk}/loeschen/jetzt/", follow=True)
    assert "erst gelöscht werden, wenn die Aussonderung abgeschlossen" in response.content.decode()
    assert Review.objects.filter(pk=case.pk).exists()

    services.confirm_manually(handover=handover, by=admin_user)
    page = admin.get(f"/verwaltung/archiv/{handover.pk}/").content.decode()
    assert "Übergebene Vorgänge löschen" in page
    confirm = admin.get(f"/verwaltung/archiv/{handover.pk}/loeschen/").content.decode()
    assert "1 Vorgang jetzt löschen" in confirm and "nicht rückgängig" in confirm
    assert Review.objects.filter(pk=case.pk).exists()  # looking does not delete

    response = admin.post(f"/verwaltung/archiv/{handover.pk}/loeschen/jetzt/", follow=True)
    page = response.content.decode()
    assert "1 Vorgang gelöscht" in page and "Aufbewahrung und Löschung" in page
    assert not Review.objects.filter(pk=case.pk).exists()
    # The list of the hand-over stays, each case marked as deleted.
    assert "V0778/24" in page and "gelöscht" in page
    assert "Übergebene Vorgänge löschen" not in page
    record = DeletionRecord.objects.get()
    assert (record.data_class, record.count) == ("cases", 1)
    report = admin.get("/verwaltung/loeschung/").content.decode()
    assert str(handover.process_id) in report and "Vorgänge und Stellungnahmen" in report


def test_the_list_names_closed_cases_younger_than_the_offer_period(clients, settings):
    settings.ARCHIVE_OFFER_AFTER_DAYS = 365
    oldest = closed_case("V0001/24", days_ago=100)
    closed_case("V0002/24", days_ago=50)
    page = clients["admin"].get("/verwaltung/archiv/").content.decode()
    assert "0 abgeschlossene Vorgänge" in page
    # The day as the page shows it, in local time: 100 days ago may still be summer time, and
    # late in the evening the closing moment then falls on the next local day.
    assert oldest.closed_at is not None
    day = f"{timezone.localtime(oldest.closed_at):%d.%m.%Y}"
    assert "2 weitere abgeschlossene Vorgänge sind jünger als die Anbietungsfrist (365 Tage" in page
    assert f"der älteste wurde am {day} abgeschlossen" in page


def test_the_offer_form_is_prefilled_with_a_day_the_browser_keeps(clients, settings):
    settings.ARCHIVE_OFFER_AFTER_DAYS = 365
    page = clients["admin"].get("/verwaltung/archiv/").content.decode()
    day = timezone.localdate() - timedelta(days=365)
    assert f'type="date" name="closed_before" value="{day:%Y-%m-%d}"' in page


def test_the_count_on_the_page_and_the_offer_of_the_prefilled_day_agree(clients, settings):
    settings.ARCHIVE_OFFER_AFTER_DAYS = 300
    closed_case("V0001/24", days_ago=301)
    closed_case("V0002/24", days_ago=300)  # on the last day of the period: not yet
    response = clients["admin"].get("/verwaltung/archiv/")
    assert response.context["due"] == 1
    day = response.context["form"].initial["closed_before"]
    clients["admin"].post("/verwaltung/archiv/anbieten/", {"closed_before": f"{day:%Y-%m-%d}"})
    assert list(Handover.objects.get().items.values_list("reference", flat=True)) == ["V0001/24"]
