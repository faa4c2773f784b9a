"""A closed case goes 0501 → 0502 → 0503 → 0504; every message valid, every checksum right."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone
from lxml import etree

from review.archive import services, xdomea
from review.models import AuditEvent, Handover, HandoverItem, Review
from tests import factories as f
from tests.conftest import requires_postgres

from .conftest import FAKE_PDF, closed_case, evaluation, receipt

pytestmark = pytest.mark.django_db
NS = {"x": xdomea.NS}


@pytest.fixture
def admin():
    return f.administrator()


def _offer(admin, *cases):
    handover = services.offer_cases(by=admin)
    assert set(handover.items.values_list("review_id", flat=True)) == {c.pk for c in cases}
    return handover


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_only_cases_closed_before_the_cutoff_are_offered(admin):
    old = closed_case("V0001/24", days_ago=400)
    closed_case("V0002/24", days_ago=10)
    f.make_review()  # open
    handover = _offer(admin, old)
    assert handover.status == Handover.Status.OFFERED
    assert handover.items.get().reference == "V0001/24"


def test_a_case_is_offered_only_once(admin):
    closed_case()
    services.offer_cases(by=admin)
    with pytest.raises(services.ArchiveError) as error:
        services.offer_cases(by=admin)
    assert str(error.value) == str(services.NOTHING_TO_OFFER)


def test_the_offer_list_is_schema_valid_and_names_each_case(admin, xsd):
    case = closed_case("V0100/24")
    handover = _offer(admin, case)
    data = _read(handover.offer)
    assert xdomea.validation_errors(data, xsd) == []
    root = etree.fromstring(data)
    assert root.findtext("x:Kopf/x:ProzessID", namespaces=NS) == str(handover.process_id)
    case_xml = root.find("x:Schriftgutobjekt/x:Vorgang", NS)
    assert case_xml.findtext("x:Identifikation/x:ID", namespaces=NS) == str(
        handover.items.get().record_id
    )
    assert case_xml.findtext("x:AllgemeineMetadaten/x:Kennzeichen", namespaces=NS) == "V0100/24"
    assert "Sprachförderung" in case_xml.findtext("x:AllgemeineMetadaten/x:Betreff", namespaces=NS)
    # Offered for evaluation ("B"); no files in an offer list.
    assert case_xml.findtext(".//x:Aussonderungsart/code", namespaces=NS) == "B"
    assert case_xml.find(".//x:Primaerdokument", NS) is None
    assert handover.offer.name.endswith(f"{handover.process_id}_{xdomea.OFFER}.xml")
    assert AuditEvent.objects.filter(verb="archive.offered", review=case).exists()


def test_the_test_messages_of_the_archive_are_schema_valid(xsd):
    process = "242f44e8-bebf-4503-a086-db252c6a4277"
    assert xdomea.validation_errors(evaluation(process, {process: "A"}), xsd) == []
    assert xdomea.validation_errors(receipt(process), xsd) == []


def test_a_closed_case_goes_through_the_whole_hand_over(admin, xsd, converter):
    keep = closed_case("V0100/24")
    drop = closed_case("V0200/24")
    handover = _offer(admin, keep, drop)
    ids = {item.review_id: item.record_id for item in handover.items.all()}

    handover = services.import_evaluation(
        handover=handover,
        data=evaluation(handover.process_id, {ids[keep.pk]: "A", ids[drop.pk]: "V"}),
        by=admin,
    )
    assert handover.status == Handover.Status.EVALUATED
    assert dict(handover.items.values_list("review_id", "decision")) == {
        keep.pk: "A",
        drop.pk: "V",
    }

    handover = services.export_package(handover=handover, by=admin)
    assert handover.status == Handover.Status.EXPORTED
    data = _read(handover.package)
    assert hashlib.sha256(data).hexdigest() == handover.package_sha256
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        message = package.read(f"{handover.process_id}_{xdomea.HANDOVER}.xml")
        sums = package.read(f"{handover.process_id}_Pruefsummen.sha256").decode()
        for line in sums.splitlines():
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(package.read(name)).hexdigest() == digest, name
        listed = {line.split("  ", 1)[1] for line in sums.splitlines()}
        assert listed == set(names) - {f"{handover.process_id}_Pruefsummen.sha256"}
        assert xdomea.validation_errors(message, xsd) == []
        root = etree.fromstring(message)
        # Only the case the archive chose, with every file the message names in the ZIP.
        cases = root.findall("x:Schriftgutobjekt/x:Vorgang", NS)
        assert [c.findtext("x:Identifikation/x:ID", namespaces=NS) for c in cases] == [
            str(ids[keep.pk])
        ]
        files = [e.text for e in root.iterfind(".//x:Primaerdokument/x:Dateiname", NS)]
        assert set(files) <= set(names)
        assert len(files) == 4  # statement PDF/A, attachment, audit trail as PDF/A and CSV
        statement = next(name for name in files if "Stellungnahme" in name)
        assert package.read(statement).startswith(b"%PDF-1.7 Stellungnahme V0100/24")
        attachment = next(name for name in files if "Beschlussvorlage" in name)
        assert package.read(attachment) == b"%PDF-1.4 Vorlage V0100/24"
        audit_pdf = next(name for name in files if name.endswith("_Protokoll.pdf"))
        assert package.read(audit_pdf) == FAKE_PDF
        audit_csv = next(name for name in files if name.endswith("_Protokoll.csv"))
        rows = list(
            csv.DictReader(io.StringIO(package.read(audit_csv).decode("utf-8-sig")), delimiter=";")
        )
        assert "review.closed" in [row["aktion"] for row in rows]
        assert "archive.offered" in [row["aktion"] for row in rows]
        event = AuditEvent.objects.get(pk=rows[0]["id"])
        assert rows[0]["hash"] == event.hash == event.compute_hash()
        assert "V0200/24" not in message.decode()
    formats = {e.text for e in root.iterfind(".//x:Format/x:Name/code", NS)}
    assert formats == {xdomea.FORMAT_PDFA, xdomea.FORMAT_PDF, xdomea.FORMAT_CSV}
    # The audit trail went to LibreOffice as a .docx that names the case.
    assert converter and converter[0].startswith(b"PK")

    assert not Review.objects.handed_over().exists()
    handover = services.confirm_receipt(
        handover=handover, data=receipt(handover.process_id), by=admin
    )
    assert handover.status == Handover.Status.CLOSED
    assert not handover.closed_manually
    assert set(Review.objects.handed_over()) == {keep, drop}
    assert AuditEvent.objects.filter(verb="archive.closed").count() == 1


def test_an_evaluation_of_another_hand_over_is_refused(admin):
    closed_case()
    handover = services.offer_cases(by=admin)
    record = handover.items.get().record_id
    other = "242f44e8-bebf-4503-a086-db252c6a4277"
    with pytest.raises(services.ArchiveError) as error:
        services.import_evaluation(
            handover=handover, data=evaluation(other, {record: "A"}), by=admin
        )
    assert str(error.value) == str(services.WRONG_PROCESS)


def test_an_evaluation_must_decide_every_case(admin):
    closed_case("V0001/24")
    closed_case("V0002/24")
    handover = services.offer_cases(by=admin)
    first = handover.items.all()[0]
    with pytest.raises(services.ArchiveError) as error:
        services.import_evaluation(
            handover=handover,
            data=evaluation(handover.process_id, {first.record_id: "A"}),
            by=admin,
        )
    assert str(error.value) == str(services.MISSING_DECISIONS).format(count=1)
    assert Handover.objects.get().status == Handover.Status.OFFERED


def test_a_file_that_is_not_an_evaluation_is_refused_in_german(admin):
    closed_case()
    handover = services.offer_cases(by=admin)
    with pytest.raises(services.ArchiveError) as error:
        services.import_evaluation(handover=handover, data=b"not xml", by=admin)
    assert str(error.value) == str(xdomea.NOT_XML)
    with pytest.raises(services.ArchiveError):
        services.import_evaluation(handover=handover, data=receipt(handover.process_id), by=admin)


def test_the_package_needs_the_statements_as_pdf_a(admin, converter):
    case = closed_case(pdf=False)
    handover = services.offer_cases(by=admin)
    services.import_evaluation(
        handover=handover,
        data=evaluation(handover.process_id, {handover.items.get().record_id: "A"}),
        by=admin,
    )
    with pytest.raises(services.ArchiveError) as error:
        services.export_package(handover=handover, by=admin)
    assert case.paper.reference in str(error.value)
    assert "PDF/A" in str(error.value)
    assert Handover.objects.get().status == Handover.Status.EVALUATED


def test_without_libreoffice_the_package_is_not_built(admin, settings):
    closed_case()
    handover = services.offer_cases(by=admin)
    services.import_evaluation(
        handover=handover,
        data=evaluation(handover.process_id, {handover.items.get().record_id: "A"}),
        by=admin,
    )
    with pytest.raises(services.ArchiveError) as error:
        services.export_package(handover=handover, by=admin)
    assert "LibreOffice" in str(error.value)


def test_a_hand_over_without_a_case_to_archive_is_closed_by_hand(admin):
    case = closed_case()
    handover = services.offer_cases(by=admin)
    services.import_evaluation(
        handover=handover,
        data=evaluation(handover.process_id, {handover.items.get().record_id: "V"}),
        by=admin,
    )
    with pytest.raises(services.ArchiveError):
        services.export_package(handover=handover, by=admin)
    handover = services.confirm_manually(handover=handover, by=admin)
    assert handover.closed_manually and handover.closed_by == admin
    assert list(Review.objects.handed_over()) == [case]


def test_an_open_hand_over_cannot_be_closed(admin):
    closed_case()
    handover = services.offer_cases(by=admin)
    with pytest.raises(services.ArchiveError) as error:
        services.confirm_manually(handover=handover, by=admin)
    assert str(error.value) == str(services.NOT_EXPORTED)
    with pytest.raises(services.ArchiveError):
        services.confirm_receipt(handover=handover, data=receipt(handover.process_id), by=admin)


@requires_postgres
def test_the_database_refuses_to_delete_a_case_not_handed_over(admin):
    case = closed_case()
    services.offer_cases(by=admin)  # offered, but the hand-over is not closed
    with (
        pytest.raises(DatabaseError, match="has not been handed over"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM review_review WHERE id = %s", [case.pk])
    assert Review.objects.filter(pk=case.pk).exists()


@requires_postgres
def test_the_database_lets_a_handed_over_case_go(admin):
    case = closed_case()
    handover = services.offer_cases(by=admin)
    HandoverItem.objects.filter(handover=handover).update(decision="V")
    Handover.objects.filter(pk=handover.pk).update(
        status=Handover.Status.CLOSED, closed_at=timezone.now() - timedelta(minutes=1)
    )
    # Only the guard is under test: the row goes (its dependants' foreign keys are deferred to
    # the commit, which the rollback to the savepoint never reaches).
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT guard")
        cursor.execute("DELETE FROM review_review WHERE id = %s", [case.pk])
        deleted = cursor.rowcount
        cursor.execute("ROLLBACK TO SAVEPOINT guard")
    assert deleted == 1
