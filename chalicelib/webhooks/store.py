"""All AWS access of the webhooks: the organisme's endpoint and its secret (made by KMS as a
data key: random, and stored only as the ciphertext KMS gives, the SIRET as its encryption
context, so a ciphertext moved to another organisme does not decrypt), the deliveries, and the
queue of events."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist
from pynamodb.expressions.condition import size

from ..models import WebhookDelivery, WebhookOutbox, WebhookSubscription, is_condition_failure
from ..models.webhook import DELIVERY_PREFIX, OUTBOX_PREFIX, SUBSCRIPTION, WAITING
from ..rights.store import Write

SECRET_BYTES = 32
DELIVERIES_KEPT = timedelta(days=30)
# the queue keeps a message 14 days: an outbox record outlives any event still to deliver
OUTBOX_KEPT = timedelta(days=14)


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
    def enqueue(self, siret: str, event: dict, outbox: str | None = None) -> None:
        """`outbox`: the record the event waits in, for the delivery function to clear."""
        if self._send is None:
            raise RuntimeError("this store was made without the events' queue")
        self._send({"siret": siret, "event": event, **({"outbox": outbox} if outbox else {})})

    # --- the outbox -------------------------------------------------------------------------
    @staticmethod
    def outbox_write(siret: str, events: list[dict], now: datetime) -> tuple[Write, str]:
        """The write (for the change's own transaction) of these events of one organisme, and
        the record's key."""
        key = f"{OUTBOX_PREFIX}{events[0]['id']}"
        record = WebhookOutbox(
            siret,
            key,
            evenements={e["id"]: json.dumps(e, ensure_ascii=False) for e in events},
            a_envoyer=WAITING,
            depuis=now,
            expires_at=now + OUTBOX_KEPT,
        )
        return Write("save", record), key

    def handed_over(self, siret: str, outbox: str, event_id: str) -> None:
        """The delivery function has the event: it leaves the outbox (the record with it, when
        it was the last one there)."""
        record = WebhookOutbox(siret, outbox)
        try:
            record.delete(
                condition=WebhookOutbox.evenements[event_id].exists()
                & (size(WebhookOutbox.evenements) == 1)
            )
        except DeleteError as error:
            if not is_condition_failure(error):
                raise
            record.update(actions=[WebhookOutbox.evenements[event_id].remove()])

    def waiting(self, before: datetime, limit: int) -> list[WebhookOutbox]:
        """Records written before `before` whose events the delivery function has not all had
        (the sparse outbox index: no Scan)."""
        return list(
            WebhookOutbox.outbox_index.query(WAITING, WebhookOutbox.depuis <= before, limit=limit)
        )

    @staticmethod
    def events_waiting(record: WebhookOutbox) -> list[dict]:
        return [json.loads(text) for text in (record.evenements.as_dict() or {}).values()]

    def drop_if_empty(self, record: WebhookOutbox) -> None:
        try:
            record.delete(condition=size(WebhookOutbox.evenements) == 0)
        except DeleteError as error:
            if not is_condition_failure(error):
                raise

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
