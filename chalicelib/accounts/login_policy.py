"""When repeated login failures lock an account: 5 failures within 15 minutes lock it for 15
minutes. Each attempt is counted before its password is checked (`reserve`), so that attempts
fired at once are checked 5 at most; a success clears the count. Pure: the state goes in, the
next state comes out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)


@dataclass(frozen=True)
class FailureState:
    count: int = 0
    since: datetime | None = None
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def reserve(self, now: datetime) -> FailureState | None:
        """The state with one more attempt counted, or None when no attempt is left (locked,
        or the window's attempts used up by attempts still being checked)."""
        if self.is_locked(now):
            return None
        if self.since is None or now - self.since > WINDOW or self.locked_until is not None:
            return FailureState(1, now, None)  # a new window (an expired lock starts afresh)
        if self.count >= MAX_FAILURES:
            return None
        return FailureState(self.count + 1, self.since, None)

    def retry_at(self, now: datetime) -> datetime:
        """When attempts are allowed again, for a state that has none left."""
        if self.locked_until is not None and self.is_locked(now):
            return self.locked_until
        return max(now, (self.since or now) + WINDOW)

    @property
    def locks(self) -> bool:
        """A failure at this count locks the account."""
        return self.count >= MAX_FAILURES
