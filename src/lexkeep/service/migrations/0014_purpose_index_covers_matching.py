"""Contacts: the index by purpose and day also holds the channel and client.

The sweep matches a calendar rule's duties from the period's contacts of
the rule's purpose and channels when those are fewer than the new duties:
it counts them and reads their clients. With the channel and the client in
the index, both are read from it alone instead of looking up each contact
(about a tenth of a second per rule on a firm of 2,000,000 contacts). The
firm's log filtered by purpose still reads its page in order from it.
On SQLite, a database with planner statistics gets them for the new index
(:func:`lexkeep.core.maintenance.analyse_new_index`).
"""

from django.db import migrations, models

from lexkeep.core.maintenance import analyse_new_index


def analyse_contacts(apps, schema_editor):
    analyse_new_index(schema_editor, "service_contact")


class Migration(migrations.Migration):

    dependencies = [
        ('service', '0013_live_duty_index_by_rule'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='contact',
            name='service_con_purpose_1ddfdb_idx',
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(
                fields=['purpose', 'occurred_on', 'channel', 'client'],
                name='service_contact_purpose_day',
            ),
        ),
        migrations.RunPython(analyse_contacts, migrations.RunPython.noop),
    ]
