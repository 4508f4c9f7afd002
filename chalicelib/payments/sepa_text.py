"""The characters a SEPA file may carry. The EPC's implementation guidelines for the SEPA
Credit Transfer (EPC132-08, "Character set") admit the Latin subset below, whatever the bank;
anything else may be refused or mangled on the way. Names are transliterated into it ("Société
Générale" -> "Societe Generale", by anyascii like the project's name normaliser) and
identifiers must already be written in it."""

from __future__ import annotations

import string
import unicodedata

LATIN_SUBSET = frozenset(string.ascii_letters + string.digits + "/-?:().,'+ ")
IDENTIFIER_LENGTH = 35  # Max35Text: MsgId, PmtInfId, EndToEndId
NAME_LENGTH = 70  # Max70Text: Nm
REMITTANCE_LENGTH = 140  # Max140Text: Ustrd


def latin_text(value: str, max_length: int) -> str:
    """A free text in the SEPA subset: transliterated, other characters turned to spaces,
    spaces tidied, cut to the field's length."""
    from anyascii import anyascii

    folded = anyascii(unicodedata.normalize("NFC", value))
    kept = "".join(ch if ch in LATIN_SUBSET else " " for ch in folded)
    return " ".join(kept.split())[:max_length].rstrip()


def is_identifier(value: str, max_length: int = IDENTIFIER_LENGTH) -> bool:
    """A reference the bank keeps as is: 1 to 35 characters of the subset, no space, and no
    "/" at either end nor "//" inside (the EPC rule for identifiers)."""
    return (
        0 < len(value) <= max_length
        and all(ch in LATIN_SUBSET and ch != " " for ch in value)
        and not value.startswith("/")
        and not value.endswith("/")
        and "//" not in value
    )
