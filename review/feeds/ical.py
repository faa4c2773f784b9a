"""The personal calendar: my due dates and the meetings of my committees."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from review.external import access
from review.models import Review, User

PAST_DAYS = 30
FUTURE_DAYS = 400


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "stellwerk"


def _deadline_event(review: Review, *, beirat: bool) -> Event:
    event = Event()
    due = review.beirat_deadline if beirat else review.deadline
    assert due is not None
    reference = review.paper.reference or f"#{review.paper_id}"
    if beirat:
        event.add("summary", _("Beirat vote due: paper %(reference)s") % {"reference": reference})
    else:
        event.add("summary", _("Statement due: paper %(reference)s") % {"reference": reference})
    event.add("uid", f"review-{review.pk}-{'beirat' if beirat else 'deadline'}@{_domain()}")
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    event.add("dtstamp", timezone.now())
    event.add("transp", "TRANSPARENT")
    return event


def build_calendar(user: User) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Stellwerk//Kalender//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Stellwerk: deadlines and meetings"))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    today = timezone.localdate()

    if access.is_office(user):
        for review in (
            Review.objects.open()
            .filter(assignee=user, deadline__gte=today - timedelta(days=PAST_DAYS))
            .select_related("paper")
        ):
            cal.add_component(_deadline_event(review, beirat=False))
    for review in (
        access.beirat_reviews(user)
        .open()
        .filter(beirat_deadline__gte=today - timedelta(days=PAST_DAYS))
        .select_related("paper")
    ):
        cal.add_component(_deadline_event(review, beirat=True))

    meetings = access.calendar_meetings(user).filter(
        start__gte=now - timedelta(days=PAST_DAYS), start__lte=now + timedelta(days=FUTURE_DAYS)
    )
    for meeting in meetings.prefetch_related("organizations").order_by("start"):
        assert meeting.start is not None
        event = Event()
        event.add("summary", meeting.name or _("Meeting"))
        event.add("uid", f"meeting-{meeting.pk}@{_domain()}")
        event.add("dtstart", meeting.start)
        event.add("dtend", meeting.end or meeting.start + timedelta(hours=2))
        event.add("dtstamp", now)
        if meeting.location:
            event.add("location", meeting.location)
        committees = ", ".join(o.full_name for o in meeting.organizations.all())
        if committees:
            event.add("description", committees)
        if meeting.cancelled:
            event.add("status", "CANCELLED")
        if meeting.web:
            event.add("url", meeting.web)
        cal.add_component(event)
    return cal.to_ical()
