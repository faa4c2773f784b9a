"""Create the five roles as groups with their permissions, the Handlungsfelder, and, on
PostgreSQL, a trigger that refuses UPDATE and DELETE on the audit table."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COUNCIL_MODELS = ["body", "organization", "meeting", "agendaitem", "paper", "consultation", "file"]
CASE_MODELS = [
    "review",
    "statement",
    "statementversion",
    "changeproposal",
    "beiratvote",
    "contribution",
]


def _view(models: list[str]) -> list[str]:
    return [f"view_{m}" for m in models]


OFFICER = [
    *_view(COUNCIL_MODELS),
    *_view(CASE_MODELS),
    "view_topic",
    "add_paper",
    "add_file",
    "add_consultation",
    "add_review",
    "change_review",
    "add_statement",
    "add_statementversion",
    "add_changeproposal",
    "add_beiratvote",
    "add_contribution",
    "change_contribution",
    "triage_review",
    "draft_statement",
    "record_beirat_vote",
    "record_outcome",
    "dispatch_statement",
]
ROLE_PERMISSIONS = {
    "Sachbearbeitung": OFFICER,
    "Beauftragte": [*OFFICER, "assign_review", "approve_statement", "view_auditevent"],
    "Gremienbetreuung": [
        "view_paper",
        "view_meeting",
        "view_organization",
        "view_consultation",
        "view_released_statement",
    ],
    "Beiratsmitglied": ["view_shared_review", "record_beirat_vote"],
    "Administration": [
        *_view(COUNCIL_MODELS),
        *_view(CASE_MODELS),
        "view_auditevent",
        "add_source",
        "change_source",
        "view_source",
        "delete_source",
        "add_organization",
        "change_organization",
        "add_topic",
        "change_topic",
        "view_topic",
        "delete_topic",
        "add_user",
        "change_user",
        "view_user",
        "view_group",
    ],
}

TOPICS = [
    ("Arbeit", "arbeit"),
    ("Bildung", "bildung"),
    ("Familie", "familie"),
    ("Gesundheit", "gesundheit"),
    ("Kultur", "kultur"),
    ("Politik und Teilhabe", "politik"),
    ("Sprache", "sprache"),
    ("Stadtplanung", "stadtplanung"),
    ("Wohnen", "wohnen"),
    ("Soziales", "soziales"),
    ("Sicherheit", "sicherheit"),
]

AUDIT_GUARD_SQL = """
CREATE OR REPLACE FUNCTION review_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'review_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER review_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON review_auditevent
    FOR EACH ROW EXECUTE FUNCTION review_auditevent_append_only();
"""
AUDIT_GUARD_REVERSE_SQL = """
DROP TRIGGER IF EXISTS review_auditevent_no_update_delete ON review_auditevent;
DROP FUNCTION IF EXISTS review_auditevent_append_only();
"""


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            codename__in=codenames, content_type__app_label__in=["review", "auth"]
        )
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {name}: {sorted(missing)}")
        group.permissions.add(*perms)


def create_topics(apps, schema_editor):
    Topic = apps.get_model("review", "Topic")
    for name, slug in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})


def add_audit_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_SQL)


def remove_audit_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_topics, migrations.RunPython.noop),
        migrations.RunPython(add_audit_guard, remove_audit_guard),
    ]
