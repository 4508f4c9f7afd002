"""The one name normaliser: how names are compared, whatever the way they were typed."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’`´.]+")
_ALLOWED_EXTRA = set(" -'’.")


def clean_display(value: str) -> str:
    """A name as a person typed it, with spacing tidied (kept for display and emails)."""
    return " ".join(value.split())


def is_plausible_name(value: str) -> bool:
    """Letters (any accent), spaces, hyphens, apostrophes and dots, with at least one letter."""
    return any(ch.isalpha() for ch in value) and all(
        ch.isalpha() or ch in _ALLOWED_EXTRA for ch in value
    )


@lru_cache(maxsize=100_000)  # an export repeats its names: each is folded once
def normalise(value: str) -> str:
    """Upper case, Latin letters without accents, one space between words: 'Le Gall-Énaff' ->
    'LE GALL ENAFF', 'Søren' -> 'SOREN' (transliterated by anyascii, not a table of ours)."""
    from anyascii import anyascii

    folded = anyascii(unicodedata.normalize("NFC", value)).upper()
    return " ".join(part for part in _SEPARATORS.split(folded) if part)


def compact(value: str) -> str:
    """A name as it is compared: normalised, without spaces or punctuation ('Le Gall' and
    'LEGALL', "d'Estaing" and 'DESTAING' are the same name)."""
    return "".join(ch for ch in normalise(value) if ch.isalnum())
