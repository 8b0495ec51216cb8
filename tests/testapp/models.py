"""Models exercising ``EncryptedTextField`` and ``BlindIndexField``."""

from django.db import models

from lexkeep.core.fields import BlindIndexField, EncryptedTextField


class SecretThing(models.Model):
    """A record with one sensitive number, searchable by its blind index."""

    name = models.CharField(max_length=100)
    id_number = EncryptedTextField(blank=True)
    id_number_index = BlindIndexField(source="id_number")
    note = EncryptedTextField(null=True, blank=True)
    other_number = EncryptedTextField(blank=True)

    def __str__(self) -> str:
        return self.name
