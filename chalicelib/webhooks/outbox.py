"""Each event delivered at least once: written in the same transaction as the change it tells
of (so a change never goes without its event), put in the queue at once after it, and queued
again by a job while the delivery function has not had it (the queue unreachable then). An
event may so arrive twice: the receiver deduplicates on its id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import groupby

from ..models import Dossier
from ..observability import logger
from ..rights.store import Write
from . import events
from .store import WebhookStore

# An event not yet had by the delivery function this long after its change was not queued
# (the send is the next thing the request does after its transaction).
HANDED_OVER_WITHIN = timedelta(minutes=5)
SWEEP_LIMIT = 1000  # records a run; the rest in the next one


class Outbox:
    def __init__(self, store: WebhookStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._now = clock

    def events_of(self, dossiers: list[Dossier]) -> tuple[list[Write], Callable[[], None]]:
        """The writes of the events of these files' changes (as each file is after it), for
        the change's transaction, and what sends them to the queue once it is made. Written
        for every organisme, an endpoint or not: knowing costs a request, a record is cheap
        and the delivery function removes it."""
        now = self._now()
        queued: list[tuple[str, str, dict]] = []
        writes = []
        for siret, files in groupby(sorted(dossiers, key=_siret), key=_siret):
            found = [events.dossier_event(dossier, now) for dossier in files]
            write, key = self._store.outbox_write(siret, found, now)
            writes.append(write)
            queued += [(siret, key, event) for event in found]

        def send() -> None:
            for siret, key, event in queued:
                try:
                    self._store.enqueue(siret, event, outbox=key)
                except Exception as error:  # noqa: BLE001 - the outbox has it: queued later
                    logger.warning(
                        "Webhook event not queued, left in the outbox",
                        extra={"error_type": type(error).__name__, "event_id": event["id"]},
                    )

        return writes, send

    def sweep(self) -> int:
        """Queue again the events still in the outbox a while after their change; how many."""
        sent = 0
        for record in self._store.waiting(self._now() - HANDED_OVER_WITHIN, SWEEP_LIMIT):
            waiting = self._store.events_waiting(record)
            if not waiting:  # its last events were handed over at the same moment
                self._store.drop_if_empty(record)
            for event in waiting:
                self._store.enqueue(record.siret, event, outbox=record.cle)
                sent += 1
        return sent


def _siret(dossier: Dossier) -> str:
    return dossier.organisme
