from .. import services
from ..api import ApiBlueprint, optional_account
from ..catalogue.schemas import Formation, FormationPage, SearchQuery
from ..operations import BAD_REQUEST

bp = ApiBlueprint(__name__)
_NOT_AN_ELU = "Compte non reconnu comme élu : voir l'aide."


def _check_access(catalogue: str) -> None:
    from ..catalogue.search import check_access  # imports the models: not at app import

    check_access(catalogue, lambda: optional_account(bp.current_request))


@bp.route(
    "/formations",
    methods=["GET"],
    summary="Rechercher dans un catalogue (mandat et reconversion : élus reconnus)",
    query=SearchQuery,
    responses={
        200: (FormationPage, "Une page de résultats."),
        400: BAD_REQUEST,
        401: "Catalogue réservé aux élus : connectez-vous.",
        403: _NOT_AN_ELU,
    },
)
def search_formations(query: SearchQuery):
    _check_access(query.catalogue)
    return services.catalogue().search(query)


@bp.route(
    "/formations/{formation_id}",
    methods=["GET"],
    summary="Fiche formation",
    responses={
        200: (Formation, "La fiche."),
        401: "Formation réservée aux élus : connectez-vous.",
        403: _NOT_AN_ELU,
        404: "Formation inconnue.",
    },
)
def get_formation(formation_id):
    formation = services.catalogue().get(formation_id)
    _check_access(formation.catalogue)
    return services.catalogue().fiche(formation)
