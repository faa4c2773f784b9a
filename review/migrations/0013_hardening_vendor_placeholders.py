"""Agenda results and decisions that are only a vendor's "(kein Text vorhanden)" become empty:
they were imported as if the committee had decided that (the sync now reads them as empty)."""

from django.db import migrations
from django.db.models import Q

PHRASES = ["(kein Text vorhanden)", "kein Text vorhanden"]


def _is_placeholder(field: str) -> Q:
    condition = Q()
    for phrase in PHRASES:
        condition |= Q(**{f"{field}__iexact": phrase})
    return condition


def clear_placeholders(apps, schema_editor):
    AgendaItem = apps.get_model("review", "AgendaItem")
    Review = apps.get_model("review", "Review")
    AgendaItem.objects.filter(_is_placeholder("result")).update(result="")
    AgendaItem.objects.filter(_is_placeholder("resolution_text")).update(resolution_text="")
    Review.objects.filter(_is_placeholder("decision_text")).update(decision_text="")
    cleared = list(
        Review.objects.filter(_is_placeholder("decision_result")).values_list("pk", flat=True)
    )
    Review.objects.filter(pk__in=cleared).update(decision_result="")
    # The import set decided_at with the placeholder; an outcome recorded by hand keeps it.
    Review.objects.filter(pk__in=cleared, decision_text="", outcome="").update(decided_at=None)


class Migration(migrations.Migration):
    dependencies = [("review", "0012_hardening_agenda_item_files")]

    operations = [migrations.RunPython(clear_placeholders, migrations.RunPython.noop)]
