"""One POST of an event to a checked target: to the address checked (never the name resolved
again), TLS verified for the name, a short timeout, no redirect followed, and the answer's body
neither read nor kept: only its status counts."""

from __future__ import annotations

import http.client
import socket
import ssl

from .addresses import Target

TIMEOUT_SECONDS = 5
USER_AGENT = "MonCompteElu-Webhooks/1"


class _PinnedHttps(http.client.HTTPSConnection):
    """HTTPS to one address, the certificate checked for the URL's name (SNI too)."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHttp(http.client.HTTPConnection):
    """Plain HTTP to one address: the allowed local origins only."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(target: Target, body: bytes, headers: dict[str, str]) -> int | None:
    """The answer's status, or None when none came (refused, timed out, TLS failed)."""
    connection: http.client.HTTPConnection = (
        _PinnedHttps(target, TIMEOUT_SECONDS)
        if target.scheme == "https"
        else _PinnedHttp(target, TIMEOUT_SECONDS)
    )
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()
