"""Seed the duty rules with the standard's values (SPEC §2.2, §4).

The values are frozen here; the director changes them afterwards as data.
"""

from django.db import migrations

NOTICE_CHANNELS = ["phone", "email", "wechat", "in_person", "firm_platform", "video"]

DEFAULT_RULES = [
    # strategic (SPEC §2.2, §4)
    dict(code="strategic-meeting", tier="strategic", kind="meeting",
         cadence="month", channels=["in_person"]),
    dict(code="strategic-contact", tier="strategic", kind="regular_contact",
         cadence="every_n_days", interval_days=14, channels=["phone", "email"]),
    dict(code="strategic-symposium", tier="strategic", kind="symposium",
         cadence="quarter", channels=["in_person", "video"], purpose_required=True),
    # key (SPEC §2.2, §4)
    dict(code="key-call", tier="key", kind="phone_call",
         cadence="every_n_days", interval_days=14, channels=["phone"]),
    dict(code="key-email-summary", tier="key", kind="email_summary",
         cadence="month", channels=["email"], purpose_required=True),
    dict(code="key-service-report", tier="key", kind="service_report",
         cadence="quarter", channels=["email", "in_person", "firm_platform"],
         purpose_required=True, document="service_report"),
    dict(code="key-satisfaction-survey", tier="key", kind="satisfaction_survey",
         cadence="year", channels=NOTICE_CHANNELS, purpose_required=True),
    # ordinary (SPEC §2.2, §4): events of the matter, weekly and monthly notices
    dict(code="ordinary-risk-notice", tier="ordinary", kind="risk_notice",
         cadence="event", event="filing", offset_days=-1, scope="matter",
         channels=NOTICE_CHANNELS, purpose_required=True),
    dict(code="ordinary-hearing-confirmation", tier="ordinary",
         kind="hearing_confirmation", cadence="event", event="hearing",
         offset_days=-1, window_days=14, scope="matter",
         channels=NOTICE_CHANNELS, purpose_required=True),
    dict(code="ordinary-judgment-explanation", tier="ordinary",
         kind="judgment_explanation", cadence="event", event="judgment",
         offset_days=3, window_days=3, scope="matter",
         channels=NOTICE_CHANNELS, purpose_required=True),
    dict(code="ordinary-progress-notice", tier="ordinary", kind="progress_notice",
         cadence="every_n_days", interval_days=7, scope="matter",
         condition="open_matter", channels=NOTICE_CHANNELS, purpose_required=True),
    dict(code="ordinary-fee-statement", tier="ordinary", kind="fee_statement",
         cadence="month", condition="open_matter",
         channels=["email", "firm_platform", "in_person", "letter"],
         purpose_required=True, document="fee_statement"),
    # every tier: periodic firm news unless opted out (SPEC §2.2)
    dict(code="firm-news", tier="", kind="firm_news", cadence="quarter",
         condition="news_allowed", channels=["email", "firm_platform", "wechat"],
         purpose_required=True),
]  # fmt: skip


def seed(apps, schema_editor):
    DutyRule = apps.get_model("service", "DutyRule")
    ServicePolicy = apps.get_model("service", "ServicePolicy")
    for position, spec in enumerate(DEFAULT_RULES):
        DutyRule.objects.update_or_create(
            code=spec["code"], defaults={**spec, "position": position}
        )
    ServicePolicy.objects.get_or_create(pk=1)


def unseed(apps, schema_editor):
    apps.get_model("service", "DutyRule").objects.filter(
        code__in=[spec["code"] for spec in DEFAULT_RULES], duties__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
