"""Help requests: the public form and its status, the SQS worker that emails the Caisse des
Dépôts, and the dead-letter consumer that marks requests as failed."""

import json
from urllib.parse import unquote_plus

from chalice import Blueprint

from .. import services
from ..accounts.schemas import EmailOnly
from ..api import ApiBlueprint, Reply, client_ip, optional_account
from ..observability import logger
from ..operations import ANYONE_OR_SESSION, BAD_REQUEST, NO_STORE, SESSION, UNAUTHENTICATED
from ..support.schemas import (
    DocumentForm,
    DocumentRequest,
    SupportAccepted,
    SupportProcedure,
    SupportRequest,
    SupportStatus,
)

bp = ApiBlueprint(__name__)
workers = Blueprint(__name__ + ".workers")


@bp.route(
    "/support-requests",
    methods=["POST"],
    summary="Demander de l'aide (« Mon compte élu ne s'affiche pas »); public, ou lié au compte "
    "si une session est envoyée",
    security=ANYONE_OR_SESSION,
    body=SupportRequest,
    responses={
        202: (SupportAccepted, "Demande enregistrée et transmise."),
        200: (
            SupportProcedure,
            "Cas 1 (en activité) : la procédure de Mon Compte Formation, rien n'est transmis.",
        ),
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        429: "Trop de demandes (par adresse ou par IP).",
    },
)
def submit_support_request(body: SupportRequest):
    request = bp.current_request
    answer = services.support_desk().submit(body, optional_account(request), client_ip(request))
    return Reply(answer, status=202 if isinstance(answer, SupportAccepted) else 200)


_NO_REQUEST = "Pas de demande pour cette référence et ce demandeur."


@bp.route(
    "/support-requests/{reference}",
    methods=["GET"],
    summary="Suivre sa demande, avec la session d'où elle a été envoyée",
    security=SESSION,
    responses={
        200: (SupportStatus, "L'état de la demande."),
        401: UNAUTHENTICATED,
        404: _NO_REQUEST,
    },
)
def support_request_status(reference, account):
    """With the session it was sent with."""
    return Reply(services.support_desk().status(reference, account, None), headers=NO_STORE)


@bp.route(
    "/support-requests/{reference}/pieces",
    methods=["POST"],
    summary="Joindre un document à sa demande (PDF, JPEG, PNG ; 5 Mo, 5 documents au plus) : "
    "renvoie un POST présigné, le fichier part directement vers le stockage",
    security=ANYONE_OR_SESSION,
    body=DocumentRequest,
    responses={
        201: (DocumentForm, "Où et comment envoyer le fichier."),
        400: BAD_REQUEST,
        404: _NO_REQUEST,
    },
)
def support_request_document(reference, body: DocumentRequest):
    """`{type, taille, email?}` -> where the browser posts the file: a presigned POST for one
    document of the request (the file goes straight to S3, never through the API)."""
    answer = services.support_desk().document_form(
        reference, optional_account(bp.current_request), body
    )
    return Reply(answer, headers=NO_STORE)


@bp.route(
    "/support-requests/{reference}/consultation",
    methods=["POST"],
    summary="Suivre sa demande sans session : la référence et l'adresse électronique donnée "
    "avec elle (dans le corps, jamais dans l'URL)",
    security=ANYONE_OR_SESSION,
    body=EmailOnly,
    responses={
        200: (SupportStatus, "L'état de la demande."),
        400: BAD_REQUEST,
        404: "Pas de demande pour cette référence et cette adresse.",
    },
)
def support_request_status_by_email(reference, body: EmailOnly):
    """Without a session: the reference and the email given with it, in the body (an address
    in a URL would stay in the access and WAF logs)."""
    return Reply(
        services.support_desk().status(reference, optional_account(bp.current_request), body.email),
        headers=NO_STORE,
    )


@workers.lambda_function(name="support_worker")
def support_worker(event, context):
    """One failing message is retried alone (ReportBatchItemFailures); a message delivered
    twice is handled once (Powertools idempotency on the request reference)."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    process = services.idempotent_support_processor(context)

    def handle(record):
        logger.append_keys(message_id=record.message_id)
        message = json.loads(record.body)
        if "Records" in message:  # documents uploaded (the bucket's notifications)
            for s3_record in message["Records"]:
                key = unquote_plus(s3_record.get("s3", {}).get("object", {}).get("key", ""))
                services.support_worker().document_added(key)
        elif "resume_pieces" in message:  # the summary of a burst of uploads, delayed
            services.support_worker().summarise(message["resume_pieces"])
        elif "reference" in message:
            process(message=message)

    return process_partial_response(
        event=event,
        record_handler=handle,
        processor=BatchProcessor(event_type=EventType.SQS),
        context=context,
    )


@workers.lambda_function(name="support_dead_letters")
def support_dead_letters(event, context):
    """Messages that failed every attempt: their requests become `echec` for operators."""
    worker = services.support_worker()
    for record in event.get("Records", []):
        try:
            reference = json.loads(record["body"]).get("reference")
        except (ValueError, AttributeError):
            logger.error("Unreadable dead letter", extra={"message_id": record.get("messageId")})
            continue
        if reference:
            worker.fail(reference)
    return {"batchItemFailures": []}
