from ..api import ApiBlueprint, json_response
from ..operations import Returns

bp = ApiBlueprint(__name__)


@bp.route(
    "/openapi.json",
    methods=["GET"],
    summary="Cette description",
    responses={200: Returns("Description OpenAPI 3.1.")},
)
def openapi_document():
    from ..openapi import spec  # assembled on first request, not at a cold start

    return json_response(spec())
