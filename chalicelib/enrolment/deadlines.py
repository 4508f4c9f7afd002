"""The deadlines job: files whose organisme did not answer in 2 working days, or whose holder
did not validate in 4, expire, and give their place back. It reads the sparse deadline index
(no Scan) and moves each file on condition that its deadline has passed and its status is
still the one read: running it twice, or beside a late answer, changes nothing more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..observability import logger
from . import rules
from .errors import TransitionRefused
from .store import DossierStore
from .transitions import Transitions

BATCH = 100


class Deadlines:
    def __init__(
        self, store: DossierStore, transitions: Transitions, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._transitions = transitions
        self._now = clock

    def expire_overdue(self, time_left_ms: Callable[[], int] = lambda: 10**9) -> int:
        """Expire every overdue file, a batch at a time while time is left; the number
        expired. What is left is taken by the next run."""
        expired = 0
        while time_left_ms() > 30_000:
            batch = self._store.overdue(self._now(), BATCH)
            moved = 0
            for dossier in batch:
                try:
                    self._transitions.move(
                        dossier, rules.EXPIRED, rules.SYSTEM, only_if_overdue=True
                    )
                    moved += 1
                except TransitionRefused:
                    continue  # answered or moved meanwhile
            expired += moved
            if len(batch) < BATCH or not moved:
                break
        logger.info("Overdue files expired", extra={"expired": expired})
        return expired
