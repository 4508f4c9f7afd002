"""The organismes' API: each organisme, with its own key (`Authorization: Bearer mce_org_...`),
lists and answers the files of its SIRET."""

from .. import services
from ..api import ApiBlueprint, json_response, optional_json_object

bp = ApiBlueprint(__name__)
_NO_STORE = {"Cache-Control": "no-store"}


def _siret() -> str:
    authorization = (bp.current_request.headers or {}).get("authorization", "")
    scheme, _, key = authorization.partition(" ")
    return services.organisme_desk().authenticate(
        key.strip() if scheme.lower() == "bearer" else None
    )


@bp.route("/organismes/dossiers", methods=["GET"])
def organisme_files():
    siret = _siret()
    params = dict(bp.current_request.query_params or {})
    return json_response(services.organisme_desk().page(siret, params), headers=_NO_STORE)


def _act(dossier_id: str, action: str):
    siret = _siret()
    body = optional_json_object(bp.current_request)
    return json_response(
        services.organisme_desk().act(siret, dossier_id, action, body), headers=_NO_STORE
    )


@bp.route("/organismes/dossiers/{dossier_id}/acceptation", methods=["POST"])
def accept(dossier_id):
    return _act(dossier_id, "acceptation")


@bp.route("/organismes/dossiers/{dossier_id}/refus", methods=["POST"])
def refuse(dossier_id):
    return _act(dossier_id, "refus")


@bp.route("/organismes/dossiers/{dossier_id}/entree-en-formation", methods=["POST"])
def start(dossier_id):
    return _act(dossier_id, "entree-en-formation")


@bp.route("/organismes/dossiers/{dossier_id}/service-fait", methods=["POST"])
def done(dossier_id):
    return _act(dossier_id, "service-fait")


@bp.route("/organismes/dossiers/{dossier_id}/annulation", methods=["POST"])
def cancel(dossier_id):
    return _act(dossier_id, "annulation")
