import json

from chalice import Blueprint

from .. import services
from ..accounts.schemas import PasswordResetConfirmation, PasswordResetDone, PasswordResetRequest
from ..api import ApiBlueprint, Reply
from ..observability import logger
from ..operations import BAD_REQUEST
from ..schemas import Message

bp = ApiBlueprint(__name__)
workers = Blueprint(__name__ + ".workers")


@bp.route(
    "/password-resets",
    methods=["POST"],
    summary="Demander un lien de réinitialisation",
    body=PasswordResetRequest,
    responses={202: (Message, "Même réponse que le compte existe ou non."), 400: BAD_REQUEST},
)
def request_password_reset(body: PasswordResetRequest):
    services.password_resets().request(body.nir)
    return Reply(
        Message(
            message="Si un compte correspond à ce numéro, un courriel contenant "
            "un lien de réinitialisation vient d'être envoyé à son "
            "adresse électronique."
        ),
        status=202,
    )


@bp.route(
    "/password-resets/confirmation",
    methods=["POST"],
    summary="Choisir un nouveau mot de passe avec le jeton du lien reçu (ferme toutes les "
    "sessions) ; le jeton voyage dans le corps, jamais dans l'URL",
    body=PasswordResetConfirmation,
    responses={
        200: (PasswordResetDone, "Mot de passe modifié."),
        400: BAD_REQUEST,
        410: "Lien expiré ou déjà utilisé.",
    },
)
def reset_password(body: PasswordResetConfirmation):
    """The link's token comes in the body, never in a path or a query string: URLs end up in
    access and WAF logs."""
    services.password_resets().reset(body.jeton, body.mot_de_passe)
    return PasswordResetDone(statut="mot_de_passe_modifie")


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
