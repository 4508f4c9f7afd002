"""What the catalogue refuses (the HTTP answers are in api.py)."""

from ..errors import DomainError


class FormationNotFound(DomainError):
    pass


class EluCatalogueLoginRequired(DomainError):
    """An élus' catalogue, asked without a session: log in first."""


class NotAnElu(DomainError):
    """An élus' catalogue, asked by an account not recognised as an élu."""
