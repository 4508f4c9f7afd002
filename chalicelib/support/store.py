"""All DynamoDB access for help requests."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from ..models import Account, SupportRequest


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
