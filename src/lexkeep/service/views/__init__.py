"""Pages of the service area: dashboard, contacts, duties, notifications, rules."""

from lexkeep.service.views.contacts import (
    attachment_download,
    client_service,
    contact_detail,
    contact_list,
    contact_new,
)
from lexkeep.service.views.duties import (
    document_download,
    duty_detail,
    duty_list,
    rule_edit,
    rule_list,
)
from lexkeep.service.views.home import home, notifications, notifications_badge

__all__ = [
    "attachment_download",
    "client_service",
    "contact_detail",
    "contact_list",
    "contact_new",
    "document_download",
    "duty_detail",
    "duty_list",
    "home",
    "notifications",
    "notifications_badge",
    "rule_edit",
    "rule_list",
]
