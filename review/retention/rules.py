"""The deletion concept, built (docs/retention.md): one rule per data class, applied nightly.

Each rule names its data class, its starting event and its period (from the installation's
settings), selects what is due at a given time, and deletes or anonymises it. Every run of a
rule that removed something writes a DeletionRecord (class, count, rule, time; no personal
data). Cases and statements are records: they are deleted only after their archive hand-over
is closed, by the same service as the administrator's button (review/archive/services.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from review.archive import services as archive
from review.models import DeletionRecord, Invitation, Notification, Review, User

ANONYMISED_PREFIX = "geloescht-"


@dataclass(frozen=True)
class Rule:
    data_class: str
    starting_event: str
    setting: str
    action: str  # "delete", "anonymise" or "report" (not automated)
    select: Callable[[datetime], list[QuerySet]]
    apply: Callable[[list[QuerySet]], int] | None = None
    # For the administrator's page (review/retention/views.py): the class and what it holds.
    label: str | Promise = ""
    contents: str | Promise = ""

    @property
    def days(self) -> int:
        return int(settings.RETENTION_DAYS[self.setting])

    def describe(self) -> str:
        return f"{self.days} Tage nach {self.starting_event}"

    def due(self, now: datetime) -> list[QuerySet]:
        return self.select(now - timedelta(days=self.days))

    def count_due(self, now: datetime) -> int:
        return sum(queryset.count() for queryset in self.due(now))


def _delete(querysets: list[QuerySet]) -> int:
    return sum(queryset.delete()[0] for queryset in querysets)


def _anonymise_accounts(querysets: list[QuerySet]) -> int:
    count = 0
    for user in querysets[0]:
        # The row stays: the audit trail and old records point at its id (a reference in the
        # hashed part of each event), while the person's data is gone.
        user.username = f"{ANONYMISED_PREFIX}{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.phone = user.job_title = user.unit = ""
        user.password = make_password(None)
        user.save()
        user.organizations.clear()
        count += 1
    return count


def _notifications(cutoff: datetime) -> list[QuerySet]:
    return [Notification.objects.filter(created_at__lt=cutoff)]


def _invitations(cutoff: datetime) -> list[QuerySet]:
    return [Invitation.objects.filter(created_at__lt=cutoff)]


def _logins(cutoff: datetime) -> list[QuerySet]:
    return [
        Session.objects.filter(expire_date__lt=cutoff),
        AccessAttempt.objects.filter(attempt_time__lt=cutoff),
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        AccessLog.objects.filter(attempt_time__lt=cutoff),
    ]


def _external_accounts(cutoff: datetime) -> list[QuerySet]:
    inactive_since = Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    return [
        User.objects.filter(inactive_since, is_external=True, is_active=False).exclude(
            username__startswith=ANONYMISED_PREFIX
        )
    ]


def _cases(cutoff: datetime) -> list[QuerySet]:
    # The starting event is the closing of the hand-over, not of the case. One filter() call:
    # both conditions on the same hand-over item.
    return [
        Review.objects.filter(
            handover_items__handover__status="closed",
            handover_items__handover__closed_at__lt=cutoff,
        )
    ]


def _delete_cases(querysets: list[QuerySet]) -> int:
    return archive.delete_cases(reviews=list(querysets[0]), label="retention")


RULES = [
    Rule(
        "notifications",
        "Erstellung",
        "notifications",
        "delete",
        _notifications,
        _delete,
        _("Notifications and deliveries"),
        _("in-app notifications and their mail state"),
    ),
    Rule(
        "invitations",
        "Einladung",
        "invitations",
        "delete",
        _invitations,
        _delete,
        _("Invitations"),
        _("invitation links of external accounts"),
    ),
    Rule(
        "sessions_and_logins",
        "Ablauf bzw. Anmeldeversuch",
        "logins",
        "delete",
        _logins,
        _delete,
        _("Sessions and login attempts"),
        _("sessions, failed and logged sign-ins with user name and IP address"),
    ),
    Rule(
        "external_accounts",
        "Deaktivierung (letzte Anmeldung)",
        "external_accounts",
        "anonymise",
        _external_accounts,
        _anonymise_accounts,
        _("External accounts"),
        _("name, e-mail, phone, function and committees of deactivated external accounts"),
    ),
    # Records: offered to the archive first; only cases of a closed hand-over are selected, and
    # the service refuses any other.
    Rule(
        archive.CASES_DATA_CLASS,
        "Abschluss der Aussonderung",
        "cases",
        "delete",
        _cases,
        _delete_cases,
        _("Cases and statements"),
        _("cases with statement versions, documents and their files, votes, dispatches"),
    ),
]
LABELS = {rule.data_class: rule.label for rule in RULES}


def apply_rules(now: datetime | None = None) -> list[DeletionRecord]:
    now = now or timezone.now()
    records = []
    for rule in RULES:
        if rule.apply is None:
            continue
        with transaction.atomic():
            count = rule.apply(rule.due(now))
            if count:
                records.append(
                    DeletionRecord.objects.create(
                        ran_at=now,
                        data_class=rule.data_class,
                        rule=rule.describe(),
                        action=rule.action,
                        count=count,
                    )
                )
    return records


def upcoming(now: datetime | None = None, *, within_days: int = 30) -> list[tuple[Rule, int, int]]:
    """Per rule: how many are due now and how many more within the next days."""
    now = now or timezone.now()
    report = []
    for rule in RULES:
        due_now = rule.count_due(now)
        report.append((rule, due_now, rule.count_due(now + timedelta(days=within_days)) - due_now))
    return report


def next_run(now: datetime | None = None) -> datetime:
    """When the nightly job runs next, from its beat schedule."""
    now = now or timezone.now()
    schedule = settings.CELERY_BEAT_SCHEDULE["retention-apply-rules"]["schedule"]
    # celery's estimate ends a fraction of a second before the minute.
    moment = now + schedule.remaining_estimate(now) + timedelta(seconds=1)
    return moment.replace(second=0, microsecond=0)
