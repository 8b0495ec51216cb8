"""Admin of the clients app: a read-mostly view for the firm's IT.

Sensitive fields are never shown or edited here (SPEC §6): writes go through
the services, which enforce consent, validation, history and the audit log.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from lexkeep.clients.models import Client, Consent, TierChange, TierPolicy


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: object | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: object | None = None
    ) -> bool:
        return False


@admin.register(Client)
class ClientAdmin(_ReadOnly):
    list_display = ("name", "client_type", "tier", "owner", "updated_at")
    list_filter = ("client_type", "tier")
    search_fields = ("name", "credit_code")
    exclude = ("id_number", "bank_account")


@admin.register(Consent)
class ConsentAdmin(_ReadOnly):
    list_display = ("client", "kind", "signed_on", "withdrawn_on")
    list_filter = ("kind",)
    exclude = ("document_blob", "document_key")


@admin.register(TierChange)
class TierChangeAdmin(_ReadOnly):
    list_display = (
        "client",
        "old_tier",
        "new_tier",
        "source",
        "changed_by",
        "changed_at",
    )
    list_filter = ("source", "new_tier")


@admin.register(TierPolicy)
class TierPolicyAdmin(_ReadOnly):
    list_display = ("strategic_threshold", "key_threshold", "updated_at", "updated_by")
