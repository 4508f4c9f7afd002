import json

from chalice import Blueprint, Rate

from .. import services
from ..api import ApiBlueprint, Reply
from ..enrolment.schemas import Page
from ..observability import logger
from ..operations import NO_STORE, SESSION, UNAUTHENTICATED
from ..rights.schemas import Rights, RightsHistory

bp = ApiBlueprint(__name__)
jobs = Blueprint(__name__ + ".jobs")
MAX_ACCOUNTS = 500  # a message names at most this many accounts


@bp.route(
    "/me/rights",
    methods=["GET"],
    summary="Mes droits : DIF élus, CPF en euros ou en heures",
    security=SESSION,
    responses={
        200: (Rights, "Les droits; `elu` vaut null hors compte élu reconnu."),
        401: UNAUTHENTICATED,
    },
)
def my_rights(account):
    return Reply(services.rights().summary(account), headers=NO_STORE)


@bp.route(
    "/me/rights/history",
    methods=["GET"],
    summary="Historique des opérations DIF élus, les plus récentes d'abord",
    security=SESSION,
    query=Page,
    responses={
        200: (RightsHistory, "Une page d'opérations."),
        400: "Curseur invalide.",
        401: UNAUTHENTICATED,
    },
)
def my_rights_history(account, query: Page):
    return Reply(services.rights().history(account, query.cursor), headers=NO_STORE)


@jobs.schedule(Rate(1, unit=Rate.HOURS), name="credit_dif_annuel")
def daily_dif_credit(event):
    """Every hour, the days not done yet (today's once, a missed day's too): the élus whose
    rights change that day go to the workers through the rights queue."""
    done = services.daily_credit().run(event.context.get_remaining_time_in_millis)
    logger.info("Daily DIF credit", extra=done)
    return done


@jobs.lambda_function(name="crediter_droits")
def review_rights(event, context):
    """A page of élus a message: credits, end of rights, next day. A failing message is
    retried alone (ReportBatchItemFailures); a message handled twice credits once."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    rights, spans_of = services.rights(), services.mandate_spans

    def handle(record):
        logger.append_keys(message_id=record.message_id)
        accounts = json.loads(record.body).get("comptes") or []
        done = rights.review([str(a) for a in accounts][:MAX_ACCOUNTS], spans_of)
        logger.info("Rights reviewed", extra=done)

    return process_partial_response(
        event=event,
        record_handler=handle,
        processor=BatchProcessor(event_type=EventType.SQS),
        context=context,
    )
