"""On PostgreSQL, a GIN index for the German full-text search of paper titles.

The expression is the one Django's SearchVector("name", config="german") generates, so the
search in PaperQuerySet.search uses it. Other databases search by substring and need nothing.
"""

from django.db import migrations

INDEX = "review_paper_name_fulltext_de"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON review_paper "
            "USING gin (to_tsvector('german'::regconfig, COALESCE(name, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("review", "0007_dispatch_document_fk")]

    operations = [migrations.RunPython(create_index, drop_index)]
