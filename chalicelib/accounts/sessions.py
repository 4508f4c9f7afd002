"""Sessions: login with the 13-character NIR and the password, the lock after repeated
failures, the session token and its checks, logout.

An unknown NIR and a wrong password get the same answer and cost the same work (a decoy hash).
Session tokens are stored hashed; a session carries the account's epoch, bumped when every
session must end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import keyed_hashing
from ..clock import utc_now
from ..errors import TooManyRequests, invalid_field
from ..models import Account, Session
from ..models.account import ACTIVE
from ..observability import Metric, count, logger
from ..rate_limit import RateLimiter
from . import nir, passwords
from .elu import EluRecognition
from .errors import (
    AccountLocked,
    BadCredentials,
    Conflict,
    EmailNotVerified,
    NotLoggedIn,
    SessionExpired,
)
from .login_policy import LOCK_DURATION, MAX_FAILURES, WINDOW, FailureState
from .store import AccountStore


@dataclass(frozen=True)
class NewSession:
    token: str
    expires_at: datetime
    max_age_seconds: int
    nir_hash: str


def account_locked(until: datetime, now: datetime) -> AccountLocked:
    return AccountLocked(until, max(1, int((until - now).total_seconds()) + 1))


class Sessions:
    def __init__(
        self,
        store: AccountStore,
        hasher: keyed_hashing.KeyedHasher,
        elu: EluRecognition,
        limiter: RateLimiter,
        session_ttl: timedelta = timedelta(minutes=60),
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._hasher = hasher
        self._elu = elu
        self._limiter = limiter
        self._session_ttl = session_ttl
        self._now = clock

    def login(self, raw_nir: str, password: str) -> NewSession:
        """Each attempt is counted before its password is checked, for any NIR typed: attempts
        fired at once are checked 5 at most, then the NIR is locked, whether an account has it
        or not (a lock says nothing of the account's existence)."""
        try:
            body = nir.login_body(raw_nir)
        except nir.InvalidNir as error:
            raise invalid_field("nir", str(error)) from None
        now = self._now()
        nir_hash = self._hasher.nir(body)
        account = self._store.get(nir_hash)
        if account is None:
            self._count_unknown(nir_hash, now)
            passwords.verify_password(passwords.decoy_hash(), password)
            count(Metric.LOGIN_FAILED)
            raise BadCredentials()
        attempt = self._reserve(account, now)
        if not passwords.verify_password(account.password_hash, password):
            count(Metric.LOGIN_FAILED)
            if attempt.locks:
                self._store.lock(account, now + LOCK_DURATION)
                count(Metric.ACCOUNT_LOCKED)
                logger.info(
                    "Account locked after repeated login failures", extra={"account_id": account.id}
                )
            raise BadCredentials()
        if account.statut != ACTIVE:
            raise EmailNotVerified()
        self._elu.at_login(account)
        rehash = (
            passwords.hash_password(password)
            if passwords.needs_rehash(account.password_hash)
            else None
        )
        count(Metric.LOGIN_SUCCEEDED)
        try:
            return self.open(account, clear_failures=True, new_password_hash=rehash)
        except Conflict:  # locked by concurrent failures while this one was checked
            fresh = self._store.get(nir_hash) or account
            raise account_locked(fresh.locked_until or now + LOCK_DURATION, now) from None

    def _reserve(self, account: Account, now: datetime) -> FailureState:
        """Count this attempt on the account, on condition nobody counted one meanwhile (then
        read again): the count never loses an attempt, whatever arrives at once."""
        for _ in range(20):
            state = FailureState(
                int(account.failed_logins or 0), account.failures_since, account.locked_until
            )
            attempt = state.reserve(now)
            if attempt is None:
                raise account_locked(state.retry_at(now), now)
            try:
                self._store.reserve_login_attempt(account, attempt)
                return attempt
            except Conflict:
                account = self._store.get(account.nir_hash) or account
        raise account_locked(now + LOCK_DURATION, now)

    def _count_unknown(self, nir_hash: str, now: datetime) -> None:
        """A NIR without an account has its attempts counted too, and is locked alike."""
        try:
            self._limiter.hit("connexion", nir_hash, MAX_FAILURES, WINDOW, now)
        except TooManyRequests as limited:
            raise account_locked(
                now + timedelta(seconds=limited.retry_after_seconds), now
            ) from None

    def open(
        self,
        account: Account,
        fc_id_token: str | None = None,
        fc_acr: str | None = None,
        clear_failures: bool = False,
        new_password_hash: str | None = None,
    ) -> NewSession:
        """A new session; after a password login, in the same transaction as the attempts
        cleared (Conflict if a lock came meanwhile: it is never cleared)."""
        token = keyed_hashing.new_token()
        now = self._now()
        expires_at = now + self._session_ttl
        session = Session(
            keyed_hashing.token_hash(token),
            nir_hash=account.nir_hash,
            auth_epoch=account.auth_epoch or 0,
            created_at=now,
            expires_at=expires_at,
            fc_id_token=fc_id_token,
            fc_acr=fc_acr,
        )
        if clear_failures:
            self._store.create_session_clearing_failures(session, account, new_password_hash)
        else:
            self._store.create_session(session)
        return NewSession(
            token, expires_at, int(self._session_ttl.total_seconds()), account.nir_hash
        )

    def authenticate(self, token: str | None) -> Account:
        return self.current(token)[0]

    def current(self, token: str | None) -> tuple[Account, Session]:
        """The account of a live session, and the session (how it was opened)."""
        if not token:
            raise NotLoggedIn()
        session = self._store.get_session(keyed_hashing.token_hash(token))
        now = self._now()
        account = None
        if session is not None and now < session.expires_at:
            account = self._store.get(session.nir_hash)
        if (
            session is None
            or account is None
            or account.statut != ACTIVE
            or (account.auth_epoch or 0) != session.auth_epoch
        ):
            raise SessionExpired()
        return account, session

    def account(self, nir_hash: str) -> Account:
        """The account a session just opened belongs to."""
        account = self._store.get(nir_hash)
        if account is None:
            raise SessionExpired()
        return account

    def certify(self, session: NewSession, id_token: str, acr: str | None) -> None:
        self.certify_token(session.token, id_token, acr)

    def certify_token(self, token: str, id_token: str, acr: str | None) -> None:
        """The session counts as opened through FranceConnect, at this level."""
        self._store.certify_session(keyed_hashing.token_hash(token), id_token, acr)

    def franceconnect_id_token(self, token: str | None) -> tuple[str | None, str | None]:
        """The FranceConnect ID token of a session opened through it and its eIDAS level (for
        the logout, at the platform that gave it)."""
        session = self._store.get_session(keyed_hashing.token_hash(token)) if token else None
        return (session.fc_id_token, session.fc_acr) if session else (None, None)

    def end(self, token: str) -> None:
        self._store.delete_session(keyed_hashing.token_hash(token))
