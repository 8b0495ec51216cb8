"""Model fields for sensitive values: encrypted text and its blind index.

Pattern (ARCHITECTURE "Data protection by design")::

    class Client(models.Model):
        id_number = EncryptedTextField(_("resident ID"), blank=True)
        id_number_index = BlindIndexField(source="id_number")

    Client.objects.filter(
        id_number_index=blind_index_for(Client, "id_number", typed_number)
    )

The database holds only ``v1.<key id>.<ciphertext>`` tokens and HMACs.
Ciphertext cannot be compared, so an encrypted field supports no lookup but
``isnull`` (and ``= None``); exact matches go through the blind index.
``BlindIndexField`` fills itself in ``pre_save``; ``QuerySet.update()``,
``bulk_update()`` and ``save(update_fields=[...])`` without the index field
bypass that, so use ``blind_index_for`` there.

The AAD of a value is ``<app_label>.<model_name>.<field name>``: renaming
the model or field makes old tokens unreadable unless ``aad=`` pins the old
name.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import Exact, IsNull
from django.utils.translation import gettext_lazy as _

from lexkeep.core.crypto import blind_index, decrypt_value, encrypt_value


def _refuse(field: models.Field[Any, Any], lookup_name: str) -> FieldError:
    return FieldError(
        f"{field.model._meta.label}.{field.name} is encrypted: the lookup "
        f"'{lookup_name}' cannot compare ciphertext. Only 'isnull' is "
        "supported; use its blind index for exact matches."
    )


class _NoneOnlyExact(Exact):
    """``field=None``, which Django turns into ``isnull``; nothing else."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if rhs is not None:
            raise _refuse(lhs.output_field, "exact")
        super().__init__(lhs, rhs)


class EncryptedTextField(models.TextField):
    """Text stored as an AES-256-GCM token, read back as plaintext ``str``.

    ``None`` and ``""`` are stored as they are (emptiness is not a secret,
    and it lets ``blank=True`` columns be added with a default).
    """

    description = _("Encrypted text")

    def __init__(self, *args: Any, aad: str | None = None, **kwargs: Any) -> None:
        self.pinned_aad = aad
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        """Return the field's construction arguments for migrations."""
        name, path, args, kwargs = super().deconstruct()
        if self.pinned_aad is not None:
            kwargs["aad"] = self.pinned_aad
        return name, path, args, kwargs

    @property
    def aad(self) -> str:
        """Return the associated data binding tokens to this field."""
        if self.pinned_aad is not None:
            return self.pinned_aad
        meta = self.model._meta
        return f"{meta.app_label}.{meta.model_name}.{self.name}"

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        """Refuse options that would need ciphertext comparisons."""
        errors = super().check(**kwargs)
        for option in ("primary_key", "unique", "db_index"):
            if getattr(self, option, False):
                errors.append(
                    checks.Error(
                        f"EncryptedTextField cannot have {option}=True: "
                        "ciphertext is random. Index a BlindIndexField instead.",
                        obj=self,
                        id="lexkeep.E001",
                    )
                )
        return errors

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> str | None:
        """Decrypt a token read from the database."""
        if value is None or value == "":
            return value
        return decrypt_value(value, aad=self.aad)

    def get_prep_value(self, value: Any) -> Any:
        """Encrypt a plaintext value on its way to the database."""
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_value(value, aad=self.aad)

    def get_lookup(self, lookup_name: str) -> Any:
        """Allow only ``isnull`` (and ``exact`` with ``None``)."""
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return _NoneOnlyExact
        raise _refuse(self, lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        """Refuse every transform: ciphertext has no useful functions."""
        raise _refuse(self, lookup_name)


def blind_index_for(model_cls: type[models.Model], field_name: str, value: str) -> str:
    """Return the blind index of ``value`` for ``model_cls.field_name``.

    The purpose is the field's AAD, so two fields holding the same number
    get different indexes. Use it to filter on the matching index field.
    """
    field = model_cls._meta.get_field(field_name)
    if isinstance(field, EncryptedTextField):
        purpose = field.aad
    else:
        meta = field.model._meta
        purpose = f"{meta.app_label}.{meta.model_name}.{field.name}"
    if not value or not value.strip():
        raise ValueError("An empty value has no blind index.")
    return blind_index(value, purpose=purpose)


class BlindIndexField(models.CharField):
    """The HMAC of another field's value, indexed for exact-match lookups.

    Filled from ``source`` on every ``save()`` and ``bulk_create()``;
    ``""`` when the source is empty.
    """

    description = _("Blind index")

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        """Return the field's construction arguments for migrations."""
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        """Check that ``source`` names a field of the model."""
        errors = super().check(**kwargs)
        try:
            self.model._meta.get_field(self.source)
        except FieldDoesNotExist:
            errors.append(
                checks.Error(
                    f"BlindIndexField source '{self.source}' is not a field.",
                    obj=self,
                    id="lexkeep.E002",
                )
            )
        return errors

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        """Compute the index from the source value before saving."""
        value = getattr(model_instance, self.source)
        index = (
            blind_index_for(type(model_instance), self.source, value)
            if value and str(value).strip()
            else ""
        )
        setattr(model_instance, self.attname, index)
        return index
