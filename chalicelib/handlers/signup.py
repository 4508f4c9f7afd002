from .. import services
from ..accounts.signup_form import STEPS
from ..api import ApiBlueprint, client_ip, json_object, json_response
from ..clock import paris_today
from ..errors import InvalidForm
from ..problems import Problem
from .franceconnect import forget_pending_cookie, pending_identity

bp = ApiBlueprint(__name__)


@bp.route("/signup/steps/{step}", methods=["POST"])
def validate_step(step):
    validate = STEPS.get(step)
    if validate is None:
        raise Problem(
            404, "Étape inconnue : les étapes sont " + ", ".join(STEPS) + ".", slug="etape-inconnue"
        )
    result = validate(json_object(bp.current_request), paris_today())
    if result.errors:
        raise InvalidForm(result.errors)
    return json_response({"valide": True})


@bp.route("/accounts", methods=["POST"])
def create_account():
    """Signup; with an identity brought back from FranceConnect, its fields are the certified
    ones and the account is linked to it."""
    request = bp.current_request
    pending = pending_identity(request)
    franceconnect = (pending.identity, pending.link_key) if pending else None
    account = services.signup().create_account(
        json_object(request), franceconnect, client_address=client_ip(request)
    )
    if pending is None:
        return json_response({"id": account.id, "statut": account.statut}, status=201)
    services.franceconnect().signed_up(pending.handle)
    return json_response(
        {"id": account.id, "statut": account.statut, "franceconnect": "lie"},
        status=201,
        headers={"Set-Cookie": forget_pending_cookie()},
    )
