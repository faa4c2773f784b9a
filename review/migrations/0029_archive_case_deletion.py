import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant(apps, schema_editor):
    """The administrators read the retention report and the deletion records."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Administration")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="review", codename="view_deletionrecord")
    )


def fill_papers(apps, schema_editor):
    """Items offered before this migration learn their case's paper while the case exists."""
    HandoverItem = apps.get_model("review", "HandoverItem")
    Review = apps.get_model("review", "Review")
    for item in HandoverItem.objects.filter(paper_id__isnull=True):
        paper_id = Review.objects.filter(pk=item.review_id).values_list("paper_id", flat=True)
        if paper_id:
            HandoverItem.objects.filter(pk=item.pk).update(paper_id=paper_id[0])


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0028_audit_verb_without_choices"),
    ]

    operations = [
        # The events of a case outlive it once it is deleted after its hand-over: the id stays
        # (it is in the hashed part), the constraint goes (docs/retention.md).
        migrations.AlterField(
            model_name="auditevent",
            name="review",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="audit_events",
                to="review.review",
                verbose_name="Vorgang",
            ),
        ),
        migrations.AddField(
            model_name="handoveritem",
            name="paper",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="review.paper",
                verbose_name="Vorlage",
            ),
        ),
        migrations.RunPython(fill_papers, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
