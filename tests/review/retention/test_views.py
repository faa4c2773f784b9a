"""The administrator's page of the retention report and the deletion records."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from review.models import DeletionRecord, Notification, NotificationKind
from review.retention import views
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/verwaltung/loeschung/"


def test_only_the_administrator_sees_the_page() -> None:
    clients = {
        "admin": f.logged_in_client(f.administrator()),
        "superuser": f.logged_in_client(f.administrator(username="it", is_superuser=True)),
        "officer": f.logged_in_client(f.officer()),
        "head": f.logged_in_client(f.head()),
        "clerk": f.logged_in_client(f.clerk()),
        "beirat": f.logged_in_client(f.beirat_member()),
        "outsider": f.logged_in_client(f.outsider()),
        "anonymous": Client(),
    }
    actual = {role: client.get(URL).status_code for role, client in clients.items()}
    assert actual == {
        "admin": 200,
        "superuser": 200,
        "officer": 403,
        "head": 403,
        "clerk": 403,
        "beirat": 403,
        "outsider": 403,
        "anonymous": 302,
    }


def test_the_administrator_finds_the_page_on_the_start_page() -> None:
    page = f.logged_in_client(f.administrator(is_staff=True)).get("/").content.decode()
    assert f'href="{URL}"' in page and "Aufbewahrung und Löschung" in page


def test_empty_states_say_what_happens_next() -> None:
    page = f.logged_in_client(f.administrator()).get(URL).content.decode()
    assert "Innerhalb der nächsten 30 Tage ist nichts fällig" in page
    assert "Noch kein Löschnachweis" in page
    assert "Nächster Lauf" in page


def test_upcoming_deletions_per_class_and_the_records_newest_first() -> None:
    user = f.make_user()
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=181)):
        Notification.objects.create(
            kind=NotificationKind.OUTCOME_RECORDED, recipient=user, dedupe_key="a", title="x"
        )
    with time_machine.travel(now - timedelta(days=170)):
        Notification.objects.create(
            kind=NotificationKind.OUTCOME_RECORDED, recipient=user, dedupe_key="b", title="x"
        )
    DeletionRecord.objects.create(
        ran_at=now - timedelta(days=2),
        data_class="invitations",
        rule="90 Tage nach Einladung",
        action="delete",
        count=4,
    )
    DeletionRecord.objects.create(
        ran_at=now - timedelta(days=1),
        data_class="external_accounts",
        rule="365 Tage nach Deaktivierung (letzte Anmeldung)",
        action="anonymise",
        count=2,
    )
    response = f.logged_in_client(f.administrator()).get(URL)
    upcoming = {rule.data_class: (due, soon) for rule, due, soon in response.context["upcoming"]}
    assert upcoming["notifications"] == (1, 1)
    assert upcoming["cases"] == (0, 0)
    page = response.content.decode()
    row = page[page.index("Benachrichtigungen und Zustellungen") :].split("</tr>")[0]
    assert "180 Tage nach Erstellung" in row and "löschen" in row
    records = page[page.index("Löschnachweise, neueste zuerst") :]
    assert records.index("Externe Zugänge") < records.index("Einladungen")
    assert "anonymisiert" in records and ">4<" in records


def test_records_are_paged() -> None:
    DeletionRecord.objects.bulk_create(
        DeletionRecord(data_class="notifications", rule="r", action="delete", count=n + 1)
        for n in range(views.RECORDS_PER_PAGE + 1)
    )
    client = f.logged_in_client(f.administrator())
    first = client.get(URL)
    assert len(first.context["page"].object_list) == views.RECORDS_PER_PAGE
    second = client.get(URL + "?seite=2")
    assert len(second.context["page"].object_list) == 1
    assert "Seite 2 von 2" in second.content.decode()


def test_the_page_is_complete_in_english(settings) -> None:
    client = f.logged_in_client(f.administrator())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        page = client.get(URL).content.decode()
    finally:
        # The middleware leaves English active in this thread; later tests expect German.
        translation.activate(settings.LANGUAGE_CODE)
    for text in [
        "Retention and deletion",
        "Upcoming deletions",
        "Notifications and deliveries",
        "Cases and statements",
        "Nothing is due within the next 30 days",
        "No deletion record yet",
    ]:
        assert text in page, text
    assert "Anstehende Löschungen" not in page and "Löschnachweis" not in page
