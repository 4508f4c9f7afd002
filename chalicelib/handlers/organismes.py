"""The organismes' API: each organisme, with its own key (`Authorization: Bearer mce_org_...`),
lists and answers the files of its SIRET."""

from .. import services
from ..api import ApiBlueprint, Reply
from ..enrolment.schemas import Dossier, DossierPage, Motif, OrganismeListing
from ..operations import BAD_REQUEST, ORGANISME, Responses

bp = ApiBlueprint(__name__)
_NO_STORE = {"Cache-Control": "no-store"}
_KEY_REFUSED = "Clé d'API absente, inconnue ou révoquée."
_ANSWERS: Responses = {
    200: (Dossier, "Le dossier, dans son nouvel état."),
    400: BAD_REQUEST,
    401: _KEY_REFUSED,
    404: "Dossier inconnu de cet organisme.",
    409: "Changement d'état impossible (`statut`).",
}


@bp.route(
    "/organismes/dossiers",
    methods=["GET"],
    summary="Organisme : ses dossiers, par statut",
    security=ORGANISME,
    query=OrganismeListing,
    responses={200: (DossierPage, "Une page de dossiers."), 400: BAD_REQUEST, 401: _KEY_REFUSED},
)
def organisme_files(siret, query: OrganismeListing):
    return Reply(services.organisme_desk().page(siret, query), headers=_NO_STORE)


def _act(siret: str, dossier_id: str, action: str, motif: str | None = None) -> Reply:
    return Reply(services.organisme_desk().act(siret, dossier_id, action, motif), headers=_NO_STORE)


@bp.route(
    "/organismes/dossiers/{dossier_id}/acceptation",
    methods=["POST"],
    summary="Organisme : accepter la demande (le titulaire a 4 jours ouvrés pour valider)",
    security=ORGANISME,
    responses=_ANSWERS,
)
def accept(dossier_id, siret):
    return _act(siret, dossier_id, "acceptation")


@bp.route(
    "/organismes/dossiers/{dossier_id}/refus",
    methods=["POST"],
    summary="Organisme : refuser la demande",
    security=ORGANISME,
    body=Motif,
    responses=_ANSWERS,
)
def refuse(dossier_id, siret, body: Motif):
    return _act(siret, dossier_id, "refus", body.motif)


@bp.route(
    "/organismes/dossiers/{dossier_id}/entree-en-formation",
    methods=["POST"],
    summary="Organisme : déclarer l'entrée en formation (dès le premier jour)",
    security=ORGANISME,
    responses=_ANSWERS,
)
def start(dossier_id, siret):
    return _act(siret, dossier_id, "entree-en-formation")


@bp.route(
    "/organismes/dossiers/{dossier_id}/service-fait",
    methods=["POST"],
    summary="Organisme : déclarer le service fait (dès le dernier jour)",
    security=ORGANISME,
    responses=_ANSWERS,
)
def done(dossier_id, siret):
    return _act(siret, dossier_id, "service-fait")


@bp.route(
    "/organismes/dossiers/{dossier_id}/annulation",
    methods=["POST"],
    summary="Organisme : annuler (remboursé si débité)",
    security=ORGANISME,
    body=Motif,
    responses=_ANSWERS,
)
def cancel(dossier_id, siret, body: Motif):
    return _act(siret, dossier_id, "annulation", body.motif)
