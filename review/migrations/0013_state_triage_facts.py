"""The triage decision as fields on the review (so "awaiting assignment" is a query on
reviews, not on viewflow's task table); filled from the "review.triaged" audit events."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_from_audit(apps, schema_editor):
    AuditEvent = apps.get_model("review", "AuditEvent")
    Review = apps.get_model("review", "Review")
    events = AuditEvent.objects.filter(verb="review.triaged", review__isnull=False).order_by("id")
    for event in events.iterator():
        Review.objects.filter(pk=event.review_id, triaged_at__isnull=True).update(
            triaged_at=event.created_at, triaged_by_id=event.actor_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0012_state_facts_as_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="triaged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="gesichtet am"),
        ),
        migrations.AddField(
            model_name="review",
            name="triaged_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="gesichtet von",
            ),
        ),
        migrations.RunPython(fill_from_audit, migrations.RunPython.noop),
    ]
