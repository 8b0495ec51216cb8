"""Hearings: an index by date.

The service sweep reads the hearings of the coming year (a time
confirmation is owed before each) by date, instead of every matter's
hearings. On SQLite, a database with planner statistics gets them for the
new index (:func:`lexkeep.core.maintenance.analyse_new_index`).
"""

from django.db import migrations, models

from lexkeep.core.maintenance import analyse_new_index


def analyse_hearings(apps, schema_editor):
    analyse_new_index(schema_editor, "matters_hearing")


class Migration(migrations.Migration):

    dependencies = [
        ('matters', '0006_matter_index_holds_sweep_columns'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='hearing',
            index=models.Index(fields=['scheduled_at'], name='matters_hea_schedul_cc0d36_idx'),
        ),
        migrations.RunPython(analyse_hearings, migrations.RunPython.noop),
    ]
