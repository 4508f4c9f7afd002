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
    Reply,
    cookie,
    expired_session_cookie,
    optional_json_object,
    read_cookie,
    session_cookie,
    session_token,
)
from ..franceconnect import PENDING_TTL, STATE_TTL
from ..franceconnect.client import FranceConnectError
from ..franceconnect.encryption_keys import InvalidKeySet
from ..franceconnect.errors import NoPendingIdentity
from ..franceconnect.schemas import (
    CertifiedIdentity,
    FranceConnectCallback,
    FranceConnectIdentity,
    FranceConnectStart,
    JwkSet,
)
from ..observability import logger
from ..operations import ANYONE_OR_SESSION, Returns
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


@bp.route(
    "/auth/franceconnect",
    methods=["GET"],
    summary="S'identifier avec FranceConnect : redirige vers FranceConnect",
    query=FranceConnectStart,
    responses={
        303: Returns("Vers FranceConnect (ou la page d'erreur si FranceConnect est injoignable).")
    },
)
def start_franceconnect(query: FranceConnectStart):
    try:
        started = services.franceconnect().start(
            query.niveau or "eidas1", query.retour, session_token(bp.current_request)
        )
    except FranceConnectError as error:
        return _redirect(_page("/connexion/franceconnect", statut="erreur", motif=error.motif), [])
    return _redirect(
        started.url, [cookie(STATE_COOKIE, started.state, int(STATE_TTL.total_seconds()))]
    )


@bp.route(
    "/auth/franceconnect/jwks",
    methods=["GET"],
    summary="Les clés publiques de chiffrement du service (JWKS) : FranceConnect+ chiffre pour "
    "elles ses jetons",
    responses={
        200: Returns("Clé courante d'abord, la précédente ensuite (rotation).", JwkSet, JWK_SET),
        503: "Clés pas encore créées (première mise en service).",
    },
)
def franceconnect_jwks():
    """The service's public encryption keys: FranceConnect+ encrypts its tokens to them."""
    try:
        keys = services.franceconnect_public_keys()
    except InvalidKeySet:  # a first deployment before its keys were made
        logger.error("FranceConnect+ encryption keys missing: run the rotation command")
        raise generic(503) from None
    return Reply(
        JwkSet.model_validate(keys),
        headers={"Cache-Control": "public, max-age=300", "Content-Type": JWK_SET},
    )


@bp.route(
    "/auth/franceconnect/callback",
    methods=["GET"],
    summary="Retour de FranceConnect : redirige vers la page du résultat",
    query=FranceConnectCallback,
    responses={
        303: Returns(
            "Connecté (cookie de session), identité à compléter (inscription ou liaison), "
            "refus ou erreur (`motif`)."
        )
    },
)
def franceconnect_callback(query: FranceConnectCallback):
    request = bp.current_request
    outcome = services.franceconnect().finish(
        query.model_dump(exclude_none=True),
        read_cookie(request, STATE_COOKIE),
        session_token(request),
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


@bp.route(
    "/auth/franceconnect/identity",
    methods=["GET"],
    summary="L'identité FranceConnect en attente, pour préremplir l'inscription",
    responses={
        200: (FranceConnectIdentity, "Identité certifiée."),
        404: "Aucune identité en attente (ou expirée).",
    },
)
def franceconnect_identity():
    identity = (
        services.franceconnect().pending(read_cookie(bp.current_request, PENDING_COOKIE)).identity
    )
    return Reply(
        FranceConnectIdentity(
            identite=CertifiedIdentity(**identity.signup_fields()),
            email=identity.email,
            modifiable=False,
        ),
        headers={"Cache-Control": "no-store"},
    )


# POST only (a form's button): a link or an image on any site could otherwise log people out.
# The session cookie is SameSite=Lax: another site's form posting here carries no session.
# A body is not needed: Chalice takes a request without Content-Type as JSON, so JSON is
# accepted beside the form (the body is read by nobody).
@bp.route(
    "/auth/franceconnect/logout",
    methods=["POST"],
    summary="Se déconnecter, et de FranceConnect si la session en vient (POST seulement : un "
    "lien ne déconnecte personne)",
    security=ANYONE_OR_SESSION,
    body_media_types=("application/x-www-form-urlencoded", "application/json"),
    any_body=True,
    responses={303: Returns("Vers la déconnexion FranceConnect, ou l'accueil.")},
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
