"""Generate a law firm at scale for benchmarks: users, clients, matters.

Rows are written in batches of raw INSERTs (``lexkeep.bench.loader``; the
business services write one row at a time with full validation and would
take hours for half a million matters); the generated values are valid all
the same — ID numbers
and credit codes carry correct check characters, every matter has a cleared
conflict check, owners fit their client's tier.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from stdnum.cn import ric, uscc

from lexkeep.accounts.models import Role, RoleAssignment, Seniority, User
from lexkeep.bench.loader import bulk_load, insert_rows, next_id
from lexkeep.clients.choices import (
    SUB_DOMAINS,
    ClientType,
    Domain,
    EnterpriseKind,
    Gender,
    Tier,
)
from lexkeep.clients.models import Client, ClientDomain, Consent
from lexkeep.clients.normalize import normalize_name
from lexkeep.matters.models import ConflictCheck, FeeReceipt, Matter, MatterParty

BATCH = 5000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏建华飞鑫波斌宇浩凯俊帆"  # noqa: E501
BRANDS = [
    "星河",
    "华信",
    "恒泰",
    "金桥",
    "东方",
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
    "长城",
    "盛世",
    "明德",
    "聚源",
    "正大",
    "同仁",
    "万象",
    "卓越",
    "润泽",
    "君合",
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
    "教育咨询",
    "汽车销售",
]
PLACES = [
    "北京",
    "上海",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "成都",
    "武汉",
    "西安",
    "苏州",
]
SUFFIXES = {
    EnterpriseKind.LLC: "有限公司",
    EnterpriseKind.JOINT_STOCK: "股份有限公司",
    EnterpriseKind.PARTNERSHIP: "合伙企业（有限合伙）",
    EnterpriseKind.OTHER: "集团",
}
GOV = [
    "人民政府",
    "市场监督管理局",
    "自然资源局",
    "教育局",
    "人民医院",
    "卫生健康委员会",
]
REGIONS = ["110105", "310115", "440305", "330106", "320102", "510104", "420106"]
COURTS = ["京0105", "沪0115", "粤0305", "浙0106", "苏0102", "川0104", "鄂0106"]


@dataclass
class FirmSize:
    clients: int
    matters: int
    seed: int = 20261126


def _resident_id(n: int, gender: str) -> str:
    """Return the ``n``-th distinct valid resident ID number (GB 11643)."""
    region = REGIONS[n % len(REGIONS)]
    # 7919 is coprime with 18000: distinct n give distinct, spread-out dates.
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(n // len(REGIONS)) * 7919 % 18000)
    serial = (n // (len(REGIONS) * 18000)) % 500 * 2 + (gender == Gender.MALE)
    body = f"{region}{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # the digit is recomputed


def _credit_code(rng: random.Random, n: int, prefix: str = "91") -> str:
    """Return a valid credit code (GB 32100); 91 = enterprise, 11 = government."""
    body = f"{prefix}{rng.choice(REGIONS)}{n:09d}"
    return body + uscc.calc_check_digit(body)


def _users(rng: random.Random) -> dict[str, list[User]]:
    password = make_password("Bench-2026-not-for-use")
    specs: list[tuple[str, str, str]] = []  # username, role, seniority
    specs += [(f"bpartner{i}", Role.PARTNER, "") for i in range(20)]
    specs += [(f"bsenior{i}", Role.LAWYER, Seniority.SENIOR) for i in range(60)]
    specs += [(f"bstaff{i}", Role.LAWYER, Seniority.STAFF) for i in range(140)]
    specs += [(f"bassistant{i}", Role.ASSISTANT, "") for i in range(40)]
    users = User.objects.bulk_create(
        User(
            username=name,
            password=password,
            full_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            seniority=seniority,
        )
        for name, _role, seniority in specs
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=role)
        for user, (_n, role, _s) in zip(users, specs, strict=True)
    )
    groups: dict[str, list[User]] = {"partner": [], "senior": [], "staff": []}
    for user, (_n, role, seniority) in zip(users, specs, strict=True):
        if role == Role.PARTNER:
            groups["partner"].append(user)
        elif seniority == Seniority.SENIOR:
            groups["senior"].append(user)
        elif seniority == Seniority.STAFF:
            groups["staff"].append(user)
    return groups


def _client_row(rng: random.Random, n: int, staff: dict[str, list[User]]) -> Client:
    roll = rng.random()
    tier = Tier.STRATEGIC if roll < 0.03 else Tier.KEY if roll < 0.2 else Tier.ORDINARY
    owner = rng.choice(
        staff["partner"]
        if tier == Tier.STRATEGIC
        else staff["senior"]
        if tier == Tier.KEY
        else staff["staff"]
    )
    kind_roll = rng.random()
    if kind_roll < 0.5:
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        return Client(
            name=name,
            name_normalized=normalize_name(name),
            client_type=ClientType.INDIVIDUAL,
            tier=tier,
            gender=gender,
            id_number=_resident_id(n, gender) if rng.random() < 0.6 else "",
            phone=f"139{rng.randrange(10**8):08d}",
            address=f"{rng.choice(PLACES)}市某区某路{rng.randrange(1, 999)}号",
            owner=owner,
            created_by=owner,
        )
    if kind_roll < 0.95:
        kind = rng.choice(list(EnterpriseKind))
        name = (
            f"{rng.choice(PLACES)}{rng.choice(BRANDS)}{rng.choice(INDUSTRIES)}"
            f"{n}{SUFFIXES[kind]}"
        )
        return Client(
            name=name,
            name_normalized=normalize_name(name),
            client_type=ClientType.ENTERPRISE,
            enterprise_kind=kind,
            tier=tier,
            credit_code=_credit_code(rng, n),
            legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN),
            registered_address=f"{rng.choice(PLACES)}市高新区{rng.randrange(1, 99)}号",
            phone=f"010-{rng.randrange(60000000, 79999999)}",
            owner=owner,
            created_by=owner,
        )
    name = f"{rng.choice(PLACES)}市{rng.choice(GOV)}{n}"
    return Client(
        name=name,
        name_normalized=normalize_name(name, strip_places=False),
        client_type=ClientType.GOVERNMENT,
        tier=tier,
        credit_code=_credit_code(rng, n, prefix="11"),
        legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN),
        registered_address=f"{rng.choice(PLACES)}市政务中心",
        phone=f"010-{rng.randrange(60000000, 79999999)}",
        owner=owner,
        created_by=owner,
    )


def generate_firm(size: FirmSize) -> dict[str, Any]:
    """Fill an empty database with a firm of ``size``; return what was made.

    Clients go through ``bulk_create`` (their ID numbers are encrypted and
    blind-indexed per row); the bulk of the rows — matters, their checks,
    lawyers, parties and fees — are raw multi-row INSERTs with explicit ids
    inside ``bulk_load``, each batch its own transaction.
    """
    rng = random.Random(size.seed)
    with bulk_load(FIRM_TABLES):
        staff = _users(rng)
        lawyers = staff["senior"] + staff["staff"] + staff["partner"]
        searcher = staff["partner"][0]
        today = dt.date(2026, 11, 26)
        clients = _clients(rng, size.clients, staff, today)
        made = 0
        while made < size.matters:
            with transaction.atomic():
                made += _matter_batch(
                    rng, clients, staff, lawyers, searcher, today, made, size.matters
                )
    return {
        "clients": len(clients),
        "matters": made,
        "lawyers": len(lawyers),
        "searcher": searcher.pk,
        "lawyer": staff["staff"][0].pk,
    }


def _clients(
    rng: random.Random, count: int, staff: dict[str, list[User]], today: dt.date
) -> list[tuple[int, str]]:
    """Write ``count`` clients with consents and domains; return (id, name)."""
    clients: list[Client] = []
    for batch_start in range(0, count, BATCH):
        rows = [
            _client_row(rng, n, staff)
            for n in range(batch_start, min(batch_start + BATCH, count))
        ]
        with transaction.atomic():
            clients.extend(Client.objects.bulk_create(rows))
    signed = today.isoformat()
    with transaction.atomic():
        insert_rows(
            Consent,
            ["client", "kind", "purpose", "scope", "use", "signed_on", "recorded_by"],
            (
                (
                    c.pk,
                    Consent.Kind.SENSITIVE.value,
                    "办理委托事项",
                    "身份证号码",
                    "仅用于本所办理委托事项",
                    signed,
                    c.owner_id,
                )
                for c in clients
                if c.id_number
            ),
        )
        domains = list(Domain.values)
        picked: list[tuple[int, str, str]] = []
        for c in clients:
            domain = rng.choice(domains)
            subs = SUB_DOMAINS[domain]
            picked.append((c.pk, domain, rng.choice(subs) if subs else ""))
        insert_rows(ClientDomain, ["client", "domain", "sub_domain"], picked)
    return [(c.pk, c.name) for c in clients]


MATTER_KINDS = ["合同纠纷", "股权转让", "劳动争议", "知识产权", "常年顾问", "并购重组"]


def _matter_batch(
    rng: random.Random,
    clients: list[tuple[int, str]],
    staff: dict[str, list[User]],
    lawyers: list[User],
    searcher: User,
    today: dt.date,
    made: int,
    total: int,
) -> int:
    """Write one batch of matters with their checks, lawyers, parties and fees."""
    count = min(BATCH, total - made)
    first_check = next_id(ConflictCheck)
    first_matter = next_id(Matter)
    owners = [rng.choice(clients) for _ in range(count)]
    insert_rows(
        ConflictCheck,
        ["id", "subject_name", "searched_by", "decision", "decided_by", "client"],
        (
            (first_check + i, name, searcher.pk, CLEAR, searcher.pk, client_id)
            for i, (client_id, name) in enumerate(owners)
        ),
    )
    domains = list(Domain.values)
    supervisors = [u.pk for u in staff["senior"] + staff["partner"]]
    lawyer_ids = [u.pk for u in lawyers]
    matters = []
    handling = []
    parties = []
    fees = []
    for i, (client_id, client_name) in enumerate(owners):
        seq = made + i + 1
        pk = first_matter + i
        domain = rng.choice(domains)
        subs = SUB_DOMAINS[domain]
        start = today - dt.timedelta(days=rng.randrange(3650))
        closed = rng.random() < 0.6
        name = f"{client_name}{rng.choice(MATTER_KINDS)}{seq}"
        supervisor = rng.choice(supervisors)
        matters.append(
            (
                pk,
                name,
                normalize_name(name),
                f"({start.year}){rng.choice(COURTS)}民初{seq}号",
                client_id,
                domain,
                rng.choice(subs) if subs else "",
                supervisor,
                start.isoformat(),
                rng.randrange(10_000, 2_000_000),
                CLOSED if closed else OPEN,
                (start + dt.timedelta(days=200)).isoformat() if closed else None,
                first_check + i,
                supervisor,
            )
        )
        handling.append((pk, rng.choice(lawyer_ids)))
        if rng.random() < 0.5:
            party = f"{rng.choice(BRANDS)}{rng.choice(INDUSTRIES)}有限公司"
            parties.append((pk, COUNTERPARTY, party, normalize_name(party)))
        if rng.random() < 0.3:
            received = today - dt.timedelta(days=rng.randrange(700))
            amount = rng.randrange(1_000, 500_000)
            fees.append((pk, amount, received.isoformat(), searcher.pk))
    insert_rows(Matter, MATTER_FIELDS, matters)
    insert_rows(Matter.handling_lawyers.through, ["matter", "user"], handling)
    insert_rows(MatterParty, ["matter", "role", "name", "name_normalized"], parties)
    insert_rows(FeeReceipt, ["matter", "amount", "received_on", "recorded_by"], fees)
    return count


#: The columns a generated matter gives (the rest take their defaults).
MATTER_FIELDS = [
    "id",
    "name",
    "name_normalized",
    "case_number",
    "client",
    "domain",
    "sub_domain",
    "supervising_lawyer",
    "engagement_start",
    "agreed_fee",
    "status",
    "business_end_date",
    "conflict_check",
    "created_by",
]
CLEAR = ConflictCheck.Decision.CLEAR.value
CLOSED = Matter.Status.CLOSED.value
OPEN = Matter.Status.OPEN.value
COUNTERPARTY = MatterParty.Role.COUNTERPARTY.value
#: Every table the firm generator fills (their indexes are built after).
FIRM_TABLES = [
    Client,
    Consent,
    ClientDomain,
    ConflictCheck,
    Matter,
    Matter.handling_lawyers.through,
    MatterParty,
    FeeReceipt,
]
