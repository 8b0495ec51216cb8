"""The demo firm's archives: filed volumes in every class and tier (issue 5).

Nine cabinets (three archive classes × three tier labels) in the archive
room; for each class and tier a matter is closed and its volume collected
with real 300 DPI scans, reviewed, signed and filed. A few more volumes are
left in the other states (collecting and late, submitted, returned,
approved) so every desk has work. Demo data are data: Chinese names live
here, not in any logic.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.db import transaction
from django.utils import timezone

from lexkeep.accounts.models import User
from lexkeep.archives.choices import ArchiveClass, Category, MaterialType
from lexkeep.archives.models import Archive, ArchivePolicy, Cabinet
from lexkeep.archives.scans import assemble_pdf, scan_page_jpeg
from lexkeep.archives.services import (
    REVIEW_CHECKLIST,
    archive_file,
    archive_review,
    archive_submit,
    material_add,
)
from lexkeep.clients.choices import ClientType, Domain, SubDomain, Tier
from lexkeep.clients.models import Client
from lexkeep.clients.normalize import normalize_name
from lexkeep.matters.models import ConflictCheck, Matter
from lexkeep.matters.services import matter_close

FIRM_NAME = "北京明德律师事务所"
CLIENTS: dict[str, str] = {
    Tier.STRATEGIC: "华信建设集团股份有限公司",
    Tier.KEY: "远航物流有限公司",
    Tier.ORDINARY: "陈晓梅",
}
CLASS_CODE = {"litigation": "SS", "non_litigation": "FS", "counsel": "GW"}
TIER_CODE = {"strategic": "Z", "key": "K", "ordinary": "P"}
MATTERS: dict[str, tuple[str, str]] = {
    Domain.LITIGATION: ("买卖合同纠纷案", SubDomain.CIVIL),
    Domain.NON_LITIGATION: ("股权收购尽职调查项目", SubDomain.MNA),
    Domain.COUNSEL: ("常年法律顾问服务", ""),
}
#: (category, type, title, pages, with a scan)
MATERIALS: dict[str, list[tuple[str, str, str, int, bool]]] = {  # noqa: E501
    Domain.LITIGATION: [
        (Category.IDENTITY_ENGAGEMENT, MaterialType.BUSINESS_LICENCE, "营业执照副本复印件", 1, True),  # noqa: E501
        (Category.IDENTITY_ENGAGEMENT, MaterialType.ENGAGEMENT_CONTRACT, "委托代理合同", 4, False),  # noqa: E501
        (Category.IDENTITY_ENGAGEMENT, MaterialType.POWER_OF_ATTORNEY, "授权委托书", 1, True),  # noqa: E501
        (Category.IDENTITY_ENGAGEMENT, MaterialType.RISK_NOTICE, "诉讼风险告知书（客户签字）", 2, False),  # noqa: E501
        (Category.BUSINESS_HANDLING, MaterialType.PLEADING, "民事起诉状", 3, False),  # noqa: E501
        (Category.BUSINESS_HANDLING, MaterialType.EVIDENCE_LIST, "证据目录及证据材料", 12, False),  # noqa: E501
        (Category.BUSINESS_HANDLING, MaterialType.REPRESENTATION_STATEMENT, "代理词", 5, False),  # noqa: E501
        (Category.BUSINESS_HANDLING, MaterialType.JUDGMENT, "民事判决书", 2, True),  # noqa: E501
        (Category.COMMUNICATION, MaterialType.MINUTES, "案情沟通会议纪要", 2, False),  # noqa: E501
        (Category.COMMUNICATION, MaterialType.CALL_RECORD, "开庭前电话确认记录", 1, False),  # noqa: E501
        (Category.FEES, MaterialType.INVOICE, "律师费发票", 1, True),  # noqa: E501
    ],
    Domain.NON_LITIGATION: [
        (Category.IDENTITY_ENGAGEMENT, MaterialType.BUSINESS_LICENCE, "营业执照副本复印件", 1, True),  # noqa: E501
        (Category.IDENTITY_ENGAGEMENT, MaterialType.ENGAGEMENT_CONTRACT, "专项法律服务合同", 5, False),  # noqa: E501
        (Category.IDENTITY_ENGAGEMENT, MaterialType.POWER_OF_ATTORNEY, "授权委托书", 1, True),  # noqa: E501
        (Category.IDENTITY_ENGAGEMENT, MaterialType.RISK_NOTICE, "风险告知书（客户签字）", 1, False),  # noqa: E501
        (Category.BUSINESS_HANDLING, MaterialType.LEGAL_OPINION, "法律尽职调查报告", 36, False),  # noqa: E501
        (Category.COMMUNICATION, MaterialType.EMAIL, "项目往来邮件", 6, False),  # noqa: E501
        (Category.FEES, MaterialType.PAYMENT_VOUCHER, "律师费付款凭证", 1, True),  # noqa: E501
    ],
    Domain.COUNSEL: [
        (Category.IDENTITY_ENGAGEMENT, MaterialType.BUSINESS_LICENCE, "营业执照副本复印件", 1, True),  # noqa: E501
        (Category.IDENTITY_ENGAGEMENT, MaterialType.ENGAGEMENT_CONTRACT, "常年法律顾问合同", 6, False),  # noqa: E501
        (Category.IDENTITY_ENGAGEMENT, MaterialType.POWER_OF_ATTORNEY, "授权委托书", 1, True),  # noqa: E501
        (Category.IDENTITY_ENGAGEMENT, MaterialType.RISK_NOTICE, "风险告知书（客户签字）", 1, False),  # noqa: E501
        (Category.BUSINESS_HANDLING, MaterialType.LEGAL_OPINION, "年度法律意见书汇编", 18, False),  # noqa: E501
        (Category.COMMUNICATION, MaterialType.MINUTES, "季度座谈会纪要", 4, False),  # noqa: E501
        (Category.FEES, MaterialType.FEE_LIST, "顾问费结算清单", 1, True),  # noqa: E501
    ],
}  # fmt: skip
_serial = itertools.count(1)


class _Named(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def _client(tier: str) -> Client:
    existing = Client.objects.filter(tier=tier).order_by("pk").first()
    if existing is not None:
        return existing
    name = CLIENTS[tier]
    individual = tier == Tier.ORDINARY
    return Client.objects.create(
        name=name,
        name_normalized=normalize_name(name),
        client_type=ClientType.INDIVIDUAL if individual else ClientType.ENTERPRISE,
        tier=tier,
    )


def _matter(
    users: dict[str, User], client: Client, domain: str, start: dt.date
) -> Matter:
    title, sub = MATTERS[domain]
    name = f"{client.name}{title}"
    if Matter.objects.filter(name=name).exists():
        name = f"{name}（{next(_serial)}）"
    check = ConflictCheck.objects.create(
        subject_name=client.name,
        searched_by=users["partner"],
        decision=ConflictCheck.Decision.CLEAR,
        client=client,
        decided_by=users["partner"],
        decided_at=timezone.now(),
    )
    lit = domain == Domain.LITIGATION
    matter = Matter.objects.create(
        name=name,
        name_normalized=normalize_name(name),
        case_number=f"（{start.year}）京0105民初{next(_serial) + 3100}号"
        if lit
        else "",
        client=client,
        domain=domain,
        sub_domain=sub,
        supervising_lawyer=users["senior"],
        engagement_start=start,
        conflict_check=check,
        filing_date=start + dt.timedelta(days=20) if lit else None,
        judgment_date=start + dt.timedelta(days=120) if lit else None,
        judgment_effective_date=start + dt.timedelta(days=136) if lit else None,
        created_by=users["partner"],
    )
    matter.handling_lawyers.set([users["lawyer"]])
    matter.assistants.set([users["assistant"]])
    return matter


def _collect(
    users: dict[str, User], archive: Archive, domain: str, pages: list[bytes]
) -> None:
    day = archive.end_date - dt.timedelta(days=150)
    for index, (category, kind, title, count, scanned) in enumerate(MATERIALS[domain]):
        upload = None
        if scanned:
            pdf = assemble_pdf([pages[(index + n) % len(pages)] for n in range(count)])
            upload = _Named(pdf, f"{kind}.pdf")
        material_add(
            actor=users["lawyer"],
            archive=archive,
            category=category,
            material_type=kind,
            title=title,
            page_count=count,
            material_date=day + dt.timedelta(days=index * 9),
            remarks="原件" if kind == MaterialType.JUDGMENT else "",
            upload=upload,
            file_name=upload.name if upload else "",
        )


def _close(users: dict[str, User], matter: Matter, end: dt.date) -> Archive:
    matter_close(actor=users["lawyer"], matter=matter, business_end_date=end)
    return Archive.objects.get(matter=matter)


def load(users: dict[str, User]) -> None:
    """Add cabinets and archive volumes in every class, tier and state."""
    pages = [scan_page_jpeg(seed, quality=25) for seed in range(3)]
    with transaction.atomic():
        policy = ArchivePolicy.objects.order_by("pk").first() or ArchivePolicy()
        policy.firm_name = FIRM_NAME
        policy.save()
        cabinets: dict[tuple[str, str], Cabinet] = {}
        for cls, tier in itertools.product(ArchiveClass.values, Tier.values):
            code = f"{CLASS_CODE[cls]}-{TIER_CODE[tier]}-01"
            cabinets[(cls, tier)], _ = Cabinet.objects.get_or_create(
                code=code,
                defaults={
                    "archive_class": cls,
                    "tier": tier,
                    "room": "三层档案室 A 区"
                    if tier != Tier.STRATEGIC
                    else "三层档案室 B 区（保密）",
                    "shelves": 5,
                    "boxes_per_shelf": 8,
                    "capacity": 120,
                },
            )
        today = timezone.localdate()
        yes = dict.fromkeys(REVIEW_CHECKLIST, True)
        for n, (domain, tier) in enumerate(
            itertools.product(list(MATTERS), Tier.values)
        ):
            client = _client(tier)
            end = today - dt.timedelta(days=60 + 9 * n)
            matter = _matter(users, client, domain, end - dt.timedelta(days=300))
            archive = _close(users, matter, end)
            _collect(users, archive, domain, pages)
            archive = archive_submit(actor=users["lawyer"], archive=archive)
            archive = archive_review(
                actor=users["archivist"], archive=archive, approve=True, checklist=yes
            )
            cabinet = cabinets[(archive.archive_class, archive.client.tier)]
            archive_file(
                actor=users["archivist"],
                archive=archive,
                cabinet=cabinet,
                shelf=1 + n % 5,
                box=1 + n % 8,
            )
        # Volumes on every desk: late collection, review queue, returned, approved.
        ordinary = _client(Tier.ORDINARY)
        late = _close(
            users,
            _matter(users, ordinary, Domain.LITIGATION, today - dt.timedelta(days=200)),
            today - dt.timedelta(days=20),
        )
        _collect(users, late, Domain.LITIGATION, pages[:1])
        queued = _close(
            users,
            _matter(
                users, _client(Tier.KEY), Domain.COUNSEL, today - dt.timedelta(days=400)
            ),
            today - dt.timedelta(days=3),
        )
        _collect(users, queued, Domain.COUNSEL, pages[:1])
        archive_submit(actor=users["lawyer"], archive=queued)
        approved = _close(
            users,
            _matter(
                users, ordinary, Domain.NON_LITIGATION, today - dt.timedelta(days=200)
            ),
            today - dt.timedelta(days=5),
        )
        _collect(users, approved, Domain.NON_LITIGATION, pages[:1])
        archive_submit(actor=users["lawyer"], archive=approved)
        archive_review(
            actor=users["senior"], archive=approved, approve=True, checklist=yes
        )
    from lexkeep.archives.services import archive_sweep

    archive_sweep(today=today)
