"""All DynamoDB access for help requests and their rate limits."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from ..models import Account, RateLimit, SupportRequest, is_condition_failure


class SupportStore:
    def create(self, request: SupportRequest) -> None:
        request.save(condition=SupportRequest.reference.does_not_exist())

    def get(self, reference: str) -> SupportRequest | None:
        try:
            return SupportRequest.get(reference, consistent_read=True)
        except DoesNotExist:
            return None

    def update(self, request: SupportRequest, now: datetime, **values) -> None:
        """Set these attributes (and when), on the item and on the object."""
        actions = [getattr(SupportRequest, k).set(v) for k, v in values.items()]
        request.update(actions=[*actions, SupportRequest.updated_at.set(now)])

    def account(self, nir_hash: str) -> Account | None:
        try:
            return Account.get(nir_hash, consistent_read=True)
        except DoesNotExist:
            return None


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
