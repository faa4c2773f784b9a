"""The personal iCal feed and the committee Atom feeds, read by real parsers."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from review.models import FeedToken, Review, Statement
from tests import factories as f

pytestmark = pytest.mark.django_db


def _released(paper_ref: str, organization, **fields) -> Review:
    paper = f.make_paper(f"Vorlage {paper_ref}", reference=paper_ref, **fields.pop("paper", {}))
    f.make_consultation(paper, f.make_meeting(organization), organization=organization)
    review = f.make_review(paper, status=Review.Status.DISPATCHED, **fields)
    Statement.objects.create(review=review)
    return review


def _calendar(client: Client, token: str) -> icalendar.Calendar:
    response = client.get(reverse("feeds:calendar", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_calendar_lists_my_deadlines_and_my_committees_meetings(client: Client) -> None:
    officer = f.officer()
    committee = f.make_organization("Ausschuss für Soziales")
    officer.organizations.add(committee)
    meeting = f.make_meeting(committee, name="Sitzung des Sozialausschusses", location="Rathaus")
    f.make_meeting(f.make_organization("Bauausschuss"), name="Sitzung des Bauausschusses")
    deadline = timezone.localdate() + timedelta(days=10)
    f.make_review(f.make_paper(reference="V300/26"), assignee=officer, deadline=deadline)
    f.make_review(f.make_paper(reference="V301/26"), deadline=deadline)  # someone else's
    token = FeedToken.objects.create(user=officer).token

    events = {str(e["summary"]): e for e in _calendar(client, token).walk("VEVENT")}

    assert set(events) == {"Stellungnahme fällig: Vorlage V300/26", "Sitzung des Sozialausschusses"}
    assert events["Stellungnahme fällig: Vorlage V300/26"].decoded("dtstart") == deadline
    meeting_event = events["Sitzung des Sozialausschusses"]
    assert meeting.start is not None
    assert meeting_event.decoded("dtstart") == meeting.start.replace(microsecond=0)
    assert str(meeting_event["location"]) == "Rathaus"


def test_a_beirat_member_sees_only_shared_beirat_deadlines(client: Client) -> None:
    member = f.beirat_member()
    due = timezone.localdate() + timedelta(days=5)
    f.make_review(
        f.make_paper(reference="V400/26"),
        shared_with_beirat=True,
        beirat_deadline=due,
        deadline=due + timedelta(days=7),
    )
    f.make_review(f.make_paper(reference="V401/26"), beirat_deadline=due)
    token = FeedToken.objects.create(user=member).token
    summaries = [str(e["summary"]) for e in _calendar(client, token).walk("VEVENT")]
    assert summaries == ["Votum des Beirats fällig: Vorlage V400/26"]


def test_a_guessed_revoked_or_deactivated_token_gets_nothing(client: Client) -> None:
    officer = f.officer()
    feed_token = FeedToken.objects.create(user=officer)
    old = feed_token.token
    assert client.get(reverse("feeds:calendar", args=["guess" * 8])).status_code == 404
    feed_token.regenerate()
    assert client.get(reverse("feeds:calendar", args=[old])).status_code == 404
    assert client.get(reverse("feeds:calendar", args=[feed_token.token])).status_code == 200
    officer.is_active = False
    officer.save()
    assert client.get(reverse("feeds:calendar", args=[feed_token.token])).status_code == 404


def test_the_committee_feed_is_valid_atom_with_released_statements_only(client: Client) -> None:
    clerk = f.clerk()
    committee = f.make_organization("Ausschuss für Bildung")
    clerk.organizations.add(committee)
    _released("V500/26", committee)
    draft = f.make_review(f.make_paper(reference="V501/26"), status=Review.Status.DRAFTING)
    f.make_consultation(draft.paper, organization=committee)
    token = FeedToken.objects.create(user=clerk).token

    response = client.get(reverse("feeds:committee_statements", args=[token, committee.pk]))
    feed = feedparser.parse(response.content)

    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Stellungnahmen für Ausschuss für Bildung"
    assert [e.title for e in feed.entries] == ["Stellungnahme zur Vorlage V500/26: Vorlage V500/26"]


def test_a_clerk_gets_no_feed_for_another_committee(client: Client) -> None:
    clerk = f.clerk()
    clerk.organizations.add(f.make_organization("Ausschuss für Bildung"))
    other = f.make_organization("Bauausschuss")
    _released("V600/26", other)
    token = FeedToken.objects.create(user=clerk).token
    url = reverse("feeds:committee_statements", args=[token, other.pk])
    assert client.get(url).status_code == 404


def test_a_beirat_member_feed_leaves_out_unshared_and_non_public_papers(client: Client) -> None:
    member = f.beirat_member()
    beirat = f.make_organization("Ausländerbeirat", is_advisory_council=True)
    member.organizations.add(beirat)
    _released("V700/26", beirat, shared_with_beirat=True)
    _released("V701/26", beirat)
    _released("V702/26", beirat, shared_with_beirat=True, paper={"is_public": False})
    token = FeedToken.objects.create(user=member).token
    feed = feedparser.parse(
        client.get(reverse("feeds:committee_statements", args=[token, beirat.pk])).content
    )
    assert [e.title for e in feed.entries] == ["Stellungnahme zur Vorlage V700/26: Vorlage V700/26"]
    # The entry leads to the Beirat's case page, not to the clerks' page (404 for members).
    assert "/beirat/vorgang/" in feed.entries[0].link


def test_the_calendar_page_creates_regenerates_and_revokes_the_address(client: Client) -> None:
    officer = f.officer()
    client.force_login(officer)
    assert "nicht eingeschaltet" in client.get(reverse("feeds_settings")).content.decode()
    client.post(reverse("feeds_regenerate"))
    first = FeedToken.objects.get(user=officer).token
    page = client.get(reverse("feeds_settings")).content.decode()
    assert f"/feeds/{first}/kalender.ics" in page
    client.post(reverse("feeds_regenerate"))
    assert FeedToken.objects.get(user=officer).token != first
    client.post(reverse("feeds_revoke"))
    assert not FeedToken.objects.filter(user=officer).exists()


def test_the_feed_and_the_calendar_name_the_committee_in_full(client: Client) -> None:
    clerk = f.clerk()
    committee = f.make_organization("Integrationsausschuss", short_name="IA")
    clerk.organizations.add(committee)
    review = _released("V800/26", committee)
    review.summary = "Mehr Sprachkurse."
    review.save()
    token = FeedToken.objects.create(user=clerk).token
    feed = feedparser.parse(
        client.get(reverse("feeds:committee_statements", args=[token, committee.pk])).content
    )
    assert feed.feed.title == "Stellungnahmen für Integrationsausschuss (IA)"
    assert feed.entries[0].summary == "Für: Integrationsausschuss (IA). Mehr Sprachkurse."
    assert "Versandt" not in feed.entries[0].summary
    events = list(_calendar(client, token).walk("VEVENT"))
    assert [str(e["description"]) for e in events] == ["Integrationsausschuss (IA)"]
