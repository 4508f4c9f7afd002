"""The OpenAPI 3.1 description of the API, assembled from what the routes declare (the
registry in `operations`): the schemas come from the request and answer models, so the document
says what validation and serialisation do. What no model says is here: the security schemes,
the answers every operation may give, and how a query model becomes parameters."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .operations import OPERATIONS, Operation
from .schemas import Problem

_REF = "#/components/schemas/{model}"
_SECURITY = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "organisme": {
        "type": "http",
        "scheme": "bearer",
        "description": "Clé d'API d'un organisme (mce_org_...).",
    },
    "cookie": {"type": "apiKey", "in": "cookie", "name": "mce_session"},
}
# Every operation may fail unexpectedly, receive what the gateway cannot read or a method it
# does not take; every body may be too big or not JSON.
_COMMON = {500: "Erreur inattendue.", 400: "Requête illisible.", 405: "Méthode non acceptée ici."}
_WITH_BODY = {413: "Corps trop volumineux.", 415: "Corps qui n'est pas du JSON."}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": _REF.format(model="Problem")}}},
    }


def _schemas() -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """Every model's schema, by (model, mode), and the components they refer to."""
    from pydantic.json_schema import models_json_schema

    wanted: dict[tuple[Any, str], None] = {(Problem, "serialization"): None}
    for operation in OPERATIONS:
        for model in (operation.body, operation.query):
            if model is not None:
                wanted[(model, "validation")] = None
        for answer in operation.responses.values():
            if answer.model is not None:
                wanted[(answer.model, "serialization")] = None
    refs, definitions = models_json_schema(list(wanted), ref_template=_REF)  # type: ignore[arg-type]
    return dict(refs), definitions.get("$defs", {})


def _query_parameters(schema: dict[str, Any], components: dict[str, Any]) -> list[dict[str, Any]]:
    """A query model's fields as parameters (absent rather than null when optional)."""
    name = schema["$ref"].rsplit("/", 1)[-1]
    resolved = components[name]
    parameters = []
    for field, declared in resolved["properties"].items():
        described = declared.get("description") or declared.get("title") or field
        kept = {k: v for k, v in declared.items() if k not in ("description", "title", "default")}
        if isinstance(kept.get("type"), list):
            kept["type"] = "string"
        if "enum" in kept:
            kept["enum"] = [v for v in kept["enum"] if v is not None]
        parameters.append(
            {
                "name": field,
                "in": "query",
                "schema": kept,
                "required": field in resolved.get("required", []),
                "description": described,
            }
        )
    return parameters


def _operation(
    operation: Operation, refs: dict[Any, dict[str, Any]], components: dict[str, Any]
) -> dict[str, Any]:
    described: dict[str, Any] = {"summary": operation.summary}
    if operation.security:
        described["security"] = [{name: []} if name else {} for name in operation.security]
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"\{([^}]+)\}", operation.path)
    ]
    parameters += list(operation.parameters)
    if operation.query is not None:
        parameters += _query_parameters(refs[(operation.query, "validation")], components)
    if parameters:
        described["parameters"] = parameters
    if operation.body is not None:
        schema = refs[(operation.body, "validation")]
        described["requestBody"] = {
            "required": operation.body_required,
            "content": {media: {"schema": schema} for media in operation.body_media_types},
        }
    elif operation.method == "post":  # nothing to send: an empty object, or no body at all
        schema = (
            {"type": "object"} if operation.any_body else {"type": "object", "maxProperties": 0}
        )
        described["requestBody"] = {
            "required": False,
            "content": {media: {"schema": schema} for media in operation.body_media_types},
        }
    responses: dict[str, Any] = {}
    for status, answer in sorted(operation.responses.items()):
        if answer.media_type == "application/problem+json":
            responses[str(status)] = _problem(answer.description)
        elif answer.model is None and answer.media_type != "application/json":  # a file
            responses[str(status)] = {
                "description": answer.description,
                "content": {answer.media_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        elif answer.model is None:
            responses[str(status)] = {"description": answer.description}
        else:
            schema = refs[(answer.model, "serialization")]
            responses[str(status)] = {
                "description": answer.description,
                "content": {answer.media_type: {"schema": schema}},
            }
    common = {**_COMMON, **(_WITH_BODY if operation.method in ("post", "patch") else {})}
    for status, description in common.items():
        responses.setdefault(str(status), _problem(description))
    described["responses"] = responses
    return described


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    """The document of the app's routes (read once the app has registered its blueprints)."""
    refs, components = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method] = _operation(
            operation, refs, components
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mon Compte Élu",
            "version": "1.0.0",
            "description": "API de Mon Compte Élu : comptes, droits DIF élus, catalogues.",
        },
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": _SECURITY},
    }
