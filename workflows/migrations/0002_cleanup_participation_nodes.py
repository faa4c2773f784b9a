"""The flow's participation nodes were called consult/consulted/needs_consultation. viewflow keeps
a task's node as a string ("workflows/flows.ReviewFlow.consult") in viewflow_task.flow_task, so
the stored rows of running and finished cases are rewritten to the new names; without this a
case in participation would no longer load its tasks."""

from django.db import migrations

FLOW = "workflows/flows.ReviewFlow."
RENAMED = {
    "needs_consultation": "needs_participation",
    "consult": "participation",
    "consulted": "participation_closed",
}


def _rewrite(schema_editor, pairs):
    with schema_editor.connection.cursor() as cursor:
        for old, new in pairs:
            cursor.execute(
                "UPDATE viewflow_task SET flow_task = %s WHERE flow_task = %s",
                [FLOW + new, FLOW + old],
            )


def rename_nodes(apps, schema_editor):
    _rewrite(schema_editor, RENAMED.items())


def restore_nodes(apps, schema_editor):
    _rewrite(schema_editor, [(new, old) for old, new in RENAMED.items()])


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_review_process"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(rename_nodes, restore_nodes)]
