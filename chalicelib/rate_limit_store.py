"""DynamoDB access for the rate limits every area shares: one counter item per key and
window, updated on condition, expiring with its window."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from .models import RateLimit, is_condition_failure


class RateLimitStore:
    def hit(self, key: str, limit: int, window_end: datetime) -> bool:
        """Count one hit under `key` until `window_end`; False when `limit` was reached."""
        try:
            RateLimit(key).update(
                actions=[RateLimit.hits.add(1), RateLimit.expires_at.set(window_end)],
                condition=RateLimit.hits.does_not_exist() | (RateLimit.hits < limit),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise
        return True
