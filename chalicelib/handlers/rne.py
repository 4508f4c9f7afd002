"""The RNE ingestion function: fed by the ingestion queue (S3 notifications of the RNE bucket,
and its own continuations). Wired to the queue by infra/ with ReportBatchItemFailures."""

import json

from chalice import Blueprint

from .. import services
from ..observability import logger

bp = Blueprint(__name__)


@bp.lambda_function(name="rne_ingest")
def rne_ingest(event, context):
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    ingestion = services.rne_ingestion()

    def handle(record):
        logger.append_keys(message_id=record.message_id)
        ingestion.handle_message(json.loads(record.body), context.get_remaining_time_in_millis)

    return process_partial_response(
        event=event,
        record_handler=handle,
        processor=BatchProcessor(event_type=EventType.SQS),
        context=context,
    )
