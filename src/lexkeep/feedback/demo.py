"""The demo firm's feedback: a year of complaints, through the services (SPEC §5).

About 140 cases over the last 12 months across every category and channel:
most contacted and answered on time, some late, some extended, most
resolved with a satisfaction score; a handful of recent cases still open,
some of them past a deadline, so the lists, badges, escalations and the
quarterly summaries show real shapes. Improvement measures are recorded
for the most common problems of each past quarter. Demo data are data, so
the Chinese texts live here.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from lexkeep.accounts.models import User
from lexkeep.clients.models import Client
from lexkeep.feedback.models import Category, Feedback
from lexkeep.feedback.quarters import quarter_of, quarter_shift
from lexkeep.feedback.services import (
    feedback_create_staff,
    feedback_extend,
    feedback_receive_web,
    feedback_satisfaction_record,
    feedback_sweep,
    feedback_transition,
    improvement_measure_record,
)

CASES = 140
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
TITLES = ("先生", "女士")
WEIGHTS = {
    Category.SLOW_COMMUNICATION: 34,
    Category.FEES_UNCLEAR: 26,
    Category.QUALITY: 16,
    Category.ATTITUDE: 12,
    Category.OTHER: 12,
}
CONTENT = {
    Category.SLOW_COMMUNICATION: (
        "案件已经两周没有任何进展通知，打电话给承办律师也没有回复。",
        "开庭时间变了，律所没有提前告诉我，差点错过。",
        "发了三封邮件询问进度，一直没有人回。",
        "希望每周能收到一次案件进展，现在完全不知道进行到哪一步。",
    ),
    Category.FEES_UNCLEAR: (
        "本月费用清单里有一笔差旅费，没有说明是什么。",
        "合同约定是固定收费，为什么又收了额外的复印费？",
        "发票金额与付款金额不一致，请核对。",
        "看不懂账单上的计时收费明细。",
    ),
    Category.QUALITY: (
        "起诉状里我的公司名称写错了，影响很不好。",
        "提交给法院的证据目录漏了两份关键证据。",
        "法律意见书内容过于笼统，没有回答我们的问题。",
    ),
    Category.ATTITUDE: (
        "前台接电话的人语气很不耐烦。",
        "助理在电话里打断我，没有听完就挂了。",
        "律师会面迟到四十分钟，也没有道歉。",
    ),
    Category.OTHER: (
        "律所停车场没有访客车位，来访很不方便。",
        "希望能提供线上签署委托合同的方式。",
        "客户平台登录不上，密码重置邮件收不到。",
    ),
}
SOLUTIONS = {
    Category.SLOW_COMMUNICATION: (
        "承办律师当天电话说明进展，今后每周五发送书面进展通知。"
    ),
    Category.FEES_UNCLEAR: "逐项说明费用构成，多收部分予以退还并重新出具费用清单。",
    Category.QUALITY: "更正文书并向法院补充提交，主管律师复核后续全部文书。",
    Category.ATTITUDE: "当事人员当面致歉，部门内部通报并安排服务培训。",
    Category.OTHER: "记录建议并转行政部门评估，两周内答复可行方案。",
}
MEASURES = {
    Category.SLOW_COMMUNICATION: (
        "普通客户每周五统一发送案件进展通知；逾期未发由系统提醒承办律师。"
    ),
    Category.FEES_UNCLEAR: (
        "费用清单模板增加每笔费用的说明栏，月度清单由财务复核后发出。"
    ),
    Category.QUALITY: "起诉及重要文书实行主管律师二次复核并留痕。",
    Category.ATTITUDE: "前台及助理每季度参加一次客户沟通培训。",
    Category.OTHER: "行政部门每月汇总客户建议并在周例会上讨论。",
}


def _phone(rng: random.Random) -> str:
    return f"13{rng.randint(5, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _received(rng: random.Random, now: dt.datetime, days_ago: float) -> dt.datetime:
    moment = now - dt.timedelta(days=days_ago)
    local = timezone.localtime(moment)
    hour = rng.choice((8, 9, 10, 11, 13, 14, 15, 16, 17, 19, 21))
    return local.replace(hour=hour, minute=rng.randint(0, 59), second=0, microsecond=0)


def _at(start: dt.datetime, hours: float, now: dt.datetime) -> dt.datetime:
    return min(start + dt.timedelta(hours=hours), now - dt.timedelta(minutes=1))


def _handle(
    case: Feedback,
    rng: random.Random,
    specialist: User,
    now: dt.datetime,
    late_contact: bool,
    late_reply: bool,
) -> None:
    """Take a case as far along as its age allows, on time or late."""
    received = case.received_at
    contact_at = received + dt.timedelta(
        hours=rng.uniform(26, 40) if late_contact else rng.uniform(0.5, 20)
    )
    if contact_at >= now:
        return
    case = feedback_transition(
        actor=specialist,
        feedback=case,
        action="contact",
        note="电话联系客户，了解情况并致歉，告知处理时限。",
        occurred_at=contact_at,
        now=contact_at,
    )
    if rng.random() < 0.12 and contact_at < case.reply_due:
        feedback_extend(
            actor=specialist,
            feedback=case,
            working_days=rng.choice((1, 2, 3)),
            reason="需要调取案卷并与承办律师、财务核对，客户同意延期。",
            client_informed_at=contact_at,
            client_informed_via="phone",
            now=contact_at,
        )
        case.refresh_from_db()
    if late_reply:
        reply_at = case.reply_due + dt.timedelta(hours=rng.uniform(2, 50))
    else:
        window = (case.reply_due - contact_at).total_seconds() / 3600
        reply_at = contact_at + dt.timedelta(hours=rng.uniform(1, max(window - 1, 1)))
    if reply_at >= now:
        return
    case = feedback_transition(
        actor=specialist,
        feedback=case,
        action="propose",
        note=SOLUTIONS[Category(case.category)],
        occurred_at=reply_at,
        now=reply_at,
    )
    resolve_at = reply_at + dt.timedelta(days=rng.uniform(0.5, 6))
    if resolve_at >= now:
        return
    score = rng.choices((5, 4, 3, 2, 1), weights=(40, 35, 14, 7, 4))[0]
    if late_contact or late_reply:
        score = max(1, score - 1)
    case = feedback_transition(
        actor=specialist,
        feedback=case,
        action="resolve",
        note="客户接受处理方案，问题已解决。",
        occurred_at=resolve_at,
        now=resolve_at,
        satisfaction=score if rng.random() < 0.85 else None,
    )
    close_at = resolve_at + dt.timedelta(days=rng.uniform(1, 5))
    if close_at >= now:
        return
    case = feedback_transition(
        actor=specialist,
        feedback=case,
        action="close",
        occurred_at=close_at,
        now=close_at,
    )
    if case.satisfaction is None and rng.random() < 0.5:
        feedback_satisfaction_record(
            actor=specialist, feedback=case, satisfaction=4, now=close_at
        )


def _duplicate(specialist: User, now: dt.datetime) -> None:
    """A client who wrote twice: the second message, closed as a duplicate."""
    first = (
        Feedback.objects.filter(
            channel="web", received_at__lt=now - dt.timedelta(days=3)
        )
        .order_by("-received_at")
        .first()
    )
    if first is None:
        return
    received = first.received_at + dt.timedelta(hours=2)
    copy = feedback_receive_web(
        name=first.name,
        contact=first.contact,
        content=first.content,
        category=first.category,
        now=received,
    )
    dismissed_at = received + dt.timedelta(hours=3)
    feedback_transition(
        actor=specialist,
        feedback=copy,
        action="dismiss",
        note=f"同一客户重复提交，已并入 {first.reference} 处理。",
        dismissed_as="duplicate",
        now=dismissed_at,
    )


def load(users: dict[str, User]) -> None:
    """Create a year of feedback cases and the quarters' improvement measures."""
    rng = random.Random(5)  # SPEC §5
    now = timezone.now()
    specialist = users["service"]
    director = users["director"]
    clients = list(Client.objects.order_by("pk").values_list("pk", flat=True)[:200])
    categories = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    ages = sorted((rng.uniform(0.05, 365) for _ in range(CASES)), reverse=True)
    for index, days_ago in enumerate(ages):
        received = _received(rng, now, days_ago)
        if received >= now:
            received = now - dt.timedelta(minutes=30)
        category = rng.choices(categories, weights=weights)[0]
        name = rng.choice(SURNAMES) + rng.choice(TITLES)
        content = rng.choice(CONTENT[category])
        contact = (
            _phone(rng) if rng.random() < 0.75 else f"client{index:03d}@example.com"
        )
        expected = (
            timezone.localtime(received).date() + dt.timedelta(days=rng.choice((3, 7)))
            if rng.random() < 0.4
            else None
        )
        entered_at = _at(received, rng.uniform(0.1, 2), now)
        if rng.random() < 0.45:
            case = feedback_receive_web(
                name=name,
                contact=contact,
                content=content,
                expected_resolution=expected,
                category=category,
                now=received,
            )
        else:
            client = None
            if clients and rng.random() < 0.6:
                client = Client.objects.get(pk=rng.choice(clients))
            case = feedback_create_staff(
                actor=specialist,
                channel=rng.choice(("phone", "phone", "email", "in_person")),
                name=name,
                contact=contact,
                content=content,
                received_at=received,
                expected_resolution=expected,
                category=category,
                client=client,
                now=max(entered_at, received),
            )
        if days_ago < 0.6 and rng.random() < 0.5:
            continue  # fresh, not contacted yet
        _handle(
            case,
            rng,
            specialist,
            now,
            late_contact=rng.random() < 0.1,
            late_reply=rng.random() < 0.1,
        )
    # Two recent cases nobody has touched: past their deadlines, escalated.
    for days_ago, category in (
        (2.5, Category.SLOW_COMMUNICATION),
        (6, Category.FEES_UNCLEAR),
    ):
        received = _received(rng, now, days_ago)
        feedback_create_staff(
            actor=specialist,
            channel="phone",
            name=rng.choice(SURNAMES) + rng.choice(TITLES),
            contact=_phone(rng),
            content=rng.choice(CONTENT[category]),
            received_at=received,
            category=category,
            now=received + dt.timedelta(minutes=20),
        )
    _duplicate(specialist, now)
    current = quarter_of(timezone.localdate())
    for back in range(1, 5):
        quarter = quarter_shift(current, -back)
        for category in categories[:3]:
            improvement_measure_record(
                actor=director if category == Category.QUALITY else specialist,
                quarter=quarter,
                category=category,
                measure=MEASURES[category],
                owner=specialist if category != Category.QUALITY else director,
            )
    feedback_sweep(now=now, notify=False)
