"""Changes to the office's relevance settings: keyword terms and watched organisations.

Each change is atomic and audited; re-scoring the papers is a separate, previewed step
(review/oparl/rescoring.py), queued by the administrator after seeing what would change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from review.models import AuditEvent, AuditVerb, KeywordTerm, Organization, User

from .tasks import rescore_relevance


@transaction.atomic
def save_keyword_term(*, form: Any, by: User) -> KeywordTerm:
    """Save a term of the relevance profile from a valid KeywordTermForm."""
    created = form.instance.pk is None
    term: KeywordTerm = form.save()
    AuditEvent.record(
        AuditVerb.RELEVANCE_PROFILE_CHANGED,
        actor=by,
        obj=term,
        details={"term": term.term, "created": created, "changed": form.changed_data},
    )
    return term


@transaction.atomic
def set_watched_organizations(*, organizations: list[Organization], by: User) -> int:
    """Watch exactly these Gremien and lead offices; returns how many changed."""
    wanted = {org.pk for org in organizations}
    before = set(Organization.objects.filter(is_watched=True).values_list("pk", flat=True))
    Organization.objects.filter(pk__in=before - wanted).update(is_watched=False)
    Organization.objects.filter(pk__in=wanted - before).update(is_watched=True)
    changed = len(before ^ wanted)
    if changed:
        AuditEvent.record(
            AuditVerb.RELEVANCE_WATCHED_CHANGED,
            actor=by,
            details={"added": sorted(wanted - before), "removed": sorted(before - wanted)},
        )
    return changed


@transaction.atomic
def request_rescore(*, by: User) -> None:
    """Queue the re-scoring of the papers inside the window (after the preview)."""
    AuditEvent.record(AuditVerb.RELEVANCE_RESCORE_REQUESTED, actor=by)
    transaction.on_commit(rescore_relevance.delay)
