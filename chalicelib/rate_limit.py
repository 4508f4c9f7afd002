"""Fixed-window counters: one conditional update per key and request (help requests per
address and per IP, signups per IP, logins per NIR that has no account)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from .errors import TooManyRequests
from .rate_limit_store import RateLimitStore


class RateLimiter:
    def __init__(self, store: RateLimitStore, hash_key: Callable[[str, str], str]) -> None:
        self._store = store
        self._hash = hash_key  # personal data (email, IP) is counted under a keyed hash

    def hit(self, kind: str, value: str, limit: int, window: timedelta, now: datetime) -> None:
        start = int(now.timestamp()) // int(window.total_seconds())
        key = f"{kind}#{self._hash(kind, value)}#{start}"
        window_end = datetime.fromtimestamp((start + 1) * window.total_seconds(), tz=now.tzinfo)
        if not self._store.hit(key, limit, window_end):
            raise TooManyRequests(max(1, int((window_end - now).total_seconds())))
