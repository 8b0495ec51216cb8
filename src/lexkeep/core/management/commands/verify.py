from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lexkeep.core.audit import AuditAnchor, audit_verify
from lexkeep.core.models import AuditEntry
from lexkeep.core.storage import EncryptedContentStore


def _read_anchor(path: Path) -> AuditAnchor | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        return AuditAnchor(id=int(data["id"]), hash=str(data["hash"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"anchor file {path} is unreadable: {exc}") from exc


def _write_anchor(path: Path, anchor: AuditAnchor) -> None:
    """Write the anchor atomically (temp file, fsync, rename), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"id": anchor.id, "hash": anchor.hash}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


class Command(BaseCommand):
    help = (
        "Verify the audit chain and every stored file. Exits non-zero on any "
        "altered, deleted, inserted or reordered audit entry (including entries "
        "removed from the end since the last verification, which is remembered "
        "in an anchor file outside the database) and on any altered file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--anchor",
            type=Path,
            default=None,
            help="Anchor file (default: <data dir>/audit-anchor.json).",
        )
        parser.add_argument(
            "--no-files", action="store_true", help="Skip re-hashing stored files."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor_path: Path = options["anchor"] or Path(settings.DATA_DIR) / (
            "audit-anchor.json"
        )
        result = audit_verify(anchor=_read_anchor(anchor_path))
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN at entry {result.first_bad_id}: {result.reason} "
                f"({result.checked} entries checked)"
            )
        if result.anchor is not None:
            _write_anchor(anchor_path, result.anchor)
        self.stdout.write(f"audit chain OK ({result.checked} entries)")
        if options["no_files"]:
            return
        store = EncryptedContentStore()
        if apps.is_installed("lexkeep.archives"):
            self._verify_with_archives(store, anchor_path)
            return
        checked, bad = 0, []
        for name in store.iter_names():
            checked += 1
            if not store.verify(name):
                bad.append(name)
        if bad:
            raise CommandError(
                f"{len(bad)} of {checked} stored files are ALTERED: "
                + ", ".join(bad[:20])
            )
        self.stdout.write(f"stored files OK ({checked} files)")

    def _verify_with_archives(
        self, store: EncryptedContentStore, anchor_path: Path
    ) -> None:
        """Re-hash every stored file once, as an archive fixity run (SPEC §7.3).

        The run is kept and alerts the archivist on failure; altered and
        missing files fail the command, orphaned ones are reported.
        """
        from lexkeep.archives.fixity import fixity_run

        run = fixity_run(trigger="verify", store=store)
        # The run appended an audit entry after the chain was checked: move
        # the anchor to it, so removing it later is detected too.
        head = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        if head is not None:
            _write_anchor(anchor_path, AuditAnchor(id=head[0], hash=head[1]))
        for item in run.orphaned[:20]:
            self.stdout.write(f"orphaned (no record refers to it): {item}")
        problems = []
        if run.altered:
            problems.append(
                f"{len(run.altered)} of {run.checked} stored files are ALTERED: "
                + ", ".join(_describe(d) for d in run.altered[:20])
            )
        if run.missing:
            problems.append(
                f"{len(run.missing)} archive files are MISSING: "
                + ", ".join(_describe(d) for d in run.missing[:20])
            )
        if problems:
            raise CommandError("; ".join(problems) + f" (fixity run {run.pk})")
        self.stdout.write(
            f"stored files OK ({run.checked} files, {len(run.orphaned)} orphaned; "
            f"fixity run {run.pk})"
        )


def _describe(item: dict[str, Any]) -> str:
    """Return a blob with the archive and file it belongs to, if known."""
    if item.get("archive_number"):
        return f"{item['blob']} ({item['archive_number']}: {item['file_name']})"
    return str(item["blob"])
