"""Review.Status.PARTICIPATION is stored as "participation" (was "consultation", OParl's word);
the rows of cases in participation move with it."""

from django.db import migrations, models


def rename_status(apps, schema_editor):
    apps.get_model("review", "Review").objects.filter(status="consultation").update(
        status="participation"
    )


def restore_status(apps, schema_editor):
    apps.get_model("review", "Review").objects.filter(status="participation").update(
        status="consultation"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0028_audit_verb_without_choices"),
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
                    ("participation", "In participation"),
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
        migrations.RunPython(rename_status, restore_status),
    ]
