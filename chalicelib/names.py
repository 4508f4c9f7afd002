"""The one name normaliser: how names are compared, whatever the way they were typed."""

from __future__ import annotations

import re
import unicodedata

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


def normalise(value: str) -> str:
    """Upper case, no accents, one space between words: 'Le Gall-Énaff' -> 'LE GALL ENAFF'."""
    decomposed = unicodedata.normalize("NFKD", value)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = without_marks.replace("ß", "SS").replace("Œ", "OE").replace("œ", "oe")
    folded = folded.replace("Æ", "AE").replace("æ", "ae").upper()
    return " ".join(part for part in _SEPARATORS.split(folded) if part)
