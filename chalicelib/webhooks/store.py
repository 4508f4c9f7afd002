"""All AWS access of the webhooks: the organisme's endpoint and its secret (made by KMS as a
data key: random, and stored only as the ciphertext KMS gives, the SIRET as its encryption
context, so a ciphertext moved to another organisme does not decrypt), the deliveries, and the
queue of events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from ..models import WebhookDelivery, WebhookSubscription
from ..models.webhook import DELIVERY_PREFIX, SUBSCRIPTION

SECRET_BYTES = 32
DELIVERIES_KEPT = timedelta(days=30)


def delivery_key(event: dict) -> str:
    return f"{DELIVERY_PREFIX}{event['date']}#{event['id']}"


class WebhookStore:
    def __init__(
        self, kms: Any = None, key_id: str = "", send: Callable[[dict], Any] | None = None
    ) -> None:
        self._kms = kms
        self._key_id = key_id
        self._send = send

    # --- the secret -------------------------------------------------------------------------
    @staticmethod
    def _context(siret: str) -> dict[str, str]:
        return {"organisme": siret, "usage": "webhook"}

    def new_secret(self, siret: str) -> tuple[bytes, bytes]:
        """(secret, its ciphertext): the secret is shown once, the ciphertext stored."""
        answer = self._kms.generate_data_key(
            KeyId=self._key_id, NumberOfBytes=SECRET_BYTES, EncryptionContext=self._context(siret)
        )
        return bytes(answer["Plaintext"]), bytes(answer["CiphertextBlob"])

    def secret(self, siret: str, blob: bytes) -> bytes:
        answer = self._kms.decrypt(
            CiphertextBlob=blob, KeyId=self._key_id, EncryptionContext=self._context(siret)
        )
        return bytes(answer["Plaintext"])

    # --- the endpoint -----------------------------------------------------------------------
    def subscription(self, siret: str) -> WebhookSubscription | None:
        try:
            return WebhookSubscription.get(siret, SUBSCRIPTION, consistent_read=True)
        except DoesNotExist:
            return None

    def save(self, siret: str, url: str, blob: bytes, now: datetime) -> None:
        WebhookSubscription(
            siret, SUBSCRIPTION, url=url, secret_chiffre=blob, enregistre_le=now
        ).save()

    def delete(self, siret: str) -> bool:
        """False when there was none."""
        found = self.subscription(siret)
        if found is None:
            return False
        found.delete()
        return True

    # --- events and deliveries --------------------------------------------------------------
    def enqueue(self, siret: str, event: dict) -> None:
        if self._send is None:
            raise RuntimeError("this store was made without the events' queue")
        self._send({"siret": siret, "event": event})

    def record_attempt(
        self, siret: str, event: dict, status: str, code: int | None, now: datetime
    ) -> None:
        """One more attempt of the event's delivery (its first creates the record)."""
        item = WebhookDelivery(siret, delivery_key(event))
        item.update(
            actions=[
                WebhookDelivery.evenement.set(event["id"]),
                WebhookDelivery.type.set(event["type"]),
                WebhookDelivery.date.set(datetime.fromisoformat(event["date"])),
                WebhookDelivery.statut.set(status),
                WebhookDelivery.tentatives.add(1),
                WebhookDelivery.code_http.set(code)
                if code is not None
                else WebhookDelivery.code_http.remove(),
                WebhookDelivery.derniere_tentative.set(now),
                WebhookDelivery.expires_at.set(now + DELIVERIES_KEPT),
            ]
        )

    def deliveries(
        self, siret: str, after: dict[str, str] | None, limit: int
    ) -> tuple[list[WebhookDelivery], dict[str, str] | None]:
        """A page of the organisme's deliveries, newest first, and where the next starts."""
        found = WebhookDelivery.query(
            siret,
            WebhookDelivery.cle.startswith(DELIVERY_PREFIX),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=(
                {"siret": {"S": siret}, "cle": {"S": after["cle"]}} if after else None
            ),
        )
        items = list(found)
        last = found.last_evaluated_key
        return items, ({"cle": last["cle"]["S"]} if last else None)
