"""When a snapshot is held for an operator instead of applied. Pure.

A new snapshot replaces its scopes: what the previous one listed and it does not is closed. A
truncated file, a partial export or an old export uploaded late would close mandates that are
still current, so a snapshot is held (`en_attente`) when, in some scope, it would close more
than a set share of the current mandates, or when most of what it adds is older than the
scope's current snapshot. An election legitimately closes most mandates: an operator confirms.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CLOSING_SHARE = 0.20
MIN_CLOSING = 5  # a scope of a few seats may change a third of them without alarm
MIN_OLDER = 5


@dataclass(frozen=True)
class ScopeChange:
    scope: str  # "<type>#<département or FR>"
    current: int  # mandates the scope's current snapshot lists
    closing: int  # of those, absent from the new snapshot
    added: int  # listed by the new snapshot, not by the current one
    older: int  # of those, begun before the current snapshot was taken

    def as_dict(self) -> dict[str, str | int]:
        return {
            "perimetre": self.scope,
            "mandats_actuels": self.current,
            "a_fermer": self.closing,
            "nouveaux": self.added,
            "nouveaux_anterieurs": self.older,
        }


def hold_reasons(changes: list[ScopeChange]) -> list[str]:
    """Why the snapshot must wait for an operator (French, for the report); [] to apply it."""
    reasons = []
    for change in changes:
        if change.closing >= MIN_CLOSING and change.closing > MAX_CLOSING_SHARE * change.current:
            reasons.append(
                f"{change.scope} : fermerait {change.closing} des {change.current} mandats "
                f"en cours (plus de {MAX_CLOSING_SHARE:.0%})."
            )
    added = sum(c.added for c in changes)
    older = sum(c.older for c in changes)
    if older >= MIN_OLDER and older * 2 > added:
        reasons.append(
            f"{older} des {added} mandats ajoutés ont commencé avant l'instantané en cours : "
            "ce fichier semble plus ancien que celui déjà appliqué."
        )
    return reasons
