from ..errors import DomainError


class NoWebhook(DomainError):
    """The organisme has registered no endpoint (to remove, or to test)."""
