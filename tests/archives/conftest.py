"""Fixtures of the archive tests: closed matters, scans at a chosen DPI."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from PIL import Image, ImageDraw

from lexkeep.accounts.models import User
from lexkeep.accounts.services import api_token_create
from lexkeep.archives.choices import Category, MaterialType
from lexkeep.archives.models import Archive, Cabinet, Material
from lexkeep.archives.services import material_add
from lexkeep.clients.choices import ClientType, Domain, SubDomain, Tier
from lexkeep.clients.models import Client
from lexkeep.clients.normalize import normalize_name
from lexkeep.matters.models import ConflictCheck, Matter
from lexkeep.matters.services import matter_close

_serial = itertools.count(1)


def scan_image(
    dpi: int | None, *, size: tuple[int, int] = (300, 420), fmt: str = "PNG"
) -> bytes:
    """Return a small page image recording ``dpi`` (None: records none)."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 20, 60), fill=0)
    out = io.BytesIO()
    kwargs: dict[str, Any] = {} if dpi is None else {"dpi": (dpi, dpi)}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def scan_pdf(dpis: list[int], *, size: tuple[int, int] = (300, 420)) -> bytes:
    """Return a PDF with one full-page image per entry, drawn at that DPI."""
    pages = []
    for _dpi in dpis:
        image = Image.new("L", size, 255)
        ImageDraw.Draw(image).rectangle((20, 20, size[0] - 20, 60), fill=0)
        pages.append(image)
    out = io.BytesIO()
    # Pillow sizes each page so its image is drawn at ``resolution`` DPI;
    # pages of different resolutions are written one by one and merged.
    import pikepdf

    merged = pikepdf.Pdf.new()
    for image, dpi in zip(pages, dpis, strict=True):
        one = io.BytesIO()
        image.save(one, "PDF", resolution=float(dpi))
        merged.pages.extend(pikepdf.open(io.BytesIO(one.getvalue())).pages)
    merged.save(out)
    return out.getvalue()


class Upload(io.BytesIO):
    """An in-memory upload with a name."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


@pytest.fixture
def mk_client(db) -> Callable[..., Client]:
    def make(name: str = "", *, tier: str = Tier.ORDINARY, **fields: Any) -> Client:
        name = name or f"星河科技有限公司{next(_serial)}"
        return Client.objects.create(
            name=name,
            name_normalized=normalize_name(name),
            client_type=ClientType.ENTERPRISE,
            tier=tier,
            **fields,
        )

    return make


@pytest.fixture
def mk_matter(firm, mk_client) -> Callable[..., Matter]:
    """Return a factory of open matters handled by the staff lawyer."""

    def make(
        *,
        domain: str = Domain.LITIGATION,
        client: Client | None = None,
        name: str = "",
        start: dt.date = dt.date(2024, 1, 8),
        assistants: list[User] | None = None,
        **fields: Any,
    ) -> Matter:
        client = client or mk_client()
        check = ConflictCheck.objects.create(
            subject_name=client.name,
            searched_by=firm["partner"],
            decision=ConflictCheck.Decision.CLEAR,
            client=client,
        )
        sub = {
            Domain.LITIGATION: SubDomain.CIVIL,
            Domain.NON_LITIGATION: SubDomain.MNA,
            Domain.COUNSEL: "",
        }[domain]
        matter = Matter.objects.create(
            name=name or f"买卖合同纠纷案{next(_serial)}",
            name_normalized=normalize_name(name or "matter"),
            client=client,
            domain=domain,
            sub_domain=sub,
            supervising_lawyer=firm["senior"],
            engagement_start=start,
            conflict_check=check,
            **fields,
        )
        matter.handling_lawyers.set([firm["staff"]])
        matter.assistants.set(assistants or [])
        return matter

    return make


@pytest.fixture
def closed_archive(firm, mk_matter) -> Callable[..., Archive]:
    """Return a factory: a matter closed on ``end`` and its new volume."""

    def make(
        *,
        end: dt.date = dt.date(2025, 9, 26),
        domain: str = Domain.LITIGATION,
        **kwargs: Any,
    ) -> Archive:
        matter = mk_matter(domain=domain, **kwargs)
        matter_close(actor=firm["staff"], matter=matter, business_end_date=end)
        return Archive.objects.get(matter=matter)

    return make


#: One material of each required checklist item of a litigation volume.
FULL_SET: tuple[tuple[str, str, str], ...] = (
    (Category.IDENTITY_ENGAGEMENT, MaterialType.BUSINESS_LICENCE, "营业执照副本"),
    (Category.IDENTITY_ENGAGEMENT, MaterialType.ENGAGEMENT_CONTRACT, "委托代理合同"),
    (Category.IDENTITY_ENGAGEMENT, MaterialType.POWER_OF_ATTORNEY, "授权委托书"),
    (Category.IDENTITY_ENGAGEMENT, MaterialType.RISK_NOTICE, "风险告知书"),
    (Category.BUSINESS_HANDLING, MaterialType.JUDGMENT, "民事判决书"),
    (Category.COMMUNICATION, MaterialType.MINUTES, "会谈笔录"),
    (Category.FEES, MaterialType.INVOICE, "律师费发票"),
)


@pytest.fixture
def fill(firm) -> Callable[..., list[Material]]:
    """Return a helper adding the full required set to a volume."""

    def add(archive: Archive, *, skip: tuple[str, ...] = ()) -> list[Material]:
        added = []
        for index, (category, kind, title) in enumerate(FULL_SET):
            if kind in skip:
                continue
            added.append(
                material_add(
                    actor=firm["staff"],
                    archive=archive,
                    category=category,
                    material_type=kind,
                    title=title,
                    page_count=index + 1,
                    material_date=dt.date(2025, 1, 1) + dt.timedelta(days=index),
                )
            )
        return added

    return add


@pytest.fixture
def cabinet(firm) -> Callable[..., Cabinet]:
    def make(
        code: str = "SS-P-01",
        *,
        archive_class: str = "litigation",
        tier: str = Tier.ORDINARY,
        capacity: int = 10,
    ) -> Cabinet:
        return Cabinet.objects.create(
            code=code,
            archive_class=archive_class,
            tier=tier,
            room="档案室 A",
            shelves=3,
            boxes_per_shelf=4,
            capacity=capacity,
        )

    return make


@pytest.fixture
def api(firm) -> Callable[[str], HttpClient]:
    """Return a factory of API clients authenticated as a user of the firm."""

    def make(who: str) -> HttpClient:
        _token, raw = api_token_create(user=firm[who], name="test")
        return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture(autouse=True)
def _own_file_store(settings, tmp_path):
    """Give each test an empty file store, so fixity sees only its own files."""
    storages = dict(settings.STORAGES)
    default = dict(storages["default"])
    default["OPTIONS"] = {**default.get("OPTIONS", {}), "location": str(tmp_path / "f")}
    storages["default"] = default
    settings.STORAGES = storages
    settings.MEDIA_ROOT = tmp_path / "f"
