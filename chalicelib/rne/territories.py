"""The départements and collectivités d'outre-mer a prefecture can send files for. Pure.

INSEE codes: 01 to 95 without 20 (Corsica is 2A and 2B since 1976), the overseas départements
(971 to 974, 976) and the collectivités d'outre-mer that have a prefecture or a high
commissioner and their own elected officials (975, 977, 978, 986, 987, 988).
"""

from __future__ import annotations

DEPARTEMENTS = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20]
    + ["2A", "2B", "971", "972", "973", "974", "975", "976", "977", "978", "986", "987", "988"]
)


def departement_code(value: str) -> str | None:
    """'1' -> '01', '2a' -> '2A', '974' stays; empty -> None (not checked: see is_departement)."""
    value = value.strip().upper()
    if not value:
        return None
    return value.zfill(2) if value.isdigit() and len(value) < 2 else value


def is_departement(code: str | None) -> bool:
    return code in DEPARTEMENTS


def local_code(code: str, dept: str | None) -> str:
    """A canton or constituency number without the département some exports put before it:
    "0101" in the Ain and "101" (Ain written "1") are both constituency "01"."""
    code = code.strip().upper()
    if dept:
        for prefix in (dept, dept.lstrip("0")):
            if prefix and code.startswith(prefix) and len(code) == len(prefix) + 2:
                code = code[len(prefix) :]
                break
    return code.zfill(2) if code.isdigit() else code
