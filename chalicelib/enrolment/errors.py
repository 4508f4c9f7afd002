"""What enrolment refuses (the HTTP answers are in api.py). Amounts are integer cents."""

from __future__ import annotations

from datetime import date

from ..errors import DomainError


class IdempotencyKeyMissing(DomainError):
    """A request for a file must carry an Idempotency-Key (a retried click creates one file)."""


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key was used for another session."""


class SessionNotFound(DomainError):
    pass


class DossierNotFound(DomainError):
    """Unknown, or not this person's (or this organisme's): the same answer."""


class CatalogueNotFinanced(DomainError):
    """The DIF élus pays only for the mandat and reconversion catalogues."""


class RightsEnded(DomainError):
    """Every mandate has ended (and, for reconversion, the 6 months after too)."""


class SessionFull(DomainError):
    pass


class AlreadyEnrolled(DomainError):
    def __init__(self, dossier_id: str) -> None:
        super().__init__("already enrolled")
        self.dossier_id = dossier_id


class OneRequestUntilCertified(DomainError):
    """A declared identity (typed, not certified) holds one open request at a time."""

    def __init__(self, dossier_id: str) -> None:
        super().__init__("one open request until certified")
        self.dossier_id = dossier_id


class TooLate(DomainError):
    def __init__(self, latest: date) -> None:
        super().__init__("too late")
        self.latest = latest


class ApprovalNotValid(DomainError):
    """The organisme's ministry approval does not cover the session's last day."""


class PriceOverHourlyCap(DomainError):
    def __init__(self, per_hour_centimes: int, cap_centimes: int) -> None:
        super().__init__("over the hourly cap")
        self.per_hour_centimes = per_hour_centimes
        self.cap_centimes = cap_centimes


class InsufficientRights(DomainError):
    def __init__(self, price_centimes: int, balance_centimes: int) -> None:
        super().__init__("insufficient rights")
        self.price_centimes = price_centimes
        self.balance_centimes = max(0, balance_centimes)

    @property
    def missing_centimes(self) -> int:
        return self.price_centimes - self.balance_centimes


class TransitionRefused(DomainError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__("transition refused")
        self.current = current
        self.target = target


class TrainingStarted(DomainError):
    """The holder cannot cancel once the training has started."""


class CertifiedIdentityRequired(DomainError):
    """Spending rights needs a FranceConnect+ session whose certified identity is the
    account's (the answer links to that login, which comes back to the file)."""

    def __init__(self, dossier_id: str) -> None:
        super().__init__("certified identity required")
        self.dossier_id = dossier_id


class OrganismeKeyInvalid(DomainError):
    """No API key, an unknown one, or a revoked one."""


class InvoiceOverDue(DomainError):
    """The invoice asks more than the price times the completion rate."""

    def __init__(self, due_centimes: int, invoiced_centimes: int) -> None:
        super().__init__("invoice over the amount due")
        self.due_centimes = due_centimes
        self.invoiced_centimes = invoiced_centimes


class ExitBeforeSession(DomainError):
    """An exit declared before the session's first day."""

    def __init__(self, first_day: date) -> None:
        super().__init__("exit before the session")
        self.first_day = first_day


class AttestationNotYet(DomainError):
    """The attestation exists once the service done is validated."""
