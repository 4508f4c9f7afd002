"""Fixed-window counters in DynamoDB: one conditional update per key and request."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from ..models import RateLimit, is_condition_failure
from ..problems import Problem


class RateLimiter:
    def __init__(self, hash_key) -> None:
        self._hash = hash_key  # personal data (email, IP) is counted under a keyed hash

    def hit(self, kind: str, value: str, limit: int, window: timedelta, now: datetime) -> None:
        start = int(now.timestamp()) // int(window.total_seconds())
        key = f"{kind}#{self._hash(kind, value)}#{start}"
        window_end = datetime.fromtimestamp((start + 1) * window.total_seconds(), tz=now.tzinfo)
        try:
            RateLimit(key).update(actions=[RateLimit.hits.add(1),
                                           RateLimit.expires_at.set(window_end)],
                                  condition=RateLimit.hits.does_not_exist()
                                  | (RateLimit.hits < limit))
        except UpdateError as error:
            if not is_condition_failure(error):
                raise
            seconds = max(1, int((window_end - now).total_seconds()))
            raise Problem(429, "Trop de demandes envoyées : réessayez dans "
                               f"{max(1, seconds // 60)} minute(s).", slug="trop-de-demandes",
                          headers={"Retry-After": str(seconds)}) from None
