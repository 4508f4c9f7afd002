"""The identité pivot FranceConnect certifies, read from its claims, and compared with an
account. Pure.

Claims: given_name (all given names), family_name (birth name), preferred_username (usage
name, optional), birthdate (YYYY-MM-DD), gender (female/male), birthplace (INSEE code of the
commune, empty when born abroad), birthcountry (INSEE code, 99100 for France), email.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ..names import clean_display, compact, normalise
from ..rne.matching import account_keys

FRANCE = "99100"
_GENDERS = {"female": "F", "male": "M"}
_INSEE = re.compile(r"^(\d{2}|2A|2B)\d{3}$")


class UnusableIdentity(ValueError):
    """Claims without what an account needs (a provider's bug, or an incomplete identity)."""


@dataclass(frozen=True)
class FcIdentity:
    nom_naissance: str
    nom_usage: str | None
    prenoms: str
    sexe: str
    date_naissance: str
    lieu_naissance: str | None
    email: str | None

    @classmethod
    def from_claims(cls, claims: dict) -> FcIdentity:
        missing = [
            name
            for name in ("family_name", "given_name", "birthdate", "gender")
            if not isinstance(claims.get(name), str) or not claims[name].strip()
        ]
        if missing or claims["gender"] not in _GENDERS:
            raise UnusableIdentity("identité incomplète : " + ", ".join(missing or ["gender"]))
        try:
            date.fromisoformat(claims["birthdate"])
        except ValueError:
            raise UnusableIdentity("date de naissance illisible") from None
        place = (claims.get("birthplace") or "").strip().upper()
        country = (claims.get("birthcountry") or "").strip()
        usage = clean_display(claims.get("preferred_username") or "") or None
        born_in = (
            place if _INSEE.match(place) else (country if country and country != FRANCE else None)
        )
        if born_in is None:  # without it the identity cannot be compared with any account
            raise UnusableIdentity("identité incomplète : birthplace, birthcountry")
        return cls(
            nom_naissance=clean_display(claims["family_name"]),
            nom_usage=usage
            if usage and normalise(usage) != normalise(claims["family_name"])
            else None,
            prenoms=clean_display(claims["given_name"]),
            sexe=_GENDERS[claims["gender"]],
            date_naissance=claims["birthdate"],
            # born in France: the commune's code; abroad: the country's code
            lieu_naissance=born_in,
            email=(claims.get("email") or "").strip().lower() or None,
        )

    @classmethod
    def stored(cls, data: dict) -> FcIdentity:
        """From what an item keeps (DynamoDB leaves out the attributes that are empty)."""
        values: dict[str, Any] = {name: data.get(name) for name in cls.__dataclass_fields__}
        return cls(**values)

    def as_dict(self) -> dict:
        return asdict(self)

    def keys(self) -> set[str]:
        """Its identity keys, as the RNE matching computes them for an account."""
        return account_keys(
            self.nom_naissance, self.nom_usage, self.prenoms, self.sexe, self.date_naissance
        )

    def pivot(self) -> str | None:
        return pivot(
            self.nom_naissance, self.prenoms, self.sexe, self.date_naissance, self.lieu_naissance
        )

    def account_fields(self) -> dict:
        """The account's identity once certified: the civil registry's, replacing what was
        typed (the usage name too: a typed one is never certified)."""
        return {**self.signup_fields(), "nom_usage": self.nom_usage}

    def signup_fields(self) -> dict:
        """The signup fields it fills in, which the person cannot change."""
        fields = {
            "nom_naissance": self.nom_naissance,
            "nom_usage": self.nom_usage,
            "prenoms": self.prenoms,
            "sexe": self.sexe,
            "date_naissance": self.date_naissance,
        }
        if self.lieu_naissance:
            fields["lieu_naissance"] = self.lieu_naissance
        return fields


# eIDAS levels, weakest first. FranceConnect gives eidas1; FranceConnect+ gives eidas2
# ("substantiel") or eidas3 ("élevé"), the levels the live service requires to spend rights.
LEVELS = ("eidas1", "eidas2", "eidas3")
SPENDING_LEVEL = "eidas2"


def meets(acr: str | None, wanted: str) -> bool:
    return acr in LEVELS and LEVELS.index(acr) >= LEVELS.index(wanted)


def pivot(
    nom_naissance: str | None,
    prenoms: str | None,
    sexe: str | None,
    date_naissance: str | None,
    lieu_naissance: str | None,
) -> str | None:
    """The identité pivot as it is compared: birth name and every given name in order (after
    the matching's normalisation), sex, birth date, and the INSEE code of the birthplace (the
    commune's, or the country's for people born abroad). None when a part is missing or is not
    comparable (a country typed by name): such an identity certifies nothing."""
    place = (lieu_naissance or "").strip().upper()
    given = compact(re.sub(r"[\s,]+", " ", prenoms or ""))
    parts = (compact(nom_naissance or ""), given, sexe or "", date_naissance or "")
    if not all(parts) or not _INSEE.match(place) or sexe not in ("F", "M"):
        return None
    return "|".join((*parts, place))


def account_pivot(account) -> str | None:
    return pivot(
        account.nom_naissance,
        account.prenoms,
        account.sexe,
        account.date_naissance,
        account.lieu_naissance,
    )


def certifies(identity: FcIdentity, account) -> bool:
    """The certified identity *is* the account's: the same identité pivot, part for part. One
    name or given name in common is not enough (the RNE is public: anyone can type an
    official's names beside their own)."""
    mine = identity.pivot()
    return mine is not None and mine == account_pivot(account)


def may_spend(session_acr: str | None, account) -> bool:
    """Spending rights: a FranceConnect+ login in this session, whose certified identity (the
    one the account is linked to) is the account's."""
    if not meets(session_acr, SPENDING_LEVEL) or account.franceconnect is None:
        return False
    return certifies(FcIdentity.stored(account.franceconnect.as_dict()), account)
