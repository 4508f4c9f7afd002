from ..api import ApiBlueprint, json_response

bp = ApiBlueprint(__name__)


@bp.route("/health", methods=["GET"])
def health():
    return json_response({"status": "ok"})
