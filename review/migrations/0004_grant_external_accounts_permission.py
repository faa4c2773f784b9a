"""The office (Beauftragte) and the administrators invite and deactivate external accounts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Beauftragte", "Administration"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.get(
        codename="manage_external_accounts", content_type__app_label="review"
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [("review", "0003_external_accounts_notifications")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
