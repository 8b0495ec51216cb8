"""``lexkeep bench archives``: scan ingest, archive finding and fixity at scale.

* **Ingest**: ``pages`` generated A4 scans at 300 DPI (JPEG in PDF, 20 pages
  a file) go through ``material_add`` — inspection (pikepdf page walk, DPI),
  SHA-256, AES-256-GCM with the volume's key, atomic content-addressed write,
  database row, audit entry. Throughput in MB/s, as a ratio to ``openssl enc``
  plus ``sha256sum`` over the same files in the same run (target ≥ 0.5).
  ``openssl enc`` refuses AEAD modes (GCM) on OpenSSL 3, so the baseline
  cipher is AES-256-CTR (GCM's own counter mode, without the tag).
* **Finding**: lookup by archive number and a filtered archive list, through
  the whole API stack, on ``volumes`` bulk-generated volumes (p95 ≤ 50 ms),
  each against the raw SQL returning the same rows.
* **Fixity**: re-hash of every stored file, as a throughput ratio to
  ``sha256sum`` over the same files (target ≥ 0.7).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.test import Client as HttpClient

from lexkeep.accounts.models import Role, User
from lexkeep.accounts.services import api_token_create
from lexkeep.archives.choices import ArchiveClass, ArchiveStatus
from lexkeep.archives.fixity import fixity_scan
from lexkeep.archives.models import Archive, ArchiveSequence, Cabinet
from lexkeep.archives.scans import assemble_pdf, scan_page_jpeg
from lexkeep.archives.services import archive_store, material_add
from lexkeep.bench.harness import Measurement, Report, measure
from lexkeep.bench.loader import bulk_load, insert_rows, next_id
from lexkeep.clients.choices import Domain, Tier
from lexkeep.clients.models import Client
from lexkeep.matters.models import ConflictCheck, Matter

TARGET_P95_MS = 50.0
PAGES_PER_FILE = 20
BATCH = 20_000
CODES = {"litigation": "SS", "non_litigation": "FS", "counsel": "GW"}
DOMAIN = {
    "litigation": Domain.LITIGATION.value,
    "non_litigation": Domain.NON_LITIGATION.value,
    "counsel": Domain.COUNSEL.value,
}
CLASSES = list(ArchiveClass.values)
YEARS = list(range(2016, 2026))


def generate_volumes(volumes: int, seed: int = 5) -> dict[str, Any]:
    """Write ``volumes`` closed matters with their volumes (no files).

    Raw multi-row INSERTs with explicit ids (``lexkeep.bench.loader``), in
    transactions of ``BATCH`` volumes; indexes are built after the load.
    Each matter has a cleared conflict check and its handling lawyer; each
    filed volume a cabinet of its class and tier; the number sequences
    continue after the generated numbers.
    """
    rng = random.Random(seed)  # noqa: S311 - test data
    lawyers = list(
        User.objects.filter(role_assignments__role=Role.LAWYER).values_list(
            "pk", flat=True
        )[:50]
    )
    partner = User.objects.filter(role_assignments__role=Role.PARTNER).first()
    if partner is None or not lawyers:
        raise RuntimeError("generate the firm before its volumes")
    clients = list(Client.objects.values_list("pk", "tier", "name")[:20000])
    seq: dict[tuple[int, str], int] = {}
    cabinets = {
        (cls, tier): Cabinet.objects.get_or_create(
            code=f"B-{CODES[cls]}-{tier}",
            defaults={
                "archive_class": cls,
                "tier": tier,
                "room": "bench",
                "shelves": 50,
                "boxes_per_shelf": 50,
                "capacity": 10_000_000,
            },
        )[0].pk
        for cls in CLASSES
        for tier in Tier.values
    }
    with bulk_load(VOLUME_TABLES):
        done = 0
        while done < volumes:
            size = min(BATCH, volumes - done)
            with transaction.atomic():
                _volume_batch(
                    rng, size, done, partner.pk, lawyers, clients, cabinets, seq
                )
            done += size
        ArchiveSequence.objects.bulk_create(
            ArchiveSequence(year=year, archive_class=cls, last=last)
            for (year, cls), last in seq.items()
        )
    return {"volumes": volumes}


_STATUSES = [ArchiveStatus.FILED.value] * 8 + [
    ArchiveStatus.COLLECTING.value,
    ArchiveStatus.SUBMITTED.value,
    ArchiveStatus.APPROVED.value,
]
_ARCHIVE_FIELDS = [
    "archive_number",
    "year",
    "archive_class",
    "matter",
    "client",
    "client_tier",
    "status",
    "handling_lawyer",
    "end_date",
    "collection_due",
    "retention_from",
    "retention_until",
    "filed_on",
    "cabinet",
    "shelf",
    "box",
]
#: The tables ``generate_volumes`` fills (their indexes are built after).
VOLUME_TABLES = [ConflictCheck, Matter, Matter.handling_lawyers.through, Archive]


def _volume_batch(
    rng: random.Random,
    size: int,
    done: int,
    partner: int,
    lawyers: list[int],
    clients: list[tuple[int, str, str]],
    cabinets: dict[tuple[str, str], int],
    seq: dict[tuple[int, str], int],
) -> None:
    """Write ``size`` conflict checks, closed matters, lawyers and volumes."""
    first_check = next_id(ConflictCheck)
    first_matter = next_id(Matter)
    checks, matters, handling, archives = [], [], [], []
    clear = ConflictCheck.Decision.CLEAR.value
    closed = Matter.Status.CLOSED.value
    filed_status = ArchiveStatus.FILED.value
    strategic = Tier.STRATEGIC.value
    for i in range(size):
        check_id, matter_id = first_check + i, first_matter + i
        cls = rng.choice(CLASSES)
        client_id, tier, client_name = rng.choice(clients)
        year = rng.choice(YEARS)
        end = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        lawyer = rng.choice(lawyers)
        name = f"基准案件{done + i}"
        checks.append((check_id, client_name, partner, clear, partner, client_id))
        matters.append(
            (
                matter_id,
                name,
                name,
                client_id,
                DOMAIN[cls],
                partner,
                (end - dt.timedelta(days=200)).isoformat(),
                closed,
                end.isoformat(),
                check_id,
                partner,
            )
        )
        handling.append((matter_id, lawyer))
        n = seq[(year, cls)] = seq.get((year, cls), 0) + 1
        status = rng.choice(_STATUSES)
        filed = status == filed_status
        archives.append(
            (
                f"{year}-{CODES[cls]}-{n:06d}",
                year,
                cls,
                matter_id,
                client_id,
                tier,
                status,
                lawyer,
                end.isoformat(),
                (end + dt.timedelta(days=5)).isoformat(),
                end.isoformat(),
                None if tier == strategic else f"{year + 10}{end.isoformat()[4:]}",
                (end + dt.timedelta(days=10)).isoformat() if filed else None,
                cabinets[(cls, tier)] if filed else None,
                1 if filed else None,
                1 if filed else None,
            )
        )
    insert_rows(
        ConflictCheck,
        ["id", "subject_name", "searched_by", "decision", "decided_by", "client"],
        checks,
    )
    insert_rows(
        Matter,
        [
            "id",
            "name",
            "name_normalized",
            "client",
            "domain",
            "supervising_lawyer",
            "engagement_start",
            "status",
            "business_end_date",
            "conflict_check",
            "created_by",
        ],
        matters,
    )
    insert_rows(Matter.handling_lawyers.through, ["matter", "user"], handling)
    insert_rows(Archive, _ARCHIVE_FIELDS, archives)


def _api(user: User) -> Callable[[str], Any]:
    _token, raw = api_token_create(user=user, name="bench")
    http = HttpClient(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(url: str) -> Any:
        response = http.get(url)
        if response.status_code != 200:
            raise RuntimeError(
                f"{url} → {response.status_code}: {response.content[:300]!r}"
            )
        return response

    return get


def _sql(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _archivist() -> User:
    """Return the benchmark firm's archivist, creating one the first time."""
    archivist = User.objects.filter(role_assignments__role=Role.ARCHIVIST).first()
    if archivist is None:
        from lexkeep.accounts.services import user_create

        archivist = user_create(
            username="bench-archivist",
            password=secrets.token_urlsafe(16),
            roles=[Role.ARCHIVIST],
            validate_password_strength=False,
        )
    return archivist


def _finding(runs: int) -> list[Measurement]:
    archivist = _archivist()
    get = _api(archivist)
    numbers = list(
        Archive.objects.order_by("?").values_list("archive_number", flat=True)[
            : runs + 10
        ]
    )
    lookup = measure(
        "archive lookup by number (API)",
        lambda i: get(f"/api/v1/archives/lookup?number={numbers[i % len(numbers)]}"),
        lambda i: _sql(
            "SELECT a.*, m.name, c.name FROM archives_archive a "
            "JOIN matters_matter m ON m.id = a.matter_id "
            "JOIN clients_client c ON c.id = a.client_id WHERE a.archive_number = %s",
            [numbers[i % len(numbers)]],
        ),
        runs=runs,
        target_p95_ms=TARGET_P95_MS,
    )
    classes = list(ArchiveClass.values)
    lawyers = list(
        Archive.objects.values_list("handling_lawyer_id", flat=True).distinct()[:20]
    )

    def filtered_url(i: int) -> str:
        cls = classes[i % 3]
        year = 2016 + i % 10
        if i % 2:
            return (
                f"/api/v1/archives?archive_class={cls}&status=filed&year={year}"
                "&limit=50"
            )
        return f"/api/v1/archives?lawyer={lawyers[i % len(lawyers)]}&tier=key&limit=50"

    def filtered_sql(i: int) -> Any:
        cls = classes[i % 3]
        year = 2016 + i % 10
        if i % 2:
            where, params = (
                "a.archive_class = %s AND a.status = 'filed' AND a.year = %s",
                [cls, year],
            )
        else:
            where, params = (
                "a.handling_lawyer_id = %s AND a.client_tier = 'key'",
                [lawyers[i % len(lawyers)]],
            )
        _sql(f"SELECT COUNT(*) FROM archives_archive a WHERE {where}", params)  # noqa: S608
        return _sql(
            "SELECT a.*, m.name, c.name FROM archives_archive a "  # noqa: S608
            "JOIN matters_matter m ON m.id = a.matter_id "
            f"JOIN clients_client c ON c.id = a.client_id WHERE {where} "
            "ORDER BY a.id DESC LIMIT 50",
            params,
        )

    listing = measure(
        "filtered archive list, 50 a page (API)",
        lambda i: get(filtered_url(i)),
        filtered_sql,
        runs=runs,
        target_p95_ms=TARGET_P95_MS,
    )
    return [lookup, listing]


def _bench_archive() -> tuple[Archive, User]:
    archive = Archive.objects.filter(status=ArchiveStatus.COLLECTING).first()
    if archive is None:
        raise RuntimeError("no collecting volume to ingest into")
    return archive, _archivist()


def _ingest(pages: int, work: Path) -> dict[str, Any]:
    distinct = [scan_page_jpeg(seed) for seed in range(PAGES_PER_FILE)]
    files: list[Path] = []
    for n in range(max(1, pages // PAGES_PER_FILE)):
        rotated = distinct[n % PAGES_PER_FILE :] + distinct[: n % PAGES_PER_FILE]
        path = work / f"scan-{n:04d}.pdf"
        path.write_bytes(assemble_pdf(rotated))
        files.append(path)
    total = sum(p.stat().st_size for p in files)
    archive, actor = _bench_archive()
    start = time.perf_counter()
    for path in files:
        with path.open("rb") as fh:
            material_add(
                actor=actor,
                archive=archive,
                category="business_handling",
                material_type="evidence",
                title=path.stem,
                upload=fh,
                file_name=path.name,
            )
    ours = time.perf_counter() - start
    openssl = shutil.which("openssl") or "openssl"
    sha256sum = shutil.which("sha256sum") or "sha256sum"
    key, iv = secrets.token_hex(32), secrets.token_hex(16)
    start = time.perf_counter()
    for path in files:
        subprocess.run(  # noqa: S603
            [
                openssl,
                "enc",
                "-aes-256-ctr",
                "-K",
                key,
                "-iv",
                iv,
                "-in",
                str(path),
                "-out",
                str(path) + ".enc",
            ],
            check=True,
        )
        subprocess.run([sha256sum, str(path)], check=True, capture_output=True)  # noqa: S603
    raw = time.perf_counter() - start
    mb = total / 1024 / 1024
    return {
        "ingest_pages": len(files) * PAGES_PER_FILE,
        "ingest_files": len(files),
        "ingest_MB": round(mb, 1),
        "ingest_MB_per_s": round(mb / ours, 1),
        "baseline_openssl_ctr_plus_sha256sum_MB_per_s": round(mb / raw, 1),
        "ingest_ratio_to_baseline": round(raw / ours, 2),
        "ingest_target_ratio": "≥ 0.5",
    }


def _fixity() -> dict[str, Any]:
    store = archive_store()
    start = time.perf_counter()
    report = fixity_scan(store)
    ours = time.perf_counter() - start
    paths = [store.storage.path(name) for name in store.iter_names()]
    sha256sum = shutil.which("sha256sum") or "sha256sum"
    start = time.perf_counter()
    subprocess.run([sha256sum, *paths], check=True, capture_output=True)  # noqa: S603
    raw = time.perf_counter() - start
    mb = report.checked_bytes / 1024 / 1024
    return {
        "fixity_files": report.checked,
        "fixity_MB": round(mb, 1),
        "fixity_MB_per_s": round(mb / ours, 1),
        "sha256sum_MB_per_s": round(mb / raw, 1),
        "fixity_ratio_to_sha256sum": round(raw / ours, 2),
        "fixity_target_ratio": "≥ 0.7",
        "fixity_ok": report.ok,
    }


def run(*, runs: int, setting: dict[str, Any], pages: int) -> Report:
    """Run the archive suite on the generated firm; return its report."""
    report = Report(suite="archives", setting=setting)
    report.measurements.extend(_finding(runs))
    with tempfile.TemporaryDirectory(prefix="lexkeep-bench-scans-") as tmp:
        report.figures.update(_ingest(pages, Path(tmp)))
    report.figures.update(_fixity())
    return report
