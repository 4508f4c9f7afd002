"""The organisme's webhook, with its API key: its endpoint, a test event, its recent
deliveries; and the function that delivers the events from their queue, retrying a failed one
with exponential backoff (the message's visibility, per attempt) before its dead-letter
queue; and the job that queues again the events the queue never had."""

import json

from chalice import Blueprint, Rate, Response

from .. import services
from ..api import ApiBlueprint, Reply
from ..observability import logger
from ..operations import BAD_REQUEST, KEY_REFUSED, NO_STORE, ORGANISME, Returns
from ..webhooks.schemas import (
    DeliveryListing,
    DeliveryPage,
    WebhookRegistered,
    WebhookRequest,
    WebhookTestSent,
)

bp = ApiBlueprint(__name__)
workers = Blueprint(__name__ + ".workers")
_NONE = "Aucun webhook enregistré pour cet organisme."


@bp.route(
    "/organismes/webhook",
    methods=["PUT"],
    summary="Organisme : enregistrer son webhook (une URL HTTPS publique) ; la réponse donne "
    "le secret de signature, une seule fois",
    security=ORGANISME,
    body=WebhookRequest,
    responses={
        200: (WebhookRegistered, "Webhook enregistré (il remplace le précédent)."),
        400: BAD_REQUEST + " Adresse refusée (`url`) : pas HTTPS, introuvable ou non publique.",
        401: KEY_REFUSED,
    },
)
def organisme_webhook_put(siret, body: WebhookRequest):
    return Reply(services.webhooks().register(siret, body.url), headers=NO_STORE)


@bp.route(
    "/organismes/webhook",
    methods=["DELETE"],
    summary="Organisme : supprimer son webhook (plus aucun événement ne lui est envoyé)",
    security=ORGANISME,
    responses={204: Returns("Webhook supprimé."), 401: KEY_REFUSED, 404: _NONE},
)
def organisme_webhook_delete(siret):
    services.webhooks().remove(siret)
    return Response(body="", status_code=204)


@bp.route(
    "/organismes/webhook/test",
    methods=["POST"],
    summary="Organisme : envoyer un événement de test à son webhook",
    security=ORGANISME,
    responses={
        202: (WebhookTestSent, "Événement de test mis en file de livraison."),
        401: KEY_REFUSED,
        404: _NONE,
    },
)
def organisme_webhook_test(siret):
    return Reply(services.webhooks().send_test(siret), status=202, headers=NO_STORE)


@bp.route(
    "/organismes/webhook/livraisons",
    methods=["GET"],
    summary="Organisme : les livraisons récentes de ses événements (statut HTTP, tentatives)",
    security=ORGANISME,
    query=DeliveryListing,
    responses={
        200: (DeliveryPage, "Une page de livraisons, des plus récentes aux plus anciennes."),
        400: BAD_REQUEST,
        401: KEY_REFUSED,
    },
)
def organisme_webhook_deliveries(siret, query: DeliveryListing):
    return Reply(services.webhooks().page(siret, query.cursor), headers=NO_STORE)


def _queue_url(arn: str) -> str:
    """The queue's URL from its ARN (the function may consume it, not look it up)."""
    _, _, _, region, account, name = arn.split(":", 5)
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


class _Retry(Exception):
    """The attempt failed: the message comes back when its visibility says."""


@workers.lambda_function(name="webhook_delivery")
def webhook_delivery(event, context):
    """One event a message; a failed one is retried alone (ReportBatchItemFailures), later
    each time, then goes to the dead-letter queue after its last attempt."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    courier = services.webhook_courier()

    def handle(record):
        logger.append_keys(message_id=record.message_id)
        attempt = int(record.attributes.approximate_receive_count)
        outcome = courier.deliver(json.loads(record.body), attempt)
        if outcome.delivered:
            return
        # the last attempt: visible at once, so the next receive moves it to the DLQ
        services.aws_session().client("sqs").change_message_visibility(
            QueueUrl=_queue_url(record.event_source_arn),
            ReceiptHandle=record.receipt_handle,
            VisibilityTimeout=outcome.retry_in or 0,
        )
        raise _Retry(record.message_id)

    return process_partial_response(
        event=event,
        record_handler=handle,
        # an endpoint down fails every message: expected, not an error of the function
        processor=BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False),
        context=context,
    )


@workers.schedule(Rate(5, unit=Rate.MINUTES), name="renvoyer_webhooks")
def resend_webhook_events(event):
    """Every 5 minutes: the events still in the outbox minutes after their change (the queue
    was unreachable then) are queued again."""
    return {"evenements_renvoyes": services.webhook_outbox().sweep()}
