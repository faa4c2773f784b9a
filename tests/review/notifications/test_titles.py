"""The notification list shows each title in the reader's language; the row and its e-mail keep
the default language (German), task names included."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from review.followups.services import TASK_NAME
from review.models import Notification, NotificationKind
from review.notifications import services
from tests import factories as f

pytestmark = pytest.mark.django_db


def _notify(recipient, review, task: str, *, kind: str = NotificationKind.TASK_ASSIGNED, **context):
    notification = services.notify(
        kind=kind,
        recipient=recipient,
        review=review,
        dedupe_key=f"test:{task}:{kind}",
        context={"task": task, **context},
        send_email=False,
    )
    assert notification is not None
    return notification


def _list(client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("notifications:list")).content.decode()


def test_the_titles_are_stored_in_german_and_listed_in_english_for_an_english_reader():
    officer = f.officer()
    review = f.make_review(f.make_paper(reference="V0815/26"))
    # A flow step's title (an English msgid, stored in German) and a name the code writes in German.
    approval = _notify(officer, review, "Schlusszeichnung")
    follow_up = _notify(officer, review, str(TASK_NAME), kind=NotificationKind.OVERDUE)
    escalated = _notify(
        officer, review, "Sichtung", kind=NotificationKind.OVERDUE, escalated=True, due="x"
    )
    unknown = _notify(officer, review, "Rückruf beim Amt")

    assert approval.title == "Neue Aufgabe zur Vorlage V0815/26: Schlusszeichnung"
    assert follow_up.title.endswith("V0815/26") and "Überfällig" in follow_up.title
    client = f.logged_in_client(officer)
    english = _list(client, "en")
    assert "New task for paper V0815/26: Final approval" in english
    assert "Overdue: paper V0815/26" in english
    assert "Escalated to you as deputy: paper V0815/26" in english
    assert "New task for paper V0815/26: Rückruf beim Amt" in english  # data stays
    assert "Schlusszeichnung" not in english and "Neue Aufgabe" not in english
    german = _list(client, "de")
    for notification in [approval, follow_up, escalated, unknown]:
        assert notification.title in german


def test_a_notification_of_a_kind_that_no_longer_exists_shows_its_stored_title():
    officer = f.officer()
    Notification.objects.create(
        recipient=officer, kind="retired_kind", dedupe_key="old", title="Alte Meldung"
    )
    assert "Alte Meldung" in _list(f.logged_in_client(officer), "en")
