"""The next quarter's exports the RNE bench re-ingests: the generated export
(`bench.rne_generator.rows`) with 1 % of its rows changed in one of two ways.

- `seat_changed`: another person in the seat, since a month: a new mandate, and one to close.
- `label_changed`: the same person in the same mandate, under the commune's new name (a
  commune nouvelle renamed, a label corrected): the commune's INSEE code stays, so the
  mandate is the same, with another label.

Pure generators of rows (lists of the 16 cells of `bench.rne_generator.HEADER`); a scenario
can change another's export (`base`), whose changed rows it leaves as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from bench.rne_generator import HEADER
from bench.rne_generator import rows as generated_rows

CHANGED_EVERY = 100  # 1 % of the rows
REPLACED_DAYS = 40  # how long ago the replacing person took the seat
# Each scenario changes its own rows: one export can follow the other.
SEAT_ROW, LABEL_ROW = CHANGED_EVERY // 2, CHANGED_EVERY // 4

_NOM, _PRENOM, _SEXE = (HEADER.index(c) for c in ("Nom de l'élu", "Prénom de l'élu", "Code sexe"))
_MANDAT, _FONCTION, _FONCTION_DEBUT = (
    HEADER.index(c)
    for c in ("Date de début du mandat", "Libellé de la fonction", "Date de début de la fonction")
)
_COMMUNE_LIBELLE = HEADER.index("Libellé de la commune")


def _letters(number: int) -> str:
    """A name-like word for a number (names have no digits)."""
    word = ""
    while True:
        number, rest = divmod(number, 26)
        word = chr(65 + rest) + word
        if not number:
            return word


def seat_changed(count: int, base: Iterable[list[str]] | None = None) -> Iterator[list[str]]:
    """One row in CHANGED_EVERY is another person, in the seat for REPLACED_DAYS."""
    since = (datetime.now(UTC) - timedelta(days=REPLACED_DAYS)).strftime("%d/%m/%Y")
    for number, row in enumerate(generated_rows(count) if base is None else base):
        if number % CHANGED_EVERY == SEAT_ROW:
            row = [*row]
            row[_NOM], row[_PRENOM], row[_SEXE] = f"REMPLACANT-{_letters(number)}", "Camille", "F"
            row[_MANDAT], row[_FONCTION], row[_FONCTION_DEBUT] = since, "", ""
        yield row


def label_changed(count: int, base: Iterable[list[str]] | None = None) -> Iterator[list[str]]:
    """One row in CHANGED_EVERY lists its commune under a new name (same INSEE code, same
    person, same mandate)."""
    for number, row in enumerate(generated_rows(count) if base is None else base):
        if number % CHANGED_EVERY == LABEL_ROW:
            row = [*row]
            row[_COMMUNE_LIBELLE] = f"{row[_COMMUNE_LIBELLE]}-sur-Vilaine"
        yield row
