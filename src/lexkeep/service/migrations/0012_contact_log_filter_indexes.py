"""Contacts: the firm's log filtered by channel, purpose or direction.

Each filter gets an index by day, so the page is read in order from it.
On SQLite, a database whose planner already has statistics gets them for
the new indexes too: next to analysed indexes, an index without statistics
is costed by default guesses, which can make the planner prefer it where a
client's index is far better.
"""

from django.conf import settings
from django.db import migrations, models

from lexkeep.core.maintenance import analyse_new_index


def analyse_contacts(apps, schema_editor):
    analyse_new_index(schema_editor, "service_contact")


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0005_short_query_index'),
        ('matters', '0006_matter_index_holds_sweep_columns'),
        ('service', '0011_contact_index_by_matter_purpose'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['channel', 'occurred_on'], name='service_con_channel_9fef37_idx'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['purpose', 'occurred_on'], name='service_con_purpose_1ddfdb_idx'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['direction', 'occurred_on'], name='service_con_directi_224ac8_idx'),
        ),
        migrations.RunPython(analyse_contacts, migrations.RunPython.noop),
    ]
