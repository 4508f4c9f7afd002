from .. import services
from ..api import ApiBlueprint, json_object, json_response, require_text

bp = ApiBlueprint(__name__)


@bp.route("/password-resets", methods=["POST"])
def request_password_reset():
    body = json_object(bp.current_request)
    nir = require_text(
        body,
        "nir",
        "Numéro de sécurité sociale : saisissez les 13 premiers caractères, sans la clé.",
    )
    services.password_resets().request(nir)
    return json_response(
        {
            "message": "Si un compte correspond à ce numéro, un courriel contenant "
            "un lien de réinitialisation vient d'être envoyé à son "
            "adresse électronique."
        },
        status=202,
    )


@bp.route("/password-resets/{token}", methods=["POST"])
def reset_password(token):
    body = json_object(bp.current_request)
    password = require_text(body, "mot_de_passe", "Mot de passe : ce champ est obligatoire.")
    services.password_resets().reset(token, password)
    return json_response({"statut": "mot_de_passe_modifie"})
