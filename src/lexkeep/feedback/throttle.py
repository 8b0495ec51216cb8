"""The public form's rate limit per address, kept in Django's cache (SPEC §5).

A fixed window: at most ``limit`` accepted (or honeypot-caught) submissions
per client address per ``window`` seconds; defaults 5 per hour, tunable by
``settings.LEXKEEP_FEEDBACK_PUBLIC_RATE = (limit, window_seconds)``. Only
submissions that reach the firm (or trip the honeypot) count, so a person
correcting a typo is not locked out.

The address is ``REMOTE_ADDR``: behind a reverse proxy, make the proxy set
it (``X-Forwarded-For`` is not trusted). The counter lives in the default
cache; Django's default in-process memory cache counts per process, so a
deployment with several web processes configures a shared cache
(``CACHES``, e.g. Redis or the database cache) for one firm-wide limit.
Addresses are hashed before they become cache keys.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from lexkeep.feedback.exceptions import RateLimited

DEFAULT_RATE = (5, 3600)


def _rate() -> tuple[int, int]:
    limit, window = getattr(settings, "LEXKEEP_FEEDBACK_PUBLIC_RATE", DEFAULT_RATE)
    return int(limit), int(window)


def _key(ip: str | None, window: int) -> tuple[str, int]:
    now = time.time()
    bucket = int(now // window)
    digest = hashlib.sha256(
        f"{settings.SECRET_KEY}|{ip or 'unknown'}".encode()
    ).hexdigest()[:32]
    retry_after = int(window - (now % window)) + 1
    return f"lexkeep:feedback:public:{digest}:{bucket}", retry_after


def throttle_check(ip: str | None) -> None:
    """Raise :class:`RateLimited` if ``ip`` has used up this window's submissions."""
    limit, window = _rate()
    key, retry_after = _key(ip, window)
    if int(cache.get(key, 0)) >= limit:
        raise RateLimited(retry_after)


def throttle_count(ip: str | None) -> None:
    """Count one submission from ``ip`` in the current window."""
    _limit, window = _rate()
    key, _retry = _key(ip, window)
    cache.add(key, 0, timeout=window + 5)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
