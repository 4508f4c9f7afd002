"""Opaque, signed cursors for every paginated list.

A cursor is the position where the next page starts (a small JSON object) and an HMAC of it,
bound to the list it belongs to: its kind (history, catalogue, ...) and its scope (whose
history, which catalogue). The scope is signed, never sent, so a cursor carries no key of an
account to the browser, and a tampered cursor, or one from another list or another person, is
refused as invalid instead of reaching the database.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Callable

from .errors import InvalidCursor

MAX_LENGTH = 1024
_MAC_LENGTH = 32  # hex characters: 128 bits


class Cursors:
    def __init__(self, digest: Callable[[str, str], str]) -> None:
        """`digest(purpose, value)`: a keyed hash (see keyed_hashing.KeyedHasher.digest)."""
        self._digest = digest

    def encode(self, kind: str, scope: str, position: dict[str, str]) -> str:
        payload = (
            base64.urlsafe_b64encode(
                json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
            )
            .decode()
            .rstrip("=")
        )
        return f"{payload}.{self._mac(kind, scope, payload)}"

    def decode(
        self, kind: str, scope: str, cursor: str | None, keys: tuple[str, ...]
    ) -> dict[str, str] | None:
        """The position a cursor stands for, with exactly these keys (None: the first page);
        or InvalidCursor."""
        if not cursor:
            return None
        payload, _, mac = cursor.partition(".")
        if (
            len(cursor) > MAX_LENGTH
            or not cursor.isascii()
            or not hmac.compare_digest(mac.encode(), self._mac(kind, scope, payload).encode())
        ):
            raise InvalidCursor()
        try:
            position = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (ValueError, binascii.Error):
            raise InvalidCursor() from None
        if (
            not isinstance(position, dict)
            or set(position) != set(keys)
            or not all(isinstance(v, str) for v in position.values())
        ):
            raise InvalidCursor()
        return position

    def _mac(self, kind: str, scope: str, payload: str) -> str:
        return self._digest(f"curseur:{kind}", f"{scope}\x00{payload}")[:_MAC_LENGTH]
