from ..api import ApiBlueprint
from ..schemas import Health

bp = ApiBlueprint(__name__)


@bp.route(
    "/health",
    methods=["GET"],
    summary="État du service",
    responses={200: (Health, "Le service répond.")},
)
def health():
    return Health(status="ok")
