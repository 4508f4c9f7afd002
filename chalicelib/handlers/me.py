"""Mon compte: what the service holds about the person, their corrections, a copy of it all,
and the deletion of the account."""

from chalice import Response

from .. import services
from ..api import (
    ApiBlueprint,
    current_account,
    current_session,
    expired_session_cookie,
    json_object,
    json_response,
)

bp = ApiBlueprint(__name__)
NO_STORE = {"Cache-Control": "no-store"}


def me_view(account) -> dict:
    adresse = account.adresse
    return {
        "id": account.id,
        "prenoms": account.prenoms,
        "nom": account.nom,
        "nom_naissance": account.nom_naissance,
        "nom_usage": account.nom_usage,
        "email": account.email,
        "telephone": account.telephone,
        "adresse": {
            "ligne1": adresse.ligne1,
            "code_postal": adresse.code_postal,
            "commune": adresse.commune,
            "pays": adresse.pays,
        },
        "diplome": account.diplome,
        "elu": bool(account.elu),
        # typed at signup, or certified by FranceConnect (the civil registry)
        "identite": "certifiee" if account.franceconnect else "declaree",
        "mandats": services.elu_recognition().mandates(account),
        "email_en_attente": account.email_nouveau,
    }


@bp.route("/me", methods=["GET"])
def me():
    return json_response(me_view(current_account(bp.current_request)), headers=NO_STORE)


@bp.route("/me", methods=["PATCH"])
def update_me():
    account = current_account(bp.current_request)
    services.my_account().update(account, json_object(bp.current_request))
    return json_response(me_view(account), headers=NO_STORE)


@bp.route("/me", methods=["DELETE"])
def delete_me():
    account = current_account(bp.current_request)
    services.my_account().delete(account, json_object(bp.current_request))
    return Response(body="", status_code=204, headers={"Set-Cookie": expired_session_cookie()})


@bp.route("/me/email", methods=["POST"])
def ask_email_change():
    account = current_account(bp.current_request)
    services.my_account().ask_email_change(account, json_object(bp.current_request))
    return json_response(
        {
            "message": "Un code vient d'être envoyé à la nouvelle adresse : saisissez-le pour "
            "confirmer le changement."
        },
        status=202,
    )


@bp.route("/me/email/verification", methods=["POST"])
def confirm_email_change():
    account = current_account(bp.current_request)
    services.my_account().confirm_email_change(account, json_object(bp.current_request))
    return json_response(me_view(account), headers=NO_STORE)


@bp.route("/me/mot-de-passe", methods=["POST"])
def change_password():
    account, session = current_session(bp.current_request)
    services.my_account().change_password(account, session, json_object(bp.current_request))
    return Response(body="", status_code=204)


@bp.route("/me/export", methods=["GET"])
def export_me():
    account = current_account(bp.current_request)
    return json_response(
        services.my_account().export(account),
        headers={
            **NO_STORE,
            "Content-Disposition": 'attachment; filename="mon-compte-elu.json"',
        },
    )
