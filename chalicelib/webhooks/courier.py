"""Delivering one event to its organisme's endpoint, signed as the Standard Webhooks
specification writes it (`webhook-id`, `webhook-timestamp`, `webhook-signature`: an HMAC-SHA256
of `id.timestamp.body` with the organisme's secret). Any 2XX answer delivers it; anything else,
or no answer, is one failed attempt of `events.ATTEMPTS`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from math import floor

from ..observability import logger
from . import addresses, events, sender
from .store import WebhookStore

DELIVERED, RETRYING, ABANDONED = "livree", "en_cours", "abandonnee"


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retry_in: int | None = None  # seconds until the next attempt; None: no other attempt


def signed_headers(secret: bytes, event_id: str, now: datetime, body: str) -> dict[str, str]:
    from standardwebhooks import Webhook

    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(floor(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, now, body),
    }


class Courier:
    def __init__(
        self,
        store: WebhookStore,
        clock: Callable[[], datetime],
        allowed_origins: tuple[str, ...] = (),
        resolver: addresses.Resolve = addresses.resolve,
        post: Callable[[addresses.Target, bytes, dict[str, str]], int | None] = sender.post,
    ) -> None:
        self._store = store
        self._now = clock
        self._allowed = allowed_origins
        self._resolve = resolver
        self._post = post

    def deliver(self, message: dict, attempt: int) -> Outcome:
        """`attempt`: 1 for the first (which takes the event out of its outbox). An organisme
        without an endpoint (none registered, or removed since) hears nothing: the event is
        done."""
        siret, event = message["siret"], message["event"]
        if attempt == 1 and message.get("outbox"):
            # the queue has it now, and retries it: the outbox's job need not send it again
            self._store.handed_over(siret, message["outbox"], event["id"])
        subscription = self._store.subscription(siret)
        if subscription is None:
            return Outcome(delivered=True)
        now = self._now()
        body = events.body(event)
        code = None
        try:
            target = addresses.check(subscription.url, self._allowed, self._resolve)
        except addresses.UnsafeUrl:
            logger.warning("Webhook endpoint refused at delivery", extra={"siret": siret})
        else:
            secret = self._store.secret(siret, subscription.secret_chiffre)
            headers = signed_headers(secret, event["id"], now, body)
            code = self._post(target, body.encode(), headers)
        if code is not None and 200 <= code < 300:
            self._store.record_attempt(siret, event, DELIVERED, code, now)
            return Outcome(delivered=True)
        retry_in = events.retry_delay(attempt)
        self._store.record_attempt(
            siret, event, RETRYING if retry_in is not None else ABANDONED, code, now
        )
        logger.info(
            "Webhook delivery failed",
            extra={"siret": siret, "event_id": event["id"], "attempt": attempt, "code": code},
        )
        return Outcome(delivered=False, retry_in=retry_in)
