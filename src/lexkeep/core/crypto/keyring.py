"""The master key ring: a small JSON file (or one key from the environment).

File format (mode 0600, never in the repository or the database)::

    {"active": "<id>", "keys": {"<id>": "<base64 of 32 bytes>", ...}}

The ring is read lazily on first use, cached per process, and re-read when
a master key id it does not hold is met or when the file changed before a
new data key is wrapped, so a running server keeps working while
``lexkeep rotate-key`` rotates the key in another process. Deployments that
inject secrets may set ``LEXKEEP_MASTER_KEY`` (base64 of 32 bytes) instead:
it is used as a single-key ring and the file is then ignored.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from lexkeep.core.crypto.exceptions import MasterKeyError

logger = logging.getLogger(__name__)

ENV_VAR = "LEXKEEP_MASTER_KEY"
KEY_BYTES = 32

_lock = threading.RLock()
_cache: _CachedRing | None = None


@dataclass(frozen=True)
class KeyRing:
    """A set of master keys by id, one of which wraps new data keys."""

    active: str
    keys: Mapping[str, bytes] = field(repr=False)
    from_env: bool = False

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise MasterKeyError(_("The active master key is not in the key ring."))
        for key in self.keys.values():
            if len(key) != KEY_BYTES:
                raise MasterKeyError(_("A master key is not 32 bytes long."))

    def to_json(self) -> str:
        """Return the ring serialised in its file format."""
        payload = {
            "active": self.active,
            "keys": {
                key_id: base64.b64encode(key).decode("ascii")
                for key_id, key in sorted(self.keys.items())
            },
        }
        return json.dumps(payload, indent=2) + "\n"


@dataclass(frozen=True)
class _CachedRing:
    source: str
    signature: tuple[int, int, int] | None
    ring: KeyRing


def new_key_id(existing: Mapping[str, bytes] | None = None) -> str:
    """Return a short random hex id not already used in ``existing``."""
    while True:
        key_id = secrets.token_hex(4)
        if not existing or key_id not in existing:
            return key_id


def ring_path() -> Path:
    """Return the path of the key ring file, read from settings at call time."""
    return Path(settings.MASTER_KEY_FILE)


def _env_ring(value: str) -> KeyRing:
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyError(_("LEXKEEP_MASTER_KEY is not valid base64.")) from None
    if len(key) != KEY_BYTES:
        raise MasterKeyError(_("LEXKEEP_MASTER_KEY must encode exactly 32 bytes."))
    # A stable id derived from the key, so every process agrees on it.
    key_id = "env" + hashlib.sha256(b"lexkeep-master-id:" + key).hexdigest()[:10]
    return KeyRing(active=key_id, keys={key_id: key}, from_env=True)


def _parse(text: str, path: Path) -> KeyRing:
    try:
        payload = json.loads(text)
        keys = {
            str(key_id): base64.b64decode(encoded, validate=True)
            for key_id, encoded in payload["keys"].items()
        }
        active = str(payload["active"])
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise MasterKeyError(
            _("The master key file %(path)s is malformed.") % {"path": path}
        ) from None
    return KeyRing(active=active, keys=keys)


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _fsync_dir(directory: Path) -> None:
    # Make the rename itself durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_temp(directory: Path, text: str) -> Path:
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".master-key-", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_ring(ring: KeyRing, path: Path | None = None) -> None:
    """Replace the ring file atomically (temp file, fsync, rename, mode 0600)."""
    if ring.from_env:
        raise MasterKeyError(
            _("A master key given in LEXKEEP_MASTER_KEY cannot be rewritten.")
        )
    path = path or ring_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = _write_temp(path.parent, ring.to_json())
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    invalidate()


def _create_ring_file(path: Path) -> None:
    """Create a new ring with one key, never overwriting an existing file.

    The complete file is written under a temporary name (created with
    ``O_EXCL``, mode 0600) and then hard-linked into place, which fails if
    another process created the ring first; readers never see a half-written
    ring.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_id = new_key_id()
    ring = KeyRing(active=key_id, keys={key_id: secrets.token_bytes(KEY_BYTES)})
    tmp = _write_temp(path.parent, ring.to_json())
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return  # another process won the race; use its ring
        except OSError:
            # A file system without hard links: fall back to O_EXCL on the target.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(ring.to_json())
                fh.flush()
                os.fsync(fh.fileno())
        _fsync_dir(path.parent)
        logger.warning("Created a new master key ring at %s", path)
    finally:
        tmp.unlink(missing_ok=True)


def read_ring_file(path: Path) -> KeyRing:
    """Read the ring file at ``path``, creating it on first use."""
    if not path.exists():
        _create_ring_file(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MasterKeyError(
            _("The master key file %(path)s cannot be read.") % {"path": path}
        ) from exc
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        logger.warning(
            "Master key file %s is readable by others (mode %o); use 0600", path, mode
        )
    return _parse(text, path)


def load_ring(*, refresh: bool = False, check_file: bool = False) -> KeyRing:
    """Return the master key ring, from the process cache when possible.

    ``refresh`` forces a re-read; ``check_file`` re-reads only if the file
    changed since it was cached (one ``stat`` call).
    """
    global _cache
    env_value = os.environ.get(ENV_VAR)
    with _lock:
        if env_value:
            source = "env:" + hashlib.sha256(env_value.encode()).hexdigest()
            if _cache is None or _cache.source != source:
                _cache = _CachedRing(source, None, _env_ring(env_value))
            return _cache.ring
        path = ring_path()
        source = "file:" + str(path)
        cached = _cache
        if (
            cached is not None
            and cached.source == source
            and not refresh
            and (not check_file or _signature(path) == cached.signature)
        ):
            return cached.ring
        ring = read_ring_file(path)
        _cache = _CachedRing(source, _signature(path), ring)
        return ring


def master_key(key_id: str) -> bytes:
    """Return the master key ``key_id``, re-reading the ring once if unknown."""
    ring = load_ring()
    if key_id not in ring.keys:
        ring = load_ring(refresh=True)
    try:
        return ring.keys[key_id]
    except KeyError:
        raise MasterKeyError(
            _("Master key %(id)s is not in the key ring.") % {"id": key_id}
        ) from None


def active_master_key() -> tuple[str, bytes]:
    """Return the id and bytes of the master key that wraps new data keys."""
    ring = load_ring(check_file=True)
    return ring.active, ring.keys[ring.active]


def invalidate() -> None:
    """Forget the cached ring; the next use re-reads it."""
    global _cache
    with _lock:
        _cache = None


@contextlib.contextmanager
def ring_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock that serialises writers of the ring at ``path``.

    Uses ``flock`` on a sibling ``.lock`` file where the platform has it,
    else an ``O_EXCL`` lock file.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock_path = path.with_name(path.name + ".lock")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        try:
            fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise MasterKeyError(
                _("Another key rotation is running (lock file %(path)s).")
                % {"path": lock_path}
            ) from None
        try:
            yield
        finally:
            os.close(fd)
            lock_path.unlink(missing_ok=True)
        return
    fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
