"""The organismes' own offer, with their API key (`Authorization: Bearer mce_org_...`): their
formations and sessions, published under the catalogue's rules, withdrawn from the search."""

from chalice import Response

from .. import services
from ..api import ApiBlueprint, Reply
from ..catalogue.publication_schemas import (
    FormationChanges,
    FormationFields,
    FormationPubliee,
    FormationPublieePage,
    FormationsListing,
    SessionChanges,
    SessionFields,
    SessionPubliee,
)
from ..operations import BAD_REQUEST, KEY_REFUSED, NO_STORE, ORGANISME, Responses, Returns

bp = ApiBlueprint(__name__)
_UNKNOWN = "Formation inconnue de cet organisme."
_RULES = "Données invalides ou règle du catalogue non respectée (`errors`, champ par champ)."
_CONCURRENT = "Modification concurrente de la même formation."
_FORMATION: Responses = {
    200: (FormationPubliee, "La formation, telle que publiée."),
    400: _RULES,
    401: KEY_REFUSED,
    404: _UNKNOWN,
    409: _CONCURRENT,
}
_SESSION: Responses = {
    400: _RULES,
    401: KEY_REFUSED,
    404: "Formation ou session inconnue de cet organisme.",
}


@bp.route(
    "/organismes/formations",
    methods=["GET"],
    summary="Organisme : ses formations",
    security=ORGANISME,
    query=FormationsListing,
    responses={
        200: (FormationPublieePage, "Une page de formations."),
        400: BAD_REQUEST,
        401: KEY_REFUSED,
    },
)
def organisme_formations(siret, query: FormationsListing):
    return Reply(services.publication().page(siret, query.cursor), headers=NO_STORE)


@bp.route(
    "/organismes/formations",
    methods=["POST"],
    summary="Organisme : publier une formation (trouvée aussitôt par la recherche)",
    security=ORGANISME,
    body=FormationFields,
    responses={
        201: (FormationPubliee, "La formation publiée, sans session encore."),
        400: _RULES,
        401: KEY_REFUSED,
        409: _CONCURRENT,
    },
)
def organisme_publish(siret, body: FormationFields):
    return Reply(services.publication().create(siret, body), headers=NO_STORE)


@bp.route(
    "/organismes/formations/{formation_id}",
    methods=["GET"],
    summary="Organisme : une de ses formations, avec les dossiers en cours par session",
    security=ORGANISME,
    responses={200: (FormationPubliee, "La formation."), 401: KEY_REFUSED, 404: _UNKNOWN},
)
def organisme_formation(formation_id, siret):
    return Reply(services.publication().one(siret, formation_id), headers=NO_STORE)


@bp.route(
    "/organismes/formations/{formation_id}",
    methods=["PATCH"],
    summary="Organisme : modifier une formation (les dossiers déjà demandés gardent leur prix)",
    security=ORGANISME,
    body=FormationChanges,
    responses=_FORMATION,
)
def organisme_change(formation_id, siret, body: FormationChanges):
    return Reply(services.publication().change(siret, formation_id, body), headers=NO_STORE)


@bp.route(
    "/organismes/formations/{formation_id}/retrait",
    methods=["POST"],
    summary="Organisme : retirer une formation de la recherche (les dossiers en cours continuent)",
    security=ORGANISME,
    responses={**_FORMATION, 200: (FormationPubliee, "La formation, retirée.")},
)
def organisme_withdraw(formation_id, siret):
    return Reply(services.publication().withdraw(siret, formation_id), headers=NO_STORE)


@bp.route(
    "/organismes/formations/{formation_id}/sessions",
    methods=["POST"],
    summary="Organisme : ajouter une session",
    security=ORGANISME,
    body=SessionFields,
    responses={
        201: (SessionPubliee, "La session ajoutée."),
        **_SESSION,
        409: "Formation retirée, ou modification concurrente.",
    },
)
def organisme_add_session(formation_id, siret, body: SessionFields):
    return Reply(services.publication().add_session(siret, formation_id, body), headers=NO_STORE)


@bp.route(
    "/organismes/formations/{formation_id}/sessions/{session_id}",
    methods=["PATCH"],
    summary="Organisme : modifier une session, ou la fermer aux nouvelles demandes",
    security=ORGANISME,
    body=SessionChanges,
    responses={
        200: (SessionPubliee, "La session."),
        **_SESSION,
        409: "Dates d'une session aux dossiers validés (annuler et rembourser, ou publier une "
        "nouvelle session), ou modification concurrente.",
    },
)
def organisme_change_session(formation_id, session_id, siret, body: SessionChanges):
    return Reply(
        services.publication().change_session(siret, formation_id, session_id, body),
        headers=NO_STORE,
    )


@bp.route(
    "/organismes/formations/{formation_id}/sessions/{session_id}",
    methods=["DELETE"],
    summary="Organisme : supprimer une session sans dossier",
    security=ORGANISME,
    responses={
        204: Returns("Session supprimée."),
        **_SESSION,
        409: "Session avec des dossiers en cours (la fermer aux nouvelles demandes), ou "
        "modification concurrente.",
    },
)
def organisme_delete_session(formation_id, session_id, siret):
    services.publication().delete_session(siret, formation_id, session_id)
    return Response(body="", status_code=204, headers=NO_STORE)
