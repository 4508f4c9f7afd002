"""Mon Compte Élu API: creates the Chalice app, registers the middleware and the blueprints.

Nothing here reads settings or creates AWS clients; services are built on first use.
Middleware comes first: Chalice gives a Lambda function the middleware registered before it.
"""

from functools import partial

from aws_lambda_powertools.logging import correlation_paths
from chalice import Chalice, ConvertToMiddleware

from chalicelib.handlers import (
    BLUEPRINTS,
    dossiers,
    password_resets,
    payments,
    rights,
    support,
    webhooks,
)
from chalicelib.observability import logger, metrics, trace_lambda_handler
from chalicelib.operations import PDF
from chalicelib.problems import rewrite_framework_error

app = Chalice(app_name="moncompteelu")
app.api.binary_types.append(PDF)  # the attestations: bytes, base64 through API Gateway

app.register_middleware(
    ConvertToMiddleware(
        partial(
            logger.inject_lambda_context,
            correlation_id_path=correlation_paths.API_GATEWAY_REST,
            clear_state=True,
        )
    )
)
app.register_middleware(
    ConvertToMiddleware(partial(metrics.log_metrics, capture_cold_start_metric=True))
)
app.register_middleware(ConvertToMiddleware(trace_lambda_handler))


@app.middleware("http")
def problem_details(event, get_response):
    """Errors Chalice answers by itself (415, malformed requests) become problem+json too; a
    405 says which methods the address takes."""
    response = rewrite_framework_error(get_response(event))
    if response.status_code == 405:
        methods = app.routes.get(event.context.get("resourcePath", ""), {})
        response.headers["Allow"] = ", ".join(sorted(methods))
    return response


for blueprint in BLUEPRINTS:
    app.register_blueprint(blueprint.bp)
app.register_blueprint(rights.jobs)
app.register_blueprint(dossiers.jobs)
app.register_blueprint(payments.jobs)
app.register_blueprint(support.workers)
app.register_blueprint(password_resets.workers)
app.register_blueprint(webhooks.workers)
