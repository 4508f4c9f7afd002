"""What every HTTP view shares: problem handling, JSON bodies, JSON answers, session tokens."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from .observability import Metric, count, logger
from .problems import FieldError, Problem, generic, invalid

MAX_BODY_BYTES = 64 * 1024
SESSION_COOKIE = "mce_session"


class ApiBlueprint(Blueprint):
    """A Blueprint whose views answer a `Problem` (or any unexpected error) as problem+json.

    Chalice catches view exceptions before HTTP middleware can see them, so the guard has to sit
    around each view; doing it here keeps the views free of try/except boilerplate.
    """

    def route(self, path: str, **kwargs: Any) -> Callable:
        register = super().route(path, **kwargs)

        def decorator(view: Callable) -> Callable:
            register(_problem_guard(view))
            return view

        return decorator


def _problem_guard(view: Callable) -> Callable:
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Problem as problem:
            return problem.to_response()
        except Exception as error:  # noqa: BLE001 - the last line of defence of a view
            # The exception type only: messages of library errors may quote user input.
            logger.error("Unhandled error in view", extra={"error_type": type(error).__name__,
                                                           "view": view.__name__})
            count(Metric.UNHANDLED_ERROR)
            return generic(500).to_response()

    return guarded


def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or a 400/413 a person can understand."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise Problem(413, "La requête dépasse la taille autorisée (64 Ko).")
    if not raw.strip():
        raise Problem(400, "Le corps de la requête est vide : un objet JSON est attendu.",
                      slug="json-invalide")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "Le corps de la requête n'est pas un JSON valide.",
                      slug="json-invalide") from None
    if not isinstance(body, dict):
        raise Problem(400, "Le corps de la requête doit être un objet JSON.", slug="json-invalide")
    return body


def require_text(body: dict[str, Any], name: str, message: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise invalid([FieldError(name, message)])
    return value


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def session_token(request: Request) -> str | None:
    """The session token of a request: `Authorization: Bearer` first, then the browser cookie."""
    headers = request.headers or {}
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return read_cookie(request, SESSION_COOKIE)


def read_cookie(request: Request, name: str) -> str | None:
    cookie_header = (request.headers or {}).get("cookie")
    if not cookie_header:
        return None
    try:
        cookie = SimpleCookie(cookie_header)
    except CookieError:
        return None
    return cookie[name].value if name in cookie and cookie[name].value else None


def cookie(name: str, value: str, max_age_seconds: int) -> str:
    """A cookie JavaScript cannot read, sent only over TLS, and on cross-site navigations to us
    (the way back from FranceConnect) but not on cross-site requests."""
    return f"{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; Secure; SameSite=Lax"


def session_cookie(token: str, max_age_seconds: int) -> str:
    return cookie(SESSION_COOKIE, token, max_age_seconds)


def expired_session_cookie() -> str:
    return cookie(SESSION_COOKIE, "", 0)
