from chalice import Response

from .. import services
from ..api import (
    ApiBlueprint,
    expired_session_cookie,
    json_object,
    json_response,
    require_text,
    session_cookie,
    session_token,
)
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


@bp.route("/sessions", methods=["POST"])
def login():
    body = json_object(bp.current_request)
    nir = require_text(
        body,
        "nir",
        "Numéro de sécurité sociale : saisissez les 13 premiers caractères, sans la clé.",
    )
    password = require_text(body, "mot_de_passe", "Mot de passe : ce champ est obligatoire.")
    pending = pending_identity(bp.current_request, required=False)
    session = services.sessions().login(nir, password)
    answer = {"token": session.token, "expires_at": session.expires_at.isoformat()}
    cookies = [session_cookie(session.token, session.max_age_seconds)]
    if pending is not None:  # back from FranceConnect with an identity: link it if it is his
        linked = services.franceconnect().link_after_login(pending, session)
        answer["franceconnect"] = "lie" if linked == "lie" else "non_lie"
        if linked != "lie":
            answer["franceconnect_motif"] = NOT_LINKED[linked]
        if pending.retour:
            answer["retour"] = pending.retour
        cookies.append(forget_pending_cookie())
    return json_response(
        answer,
        headers={
            "Set-Cookie": cookies if len(cookies) > 1 else cookies[0],
            "Cache-Control": "no-store",
        },
    )


@bp.route("/sessions/current", methods=["DELETE"])
def logout():
    services.sessions().logout(session_token(bp.current_request))
    return Response(body="", status_code=204, headers={"Set-Cookie": expired_session_cookie()})
