"""Identity keys: how an RNE row and an account find each other. Pure.

A key is "<birth date>#<sex>#<NAME>#<FIRSTNAME>", names compacted (case, accents, hyphens,
apostrophes and spaces ignored; other letters transliterated). An RNE row has one key: the
name it lists (birth name or usage/marital name, whichever the prefecture had) and its first
name. An account has one key per way the RNE
may list it: birth name, usage name, both combined in either order, each part of a hyphenated
name; times each given name and the leading given names together ("Jean Pierre").
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from ..names import compact, normalise

if TYPE_CHECKING:  # only its attributes are read: the keys stay pure
    from ..models import Account


def person_key(born: date | str, sexe: str, nom: str, prenom: str) -> str:
    """Names compared without spaces and punctuation: "LE GALL" and "LEGALL" are one name."""
    born_iso = born.isoformat() if isinstance(born, date) else born
    return f"{born_iso}#{sexe}#{compact(nom)}#{compact(prenom)}"


def row_keys(
    born: date, sexe: str, nom: str, prenom: str, other_names: tuple[str, ...] = ()
) -> list[str]:
    """The key of an RNE row first, then one per part of a hyphenated name (the RNE may list
    "MARTIN-LEFÈVRE" where the account knows only "Martin") and per other form of the name
    ("MELLON" for "MELLON (DE)", listed as "DE MELLON")."""
    keys = [person_key(born, sexe, nom, prenom)]
    parts = [p for p in nom.split("-") if len(normalise(p)) >= 2]
    if len(parts) > 1:
        keys += [person_key(born, sexe, part, prenom) for part in parts]
    keys += [person_key(born, sexe, other, prenom) for other in other_names]
    return list(dict.fromkeys(keys))


# An identity with many name parts must not make an unbounded number of keys (each is an item
# written when an account is activated): the RNE lists at most a few given names.
MAX_NAME_PARTS = 4
MAX_GIVEN_NAMES = 4


def _surnames(nom_naissance: str, nom_usage: str | None) -> set[str]:
    variants = {nom_naissance}
    if nom_usage:
        variants |= {nom_usage, f"{nom_usage} {nom_naissance}", f"{nom_naissance} {nom_usage}"}
    for name in (nom_naissance, nom_usage or ""):
        if "-" in name:
            parts = [part for part in name.split("-") if len(normalise(part)) >= 2]
            variants |= set(parts[:MAX_NAME_PARTS])
    return {v for v in variants if normalise(v)}


def _first_names(prenoms: str) -> set[str]:
    given = [g for g in re.split(r"[\s,]+", prenoms.strip()) if g][:MAX_GIVEN_NAMES]
    variants = set(given)
    variants |= {" ".join(given[:k]) for k in range(2, len(given) + 1)}
    return {v for v in variants if normalise(v)}


def account_keys(
    nom_naissance: str, nom_usage: str | None, prenoms: str, sexe: str, born: date | str
) -> set[str]:
    return {
        person_key(born, sexe, surname, first)
        for surname in _surnames(nom_naissance, nom_usage)
        for first in _first_names(prenoms)
    }


def declared_keys(account: Account) -> set[str]:
    """The keys of the identity typed at signup (declared: nobody vouched for it)."""
    return account_keys(
        account.nom_naissance,
        account.nom_usage,
        account.prenoms,
        account.sexe,
        account.date_naissance,
    )


def certified_keys(account: Account) -> set[str]:
    """The keys of the identity FranceConnect certified (the civil registry's), once linked."""
    certified = getattr(account, "franceconnect", None)
    if certified is None:
        return set()
    return account_keys(
        certified.nom_naissance,
        certified.nom_usage,
        certified.prenoms,
        certified.sexe,
        certified.date_naissance,
    )


def keys_of_account(account: Account) -> set[str]:
    """Every identity key of an account: the identity typed at signup and, once linked, the one
    FranceConnect certified (it may spell the names as the civil register does)."""
    return declared_keys(account) | certified_keys(account)
