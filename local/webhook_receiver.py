"""The demo organisme's webhook receiver for `make run`: on loopback (the origin the local
stage allow-lists, WEBHOOK_ALLOWED_ORIGINS), it checks each event's signature with the
Standard Webhooks library and prints the event in the log, as an organisme's system would
receive it. When the organisme registers its endpoint again (its page gives a new secret), the
receiver takes the new secret as the organisme would copy it into its system."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class DemoReceiver:
    def __init__(
        self, host: str, port: int, current_secret: Callable[[], str | None] = lambda: None
    ) -> None:
        self.url = f"http://{host}:{port}/webhooks/mon-compte-elu"
        self.secret: str | None = None  # given by the registration's answer
        self._current_secret = current_secret
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server calls it by this name
                from standardwebhooks import WebhookVerificationError

                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    event = owner.verified(body, dict(self.headers))
                except (WebhookVerificationError, ValueError, RuntimeError):
                    print("webhook démo : signature refusée", flush=True)
                    self.send_response(401)
                    self.end_headers()
                    return
                dossier = event.get("dossier") or {}
                print(
                    f"webhook démo : {event['type']} {dossier.get('id', '')} "
                    f"(événement {event['id']}) {json.dumps(event, ensure_ascii=False)[:300]}",
                    flush=True,
                )
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def verified(self, body: bytes, headers: dict) -> dict:
        """The event, checked with the secret known; with the current one if that fails."""
        from standardwebhooks import Webhook, WebhookVerificationError

        try:
            return Webhook(self.secret or "").verify(body, headers)
        except (WebhookVerificationError, ValueError):
            newer = self._current_secret()
            if not newer or newer == self.secret:
                raise
            self.secret = newer
            return Webhook(newer).verify(body, headers)

    def start(self) -> DemoReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
