from .. import services
from ..api import ApiBlueprint, json_object, json_response, require_text
from ..errors import InvalidForm
from ..fields import Email, Form

bp = ApiBlueprint(__name__)
_EMAIL = Form({"email": Email("Adresse électronique")})


def address(body: dict) -> str:
    """The email of the body, well formed (saying so tells nothing of any account)."""
    cleaned, errors = _EMAIL.validate(body)
    if errors:
        raise InvalidForm(errors)
    return cleaned["email"]


@bp.route("/accounts/verification", methods=["POST"])
def verify_email():
    body = json_object(bp.current_request)
    email = address(body)
    code = require_text(body, "code", "Code : saisissez le code à 6 chiffres reçu par courriel.")
    account = services.signup().verify_email(email, code)
    return json_response({"id": account.id, "statut": account.statut})


@bp.route("/accounts/verification-codes", methods=["POST"])
def resend_verification_code():
    body = json_object(bp.current_request)
    email = address(body)
    services.signup().resend_code(email)
    return json_response(
        {
            "message": "Si un compte attend sa vérification à cette adresse, un "
            "nouveau code vient d'y être envoyé."
        },
        status=202,
    )
