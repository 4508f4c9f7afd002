"""Serves the Chalice app over HTTP under /api, as API Gateway does with the `api` stage, and the
web client's static files at the root of the same origin.

Built on Chalice's own local gateway (route matching, API Gateway events); adds the /api prefix,
problem+json for unknown routes, request logs that never print a token from a path, and hands
each invocation to the function's containers (local/lambda_pool.py), as many at once as
requests arrive, up to the API's concurrency. The request handler overrides three methods of
Chalice's, which Chalice does not document: tests/unit/test_library_contracts.py fails clearly
if they change.
"""

from __future__ import annotations

import re
import socket
import threading
from typing import ClassVar

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer, LocalGatewayException

from chalicelib.problems import generic
from infra import web_files
from infra.template.api import GATEWAY_RESPONSES
from local.lambda_pool import (
    API_FUNCTION,
    InvocationFailed,
    InvocationTimedOut,
    Throttled,
    in_this_process,
)

PREFIX = "/api"
_SECRET_LOOKING = re.compile(r"/[A-Za-z0-9_\-]{20,}")


class ApiRequestHandler(ChaliceRequestHandler):
    def setup(self) -> None:
        super().setup()
        # The standard library writes an answer's headers and body in two sends: with Nagle's
        # algorithm on, the body waits for the client's delayed ACK (40 ms on Linux) on a
        # kept-alive connection, which no API Gateway adds.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _generic_handle(self) -> None:
        path, sep, query = self.path.partition("?")
        if path != PREFIX and not path.startswith(PREFIX + "/"):
            return self._send_web_file(path)
        self.path = (path[len(PREFIX) :] or "/") + sep + query
        try:
            return super()._generic_handle()
        except Throttled:
            # Lambda refused the invocation (the function's concurrency is reached): API
            # Gateway answers it as its other 5xx, in the deployed API's gateway response
            return self._send_problem(GATEWAY_RESPONSES["DEFAULT_5XX"])
        except InvocationFailed as failure:
            print(f"api  {API_FUNCTION} failed:\n{failure}", flush=True)
            timed_out = isinstance(failure, InvocationTimedOut)
            return self._send_problem(
                GATEWAY_RESPONSES["INTEGRATION_TIMEOUT" if timed_out else "DEFAULT_5XX"]
            )

    def _send_web_file(self, path: str) -> None:
        """The web client, outside /api: GET and HEAD only, files under web/ only."""
        if self.command not in ("GET", "HEAD"):
            return self._send_problem(405)
        found = web_files.resolve(path)
        if found is None:
            found, status = web_files.resolve("/404"), 404
        else:
            status = 200
        body = found.read_bytes() if found else b"Introuvable"
        self.send_response(status)
        self.send_header(
            "Content-Type", web_files.content_type(found) if found else "text/plain; charset=utf-8"
        )
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    # The base class binds these to its own _generic_handle: rebind them to ours.
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        """What the standard library answers by itself (an unknown method: 501, a malformed
        request line: 400) in problem+json too; API Gateway answers an unknown method 4xx."""
        if code != 501:
            return self._send_problem(code)
        # the body of an unknown method is never read: close rather than parse it as a request
        self.close_connection = True
        path = self.path.partition("?")[0]
        methods = (
            self.allowed_methods(path[len(PREFIX) :])
            if path.startswith(PREFIX)
            else ["GET", "HEAD"]
        )
        response = generic(405).to_response().to_dict()
        self._send_http_response(
            405, {**response["headers"], "Allow": ", ".join(methods)}, response["body"]
        )

    routes: ClassVar[dict] = {}  # the app's, set by `start`

    @classmethod
    def allowed_methods(cls, path: str) -> list[str]:
        for template, methods in cls.routes.items():
            pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
            if re.match(pattern, path or "/"):
                return sorted(methods)
        return []

    def _send_error_response(self, error: LocalGatewayException) -> None:
        # API Gateway answers an unknown route with its MISSING_AUTHENTICATION_TOKEN response
        unknown_route = error.CODE == 403
        self._send_problem(
            GATEWAY_RESPONSES["MISSING_AUTHENTICATION_TOKEN"] if unknown_route else error.CODE
        )

    def _send_problem(self, status: int) -> None:
        response = generic(status).to_response().to_dict()
        self._send_http_response(status, response["headers"], response["body"])

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        print("api  " + _SECRET_LOOKING.sub("/…", format % args), flush=True)


class _PooledApp:
    """The app as the gateway knows it (its routes, its binary types), invoked in the pool."""

    def __init__(self, app, invoke) -> None:
        self._app, self._invoke = app, invoke

    def __getattr__(self, name: str):
        return getattr(self._app, name)

    def __call__(self, event: dict, context) -> dict:
        return self._invoke(API_FUNCTION, event)


def start(app, host: str, port: int, invoke=None) -> LocalDevServer:
    """Start serving in a daemon thread; call `.shutdown()` on the result to stop. Connections
    are served on threads (static files at once); `invoke(function, event)` runs the app (the
    pool's containers; by default, this process, one invocation at a time)."""
    ApiRequestHandler.routes = app.routes
    config = Config.create(
        chalice_stage="local", app_name=app.app_name, lambda_timeout=29, lambda_memory_size=1024
    )
    server = LocalDevServer(
        _PooledApp(app, invoke or in_this_process(app)),
        config,
        host,
        port,
        handler_cls=ApiRequestHandler,
    )
    threading.Thread(target=server.server.serve_forever, name="api", daemon=True).start()
    return server
