"""Contacts: an index of a matter's contacts by purpose, and three fewer.

The new partial index holds what the sweep reads of the latest contact of
a purpose on a matter, so that read never touches the table. The foreign
keys to the client, the matter and the user lose their single-column
indexes: an index leading with the same column already serves every
lookup by them. The single-column indexes are dropped by name (on SQLite
altering a foreign key would copy the whole table).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

#: The foreign keys whose single-column index goes.
COLUMNS = ("client_id", "matter_id", "user_id")


def _single_column_indexes(schema_editor, model, column):
    names = schema_editor._constraint_names(model, [column], index=True)
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )
    return [n for n in names if found[n]["columns"] == [column] and not found[n]["unique"]]


def drop_indexes(apps, schema_editor):
    Contact = apps.get_model("service", "Contact")
    for column in COLUMNS:
        for name in _single_column_indexes(schema_editor, Contact, column):
            schema_editor.execute(schema_editor._delete_index_sql(Contact, name))


def create_indexes(apps, schema_editor):
    Contact = apps.get_model("service", "Contact")
    for column in COLUMNS:
        if _single_column_indexes(schema_editor, Contact, column):
            continue
        field = next(f for f in Contact._meta.fields if f.column == column)
        schema_editor.execute(schema_editor._create_index_sql(Contact, fields=[field]))


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0005_short_query_index'),
        ('matters', '0006_matter_index_holds_sweep_columns'),
        ('service', '0010_contact_flagged_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name='contact',
                    name='client',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to='clients.client', verbose_name='client'),
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='matter',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to='matters.matter', verbose_name='matter'),
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='user',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to=settings.AUTH_USER_MODEL, verbose_name='who'),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(condition=models.Q(('matter__isnull', False)), fields=['matter', 'purpose', 'occurred_on', 'channel'], name='service_contact_purpose_idx'),
        ),
    ]
