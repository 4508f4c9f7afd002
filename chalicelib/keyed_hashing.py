"""Keyed hashing of identifiers and one-time codes, and plain hashing of random tokens.

The NIR is stored only as HMAC-SHA256 under a key kept in Secrets Manager: without the key,
the hashes of the (small) NIR space cannot be enumerated. Random tokens (sessions, password
resets) carry 256 bits of entropy, so a plain SHA-256 is enough to store them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable


class KeyedHasher:
    def __init__(self, key: bytes | Callable[[], bytes]) -> None:
        """`key`, or the function that reads it: then it is read at the first digest, and
        kept, so that a request that hashes nothing (most of a session's) never waits for it."""
        self._key: bytes | None = None if callable(key) else _check(key)
        self._read_key = key if callable(key) else lambda: key

    def digest(self, purpose: str, value: str) -> str:
        """A hex HMAC of `value`, separated by purpose so one hash never stands for another."""
        message = purpose.encode() + b"\x00" + value.encode()
        return hmac.new(self._secret_key(), message, hashlib.sha256).hexdigest()

    def _secret_key(self) -> bytes:
        if self._key is None:
            self._key = _check(self._read_key())
        return self._key

    def nir(self, nir_body: str) -> str:
        return self.digest("nir", nir_body)


def _check(key: bytes) -> bytes:
    if len(key) < 32:
        raise ValueError("the HMAC key must be at least 32 bytes")
    return key


def hmac_key(secret_value: str) -> bytes:
    """The key, from the value of its secret (hex, as generated at deployment, or raw text)."""
    return bytes.fromhex(secret_value) if _is_hex(secret_value) else secret_value.encode()


def _is_hex(value: str) -> bool:
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    """A 6-digit code for email verification."""
    return f"{secrets.randbelow(10**6):06d}"


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
