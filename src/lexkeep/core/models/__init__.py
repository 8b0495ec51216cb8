from lexkeep.core.models.audit import AuditEntry
from lexkeep.core.models.calendar import FirmHoliday
from lexkeep.core.models.keys import DataKey

__all__ = ["AuditEntry", "DataKey", "FirmHoliday"]
