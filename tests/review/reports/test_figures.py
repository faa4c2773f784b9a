"""Each figure of the report counts exactly the cases built for it, and links to them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from review.models import AuditEvent, Review, StatementVersion
from review.reports.figures import ReportFilter, cases_for
from review.reports.summary import build_report

from .conftest import MEETING, OPENED, PERIOD, Cases, _event

pytestmark = pytest.mark.django_db


def _pks(key: str, report_filter: ReportFilter = PERIOD) -> set[int]:
    found = cases_for(report_filter, key)
    assert found is not None
    return set(found.values_list("pk", flat=True))


def test_on_time_means_dispatched_to_the_committee_before_its_meeting(cases: Cases):
    report = build_report(PERIOD)
    on_time = {
        cases.on_time.pk,
        cases.followed.pk,
        cases.partly.pk,
        cases.not_followed.pk,
        cases.beirat_in_time.pk,
        cases.beirat_late.pk,
    }
    assert _pks("on_time") == on_time
    assert _pks("late") == {cases.late.pk}
    assert report.counts["on_time"] == 6
    assert report.counts["late"] == 1
    assert report.on_time_rate == pytest.approx(6 / 7)


def test_beirat_on_time_means_sent_to_the_beirat_by_its_internal_deadline(cases: Cases):
    report = build_report(PERIOD)
    assert _pks("beirat_on_time") == {cases.beirat_in_time.pk}
    assert _pks("beirat_late") == {cases.beirat_late.pk}
    assert report.beirat_on_time_rate == 0.5


def test_beirat_participation_counts_requested_given_and_in_time_votes(cases: Cases):
    report = build_report(PERIOD)
    assert report.counts["votes_requested"] == 2
    assert report.counts["votes_given"] == 2
    assert _pks("votes_in_time") == {cases.beirat_in_time.pk}


def test_follow_rate_counts_followed_partly_and_not_followed(cases: Cases):
    report = build_report(PERIOD)
    assert _pks("followed") == {cases.followed.pk}
    assert _pks("partly") == {cases.partly.pk}
    assert _pks("not_followed") == {cases.not_followed.pk}
    assert report.follow_rate == pytest.approx(1 / 3)


def test_follow_rate_by_topic_and_by_gremium(cases: Cases):
    report = build_report(PERIOD)
    by_topic = {b.name: (b.followed, b.partly, b.not_followed) for b in report.by_topic}
    assert by_topic == {"Bildung": (1, 0, 0), "Wohnen": (0, 1, 1)}
    (committee,) = report.by_organization
    assert (committee.name, committee.decided, committee.follow_rate) == (
        "Ausschuss für Soziales",
        3,
        pytest.approx(1 / 3),
    )


def test_triage_outcomes_and_statements_by_recommendation(cases: Cases):
    report = build_report(PERIOD)
    assert report.counts["all"] == 9
    assert _pks("triage_open") == {cases.still_new.pk}
    assert _pks("not_affected") == {cases.not_affected.pk}
    assert report.counts["relevant"] == 7
    recommendations = {key: n for key, _label, n in report.recommendations}
    assert recommendations == {
        "recommendation_approve": 3,
        "recommendation_approve_with_changes": 3,
        "recommendation_reject": 1,
        "recommendation_note": 0,
    }
    assert _pks("recommendation_reject") == {cases.late.pk}


def test_a_filter_narrows_every_figure(cases: Cases):
    education = ReportFilter(start=PERIOD.start, end=PERIOD.end, topic=cases.housing)
    report = build_report(education)
    assert report.counts["all"] == 4
    assert report.counts["on_time"] == 3
    assert _pks("followed", education) == set()


def test_the_period_excludes_cases_opened_before_it(cases: Cases):
    report = build_report(ReportFilter(start=date(2025, 12, 1), end=date(2025, 12, 31)))
    assert report.counts["all"] == 1
    assert [n for _month, n in report.per_month] == [1]


def test_cases_per_month_and_by_topic(cases: Cases):
    report = build_report(PERIOD)
    assert report.per_month == [
        (date(2026, 1, 1), 8),
        (date(2026, 2, 1), 0),
        (date(2026, 3, 1), 0),
        (date(2026, 4, 1), 0),
        (date(2026, 5, 1), 0),
        (date(2026, 6, 1), 1),
    ]
    assert [(t.name, n) for t, n in report.cases_by_topic] == [("Bildung", 5), ("Wohnen", 4)]


def test_median_and_90th_percentile_per_step(cases: Cases):
    _event("review.triaged", cases.on_time, OPENED + timedelta(days=4))
    _event("review.triaged", cases.late, OPENED + timedelta(days=6))
    # Receipt confirmed a day after sending.
    dispatch = cases.on_time.dispatches.get()
    assert dispatch.sent_at is not None
    dispatch.confirmed_at = dispatch.sent_at + timedelta(days=1)
    dispatch.confirmed_by = cases.officer
    dispatch.save()
    steps = {step.key: step for step in build_report(PERIOD).steps}
    triage = steps["step_triage"]
    assert triage.count == 3
    assert triage.median_days == pytest.approx(4)
    assert triage.p90_days == pytest.approx(5.6)
    assert _pks("step_triage") == {cases.on_time.pk, cases.late.pk, cases.not_affected.pk}
    assert (steps["step_receipt"].count, steps["step_receipt"].median_days) == (1, 1)
    assert steps["step_drafting"].count == 0


def test_the_beirat_step_runs_from_the_participation_start_stored_on_the_case(cases: Cases):
    # The field, not the audit trail: the case has no "participation started" event.
    Review.objects.filter(pk=cases.beirat_in_time.pk).update(
        participation_started_at=MEETING - timedelta(days=12)
    )
    assert not AuditEvent.objects.filter(verb="consultation.started").exists()
    report = build_report(PERIOD)
    beirat = {step.key: step for step in report.steps}["step_beirat"]
    # The vote was recorded 8 days before the meeting; the late one has no start and is left out.
    assert (beirat.count, beirat.median_days) == (1, pytest.approx(4))
    assert _pks("step_beirat") == {cases.beirat_in_time.pk}
    assert report.counts["step_beirat"] == 1


def test_the_drafting_step_runs_from_assignment_to_submission_stored_on_the_case(cases: Cases):
    Review.objects.filter(pk=cases.on_time.pk).update(
        assigned_at=OPENED + timedelta(days=1), submitted_at=OPENED + timedelta(days=4)
    )
    Review.objects.filter(pk=cases.late.pk).update(assigned_at=OPENED + timedelta(days=1))
    # The fields, not the audit trail: there are no "assigned" or "submitted" events.
    assert not AuditEvent.objects.filter(
        verb__in=["review.assigned", "statement.submitted"]
    ).exists()
    report = build_report(PERIOD)
    drafting = {step.key: step for step in report.steps}["step_drafting"]
    # The late case is assigned but not yet submitted: not a finished step.
    assert (drafting.count, drafting.median_days) == (1, pytest.approx(3))
    assert _pks("step_drafting") == {cases.on_time.pk}
    assert report.counts["step_drafting"] == 1


def test_the_approval_step_ends_at_the_approval_stored_on_the_version(cases: Cases):
    submitted = OPENED + timedelta(days=10)
    Review.objects.filter(pk=cases.on_time.pk).update(submitted_at=submitted)
    StatementVersion.objects.filter(statement__review=cases.on_time).update(
        approved_by=cases.officer, approved_at=submitted + timedelta(days=2)
    )
    # The case and its version, not the audit trail: there is no "submitted" or "approved" event.
    assert not AuditEvent.objects.filter(
        verb__in=["statement.submitted", "statement.approved"]
    ).exists()
    report = build_report(PERIOD)
    approval = {step.key: step for step in report.steps}["step_approval"]
    assert (approval.count, approval.median_days) == (1, pytest.approx(2))
    assert _pks("step_approval") == {cases.on_time.pk}
    assert report.counts["step_approval"] == 1


def test_open_cases_by_age_and_the_busiest_meetings_ahead(cases: Cases):
    from tests import factories as f

    report = build_report(PERIOD)
    ages = {key: n for key, _label, n in report.age_buckets}
    # Opened three days ago; the four dispatched but undecided ones in January and the one of
    # last December (before the period, still open) are older than 90 days.
    assert ages == {"age_week": 1, "age_month": 0, "age_quarter": 0, "age_older": 5}
    assert cases.late.pk in _pks("age_older")
    assert report.busiest_meetings == []
    ahead = f.make_meeting(cases.committee, start=MEETING + timedelta(days=200))
    f.make_consultation(cases.still_new.paper, ahead, organization=cases.committee)
    (busy,) = build_report(PERIOD).busiest_meetings
    assert (busy.meeting, busy.open_cases) == (ahead, 1)


def test_the_follow_ups_of_the_period_are_counted_by_status(cases: Cases):
    from review.models import FollowUp

    FollowUp.objects.create(
        review=cases.followed,
        task="Kita-Plätze ausbauen",
        due_date=date(2026, 6, 1),
        assignee=cases.officer,
        created_by=cases.officer,
    )
    FollowUp.objects.create(
        review=cases.partly,
        task="Wohnraum melden",
        due_date=date(2026, 9, 1),
        assignee=cases.officer,
        created_by=cases.officer,
        status=FollowUp.Status.DONE,
        closed_at=cases.partly.created_at,
    )
    counts = {key: n for key, _label, n in build_report(PERIOD).follow_ups}
    assert counts == {"ueberfaellig": 1, "open": 1, "in_progress": 0, "done": 1, "not_done": 0}


def test_every_count_equals_the_length_of_the_list_it_links_to(cases: Cases):
    """The page counts in Python (counting.py), the list filters by the Q condition: equal."""
    _event("review.triaged", cases.on_time, OPENED + timedelta(days=4))
    report = build_report(PERIOD)
    for key, n in report.counts.items():
        assert len(_pks(key)) == n, key
