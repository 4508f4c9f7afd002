"""What the catalogue refuses (the HTTP answers are in api.py)."""

from ..errors import DomainError


class FormationNotFound(DomainError):
    pass


class EluCatalogueLoginRequired(DomainError):
    """An élus' catalogue, asked without a session: log in first."""


class NotAnElu(DomainError):
    """An élus' catalogue, asked by an account not recognised as an élu."""


class PublishedSessionNotFound(DomainError):
    """A session its organisme asks for that its formation does not have."""


class FormationWithdrawn(DomainError):
    """A withdrawn formation takes no new session."""


class SessionClosed(DomainError):
    """A session its organisme closed to new requests."""


class SessionHasFiles(DomainError):
    """A session holding files is closed, never deleted."""


class SessionDatesLocked(DomainError):
    """The dates of a session with validated files (rights debited) do not move."""


class FormationChangedMeanwhile(DomainError):
    """Another change of the same formation was written between the read and the write."""
