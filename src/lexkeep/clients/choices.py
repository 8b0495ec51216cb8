"""Codes of SPEC §2.1 and §2.3 (enum values of the API)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTERPRISE = "enterprise", _("Enterprise")
    GOVERNMENT = "government", _("Government or public institution")


class EnterpriseKind(models.TextChoices):
    LLC = "llc", _("Limited liability company")
    JOINT_STOCK = "joint_stock", _("Joint-stock company")
    PARTNERSHIP = "partnership", _("Partnership")
    OTHER = "other", _("Other enterprise")


class Domain(models.TextChoices):
    LITIGATION = "litigation", _("Litigation")
    NON_LITIGATION = "non_litigation", _("Non-litigation")
    COUNSEL = "counsel", _("Perennial counsel")


class SubDomain(models.TextChoices):
    CIVIL = "civil", _("Civil")
    CRIMINAL = "criminal", _("Criminal")
    ADMINISTRATIVE = "administrative", _("Administrative")
    MNA = "mna", _("Mergers and restructuring")
    IP = "ip", _("Intellectual property")
    TAX = "tax", _("Tax planning")
    OTHER = "other", _("Other")


#: Which sub-domains belong to which domain (SPEC §2.1).
SUB_DOMAINS: dict[str, tuple[str, ...]] = {
    Domain.LITIGATION: (SubDomain.CIVIL, SubDomain.CRIMINAL, SubDomain.ADMINISTRATIVE),
    Domain.NON_LITIGATION: (
        SubDomain.MNA,
        SubDomain.IP,
        SubDomain.TAX,
        SubDomain.OTHER,
    ),
    Domain.COUNSEL: (),
}


class Tier(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    KEY = "key", _("Key")
    ORDINARY = "ordinary", _("Ordinary")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WECHAT = "wechat", _("WeChat")
    IN_PERSON = "in_person", _("In person")


class ServiceFocus(models.TextChoices):
    EFFICIENCY = "efficiency", _("Efficiency")
    COST = "cost", _("Cost")
    COMMUNICATION = "communication", _("Communication")
