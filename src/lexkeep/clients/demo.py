"""The demo firm's clients and matters (issue: a few hundred, every kind).

Everything goes through the business services — conflict checks, consent
before ID numbers, fee receipts that move tiers — so the demo data obey the
same rules as real data. Names are data, so they are Chinese here.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone
from stdnum.cn import ric, uscc

from lexkeep.accounts.models import User
from lexkeep.clients.choices import (
    SUB_DOMAINS,
    Channel,
    ClientType,
    Domain,
    EnterpriseKind,
    Gender,
    ServiceFocus,
    Tier,
)
from lexkeep.clients.conflicts import conflict_check_decide, conflict_check_run
from lexkeep.clients.models import Client, ClientReview
from lexkeep.clients.services import ConsentInput, client_create
from lexkeep.clients.services.reviews import client_review_record
from lexkeep.clients.services.tiers import client_assign_team, client_tier_override
from lexkeep.matters.models import ConflictCheck, Matter
from lexkeep.matters.services import fee_receipt_record, matter_close, matter_open

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "华",
    "鹏",
    "飞",
    "鑫",
    "波",
    "斌",
    "宇",
    "浩",
    "凯",
    "帆",
    "晨",
]
BRANDS = [
    "星河",
    "华信",
    "恒泰",
    "金桥",
    "远航",
    "瑞丰",
    "博雅",
    "新元",
    "天成",
    "鼎盛",
    "汇通",
    "嘉禾",
    "中和",
    "永安",
    "海纳",
    "宏图",
    "启明",
    "云帆",
    "安泰",
    "盛世",
    "明德",
    "聚源",
    "同仁",
    "万象",
    "卓越",
    "润泽",
    "青禾",
    "蓝鲸",
    "松柏",
    "银杏",
]
INDUSTRIES = [
    "科技",
    "贸易",
    "置业",
    "实业",
    "投资",
    "医药",
    "物流",
    "文化传媒",
    "建设工程",
    "食品",
    "新能源",
    "信息技术",
    "环保科技",
    "电子商务",
]
PLACES = ["北京", "上海", "深圳", "杭州", "南京", "成都", "武汉", "苏州"]
SUFFIX = {
    EnterpriseKind.LLC: "有限公司",
    EnterpriseKind.JOINT_STOCK: "股份有限公司",
    EnterpriseKind.PARTNERSHIP: "合伙企业（有限合伙）",
    EnterpriseKind.OTHER: "集团",
}
GOVERNMENT = ["人民政府", "市场监督管理局", "自然资源和规划局", "人民医院", "教育局"]
MATTER_KINDS = {
    Domain.LITIGATION: [
        "买卖合同纠纷",
        "劳动争议",
        "借款合同纠纷",
        "股东知情权纠纷",
        "行政处罚复议",
        "职务侵占案辩护",
    ],
    Domain.NON_LITIGATION: [
        "股权收购尽职调查",
        "商标布局与维权",
        "税务筹划方案",
        "员工持股计划",
        "资产重组",
    ],
    Domain.COUNSEL: ["常年法律顾问"],
}
COUNTERPARTIES = [
    "鑫达商贸有限公司",
    "宏远建设集团有限公司",
    "李某某",
    "远东融资租赁有限公司",
    "天宇物业管理有限公司",
    "北方重工股份有限公司",
]
DISTRICTS = ["朝阳", "海淀", "西湖", "浦东", "鼓楼", "南山"]
REGIONS = ["110105", "310115", "440305", "330106", "320102"]
CLIENT_COUNT = 260


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))


def _resident_id(n: int, gender: str) -> str:
    """Return the ``n``-th distinct valid resident ID number (GB 11643)."""
    region = REGIONS[n % len(REGIONS)]
    # 7919 is coprime with 18000: distinct n give distinct, spread-out dates.
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(n // len(REGIONS)) * 7919 % 18000)
    serial = (n // (len(REGIONS) * 18000)) % 500 * 2 + (gender == Gender.MALE)
    body = f"{region}{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # the digit is recomputed


def _credit_code(n: int, prefix: str) -> str:
    body = f"{prefix}{REGIONS[n % len(REGIONS)]}{700000000 + n:09d}"
    return body + uscc.calc_check_digit(body)


MOBILE_PREFIXES = [
    "139",
    "138",
    "137",
    "136",
    "135",
    "186",
    "188",
    "158",
    "159",
    "150",
    "151",
    "152",
    "187",
    "133",
    "153",
    "180",
    "181",
    "189",
    "130",
    "131",
]


def _mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def _new_client(rng: random.Random, n: int, actor: User, owner: User) -> Client:
    domain = rng.choice(list(Domain))
    subs = SUB_DOMAINS[domain]
    domains = [(domain, rng.choice(subs) if subs else "")]
    common: dict[str, Any] = {
        "actor": actor,
        "owner": owner,
        "domains": domains,
        "preferred_channel": rng.choice(list(Channel)),
        "service_focus": rng.choice(list(ServiceFocus)),
        "news_opt_out": rng.random() < 0.1,
    }
    roll = rng.random()
    if roll < 0.4:
        gender = rng.choice(list(Gender))
        with_id = rng.random() < 0.6
        today = timezone.localdate()
        return client_create(
            name=_person(rng),
            client_type=ClientType.INDIVIDUAL,
            gender=gender,
            phone=_mobile(rng),
            address=f"{rng.choice(PLACES)}市{rng.choice(DISTRICTS)}区"
            f"幸福路{rng.randrange(1, 300)}号",
            id_number=_resident_id(n, gender) if with_id else "",
            consent=ConsentInput(
                purpose="办理委托事项、履行律师执业义务",
                scope="身份证号码",
                use="仅用于本所办理该客户委托的法律事务及依法存档",
                signed_on=today - dt.timedelta(days=rng.randrange(30, 400)),
            )
            if with_id
            else None,
            **common,
        )
    if roll < 0.92:
        kind = rng.choice(list(EnterpriseKind))
        return client_create(
            name=f"{rng.choice(PLACES)}{rng.choice(BRANDS)}{rng.choice(INDUSTRIES)}"
            f"{SUFFIX[kind]}",
            client_type=ClientType.ENTERPRISE,
            enterprise_kind=kind,
            credit_code=_credit_code(n, "91"),
            legal_representative=_person(rng),
            registered_address=(
                f"{rng.choice(PLACES)}市高新区创业大道{rng.randrange(1, 99)}号"
            ),
            phone=f"010-{rng.randrange(60000000, 79999999)}",
            **common,
        )
    place = rng.choice(PLACES)
    return client_create(
        name=f"{place}市{rng.choice(GOVERNMENT)}",
        client_type=ClientType.GOVERNMENT,
        credit_code=_credit_code(n, "11"),
        legal_representative=_person(rng),
        registered_address=f"{place}市人民大道{rng.randrange(1, 200)}号",
        phone=f"010-{rng.randrange(60000000, 79999999)}",
        **common,
    )


def _open_matter(
    rng: random.Random,
    client: Client,
    seq: int,
    partner: User,
    handlers: list[User],
    supervisor: User,
    assistants: list[User],
    start: dt.date,
) -> Matter:
    domain = rng.choice(
        [d for d, _ in client.domains.values_list("domain", "sub_domain")]
    )
    subs = SUB_DOMAINS[domain]
    counterparty = rng.choice(COUNTERPARTIES)
    parties = (
        [{"name": counterparty, "role": "counterparty"}]
        if domain != Domain.COUNSEL
        else []
    )
    check = conflict_check_run(
        actor=partner,
        name=client.name,
        credit_code=client.credit_code,
        parties=parties,
        client=client,
    )
    check = conflict_check_decide(
        actor=partner,
        check=check,
        decision=ConflictCheck.Decision.CLEAR,
        note="经核查，命中记录与本案无利益冲突。" if check.hits else "",
    )
    court = rng.choice(["京0105", "沪0115", "粤0305", "浙0106"])
    return matter_open(
        actor=partner,
        client=client,
        name=f"{client.name}{rng.choice(MATTER_KINDS[Domain(domain)])}",
        domain=domain,
        sub_domain=rng.choice(subs) if subs else "",
        case_number=f"({start.year}){court}民初{1000 + seq}号"
        if domain == Domain.LITIGATION
        else "",
        handling_lawyers=handlers,
        supervising_lawyer=supervisor,
        assistants=assistants,
        engagement_start=start,
        engagement_end=start + dt.timedelta(days=365)
        if domain == Domain.COUNSEL
        else None,
        agreed_fee=Decimal(rng.randrange(30, 800) * 1000),
        conflict_check=check,
        parties=parties,
    )


def load(users: dict[str, User]) -> None:
    """Create the demo clients, their matters, fees, reviews and teams."""
    rng = random.Random(2026)
    today = timezone.localdate()
    director, partner, partner2 = users["director"], users["partner"], users["partner2"]
    senior, lawyer, lawyer2 = users["senior"], users["lawyer"], users["lawyer2"]
    assistant = users["assistant"]
    staff_lawyers = [lawyer, lawyer2]
    seq = 0
    for n in range(CLIENT_COUNT):
        owner = rng.choice(staff_lawyers)
        client = _new_client(rng, n, actor=owner, owner=owner)
        for _ in range(rng.choice([1, 1, 2, 3])):
            seq += 1
            start = today - dt.timedelta(days=rng.randrange(20, 900))
            handler = (
                owner if rng.random() < 0.7 else rng.choice([senior, *staff_lawyers])
            )
            matter = _open_matter(
                rng,
                client,
                seq,
                partner,
                [handler],
                senior if rng.random() < 0.6 else partner2,
                [assistant] if handler == senior or rng.random() < 0.2 else [],
                start,
            )
            if rng.random() < 0.7:
                fee_receipt_record(
                    actor=partner,
                    matter=matter,
                    amount=Decimal(rng.randrange(5, 150) * 1000),
                    received_on=today - dt.timedelta(days=rng.randrange(1, 500)),
                    note="律师费",
                )
            if rng.random() < 0.4:
                end = min(today, start + dt.timedelta(days=rng.randrange(30, 400)))
                matter_close(actor=partner, matter=matter, business_end_date=end)
        if rng.random() < 0.55:
            client_review_record(
                actor=owner,
                client=client,
                reviewed_on=today - dt.timedelta(days=rng.randrange(0, 150)),
                method=rng.choice(list(ClientReview.Method)),
                note="电话确认联系方式及偏好未变化。",
            )
    # A few strategic and key clients: big fees move the tier; partners set
    # the relationship owner and the dedicated team the tier requires.
    enterprises = list(
        Client.objects.filter(client_type=ClientType.ENTERPRISE).order_by("pk")
    )
    for index, client in enumerate(enterprises[:30]):
        first = client.matters.order_by("pk").first()
        if first is None:
            continue
        big = index < 8
        fee_receipt_record(
            actor=partner,
            matter=first,
            amount=Decimal("1250000.00") if big else Decimal("320000.00"),
            received_on=today - dt.timedelta(days=rng.randrange(10, 200)),
            note="年度律师费",
        )
        client.refresh_from_db()
        if client.tier == Tier.STRATEGIC:
            client_assign_team(
                actor=partner,
                client=client,
                owner=rng.choice([partner, partner2]),
                team=[senior, rng.choice(staff_lawyers)],
            )
        elif client.tier == Tier.KEY:
            client_assign_team(actor=partner, client=client, owner=senior, team=[])
    governments = Client.objects.filter(client_type=ClientType.GOVERNMENT)[:2]
    for client in governments:
        client_tier_override(
            actor=director,
            client=client,
            tier=Tier.STRATEGIC,
            reason="政府机关客户，品牌影响重大。",
        )
