"""Domain errors: what a use case refuses, said in the terms of the business.

Use cases raise these and know nothing of HTTP; the edge (`api.py`) holds the one table that
turns each into a status, a problem type and a French text. An error carries the facts its
answer needs, never a NIR, a password, a code or a token.
"""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """A refusal a person must read about (not a bug: bugs are any other exception)."""


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field of a form, in French, under the field's name."""

    champ: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"champ": self.champ, "message": self.message}


class InvalidForm(DomainError):
    """Form data to correct: one entry per offending field."""

    def __init__(self, errors: list[FieldError], detail: str | None = None) -> None:
        super().__init__(detail or "invalid form")
        self.errors = list(errors)
        self.detail = detail


class Busy(DomainError):
    """Simultaneous requests changed the same record again and again: none was applied."""


def invalid_field(champ: str, message: str) -> InvalidForm:
    return InvalidForm([FieldError(champ, message)])


class InvalidCursor(DomainError):
    """A pagination cursor that this service did not give for this list (tampered, foreign,
    or from another page of results)."""


class TooManyRequests(DomainError):
    """A rate limit reached; the person may try again after `retry_after_seconds`."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("rate limited")
        self.retry_after_seconds = retry_after_seconds
