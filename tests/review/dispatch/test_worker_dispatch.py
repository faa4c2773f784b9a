"""With a real Celery worker on Redis and a local SMTP server: the dispatch arrives once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from review.dispatch import services
from review.dispatch.tasks import send_dispatch
from review.models import Dispatch, Review, Role
from tests import factories as f
from tests.conftest import ROOT, requires_worker
from tests.mail_sink import SmtpSink, subject

pytestmark = [
    pytest.mark.worker,
    requires_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def dispatch_worker(
    media_root: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> SmtpSink:
    # The worker is a subprocess: it must read the statement files from the same folder.
    monkeypatch.setenv("MEDIA_ROOT", str(media_root))
    return request.getfixturevalue("mail_worker")


def test_the_worker_mails_the_statement_once_with_its_attachments(
    dispatch_worker: SmtpSink,
) -> None:
    # Transactional tests flush the groups the roles migration made.
    Group.objects.get_or_create(name=Role.CLERK.value)
    committee = f.make_organization("Ausschuss für Soziales", email="soziales@stadt.example")
    clerk = f.clerk(wants_docx=True)
    clerk.organizations.add(committee)
    review = f.make_released_review(f.make_paper(reference="V2345/24"), committee=committee)
    documents = [f.make_statement_files(review)]
    office = f.make_user("dispatcher")

    started = time.monotonic()
    with transaction.atomic():
        dispatches = services.dispatch_statement(review=review, by=office, documents=documents)
    dispatch_worker.wait_for(2, timeout=60)
    assert len(dispatch_worker.messages) == 2
    latency = max(arrived for arrived, _m in dispatch_worker.messages) - started
    report = ROOT / "test-artifacts" / "dispatch-latency.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text(f"dispatch -> both mails handed to SMTP server: {latency:.2f} s\n")

    by_address = {m["To"]: m for _t, m in dispatch_worker.messages}
    message = by_address[clerk.email]
    assert subject(message) == "Stellungnahme zur Vorlage V2345/24"
    attached = [
        (part.get_filename(), part.get_content_type())
        for part in message.walk()
        if part.get_filename()
    ]
    assert attached == [
        ("V2345-24_Stellungnahme_committee.pdf", "application/pdf"),
        (
            "V2345-24_Stellungnahme_committee.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ]
    pdf = next(p for p in message.walk() if p.get_content_type() == "application/pdf")
    payload = pdf.get_payload(decode=True)
    assert isinstance(payload, bytes) and payload.startswith(b"%PDF")
    office_mail = by_address["soziales@stadt.example"]
    assert [p.get_filename() for p in office_mail.walk() if p.get_filename()] == [
        "V2345-24_Stellungnahme_committee.pdf"
    ]

    # The broker redelivers, a retry runs again, the flow step is re-run: nothing new is sent.
    for dispatch in dispatches:
        send_dispatch.delay(dispatch.pk)
        send_dispatch.delay(dispatch.pk)
    with transaction.atomic():
        services.dispatch_statement(review=review, by=office, documents=documents)
    time.sleep(3)
    assert len(dispatch_worker.messages) == 2
    assert set(Dispatch.objects.values_list("status", "attempts")) == {("sent", 1)}
    review.refresh_from_db()
    assert review.status == Review.Status.DISPATCHED
