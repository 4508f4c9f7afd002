from .. import services
from ..api import ApiBlueprint, json_response, session_token
from ..catalogue.importer import ELUS_ONLY
from ..problems import Problem

bp = ApiBlueprint(__name__)


def _require_elu_if_needed(catalogue: str) -> None:
    if catalogue not in ELUS_ONLY:
        return
    from ..catalogue.search import elus_only_problem  # imports the models: not at app import

    token = session_token(bp.current_request)
    if not token:
        raise elus_only_problem(logged_in=False)
    account = services.accounts().authenticate(token)
    if not account.elu:
        raise elus_only_problem(logged_in=True)


@bp.route("/formations", methods=["GET"])
def search_formations():
    params = dict(bp.current_request.query_params or {})
    _require_elu_if_needed(params.get("catalogue", ""))
    return json_response(services.catalogue().search(params))


@bp.route("/formations/{formation_id}", methods=["GET"])
def get_formation(formation_id):
    from ..catalogue.search import detail
    from ..clock import paris_today

    formation = services.catalogue().get(formation_id)
    if formation is None:
        raise Problem(404, "Cette formation n'existe pas ou n'est plus proposée.",
                      slug="formation-introuvable")
    _require_elu_if_needed(formation.catalogue)
    return json_response(detail(formation, paris_today().isoformat()))
