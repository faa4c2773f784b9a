"""An index on viewflow's task table for the lists that look for one step in one state: the
inbox's unassigned Schlusszeichnungen (approve, NEW) and its dispatchers' alert (await_documents,
NEW). Without it PostgreSQL read every NEW task (the triage pool) to find the few of that step
(docs/performance.md, "Fifth pass"). viewflow's own migrations stay as they are; the index is
the project's and lives here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_cleanup_participation_nodes"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX workflows_task_step_status ON viewflow_task (flow_task, status)",
            reverse_sql="DROP INDEX workflows_task_step_status",
        )
    ]
