"""Help requests: the public form and its status, the SQS worker that emails the Caisse des
Dépôts, and the dead-letter consumer that marks requests as failed."""

import json
from urllib.parse import unquote_plus

from chalice import Blueprint

from .. import services
from ..api import ApiBlueprint, client_ip, json_object, json_response, optional_account
from ..observability import logger
from .accounts import address

bp = ApiBlueprint(__name__)
workers = Blueprint(__name__ + ".workers")


@bp.route("/support-requests", methods=["POST"])
def submit_support_request():
    request = bp.current_request
    body = json_object(request)
    source_ip = client_ip(request)
    status, answer = services.support_desk().submit(body, optional_account(request), source_ip)
    return json_response(answer, status=status)


@bp.route("/support-requests/{reference}", methods=["GET"])
def support_request_status(reference):
    """With the session it was sent with."""
    request = bp.current_request
    return json_response(
        services.support_desk().status(reference, optional_account(request), None),
        headers={"Cache-Control": "no-store"},
    )


@bp.route("/support-requests/{reference}/pieces", methods=["POST"])
def support_request_document(reference):
    """`{type, taille, email?}` -> where the browser posts the file: a presigned POST for one
    document of the request (the file goes straight to S3, never through the API)."""
    request = bp.current_request
    answer = services.support_desk().document_form(
        reference, optional_account(request), json_object(request)
    )
    return json_response(answer, status=201, headers={"Cache-Control": "no-store"})


@bp.route("/support-requests/{reference}/consultation", methods=["POST"])
def support_request_status_by_email(reference):
    """Without a session: the reference and the email given with it, in the body (an address
    in a URL would stay in the access and WAF logs)."""
    request = bp.current_request
    email = address(json_object(request))
    return json_response(
        services.support_desk().status(reference, optional_account(request), email),
        headers={"Cache-Control": "no-store"},
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
