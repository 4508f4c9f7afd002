"""What the help desk refuses (the HTTP answers are in api.py)."""

from ..errors import DomainError


class SupportRequestNotFound(DomainError):
    """No request for this reference and this requester (the same answer for both)."""


class DocumentRefused(DomainError):
    """A document the Caisse des Dépôts cannot take: its type, size or number."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
