"""RFC 9457 problem details: the one way the API reports an error.

Use cases raise domain errors, which the table of api.py turns into a `Problem`; the edge's
own refusals (a body that is not JSON) are `Problem`s from the start. `ApiBlueprint` answers
either as `application/problem+json`, and `rewrite_framework_error` rewrites the few errors
Chalice produces by itself (415, its own 400/500) into the same shape, so a client only ever
parses one error format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from chalice import Response

from .errors import FieldError

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
    410: "Ressource expirée",
    413: "Requête trop volumineuse",
    415: "Format non pris en charge",
    422: "Données invalides",
    429: "Trop de tentatives",
    500: "Erreur interne",
    502: "Erreur du service",
    503: "Service indisponible",
    504: "Délai dépassé",
}

# What Chalice or API Gateway say in English, said again in French for a person.
_GENERIC_DETAILS = {
    400: "La requête n'a pas pu être comprise.",
    401: "Vous devez être connecté pour accéder à ce service.",
    403: "Vous n'avez pas accès à ce service.",
    404: "Cette adresse ne correspond à aucun service.",
    405: "Cette méthode n'est pas acceptée pour cette adresse.",
    413: "La requête est trop volumineuse.",
    415: "Le corps de la requête doit être envoyé au format JSON (Content-Type: application/json).",
    429: "Trop de requêtes : réessayez dans quelques instants.",
    500: "Une erreur inattendue s'est produite. Réessayez plus tard ; si le problème persiste, "
    "contactez l'assistance.",
    502: "Le service n'a pas pu répondre. Réessayez plus tard ; si le problème persiste, "
    "contactez l'assistance.",
    503: "Le service est momentanément indisponible. Réessayez dans quelques instants.",
    504: "Le service a mis trop de temps à répondre. Réessayez dans quelques instants.",
}


@dataclass
class Problem(Exception):
    status: int
    detail: str
    title: str | None = None
    slug: str | None = None
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {
            "type": f"urn:mon-compte-elu:probleme:{self.slug}" if self.slug else "about:blank",
            "title": self.title or TITLES.get(self.status, "Erreur"),
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = [error.as_dict() for error in self.errors]
        body.update(self.extra)
        return body

    def to_response(self) -> Response:
        return problem_response(self.status, self.body(), self.headers)


def problem_response(status: int, body: dict, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": PROBLEM_JSON, "Content-Language": "fr", **(headers or {})},
    )


def invalid(errors: list[FieldError], detail: str | None = None) -> Problem:
    """A 400 for form data: one entry per offending field, and a summary a person can read."""
    if detail is None:
        if len(errors) == 1:
            detail = errors[0].message
        else:
            detail = f"{len(errors)} informations sont à corriger."
    return Problem(400, detail, title="Données invalides", slug="donnees-invalides", errors=errors)


def generic(status: int) -> Problem:
    return Problem(status, _GENERIC_DETAILS.get(status, _GENERIC_DETAILS[500]))


def rewrite_framework_error(response: Response) -> Response:
    """Turn an error answered by Chalice itself (`{"Code", "Message"}`) into problem+json."""
    if response.status_code < 400:
        return response
    content_type = {k.lower(): v for k, v in (response.headers or {}).items()}.get(
        "content-type", "application/json"
    )
    if isinstance(content_type, str) and content_type.startswith(PROBLEM_JSON):
        return response
    problem = generic(response.status_code)
    return problem_response(problem.status, problem.body())
