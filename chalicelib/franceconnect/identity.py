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

from ..names import clean_display, normalise
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
        return cls(
            nom_naissance=clean_display(claims["family_name"]),
            nom_usage=usage
            if usage and normalise(usage) != normalise(claims["family_name"])
            else None,
            prenoms=clean_display(claims["given_name"]),
            sexe=_GENDERS[claims["gender"]],
            date_naissance=claims["birthdate"],
            # born in France: the commune's code; abroad: the country's code
            lieu_naissance=place
            if _INSEE.match(place)
            else (country if country and country != FRANCE else None),
            email=(claims.get("email") or "").strip().lower() or None,
        )

    @classmethod
    def stored(cls, data: dict) -> FcIdentity:
        """From what an item keeps (DynamoDB leaves out the attributes that are empty)."""
        return cls(**{name: data.get(name) for name in cls.__dataclass_fields__})

    def as_dict(self) -> dict:
        return asdict(self)

    def keys(self) -> set[str]:
        """Its identity keys, as the RNE matching computes them for an account."""
        return account_keys(
            self.nom_naissance, self.nom_usage, self.prenoms, self.sexe, self.date_naissance
        )

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


def is_same_person(identity: FcIdentity, account) -> bool:
    """An account typed with this identity: same birth date and sex, a name and a given name
    in common (birth or usage name, either way round), and the same birthplace when both are
    known. Enough to link without asking, since FranceConnect certified the identity."""
    if not certifies(identity, account):
        return False
    place = (account.lieu_naissance or "").upper()
    return not (
        identity.lieu_naissance and _INSEE.match(place) and place != identity.lieu_naissance
    )


# eIDAS levels, weakest first. FranceConnect gives eidas1; FranceConnect+ gives eidas2
# ("substantiel") or more, the level the live service requires to spend rights.
LEVELS = ("eidas1", "eidas2", "eidas3")
SPENDING_LEVEL = "eidas2"


def meets(acr: str | None, wanted: str) -> bool:
    return acr in LEVELS and LEVELS.index(acr) >= LEVELS.index(wanted)


def certifies(identity: FcIdentity, account) -> bool:
    """The certified identity is the account's: same birth date and sex, a name and a given
    name in common (birth or usage name, either way round)."""
    if (account.date_naissance, account.sexe) != (identity.date_naissance, identity.sexe):
        return False
    typed = account_keys(
        account.nom_naissance,
        account.nom_usage,
        account.prenoms,
        account.sexe,
        account.date_naissance,
    )
    return bool(typed & identity.keys())


def may_spend(session_acr: str | None, account) -> bool:
    """Spending rights: a FranceConnect+ login in this session, whose certified identity (the
    one the account is linked to) is the account's."""
    if not meets(session_acr, SPENDING_LEVEL) or account.franceconnect is None:
        return False
    return certifies(FcIdentity.stored(account.franceconnect.as_dict()), account)
