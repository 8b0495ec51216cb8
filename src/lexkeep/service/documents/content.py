"""What the service report and the fee statement say (SPEC §2.2).

* Client service report (《客户服务报告》, key clients, each quarter): the
  matters' progress, upcoming dates, the service given in the quarter,
  risk alerts, and a recommendations field the client manager completes.
* Fee statement (ordinary clients, each month): per matter the fees
  agreed, received to the end of the month, received in the month, and
  outstanding (agreed − received, never below zero), with the month's
  receipts listed.

Labels are translatable; they are rendered in the firm's language.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lexkeep.matters.models import FeeReceipt, Hearing, Matter
from lexkeep.service.choices import ContactChannel, DutyKind, DutyStatus
from lexkeep.service.documents.model import Document, Section, Table
from lexkeep.service.models import Contact, Duty

#: Upcoming dates are listed this many days ahead (product decision).
UPCOMING_DAYS = 90
#: A hearing this close without a confirmation contact is a risk alert.
HEARING_ALERT_DAYS = 14
#: Ruled lines left for the client manager's recommendations.
RECOMMENDATION_LINES = 8
ZERO = Decimal("0.00")


def money(value: Decimal | None) -> str:
    """Return ``value`` as yuan with thousands separators: ``¥1,234.50``."""
    return f"¥{(value or ZERO):,.2f}"


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _firm(firm_name: str) -> str:
    return firm_name or "Lexkeep"


def _matters(duty: Duty, start: dt.date) -> list[Matter]:
    return list(
        Matter.objects.filter(client_id=duty.client_id)
        .filter(
            Q(status=Matter.Status.OPEN)
            | Q(business_end_date__gte=start)
            | Q(fee_receipts__received_on__gte=start)
        )
        .distinct()
        .prefetch_related(
            "handling_lawyers",
            Prefetch("hearings", queryset=Hearing.objects.order_by("scheduled_at")),
        )
        .order_by("engagement_start", "pk")
    )


def _key_dates(matter: Matter) -> str:
    parts = []
    if matter.filing_date:
        parts.append(_("filed %(day)s") % {"day": matter.filing_date})
    hearings = list(matter.hearings.all())
    if hearings:
        last = _local(hearings[-1].scheduled_at)
        parts.append(_("hearing %(day)s") % {"day": last.isoformat()})
    if matter.judgment_date:
        parts.append(_("judgment %(day)s") % {"day": matter.judgment_date})
    return "; ".join(parts) or "—"


def service_report(duty: Duty, *, today: dt.date, firm_name: str) -> Document:
    """Return the quarterly client service report of ``duty``'s client."""
    client = duty.client
    start, end = duty.period_start, duty.due_date
    quarter = duty.period_key.split(":", 1)[-1]
    matters = _matters(duty, start)
    contacts = list(
        Contact.objects.filter(
            client_id=client.pk, occurred_on__gte=start, occurred_on__lte=end
        ).values_list("matter_id", "channel", "compliant_channel")
    )
    per_matter = Counter(m for m, _c, _ok in contacts)
    per_channel = Counter(c for _m, c, _ok in contacts)
    non_compliant = sum(1 for *_rest, ok in contacts if not ok)

    progress = Table(
        headers=[
            _("Matter"),
            _("Case number"),
            _("Status"),
            _("Handling lawyers"),
            _("Key dates"),
            _("Contacts"),
        ],
        rows=[
            [
                m.name,
                m.case_number or "—",
                str(m.get_status_display()),
                "、".join(u.display_name for u in m.handling_lawyers.all()) or "—",
                _key_dates(m),
                str(per_matter.get(m.pk, 0)),
            ]
            for m in matters
        ],
        numeric=frozenset({5}),
        widths=[0.24, 0.17, 0.08, 0.15, 0.26, 0.10],
        empty=_("No open matter in this quarter."),
    )

    horizon = today + dt.timedelta(days=UPCOMING_DAYS)
    upcoming: list[tuple[dt.date, str, str]] = []
    for m in matters:
        for hearing in m.hearings.all():
            day = _local(hearing.scheduled_at)
            if today <= day <= horizon:
                label = _("Hearing")
                if hearing.location:
                    label = f"{label}（{hearing.location}）"
                upcoming.append((day, m.name, label))
        for key_day, label in (
            (m.filing_date, _("Filing of suit")),
            (m.judgment_effective_date, _("Judgment takes effect")),
            (m.engagement_end, _("Engagement ends")),
        ):
            if key_day and today <= key_day <= horizon:
                upcoming.append((key_day, m.name, str(label)))
    upcoming.sort()
    upcoming_table = Table(
        headers=[_("Date"), _("Matter"), _("Event")],
        rows=[[d.isoformat(), name, label] for d, name, label in upcoming],
        widths=[0.18, 0.47, 0.35],
        empty=_("No key date in the next %(days)s days.") % {"days": UPCOMING_DAYS},
    )

    duties = Duty.objects.filter(client_id=client.pk, due_date__gte=start).filter(
        due_date__lte=end
    )
    done_on_time = sum(
        1
        for status, done_on, due in duties.values_list("status", "done_on", "due_date")
        if status == DutyStatus.DONE and done_on and done_on <= due
    )
    overdue = list(
        Duty.objects.filter(client_id=client.pk, status=DutyStatus.OVERDUE)
        .select_related("rule")
        .order_by("due_date")
    )
    channel_rows = [
        [str(ContactChannel(channel).label), str(count)]
        for channel, count in per_channel.most_common()
    ]
    service_table = Table(
        headers=[_("Channel"), _("Contacts")],
        rows=channel_rows,
        numeric=frozenset({1}),
        widths=[0.7, 0.3],
        total=[_("Total"), str(len(contacts))],
        empty=_("No contact logged in this quarter."),
    )

    alerts = [
        _("%(duty)s was due on %(day)s and is overdue.")
        % {"duty": DutyKind(d.rule.kind).label, "day": d.due_date}
        for d in overdue
    ]
    if non_compliant:
        alerts.append(
            _("%(count)s contacts used a personal channel (WeChat or QQ).")
            % {"count": non_compliant}
        )
    soon = today + dt.timedelta(days=HEARING_ALERT_DAYS)
    confirmed = set(
        Duty.objects.filter(
            client_id=client.pk,
            hearing__isnull=False,
            status=DutyStatus.DONE,
        ).values_list("hearing_id", flat=True)
    )
    for m in matters:
        for hearing in m.hearings.all():
            if today <= _local(hearing.scheduled_at) <= soon and (
                hearing.pk not in confirmed
            ):
                alerts.append(
                    _("The hearing of %(matter)s on %(day)s is not yet confirmed.")
                    % {"matter": m.name, "day": _local(hearing.scheduled_at)}
                )
    received = _received(matters, end)
    for m in matters:
        outstanding = (m.agreed_fee or ZERO) - received.get(m.pk, ZERO)
        if m.status == Matter.Status.CLOSED and outstanding > 0:
            alerts.append(
                _("%(matter)s is closed with %(amount)s outstanding.")
                % {"matter": m.name, "amount": money(outstanding)}
            )
    if not alerts:
        alerts.append(_("No risk alert."))

    owner = client.owner.display_name if client.owner else "—"
    return Document(
        firm=_firm(firm_name),
        title=_("Client service report"),
        subtitle=f"{client.name}  {quarter}",
        facts=[
            (_("Client"), client.name),
            (_("Tier"), str(client.get_tier_display())),
            (_("Period"), f"{start.isoformat()} – {end.isoformat()}"),
            (_("Client manager"), owner),
            (_("Prepared on"), today.isoformat()),
            (_("Status"), _("Draft for the client manager")),
        ],
        sections=[
            Section(_("Progress of the matters"), table=progress),
            Section(_("Upcoming dates"), table=upcoming_table),
            Section(
                _("Service in the quarter"),
                paragraphs=[
                    _("Duties due in the quarter done on time: %(done)s of %(total)s.")
                    % {"done": done_on_time, "total": duties.count()}
                ],
                table=service_table,
            ),
            Section(_("Risk alerts"), bullets=alerts),
            Section(
                _("Recommendations"),
                paragraphs=[_("To be completed by the client manager.")],
                blank_lines=RECOMMENDATION_LINES,
            ),
        ],
        closing=[
            _("Client manager: %(name)s") % {"name": owner},
            _("Signature and date:"),
        ],
        footer=_("Confidential: prepared for the client only."),
        file_stem=f"service-report-{client.pk}-{quarter}",
    )


def _received(matters: list[Matter], until: dt.date) -> dict[int, Decimal]:
    rows = (
        FeeReceipt.objects.filter(
            matter_id__in=[m.pk for m in matters], received_on__lte=until
        )
        .values("matter_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["matter_id"]: row["total"] or ZERO for row in rows}


def fee_statement(duty: Duty, *, today: dt.date, firm_name: str) -> Document:
    """Return the monthly fee statement of ``duty``'s client."""
    client = duty.client
    start, end = duty.period_start, duty.due_date
    month = duty.period_key.split(":", 1)[-1]
    matters = _matters(duty, start)
    to_date = _received(matters, end)
    receipts = list(
        FeeReceipt.objects.filter(
            matter__client_id=client.pk, received_on__gte=start, received_on__lte=end
        )
        .select_related("matter")
        .order_by("received_on", "pk")
    )
    in_month: dict[int, Decimal] = {}
    for receipt in receipts:
        in_month[receipt.matter_id] = in_month.get(receipt.matter_id, ZERO) + (
            receipt.amount
        )
    rows = []
    totals = [ZERO, ZERO, ZERO, ZERO]
    for m in matters:
        agreed = m.agreed_fee or ZERO
        received = to_date.get(m.pk, ZERO)
        month_amount = in_month.get(m.pk, ZERO)
        outstanding = max(agreed - received, ZERO)
        for i, value in enumerate((agreed, received, month_amount, outstanding)):
            totals[i] += value
        rows.append(
            [
                m.name,
                m.case_number or "—",
                money(agreed),
                money(received),
                money(month_amount),
                money(outstanding),
            ]
        )
    fees = Table(
        headers=[
            _("Matter"),
            _("Case number"),
            _("Fees agreed"),
            _("Received to date"),
            _("Received this month"),
            _("Outstanding"),
        ],
        rows=rows,
        numeric=frozenset({2, 3, 4, 5}),
        widths=[0.25, 0.17, 0.145, 0.145, 0.145, 0.145],
        total=[_("Total"), "", *(money(v) for v in totals)],
        empty=_("No matter to account for this month."),
    )
    receipt_table = Table(
        headers=[_("Received on"), _("Matter"), _("Amount"), _("Note")],
        rows=[
            [_day(r.received_on), r.matter.name, money(r.amount), r.note or "—"]
            for r in receipts
        ],
        numeric=frozenset({2}),
        widths=[0.16, 0.4, 0.18, 0.26],
        empty=_("No payment received this month."),
    )
    owner = client.owner.display_name if client.owner else "—"
    return Document(
        firm=_firm(firm_name),
        title=_("Fee statement"),
        subtitle=f"{client.name}  {month}",
        facts=[
            (_("Client"), client.name),
            (_("Period"), f"{start.isoformat()} – {end.isoformat()}"),
            (_("Handling lawyer"), owner),
            (_("Prepared on"), today.isoformat()),
            (_("Outstanding in total"), money(totals[3])),
        ],
        sections=[
            Section(_("Fees per matter"), table=fees),
            Section(_("Payments received this month"), table=receipt_table),
        ],
        closing=[
            _(
                "Amounts in yuan. Please tell your lawyer promptly if anything "
                "in this statement is not as you understand it."
            )
        ],
        footer=_("Confidential: prepared for the client only."),
        file_stem=f"fee-statement-{client.pk}-{month}",
    )
