from ..errors import DomainError


class LotNotFound(DomainError):
    """No batch of this reference for this organisme (another's is not found either)."""


class UnknownOrganisme(Exception):
    """An operator named a SIRET no organisme is registered under."""


class LotNotInState(Exception):
    """An operator's action on a batch whose status does not allow it (its status given)."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status
