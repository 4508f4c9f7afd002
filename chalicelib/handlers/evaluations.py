"""The élus' ratings of their trainings, and what an organisme reads of them."""

from .. import services
from ..api import ApiBlueprint
from ..evaluations.schemas import Rating, RatingRequest, Ratings
from ..operations import BAD_REQUEST, ORGANISME, SESSION, UNAUTHENTICATED

bp = ApiBlueprint(__name__)
_UNKNOWN = "Dossier inconnu."


@bp.route(
    "/me/dossiers/{dossier_id}/evaluation",
    methods=["PUT"],
    summary="Évaluer la formation d'un dossier (de 1 à 5, un commentaire), après la sortie : une "
    "évaluation par dossier, modifiable 30 jours",
    security=SESSION,
    body=RatingRequest,
    responses={
        200: (Rating, "L'évaluation enregistrée."),
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        404: _UNKNOWN,
        409: "Pas encore de sortie déclarée, évaluation plus modifiable, ou envoyée deux fois "
        "au même moment.",
    },
)
def rate_training(dossier_id, account, body: RatingRequest):
    return services.evaluations().rate(account, dossier_id, body)


@bp.route(
    "/me/dossiers/{dossier_id}/evaluation",
    methods=["GET"],
    summary="Mon évaluation de la formation d'un dossier",
    security=SESSION,
    responses={
        200: (Rating, "L'évaluation."),
        401: UNAUTHENTICATED,
        404: "Dossier inconnu, ou pas encore évalué.",
    },
)
def my_rating(dossier_id, account):
    return services.evaluations().mine(account, dossier_id)


@bp.route(
    "/organismes/evaluations",
    methods=["GET"],
    summary="Organisme : la moyenne et le nombre des évaluations de ses formations",
    security=ORGANISME,
    responses={
        200: (Ratings, "Moyenne sur 5 (null sans évaluation) et nombre."),
        401: "Clé d'API absente, inconnue ou révoquée.",
    },
)
def organisme_ratings(siret):
    return services.evaluations().of_organisme(siret)
