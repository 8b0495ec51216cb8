"""The demo firm's year of service: contacts, hearings and the duties they meet.

Runs after the clients demo. The clients and their tiers are taken to have
been with the firm for a year (their tier records are dated back to the
start of the year simulated); then the year is replayed week by week:
that week's contacts are written (valid rows, mostly firm channels, a few
over personal WeChat), and the sweep's steps run as of the week's last day,
so duties are derived, met on time, met late or left overdue exactly as the
engine would have done. A final full sweep today sends the reminders.
Demo data are data, so Chinese text lives here, not in any logic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from lexkeep.accounts.models import User
from lexkeep.clients.choices import Tier
from lexkeep.clients.models import Client, TierChange
from lexkeep.matters.models import Hearing, Matter
from lexkeep.service.choices import (
    NON_COMPLIANT_CHANNELS,
    ContactChannel,
    Direction,
    Purpose,
)
from lexkeep.service.models import Contact
from lexkeep.service.services.sweep import (
    active_rules,
    advance,
    cancel_inapplicable,
    mark_overdue,
    refresh_responsible,
    sweep_duties,
)

WEEKS = 52
SUMMARIES = {
    Purpose.GENERAL: [
        "电话沟通案件进展，客户无新的要求。",
        "回复客户关于合同条款的咨询。",
    ],
    Purpose.EMAIL_SUMMARY: ["发送本月工作小结邮件。"],
    Purpose.SYMPOSIUM: ["召开季度客户座谈会，听取意见。"],
    Purpose.SERVICE_REPORT: ["发送季度《客户服务报告》并当面讲解。"],
    Purpose.SATISFACTION_SURVEY: ["完成年度满意度调查回访。"],
    Purpose.PROGRESS_NOTICE: ["告知本周案件进展。"],
    Purpose.FEE_STATEMENT: ["发送本月费用对账单。"],
    Purpose.FIRM_NEWS: ["推送本所季度法律资讯：新法解读与典型案例。"],
    Purpose.HEARING_CONFIRMATION: ["与客户确认开庭时间及出庭安排。"],
    Purpose.RISK_NOTICE: ["书面告知起诉风险及诉讼费用。"],
    Purpose.JUDGMENT_EXPLANATION: ["向客户解释判决结果及上诉期限。"],
}
MEETING = ["在客户公司面谈，讨论年度法律需求。", "到访律所，面谈合作事宜。"]
ROOMS = ["朝阳法院第三法庭", "海淀法院第五法庭", "浦东法院第二法庭"]


def _at(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(
        day,
        dt.time(rng.randrange(9, 18), rng.choice([0, 15, 30, 45])),
        tzinfo=timezone.get_current_timezone(),
    )


class _Week:
    """The contacts of one simulated week, as model rows."""

    def __init__(self, rng: random.Random, start: dt.date, today: dt.date) -> None:
        self.rng = rng
        self.start = start
        self.today = today
        # Today's contacts happened before now (the log never shows a
        # contact later than the present, and the form refuses one).
        self.now = timezone.now()
        self.rows: list[Contact] = []

    def day(self) -> dt.date | None:
        day = self.start + dt.timedelta(days=self.rng.randrange(7))
        return day if day <= self.today else None

    def add(
        self,
        client: Client,
        who: User,
        channel: str,
        purpose: str = Purpose.GENERAL,
        matter: Matter | None = None,
        on: dt.date | None = None,
    ) -> None:
        day = on or self.day()
        if day is None or day > self.today:
            return
        if self.rng.random() < 0.03 and purpose == Purpose.GENERAL:
            channel = self.rng.choice(sorted(NON_COMPLIANT_CHANNELS))
        occurred = _at(self.rng, day)
        # Today's are spread over the working hours gone by, none before nine.
        latest = self.now - dt.timedelta(minutes=5)
        if occurred > latest:
            opening = occurred.replace(hour=9, minute=0)
            minutes = int((latest - opening).total_seconds() // 60)
            if minutes < 0:
                return  # the working day has not begun
            occurred = opening + dt.timedelta(minutes=self.rng.randrange(minutes + 1))
        recorded = min(occurred + dt.timedelta(hours=1), self.now)
        summary = (
            self.rng.choice(MEETING)
            if channel == ContactChannel.IN_PERSON and purpose == Purpose.GENERAL
            else self.rng.choice(SUMMARIES[Purpose(purpose)])
        )
        self.rows.append(
            Contact(
                client=client,
                matter=matter,
                channel=channel,
                direction=Direction.OUTGOING
                if self.rng.random() < 0.8
                else Direction.INCOMING,
                purpose=purpose,
                user=who,
                occurred_at=occurred,
                occurred_on=day,
                summary=summary,
                compliant_channel=channel not in NON_COMPLIANT_CHANNELS,
                recorded_by=who,
                recorded_at=recorded,
            )
        )


def _weeks(first: dt.date, today: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= today:
        yield day
        day += dt.timedelta(days=7)


def _plan_week(
    week: _Week,
    clients: list[Client],
    matters: dict[int, list[Matter]],
    hearings: dict[int, list[Hearing]],
    fallback: User,
) -> None:
    rng = week.rng
    month_end = (week.start + dt.timedelta(days=6)).month != week.start.month
    quarter_end = month_end and (week.start + dt.timedelta(days=6)).month in (
        1,
        4,
        7,
        10,
    )
    for client in clients:
        who = client.owner or fallback
        own = matters.get(client.pk, [])
        if client.tier == Tier.STRATEGIC:
            if rng.random() < 0.6:
                week.add(client, who, rng.choice(["phone", "email"]))
            if month_end and rng.random() < 0.85:
                week.add(client, who, ContactChannel.IN_PERSON)
            if quarter_end and rng.random() < 0.8:
                week.add(client, who, ContactChannel.IN_PERSON, Purpose.SYMPOSIUM)
        elif client.tier == Tier.KEY:
            if rng.random() < 0.5:
                week.add(client, who, ContactChannel.PHONE)
            if month_end and rng.random() < 0.8:
                week.add(client, who, ContactChannel.EMAIL, Purpose.EMAIL_SUMMARY)
            if quarter_end and rng.random() < 0.75:
                week.add(client, who, ContactChannel.EMAIL, Purpose.SERVICE_REPORT)
            if rng.random() < 0.02:
                week.add(client, who, ContactChannel.PHONE, Purpose.SATISFACTION_SURVEY)
        else:
            for matter in own:
                if matter.status == Matter.Status.OPEN and rng.random() < 0.75:
                    week.add(
                        client, who, rng.choice(["phone", "email", "wechat"]),
                        Purpose.PROGRESS_NOTICE, matter,
                    )  # fmt: skip
                for hearing in hearings.get(matter.pk, []):
                    day = timezone.localtime(hearing.scheduled_at).date()
                    in_week = week.start <= day < week.start + dt.timedelta(days=7)
                    if in_week and rng.random() < 0.85:
                        week.add(
                                client, who, ContactChannel.PHONE,
                                Purpose.HEARING_CONFIRMATION, matter,
                                on=day - dt.timedelta(days=rng.randrange(1, 4)),
                            )  # fmt: skip
                if (
                    matter.filing_date
                    and week.start <= matter.filing_date < week.start + dt.timedelta(7)
                    and rng.random() < 0.9
                ):
                    week.add(
                        client, who, ContactChannel.IN_PERSON, Purpose.RISK_NOTICE,
                        matter, on=matter.filing_date - dt.timedelta(days=2),
                    )  # fmt: skip
            if own and month_end and rng.random() < 0.7:
                week.add(client, who, ContactChannel.EMAIL, Purpose.FEE_STATEMENT)
        if quarter_end and not client.news_opt_out and rng.random() < 0.9:
            week.add(client, who, ContactChannel.EMAIL, Purpose.FIRM_NEWS)


def _key_dates(rng: random.Random, today: dt.date) -> dict[int, list[Hearing]]:
    """Give some open litigation matters a filing date and hearings."""
    result: dict[int, list[Hearing]] = {}
    open_litigation = Matter.objects.filter(
        status=Matter.Status.OPEN, domain="litigation"
    ).order_by("pk")
    for matter in open_litigation:
        if rng.random() < 0.5:
            continue
        if matter.filing_date is None:
            filing = today - dt.timedelta(days=rng.randrange(-20, 200))
            Matter.objects.filter(pk=matter.pk).update(filing_date=filing)
            matter.filing_date = filing
        for _ in range(rng.choice([1, 1, 2])):
            day = today + dt.timedelta(days=rng.randrange(-150, 60))
            hearing = Hearing.objects.create(
                matter=matter,
                scheduled_at=dt.datetime.combine(
                    day, dt.time(9, 30), tzinfo=timezone.get_current_timezone()
                ),
                location=rng.choice(ROOMS),
            )
            result.setdefault(matter.pk, []).append(hearing)
    return result


@transaction.atomic
def load(users: dict[str, User]) -> None:
    """Replay a year of contacts for the demo clients; leave some duties overdue."""
    rng = random.Random(4)
    today = timezone.localdate()
    first = today - dt.timedelta(weeks=WEEKS)
    start_at = dt.datetime.combine(
        first, dt.time(9), tzinfo=timezone.get_current_timezone()
    )
    TierChange.objects.filter(changed_at__gt=start_at).update(changed_at=start_at)
    Client.objects.filter(created_at__gt=start_at).update(created_at=start_at)
    clients = list(Client.objects.select_related("owner").order_by("pk"))
    if not clients:
        return
    matters: dict[int, list[Matter]] = {}
    for matter in Matter.objects.order_by("pk"):
        matters.setdefault(matter.client_id, []).append(matter)
    hearings = _key_dates(rng, today)
    for mlist in matters.values():  # filing dates may have been set just now
        for i, matter in enumerate(mlist):
            mlist[i] = (
                Matter.objects.get(pk=matter.pk) if matter.pk in hearings else matter
            )
    rules = active_rules()
    fallback = users["director"]
    for week_start in _weeks(first, today):
        week = _Week(rng, week_start, today)
        _plan_week(week, clients, matters, hearings, fallback)
        Contact.objects.bulk_create(week.rows, batch_size=1000)
        day = min(week_start + dt.timedelta(days=6), today)
        now = dt.datetime.combine(
            day, dt.time(20), tzinfo=timezone.get_current_timezone()
        )
        cancel_inapplicable(today=day)
        refresh_responsible()
        advance(rules=rules, today=day, now=now)
        mark_overdue(today=day)
    sweep_duties(today=today)
