"""What the FranceConnect routes read and answer: the way there and back (query strings: the
browser is redirected, nothing is refused here), the identity waiting, and the JWKS."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from ..schemas import AnswerModel, RequestModel
from .identity import LEVELS

Day = Annotated[str, Field(json_schema_extra={"format": "date"})]


class FranceConnectStart(RequestModel):
    niveau: Annotated[
        str | None,
        Field(
            description="eidas2 ou eidas3 : FranceConnect+, exigé pour utiliser ses droits "
            f"({', '.join(LEVELS)} ; toute autre valeur : eidas1, FranceConnect)."
        ),
    ] = None
    retour: Annotated[
        str | None,
        Field(
            description="Page de ce site où revenir une fois connecté (toute autre adresse, "
            "ou plus de 300 caractères : ignorée)."
        ),
    ] = None


class FranceConnectCallback(RequestModel):
    code: str | None = None
    state: str | None = None
    error: str | None = None


class CertifiedIdentity(AnswerModel):
    """Champs d'identité certifiés, à reprendre tels quels."""

    nom_naissance: str
    nom_usage: str | None = None
    prenoms: str
    sexe: Literal["F", "M"]
    date_naissance: Day
    lieu_naissance: str | None = None


class FranceConnectIdentity(AnswerModel):
    identite: CertifiedIdentity
    email: str | None = None
    modifiable: Literal[False]


class Jwk(AnswerModel):
    model_config = ConfigDict(extra="allow")  # each key type has members of its own

    kty: str
    kid: str
    use: Literal["enc"]
    alg: str


class JwkSet(AnswerModel):
    """Public JSON Web Keys (RFC 7517) the service decrypts with."""

    keys: list[Jwk]

    def to_json(self) -> dict[str, Any]:
        return {"keys": [k.model_dump(mode="json") for k in self.keys]}
