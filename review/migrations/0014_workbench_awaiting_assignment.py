"""The status "Zuweisung offen" (#15): a case triaged as affected and not yet assigned, until
now NEW with triaged_at set."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Review = apps.get_model("review", "Review")
    Review.objects.filter(status="new", triaged_at__isnull=False).update(
        status="awaiting_assignment"
    )


def backwards(apps, schema_editor):
    Review = apps.get_model("review", "Review")
    Review.objects.filter(status="awaiting_assignment").update(status="new")


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0013_state_triage_facts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="review",
            name="status",
            field=models.CharField(
                choices=[
                    ("new", "New – triage open"),
                    ("awaiting_assignment", "Awaiting assignment"),
                    ("not_affected", "Not affected"),
                    ("assigned", "Assigned"),
                    ("drafting", "Drafting"),
                    ("consultation", "In consultation"),
                    ("approval", "Awaiting final approval"),
                    ("approved", "Released"),
                    ("dispatched", "Dispatched"),
                    ("closed", "Closed"),
                ],
                db_index=True,
                default="new",
                max_length=20,
                verbose_name="Status",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
