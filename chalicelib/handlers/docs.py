from ..api import ApiBlueprint, json_response
from ..openapi import spec

bp = ApiBlueprint(__name__)


@bp.route("/openapi.json", methods=["GET"])
def openapi_document():
    return json_response(spec())
