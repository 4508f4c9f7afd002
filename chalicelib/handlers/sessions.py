from chalice import Response

from .. import services
from ..accounts.schemas import Login, Session
from ..api import ApiBlueprint, Reply, expired_session_cookie, session_cookie, session_token
from ..operations import BAD_REQUEST, SESSION, UNAUTHENTICATED, Returns
from .franceconnect import forget_pending_cookie, pending_identity

bp = ApiBlueprint(__name__)

NOT_LINKED = {
    "non_lie": "L'identité FranceConnect en attente sur ce navigateur n'est pas celle de ce "
    "compte (nom de naissance, prénoms, sexe, date et lieu de naissance) : elle n'a pas été "
    "liée. Vous êtes connecté(e) à votre compte.",
    "expire": "L'identité FranceConnect en attente sur ce navigateur date de plus de 5 "
    "minutes : elle n'a pas été liée. Vous êtes connecté(e) ; pour lier FranceConnect, "
    "reconnectez-vous avec FranceConnect depuis votre compte.",
}


@bp.route(
    "/sessions",
    methods=["POST"],
    summary="Se connecter avec le NIR (13 caractères) et le mot de passe",
    body=Login,
    responses={
        200: (Session, "Connecté; la session est aussi posée en cookie."),
        400: BAD_REQUEST,
        401: "NIR ou mot de passe incorrect (même réponse).",
        403: "Adresse électronique pas encore vérifiée.",
        429: "Compte bloqué temporairement (voir Retry-After).",
        503: "D'autres connexions au même compte au même instant : réessayer (Retry-After).",
    },
)
def login(body: Login):
    pending = pending_identity(bp.current_request, required=False)
    session = services.sessions().login(body.nir, body.mot_de_passe)
    answer: dict = {"token": session.token, "expires_at": session.expires_at.isoformat()}
    cookies = [session_cookie(session.token, session.max_age_seconds)]
    if pending is not None:  # back from FranceConnect with an identity: link it if it is his
        linked = services.franceconnect().link_after_login(pending, session)
        answer["franceconnect"] = "lie" if linked == "lie" else "non_lie"
        if linked != "lie":
            answer["franceconnect_motif"] = NOT_LINKED[linked]
        if pending.retour:
            answer["retour"] = pending.retour
        cookies.append(forget_pending_cookie())
    return Reply(
        Session(**answer),
        headers={
            "Set-Cookie": cookies if len(cookies) > 1 else cookies[0],
            "Cache-Control": "no-store",
        },
    )


@bp.route(
    "/sessions/current",
    methods=["DELETE"],
    summary="Se déconnecter",
    security=SESSION,
    responses={204: Returns("Déconnecté."), 401: UNAUTHENTICATED},
)
def logout(account):
    services.sessions().end(session_token(bp.current_request))  # the edge checked it is live
    return Response(body="", status_code=204, headers={"Set-Cookie": expired_session_cookie()})
