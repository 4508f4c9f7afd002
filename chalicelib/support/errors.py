"""What the help desk refuses (the HTTP answers are in api.py)."""

from ..errors import DomainError


class SupportRequestNotFound(DomainError):
    """No request for this reference and this requester (the same answer for both)."""
