"""What the account use cases refuse (the HTTP answers are in api.py)."""

from __future__ import annotations

from datetime import datetime

from ..errors import DomainError


class AlreadyTaken(DomainError):
    """The NIR or the email of a new account already belongs to an account."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class Conflict(Exception):
    """A concurrent change won; the caller may read again and retry (never reaches a person)."""


class BadCredentials(DomainError):
    """Unknown NIR or wrong password: the same answer for both."""


class AccountLocked(DomainError):
    def __init__(self, until: datetime, retry_after_seconds: int) -> None:
        super().__init__("locked")
        self.until = until
        self.retry_after_seconds = retry_after_seconds


class EmailNotVerified(DomainError):
    """The account waits for the code sent to its email."""


class NoPendingAccount(DomainError):
    """No account waits for a code at this address: unknown, or active already (the same
    answer for both)."""


class CodeExpired(DomainError):
    """The verification code expired or was tried too many times."""


class WrongCode(DomainError):
    def __init__(self, attempts_left: int) -> None:
        super().__init__("wrong code")
        self.attempts_left = attempts_left


class ResetLinkGone(DomainError):
    """The password-reset link expired or was used."""


class NotLoggedIn(DomainError):
    pass


class SessionExpired(DomainError):
    pass


class WrongPassword(DomainError):
    """The password given to confirm a change of one's own account is not the account's."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class ConcurrentChange(DomainError):
    """Another change of the same account (another tab, another device) won the race."""


class SameEmail(DomainError):
    """The new address is the one the account already has."""


class NoEmailChange(DomainError):
    """No change of email waits for a code (never asked, expired, or tried too often)."""


class FilesUnderWay(DomainError):
    """An account with a training file under way cannot be deleted: cancel it first."""
