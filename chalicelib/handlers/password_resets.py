import json

from chalice import Blueprint

from .. import services
from ..api import ApiBlueprint, json_object, json_response, require_text
from ..errors import FieldError, InvalidForm
from ..observability import logger

bp = ApiBlueprint(__name__)
workers = Blueprint(__name__ + ".workers")
MAX_TOKEN = 200  # a token is 43 characters: anything longer was never ours
INCOMPLETE_LINK = "Lien de réinitialisation incomplet : ouvrez le lien reçu par courriel."


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


@bp.route("/password-resets/confirmation", methods=["POST"])
def reset_password():
    """The link's token comes in the body, never in a path or a query string: URLs end up in
    access and WAF logs."""
    body = json_object(bp.current_request)
    token = require_text(body, "jeton", INCOMPLETE_LINK)
    if len(token) > MAX_TOKEN:
        raise InvalidForm([FieldError("jeton", INCOMPLETE_LINK)])
    password = require_text(body, "mot_de_passe", "Mot de passe : ce champ est obligatoire.")
    services.password_resets().reset(token, password)
    return json_response({"statut": "mot_de_passe_modifie"})


@workers.lambda_function(name="account_mail")
def account_mail(event, context):
    """The emails the account journey queues (password-reset links): one failing message is
    retried alone (ReportBatchItemFailures), and ends in the dead-letter queue after 5 tries."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    resets = services.password_resets()

    def handle(record):
        logger.append_keys(message_id=record.message_id)
        message = json.loads(record.body)
        if "reinitialisation" in message:
            resets.send_link(message["reinitialisation"])

    return process_partial_response(
        event=event,
        record_handler=handle,
        processor=BatchProcessor(event_type=EventType.SQS),
        context=context,
    )
