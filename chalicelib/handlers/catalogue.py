from .. import services
from ..api import ApiBlueprint, json_response, optional_account

bp = ApiBlueprint(__name__)


def _check_access(catalogue: str) -> None:
    from ..catalogue.search import check_access  # imports the models: not at app import

    check_access(catalogue, lambda: optional_account(bp.current_request))


@bp.route("/formations", methods=["GET"])
def search_formations():
    params = dict(bp.current_request.query_params or {})
    _check_access(params.get("catalogue", ""))
    return json_response(services.catalogue().search(params))


@bp.route("/formations/{formation_id}", methods=["GET"])
def get_formation(formation_id):
    formation = services.catalogue().get(formation_id)
    _check_access(formation.catalogue)
    return json_response(services.catalogue().fiche(formation))
