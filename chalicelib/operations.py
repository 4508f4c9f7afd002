"""The registry of the API's operations: what each route declares (its body, its query, its
answers, who may call it) drives the reading of its requests, the serialising of its answers
and the OpenAPI document. Filled as the handlers' modules are imported; nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .schemas import AnswerModel, RequestModel

# Who may call: a session (bearer token or the browser's cookie), an organisme's key, or either
# anyone or a session (help requests).
SESSION = ("bearer", "cookie")
ORGANISME = ("organisme",)
ANYONE_OR_SESSION = ("", "bearer", "cookie")
PUBLIC: tuple[str, ...] = ()
PDF = "application/pdf"  # answered as binary (the app's binary types)
BAD_REQUEST = "Données invalides (`errors`, champ par champ) ou corps JSON illisible."
UNAUTHENTICATED = "Non connecté, ou session expirée."
KEY_REFUSED = "Clé d'API absente, inconnue ou révoquée."  # an organisme's routes' 401
NO_STORE = {"Cache-Control": "no-store"}  # answers about a person or an organisme


@dataclass(frozen=True)
class Returns:
    """One documented answer: its model (none for 204 and redirections) and what it means."""

    description: str
    model: type[AnswerModel] | None = None
    media_type: str = "application/json"


Responses = dict[int, "Returns | str | tuple[type[AnswerModel], str]"]


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    summary: str
    responses: dict[int, Returns]
    body: type[RequestModel] | None = None
    body_required: bool = True
    query: type[RequestModel] | None = None
    security: tuple[str, ...] = PUBLIC
    parameters: tuple[dict[str, Any], ...] = ()
    body_media_types: tuple[str, ...] = ("application/json",)
    any_body: bool = False  # a body is taken and read by nobody (else: none is expected)

    def success(self) -> tuple[int, type[AnswerModel] | None]:
        """The status and model of the operation's first success."""
        status = min(s for s in self.responses if s < 400)
        return status, self.responses[status].model


OPERATIONS: list[Operation] = []


def returns(responses: Responses) -> dict[int, Returns]:
    """A route's answers as declared: a string is a problem+json answer with that meaning."""
    normalised: dict[int, Returns] = {}
    for status, declared in responses.items():
        if isinstance(declared, Returns):
            normalised[status] = declared
        elif isinstance(declared, str):
            normalised[status] = Returns(declared, media_type="application/problem+json")
        else:
            model, description = declared
            normalised[status] = Returns(description, model)
    return normalised
