"""Facts as fields: the approval on the statement version, send-backs as rows, the dispatch
outcome on the review; filled from the audit events that recorded them until now."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _version_id(StatementVersion, event, version_type_id):
    """The version an event names: by its number in the details, else the event's object."""
    number = (event.details or {}).get("version")
    if number is not None:
        found = (
            StatementVersion.objects.filter(statement__review_id=event.review_id, number=number)
            .values_list("pk", flat=True)
            .first()
        )
        if found is not None:
            return found
    if event.content_type_id == version_type_id and event.object_id.isdigit():
        return int(event.object_id)
    return None


def fill_from_audit(apps, schema_editor):
    AuditEvent = apps.get_model("review", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Review = apps.get_model("review", "Review")
    SendBack = apps.get_model("review", "SendBack")
    StatementVersion = apps.get_model("review", "StatementVersion")
    types = dict(
        ContentType.objects.filter(
            app_label="review", model__in=["statementversion", "review"]
        ).values_list("model", "pk")
    )
    version_type, review_type = types.get("statementversion"), types.get("review")
    events = AuditEvent.objects.filter(review__isnull=False).order_by("id")

    for event in events.filter(verb="statement.approved", actor__isnull=False).iterator():
        version_id = _version_id(StatementVersion, event, version_type)
        if version_id is not None:
            StatementVersion.objects.filter(pk=version_id, approved_at__isnull=True).update(
                approved_by_id=event.actor_id, approved_at=event.created_at
            )

    for event in events.filter(verb="statement.sent_back", actor__isnull=False).iterator():
        version_id = _version_id(StatementVersion, event, version_type)
        if version_id is None:
            continue
        SendBack.objects.get_or_create(
            review_id=event.review_id,
            created_at=event.created_at,
            defaults={
                "version_id": version_id,
                "sent_back_by_id": event.actor_id,
                # The service refused empty reasons; a dash keeps the constraint for odd rows.
                "reason": (event.details or {}).get("reason") or "–",
            },
        )

    # The last outcome event of a review wins. "dispatch.failed" on a Dispatch row is the
    # failure of one address (kept on that row); only the flow step's failure names the review.
    outcomes = {}
    for event in events.filter(
        verb__in=["dispatch.no_recipients", "statement.dispatched", "dispatch.failed"]
    ).iterator():
        if event.verb == "dispatch.failed" and event.content_type_id != review_type:
            continue
        outcomes[event.review_id] = {
            "dispatch.no_recipients": ("no_recipients", ""),
            "statement.dispatched": ("started", ""),
            "dispatch.failed": ("failed", str((event.details or {}).get("error", ""))[:300]),
        }[event.verb]
    for review_id, (outcome, error) in outcomes.items():
        Review.objects.filter(pk=review_id).update(dispatch_outcome=outcome, dispatch_error=error)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("review", "0011_english_choice_labels"),
    ]

    operations = [
        migrations.CreateModel(
            name="SendBack",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="Begründung")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="zurückgegeben am"
                    ),
                ),
            ],
            options={
                "verbose_name": "Rückgabe zur Überarbeitung",
                "verbose_name_plural": "Rückgaben zur Überarbeitung",
                "ordering": ["review", "created_at"],
            },
        ),
        migrations.AddField(
            model_name="review",
            name="dispatch_error",
            field=models.CharField(blank=True, max_length=300, verbose_name="Fehler beim Versand"),
        ),
        migrations.AddField(
            model_name="review",
            name="dispatch_outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "not dispatched yet"),
                    ("started", "Dispatch started"),
                    ("no_recipients", "Not sent: no recipients on record"),
                    ("failed", "Dispatch failed"),
                ],
                default="",
                max_length=20,
                verbose_name="Versand",
            ),
        ),
        migrations.AddField(
            model_name="statementversion",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="schlussgezeichnet am"),
        ),
        migrations.AddField(
            model_name="statementversion",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="schlussgezeichnet von",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="verb",
            field=models.CharField(
                choices=[
                    ("account.deactivated", "Access deactivated"),
                    ("account.invitation_accepted", "Invitation accepted"),
                    ("account.invitation_resent", "Invitation sent again"),
                    ("account.invited", "Access invited"),
                    ("account.reactivated", "Access reactivated"),
                    ("account.second_factor_reset", "Second factor reset"),
                    ("beirat_vote.recorded", "Vote of the Beirat recorded"),
                    ("consultation.closed", "Consultation closed"),
                    ("consultation.started", "Consultation started"),
                    ("contribution.declined", "Consultation declined"),
                    ("contribution.given", "Contribution or co-signature given"),
                    ("dispatch.failed", "Dispatch failed"),
                    ("dispatch.no_recipients", "Not sent: no recipients on record"),
                    ("dispatch.resent", "Dispatch started again"),
                    ("dispatch.sent", "Statement sent"),
                    ("documents.failed", "Generating the documents failed"),
                    ("documents.generated", "Documents generated"),
                    ("documents.request_failed", "The documents could not be requested"),
                    ("documents.requested", "Documents requested"),
                    ("documents.retried", "Generating the documents restarted"),
                    ("receipt.confirmed", "Receipt confirmed"),
                    ("review.assigned", "Case assigned"),
                    (
                        "review.decision_imported",
                        "Decision taken over from the council information system",
                    ),
                    ("review.opened", "Case opened"),
                    ("review.outcome_recorded", "Decision recorded, case closed"),
                    ("review.reassigned", "Case reassigned"),
                    (
                        "review.relinked",
                        "Paper linked anew: the council information system changed its id",
                    ),
                    ("review.triaged", "Paper triaged: relevant"),
                    ("statement.approved", "Statement approved"),
                    ("statement.dispatched", "Dispatch of the statement started"),
                    ("statement.saved", "Statement saved"),
                    ("statement.sent_back", "Statement sent back for revision"),
                    ("statement.submitted", "Statement submitted for final approval"),
                    ("task.claimed", "Task claimed"),
                    ("task.escalated", "Overdue task escalated to the deputy"),
                    ("task.overdue", "Task overdue: reminder sent"),
                    ("template.activated", "Word template activated"),
                    ("template.uploaded", "Word template uploaded"),
                ],
                db_index=True,
                max_length=100,
                verbose_name="Aktion",
            ),
        ),
        migrations.AddConstraint(
            model_name="statementversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("approved_at__isnull", True), ("approved_by__isnull", True)),
                    models.Q(("approved_at__isnull", False), ("approved_by__isnull", False)),
                    _connector="OR",
                ),
                name="statement_version_approval_has_person_and_time",
            ),
        ),
        migrations.AddField(
            model_name="sendback",
            name="review",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="send_backs",
                to="review.review",
                verbose_name="Vorgang",
            ),
        ),
        migrations.AddField(
            model_name="sendback",
            name="sent_back_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="zurückgegeben von",
            ),
        ),
        migrations.AddField(
            model_name="sendback",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="send_backs",
                to="review.statementversion",
                verbose_name="Fassung",
            ),
        ),
        migrations.AddConstraint(
            model_name="sendback",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason", ""), _negated=True), name="send_back_has_reason"
            ),
        ),
        migrations.RunPython(fill_from_audit, migrations.RunPython.noop),
    ]
