"""A real HTTP receiver of webhooks on loopback: it keeps what it received (headers, body) and
answers the statuses it is told, one per request (the last one after that)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self, answers: tuple[int, ...] = (204,), location: str | None = None) -> None:
        self.received: list[Received] = []
        self._answers = list(answers)
        self._location = location
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server calls it by this name
                length = int(self.headers.get("Content-Length", 0))
                owner.received.append(
                    Received(
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        self.rfile.read(length),
                    )
                )
                status = owner._answers.pop(0) if len(owner._answers) > 1 else owner._answers[0]
                self.send_response(status)
                if owner._location:
                    self.send_header("Location", owner._location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
