"""No case waits forever for documents that are finished, and no job is lost with Redis:
a redelivered or swept job completes the case, stale work is queued again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from review.dispatch import services as dispatch_services
from review.documents import generation
from review.documents import services as document_services
from review.documents.tasks import generate_document
from review.models import AuditEvent, Dispatch, Document, Review
from tests import factories as f
from workflows import documents
from workflows.flows import ReviewFlow
from workflows.tasks import fire_timers

from .conftest import DRAFT, Office, client_for, open_nodes, open_task, submit_url, task_url

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def docx_only(settings: Any, tmp_path: Path) -> None:
    """Word files only (no LibreOffice), in a private media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UNOSERVER_PORT = 9
    settings.UNOSERVER_RESTART_COMMAND = ""


def _approved(office: Office, review: Review) -> list[Document]:
    """Approves the case; the render jobs are queued on commit, which these tests never reach,
    so the documents wait as if the worker had not taken them yet."""
    client_for(office.officer).post(
        task_url(open_task(review, ReviewFlow.triage)), {"decision": "relevant"}
    )
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.assign)), {"assignee": office.officer.pk}
    )
    client_for(office.officer).post(submit_url(open_task(review, ReviewFlow.draft)), DRAFT)
    client_for(office.head).post(
        task_url(open_task(review, ReviewFlow.approve)), {"decision": "approve"}
    )
    assert open_nodes(review) == {"await_documents"}
    made = list(Document.objects.filter(review=review))
    assert made and all(d.status == Document.Status.PENDING for d in made)
    return made


def _produce_and_lose_the_signal(made: list[Document], capture: Capture) -> None:
    """The worker commits "finished" and dies before its on-commit signal is sent."""
    for document in made:
        with capture(execute=False):
            generation.produce_document(document_id=document.pk)
        document.refresh_from_db()
        assert document.is_finished


def _age(documents: list[Document], minutes: int) -> None:
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(
        queued_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_a_redelivered_job_completes_a_case_whose_signal_was_lost(
    office: Office, review: Review, django_capture_on_commit_callbacks: Capture
) -> None:
    made = _approved(office, review)
    _produce_and_lose_the_signal(made, django_capture_on_commit_callbacks)
    assert open_nodes(review) == {"await_documents"}

    with django_capture_on_commit_callbacks(execute=True):
        assert generate_document(made[0].pk) == "ready/skipped"
    assert open_nodes(review) == {"outcome"}
    # Still once: a further redelivery finds nothing waiting.
    assert AuditEvent.objects.filter(review=review, verb="documents.generated").count() == len(made)


def test_the_periodic_sweep_moves_a_case_whose_documents_are_finished(
    office: Office, review: Review, django_capture_on_commit_callbacks: Capture
) -> None:
    made = _approved(office, review)
    _produce_and_lose_the_signal(made, django_capture_on_commit_callbacks)
    assert documents.complete_finished() == 1
    assert open_nodes(review) == {"outcome"}
    assert documents.complete_finished() == 0


def test_the_sweep_runs_with_the_timers_and_leaves_unfinished_cases_waiting(
    office: Office, review: Review, django_capture_on_commit_callbacks: Capture
) -> None:
    made = _approved(office, review)
    assert fire_timers()["documents"] == 0
    assert open_nodes(review) == {"await_documents"}
    _produce_and_lose_the_signal(made, django_capture_on_commit_callbacks)
    assert fire_timers()["documents"] == 1
    assert open_nodes(review) == {"outcome"}


def test_requesting_documents_again_moves_a_case_whose_documents_are_finished(
    office: Office, review: Review, django_capture_on_commit_callbacks: Capture
) -> None:
    made = _approved(office, review)
    _produce_and_lose_the_signal(made, django_capture_on_commit_callbacks)
    response = client_for(office.head).post(f"/vorgaenge/{review.pk}/dokumente/anfordern/")
    assert response.status_code == 302
    assert open_nodes(review) == {"outcome"}


def test_documents_whose_job_was_lost_are_queued_again_by_the_beat(
    office: Office, review: Review, django_capture_on_commit_callbacks: Capture
) -> None:
    made = _approved(office, review)
    _age(made, django_settings.REQUEUE_AFTER_MINUTES - 1)
    with django_capture_on_commit_callbacks() as callbacks:
        assert document_services.requeue_stale() == 0
    assert callbacks == []

    _age(made, django_settings.REQUEUE_AFTER_MINUTES + 1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert document_services.requeue_stale() == len(made)
    assert len(callbacks) == len(made)
    # Without a broker the queued job runs in-process, as a worker would.
    if django_settings.CELERY_TASK_ALWAYS_EAGER:
        assert open_nodes(review) == {"outcome"}
    assert AuditEvent.objects.filter(review=review, verb="documents.requeued").count() == len(made)
    with django_capture_on_commit_callbacks() as callbacks:
        assert document_services.requeue_stale() == 0  # queued just now


def test_try_again_takes_a_document_whose_job_was_lost_but_not_one_in_progress(
    office: Office, review: Review, django_capture_on_commit_callbacks: Capture
) -> None:
    document = _approved(office, review)[0]
    with pytest.raises(document_services.DocumentError) as refused:
        document_services.retry_document(document=document, by=office.head)
    assert str(refused.value) == str(document_services.NOT_FAILED)

    _age([document], django_settings.REQUEUE_AFTER_MINUTES + 1)
    with django_capture_on_commit_callbacks() as callbacks:
        document_services.retry_document(document=document, by=office.head)
    assert len(callbacks) == 1
    document.refresh_from_db()
    assert timezone.now() - document.queued_at < timedelta(minutes=1)


def test_asking_for_documents_again_re_queues_a_lost_job(
    office: Office, review: Review, django_capture_on_commit_callbacks: Capture
) -> None:
    made = _approved(office, review)
    with django_capture_on_commit_callbacks() as callbacks:
        documents.request_again(review=review, by=office.head)
    assert callbacks == []  # the jobs are fresh: nothing to do

    _age(made, django_settings.REQUEUE_AFTER_MINUTES + 1)
    with django_capture_on_commit_callbacks() as callbacks:
        documents.request_again(review=review, by=office.head)
    assert len(callbacks) == len(made)


def test_mails_whose_job_was_lost_are_queued_again_and_hopeless_ones_given_up(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    review = f.make_released_review()
    clerk = f.clerk()
    old = timezone.now() - timedelta(minutes=django_settings.REQUEUE_AFTER_MINUTES + 1)
    waiting = {"status": Dispatch.Status.PENDING, "sent_at": None}
    lost = f.make_dispatch(review, clerk, email="a@example.org", created_at=old, **waiting)
    fresh = f.make_dispatch(review, clerk, email="b@example.org", **waiting)
    hopeless = f.make_dispatch(
        review, clerk, email="c@example.org", created_at=old, claimed_at=old, attempts=7, **waiting
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert dispatch_services.requeue_stale() == 1
    assert len(callbacks) == 1
    for dispatch in (lost, fresh, hopeless):
        dispatch.refresh_from_db()
    assert lost.status == fresh.status == Dispatch.Status.PENDING
    assert hopeless.status == Dispatch.Status.FAILED
    with django_capture_on_commit_callbacks() as callbacks:
        assert dispatch_services.requeue_stale() == 0  # queued just now


def test_a_killed_workers_jobs_come_back_within_minutes_not_an_hour() -> None:
    timeout = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert django_settings.CELERY_TASK_TIME_LIMIT < timeout <= 2 * 60 * 5
    from review.dispatch.tasks import MAX_RETRY_DELAY

    assert timeout > MAX_RETRY_DELAY


def test_the_case_offers_to_try_again_once_a_documents_job_is_lost(
    office: Office, review: Review
) -> None:
    document = _approved(office, review)[0]
    url = f"/vorgaenge/{review.pk}/dokumente/"
    page = client_for(office.head).get(url).content.decode()
    assert f"/dokumente/{document.pk}/wiederholen/" not in page
    _age([document], django_settings.REQUEUE_AFTER_MINUTES + 1)
    page = client_for(office.head).get(url).content.decode()
    assert f"/dokumente/{document.pk}/wiederholen/" in page
