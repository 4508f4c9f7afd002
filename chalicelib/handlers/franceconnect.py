"""Login with FranceConnect. The browser goes to /auth/franceconnect, FranceConnect, then back
to /auth/franceconnect/callback, which sends it to the web client's page for the outcome:

- logged in:         {PUBLIC_URL}/connexion/franceconnect?statut=connecte (session cookie set)
- identity to use:   {PUBLIC_URL}/inscription?franceconnect=identite (signup, or log in once
                     with NIR and password to link; GET /auth/franceconnect/identity fills in)
- refused, failed:   {PUBLIC_URL}/connexion/franceconnect?statut=refuse|erreur&motif=...
"""

import contextlib
from urllib.parse import urlencode

from chalice import Response

from .. import services
from ..api import (
    ApiBlueprint,
    cookie,
    expired_session_cookie,
    json_response,
    optional_json_object,
    read_cookie,
    session_cookie,
    session_token,
)
from ..franceconnect import PENDING_TTL, STATE_TTL
from ..franceconnect.client import FranceConnectError
from ..franceconnect.encryption_keys import InvalidKeySet
from ..franceconnect.errors import NoPendingIdentity
from ..observability import logger
from ..problems import generic

bp = ApiBlueprint(__name__)

STATE_COOKIE = "mce_fc_etat"
PENDING_COOKIE = "mce_fc_attente"
JWK_SET = "application/jwk-set+json"  # RFC 7517, section 8.5


def _redirect(location: str, cookies: list[str]) -> Response:
    return Response(
        body="",
        status_code=303,
        headers={"Location": location, "Cache-Control": "no-store", "Set-Cookie": cookies},
    )


def _page(path: str, **params: str) -> str:
    public_url = services.get_settings().public_url
    return f"{public_url}{path}?{urlencode(params)}"


@bp.route("/auth/franceconnect", methods=["GET"])
def start_franceconnect():
    params = bp.current_request.query_params or {}
    try:
        started = services.franceconnect().start(
            params.get("niveau", "eidas1"),
            params.get("retour"),
            session_token(bp.current_request),
        )
    except FranceConnectError as error:
        return _redirect(_page("/connexion/franceconnect", statut="erreur", motif=error.motif), [])
    return _redirect(
        started.url, [cookie(STATE_COOKIE, started.state, int(STATE_TTL.total_seconds()))]
    )


@bp.route("/auth/franceconnect/jwks", methods=["GET"])
def franceconnect_jwks():
    """The service's public encryption keys: FranceConnect+ encrypts its tokens to them."""
    try:
        keys = services.franceconnect_public_keys()
    except InvalidKeySet:  # a first deployment before its keys were made
        logger.error("FranceConnect+ encryption keys missing: run the rotation command")
        raise generic(503) from None
    return json_response(
        keys, headers={"Cache-Control": "public, max-age=300", "Content-Type": JWK_SET}
    )


@bp.route("/auth/franceconnect/callback", methods=["GET"])
def franceconnect_callback():
    request = bp.current_request
    outcome = services.franceconnect().finish(
        dict(request.query_params or {}), read_cookie(request, STATE_COOKIE), session_token(request)
    )
    cookies = [cookie(STATE_COOKIE, "", 0)]
    if outcome.statut == "connecte":
        if outcome.session is not None:  # else the session already open was certified
            cookies.append(session_cookie(outcome.session.token, outcome.session.max_age_seconds))
        if outcome.retour:
            return _redirect(services.get_settings().public_url + outcome.retour, cookies)
        return _redirect(_page("/connexion/franceconnect", statut="connecte"), cookies)
    if outcome.statut == "a_completer":
        cookies.append(cookie(PENDING_COOKIE, outcome.pending, int(PENDING_TTL.total_seconds())))
        return _redirect(_page("/inscription", franceconnect="identite"), cookies)
    return _redirect(
        _page("/connexion/franceconnect", statut=outcome.statut, motif=outcome.motif or ""), cookies
    )


@bp.route("/auth/franceconnect/identity", methods=["GET"])
def franceconnect_identity():
    identity = (
        services.franceconnect().pending(read_cookie(bp.current_request, PENDING_COOKIE)).identity
    )
    return json_response(
        {"identite": identity.signup_fields(), "email": identity.email, "modifiable": False},
        headers={"Cache-Control": "no-store"},
    )


# POST only (a form's button): a link or an image on any site could otherwise log people out.
# The session cookie is SameSite=Lax: another site's form posting here carries no session.
# A body is not needed: Chalice takes a request without Content-Type as JSON, so JSON is
# accepted beside the form (the body is read by nobody).
@bp.route(
    "/auth/franceconnect/logout",
    methods=["POST"],
    content_types=["application/x-www-form-urlencoded", "application/json"],
)
def franceconnect_logout():
    """End the session here, then at FranceConnect when it was opened through it."""
    if "json" in (bp.current_request.headers.get("content-type") or ""):
        optional_json_object(bp.current_request)  # a JSON body, if any, is an object
    token = session_token(bp.current_request)
    sessions = services.sessions()
    id_token, acr = sessions.franceconnect_id_token(token)
    if token:
        sessions.end(token)
    location = _page("/", deconnexion="1")
    if id_token:
        # if FranceConnect cannot be reached, our session is closed all the same
        with contextlib.suppress(FranceConnectError):
            location = services.franceconnect().logout_url(id_token, acr)
    return _redirect(location, [expired_session_cookie()])


def pending_identity(request, required: bool = True):
    """The identity the browser brings back from FranceConnect (`Pending`), else None. One that
    expired is a 404 when `required` (signup: the person must go through FranceConnect again),
    else ignored (a login stays a login)."""
    handle = read_cookie(request, PENDING_COOKIE)
    if handle is None:
        return None
    try:
        return services.franceconnect().pending(handle)
    except NoPendingIdentity:
        if required:
            raise
        return None


def forget_pending_cookie() -> str:
    return cookie(PENDING_COOKIE, "", 0)
