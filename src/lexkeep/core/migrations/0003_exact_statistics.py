"""Planner statistics from every row, not a sample.

The daily upkeep used to analyse SQLite's tables by sampling a thousand
entries per index, which makes a column of three values (a client's tier)
look as selective as one of a thousand. It now analyses in full; a
database that has statistics gets exact ones at once instead of at the
next night's upkeep (:func:`lexkeep.core.maintenance.refresh_statistics`).
"""

from django.db import migrations

from lexkeep.core.maintenance import refresh_statistics


def analyse_everything(apps, schema_editor):
    refresh_statistics(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_audit_append_only"),
        ("matters", "0007_hearing_date_index"),
        ("service", "0014_purpose_index_covers_matching"),
    ]

    operations = [
        migrations.RunPython(analyse_everything, migrations.RunPython.noop),
    ]
