"""Mon compte: what the service holds about the person, their corrections, a copy of it all,
and the deletion of the account."""

from chalice import Response

from .. import services
from ..accounts.schemas import (
    AdresseView,
    CodeOnly,
    EmailChange,
    Export,
    Me,
    MeUpdate,
    PasswordChange,
    PasswordConfirmation,
)
from ..api import ApiBlueprint, Reply, expired_session_cookie
from ..operations import BAD_REQUEST, NO_STORE, SESSION, UNAUTHENTICATED, Returns
from ..schemas import Message

bp = ApiBlueprint(__name__)
_WRONG_PASSWORD = "Mot de passe incorrect."  # noqa: S105 - a message


def me_view(account) -> Reply:
    adresse = account.adresse
    return Reply(
        Me(
            id=account.id,
            prenoms=account.prenoms,
            nom=account.nom,
            nom_naissance=account.nom_naissance,
            nom_usage=account.nom_usage,
            email=account.email,
            telephone=account.telephone,
            adresse=AdresseView(
                ligne1=adresse.ligne1,
                code_postal=adresse.code_postal,
                commune=adresse.commune,
                pays=adresse.pays,
            ),
            diplome=account.diplome,
            elu=bool(account.elu),
            # typed at signup, or certified by FranceConnect (the civil registry)
            identite="certifiee" if account.franceconnect else "declaree",
            mandats=services.elu_recognition().mandates(account),
            email_en_attente=account.email_nouveau,
        ),
        headers=NO_STORE,
    )


@bp.route(
    "/me",
    methods=["GET"],
    summary="Mon compte",
    security=SESSION,
    responses={200: (Me, "Le compte de la personne connectée."), 401: UNAUTHENTICATED},
)
def me(account):
    return me_view(account)


@bp.route(
    "/me",
    methods=["PATCH"],
    summary="Corriger ses coordonnées (téléphone, adresse) ou son diplôme",
    security=SESSION,
    body=MeUpdate,
    responses={200: (Me, "Le compte, corrigé."), 400: BAD_REQUEST, 401: UNAUTHENTICATED},
)
def update_me(account, body: MeUpdate):
    services.my_account().update(account, body)
    return me_view(account)


@bp.route(
    "/me",
    methods=["DELETE"],
    summary="Supprimer son compte (mot de passe exigé) : le grand livre DIF élus est conservé "
    "sous le seul hachage du NIR",
    security=SESSION,
    body=PasswordConfirmation,
    responses={
        204: Returns("Compte supprimé ; la session est fermée."),
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        403: _WRONG_PASSWORD,
        409: "Un dossier de formation est en cours.",
    },
)
def delete_me(account, body: PasswordConfirmation):
    services.my_account().delete(account, body.mot_de_passe)
    return Response(body="", status_code=204, headers={"Set-Cookie": expired_session_cookie()})


@bp.route(
    "/me/email",
    methods=["POST"],
    summary="Changer d'adresse électronique : un code part vers la nouvelle adresse",
    security=SESSION,
    body=EmailChange,
    responses={
        202: (Message, "Code envoyé à la nouvelle adresse."),
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        403: _WRONG_PASSWORD,
        409: "Adresse déjà utilisée par un compte.",
        429: "Un code vient de partir, ou trop de codes envoyés aujourd'hui (pour ce compte ou "
        "cette adresse) : voir Retry-After.",
    },
)
def ask_email_change(account, body: EmailChange):
    services.my_account().ask_email_change(account, body)
    return Reply(
        Message(
            message="Un code vient d'être envoyé à la nouvelle adresse : saisissez-le pour "
            "confirmer le changement."
        ),
        status=202,
    )


@bp.route(
    "/me/email/verification",
    methods=["POST"],
    summary="Confirmer la nouvelle adresse avec le code reçu",
    security=SESSION,
    body=CodeOnly,
    responses={
        200: (Me, "Le compte, avec sa nouvelle adresse."),
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        409: "Adresse prise entre-temps par un autre compte, ou autre changement en même temps.",
        410: "Aucun changement n'attend de code (expiré, trop d'essais).",
    },
)
def confirm_email_change(account, body: CodeOnly):
    services.my_account().confirm_email_change(account, body.code)
    return me_view(account)


@bp.route(
    "/me/mot-de-passe",
    methods=["POST"],
    summary="Changer de mot de passe : les autres sessions sont fermées",
    security=SESSION,
    body=PasswordChange,
    responses={
        204: Returns("Mot de passe changé."),
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        403: "Mot de passe actuel incorrect.",
        409: "Mot de passe changé au même moment depuis une autre session.",
    },
)
def change_password(account, session, body: PasswordChange):
    services.my_account().change_password(account, session, body)
    return Response(body="", status_code=204)


@bp.route(
    "/me/export",
    methods=["GET"],
    summary="Télécharger mes données (tout ce que le service conserve sur moi)",
    security=SESSION,
    responses={200: (Export, "Les données, en JSON."), 401: UNAUTHENTICATED},
)
def export_me(account):
    return Reply(
        services.my_account().export(account),
        headers={
            **NO_STORE,
            "Content-Disposition": 'attachment; filename="mon-compte-elu.json"',
        },
    )
