"""The organisme's webhook: its endpoint (checked as the delivery will call it), a test event,
and the list of recent deliveries (its files' events go through the outbox)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime

from ..cursors import Cursors
from ..errors import invalid_field
from . import addresses, events
from .errors import NoWebhook
from .schemas import Delivery, DeliveryPage, WebhookRegistered, WebhookTestSent
from .store import WebhookStore

PAGE_SIZE = 50


def secret_text(secret: bytes) -> str:
    """The secret as Standard Webhooks writes it (`whsec_` and its base64)."""
    return "whsec_" + base64.b64encode(secret).decode()


class Webhooks:
    def __init__(
        self,
        store: WebhookStore,
        cursors: Cursors,
        clock: Callable[[], datetime],
        allowed_origins: tuple[str, ...] = (),
        resolver: addresses.Resolve = addresses.resolve,
    ) -> None:
        self._store = store
        self._cursors = cursors
        self._now = clock
        self._allowed = allowed_origins
        self._resolve = resolver

    def register(self, siret: str, url: str) -> WebhookRegistered:
        """The endpoint replaces the previous one, with a new secret (shown this once)."""
        try:
            addresses.check(url, self._allowed, self._resolve)
        except addresses.UnsafeUrl as refused:
            raise invalid_field("url", refused.message) from None
        secret, blob = self._store.new_secret(siret)
        now = self._now()
        self._store.save(siret, url, blob, now)
        return WebhookRegistered(url=url, secret=secret_text(secret), enregistre_le=now.isoformat())

    def current_secret(self, siret: str) -> str | None:
        """The endpoint's signing secret as the organisme copied it (None: no endpoint): what
        the local stage's demo receiver asks for when the page registered it again."""
        subscription = self._store.subscription(siret)
        if subscription is None:
            return None
        return secret_text(self._store.secret(siret, subscription.secret_chiffre))

    def remove(self, siret: str) -> None:
        if not self._store.delete(siret):
            raise NoWebhook()

    def send_test(self, siret: str) -> WebhookTestSent:
        if self._store.subscription(siret) is None:
            raise NoWebhook()
        event = events.test_event(self._now())
        self._store.enqueue(siret, event)
        return WebhookTestSent(id=event["id"], type=event["type"])

    def page(self, siret: str, cursor: str | None) -> DeliveryPage:
        after = self._cursors.decode("livraisons", siret, cursor, ("cle",))
        found, last = self._store.deliveries(siret, after, PAGE_SIZE)
        return DeliveryPage(
            livraisons=[
                Delivery(
                    id=d.evenement,
                    type=d.type,
                    date=d.date.isoformat(),
                    statut=d.statut,
                    tentatives=int(d.tentatives),
                    code_http=int(d.code_http) if d.code_http is not None else None,
                    derniere_tentative=d.derniere_tentative.isoformat(),
                )
                for d in found
            ],
            cursor=self._cursors.encode("livraisons", siret, last) if last else None,
        )
