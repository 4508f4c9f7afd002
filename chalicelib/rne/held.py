"""Operators decide what happens to a held snapshot: apply it (an election did close most
mandates; or here is its mandate type) or discard it (an old or truncated export)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..models import RneFile
from ..observability import logger
from .formats import MANDATE_TYPES
from .ingestion import RneIngestion
from .store import RneStore


class NotHeld(LookupError):
    """No held snapshot has this identifier (any more)."""


class UnknownType(ValueError):
    pass


@dataclass(frozen=True)
class HeldSnapshot:
    identifiant: str
    cle: str
    type_mandat: str | None
    attente: list[str]
    depuis: datetime | None


class HeldSnapshots:
    def __init__(
        self,
        store: RneStore,
        ingestion: RneIngestion,
        send_continuation: Callable[[dict[str, Any]], None],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._ingestion = ingestion
        self._send = send_continuation
        self._now = clock

    def waiting(self) -> list[HeldSnapshot]:
        return sorted(
            (
                HeldSnapshot(
                    state.pk.split("#", 1)[1],
                    state.key or "",
                    state.mandate_type,
                    list(state.attente or []),
                    state.finished_at,
                )
                for state in self._store.held_files()
            ),
            key=lambda held: held.depuis or datetime.min,
        )

    def apply(self, identifiant: str, operator: str, mandate_type: str | None = None) -> None:
        """Go on with the held snapshot (from its scope when it waited for its type)."""
        state = self._held(identifiant)
        if state.mandate_type is None:
            if mandate_type not in MANDATE_TYPES:
                raise UnknownType(
                    "Type de mandat à indiquer (--type), parmi : " + ", ".join(MANDATE_TYPES)
                )
            phase = None
        else:
            mandate_type, phase = None, "ecriture"
        self._store.resume_held(state.pk, operator, phase, mandate_type)
        self._send({"suite": state.pk})
        logger.info("Held RNE snapshot applied by an operator", extra={"rne_file": state.pk})

    def discard(self, identifiant: str, operator: str) -> None:
        state = self._held(identifiant)
        self._store.discard(state.pk, operator, self._now())
        self._ingestion.forget(state.pk)
        logger.info("Held RNE snapshot discarded by an operator", extra={"rne_file": state.pk})

    def _held(self, identifiant: str) -> RneFile:
        state = self._store.get_file(f"fichier#{identifiant}")
        if state is None or state.statut != "en_attente":
            raise NotHeld(identifiant)
        return state
