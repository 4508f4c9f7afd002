"""The organismes' API: each organisme, with its own key (`Authorization: Bearer mce_org_...`),
lists and answers the files of its SIRET."""

from .. import services
from ..api import ApiBlueprint, Reply
from ..enrolment.schemas import (
    Dossier,
    DossierPage,
    ExitDeclaration,
    Motif,
    OrganismeListing,
    ServiceDeclaration,
)
from ..operations import BAD_REQUEST, KEY_REFUSED, NO_STORE, ORGANISME, Responses

bp = ApiBlueprint(__name__)
_ANSWERS: Responses = {
    200: (Dossier, "Le dossier, dans son nouvel état."),
    400: BAD_REQUEST,
    401: KEY_REFUSED,
    404: "Dossier inconnu de cet organisme.",
    409: "Changement d'état impossible (`statut`).",
}


@bp.route(
    "/organismes/dossiers",
    methods=["GET"],
    summary="Organisme : ses dossiers, par statut",
    security=ORGANISME,
    query=OrganismeListing,
    responses={200: (DossierPage, "Une page de dossiers."), 400: BAD_REQUEST, 401: KEY_REFUSED},
)
def organisme_files(siret, query: OrganismeListing):
    return Reply(services.organisme_desk().page(siret, query), headers=NO_STORE)


# action (the path's last part) -> what it does; refusal and cancellation give a reason
_ACTIONS = {
    "acceptation": "Organisme : accepter la demande (le titulaire a 4 jours ouvrés pour valider)",
    "refus": "Organisme : refuser la demande",
    "entree-en-formation": "Organisme : déclarer l'entrée en formation (dès le premier jour)",
    "annulation": "Organisme : annuler (remboursé si débité)",
}
_WITH_REASON = ("refus", "annulation")


def _action_route(action: str, summary: str) -> None:
    with_reason = action in _WITH_REASON

    def act(dossier_id, siret, body: Motif | None = None):
        motif = body.motif if body is not None else None
        return Reply(
            services.organisme_desk().act(siret, dossier_id, action, motif), headers=NO_STORE
        )

    act.__name__ = "organisme_" + action.replace("-", "_")
    bp.route(
        f"/organismes/dossiers/{{dossier_id}}/{action}",
        methods=["POST"],
        summary=summary,
        security=ORGANISME,
        body=Motif if with_reason else None,
        responses=_ANSWERS,
    )(act)


for _action, _summary in _ACTIONS.items():
    _action_route(_action, _summary)


@bp.route(
    "/organismes/dossiers/{dossier_id}/sortie",
    methods=["POST"],
    summary="Organisme : déclarer la sortie et le taux de réalisation (dès le premier jour)",
    security=ORGANISME,
    body=ExitDeclaration,
    responses={**_ANSWERS, 422: "Date de sortie avant la session (`errors`)."},
)
def organisme_sortie(dossier_id, siret, body: ExitDeclaration):
    return Reply(services.end_of_training().declare_exit(siret, dossier_id, body), headers=NO_STORE)


@bp.route(
    "/organismes/dossiers/{dossier_id}/service-fait",
    methods=["POST"],
    summary="Organisme : déclarer le service fait avec la facture (une fois la sortie déclarée)",
    security=ORGANISME,
    body=ServiceDeclaration,
    responses={**_ANSWERS, 422: "Facture supérieure au montant dû (`montant_du`)."},
)
def organisme_service_fait(dossier_id, siret, body: ServiceDeclaration):
    return Reply(
        services.end_of_training().declare_service(siret, dossier_id, body), headers=NO_STORE
    )
