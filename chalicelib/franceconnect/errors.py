"""What a FranceConnect login refuses through the API (the HTTP answers are in api.py; the
browser's redirections carry a `motif` instead, see client.FranceConnectError)."""

from ..errors import DomainError


class NoPendingIdentity(DomainError):
    """No FranceConnect identity waits in this browser (never brought back, or expired)."""
